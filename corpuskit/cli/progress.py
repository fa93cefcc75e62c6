"""Progress bars for long stages: shown on a terminal, silent in pipes, CI and --quiet."""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterator

import click

from corpuskit.progress import ProgressCallback


def progress_bars(enabled: bool):
    """A ``(label, total) -> context`` factory for :mod:`corpuskit.pipeline`; a total of
    0 means not known yet (a pass that runs while the inputs are read): the bar counts."""

    @contextlib.contextmanager
    def factory(label: str, total: int) -> Iterator[ProgressCallback]:
        if not enabled or not sys.stderr.isatty():
            yield lambda _n: None
            return
        size = {"length": total} if total > 0 else {"iterable": itertools.count()}
        with click.progressbar(**size, label=f"{label:<14}", file=sys.stderr, show_pos=True) as bar:
            yield bar.update

    return factory
