"""What every command shares: turning user mistakes into messages and exit codes.

Exit codes: 0 success, 1 a check found problems at or above ``--fail-on``, 2 a usage,
configuration or input problem (a :class:`~corpuskit.errors.CorpuskitError`).
"""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpuskit.errors import CorpuskitError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # what shells report for a command stopped by Ctrl-C


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print ``message`` to stderr as an error and exit with ``code``."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def user_errors_exit(func: F) -> F:
    """Decorator: a CorpuskitError becomes a one-paragraph message and exit code 2, and
    an interruption (Ctrl-C or SIGTERM, handled alike) a short message and exit 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            return func(*args, **kwargs)
        except CorpuskitError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt as exc:
            fail(f"interrupted; {exc}" if str(exc) else "interrupted", EXIT_INTERRUPTED)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML config file (default: corpuskit.toml or [tool.corpuskit] in pyproject.toml).",
)


def column_options(func: F) -> F:
    """``--text-col``, ``--title-col`` and ``--id-col``: how input columns map to documents."""
    for option in reversed(
        (
            click.option("--text-col", help="Column holding the article body (default: detected)."),
            click.option("--title-col", help="Column holding the headline (default: detected)."),
            click.option(
                "--id-col", help="Column holding the document id (default: detected or derived)."
            ),
        )
    ):
        func = option(func)
    return func
