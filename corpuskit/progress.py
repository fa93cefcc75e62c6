"""Progress reporting that stages can accept without printing anything themselves.

A stage takes an optional ``progress`` callable and calls it with the number of items it
has just finished. The CLI passes one that advances a progress bar; tests pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[int], None]


def no_progress(_done: int) -> None:
    """The default callback: does nothing."""
