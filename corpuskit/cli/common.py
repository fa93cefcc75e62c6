"""What every command shares: turning user mistakes into messages and exit codes.

Exit codes: 0 success, 1 a check found problems at or above ``--fail-on``, 2 a usage,
configuration or input problem (a :class:`~corpuskit.errors.CorpuskitError`).

Messages often quote corpus strings (an id, a file name); they are printed through
:func:`corpuskit.display.printable`, so a control character in them cannot reach the
terminal or start a new line of a CI log.
"""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpuskit import interruption
from corpuskit.codes import CodeRegistry, check_rule_selection, load_code_registry
from corpuskit.config import Config, discover_config_file
from corpuskit.display import printable
from corpuskit.errors import CorpuskitError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # what shells report for a command stopped by Ctrl-C


def fail(message: str, code: int = EXIT_USAGE, *, hint: str | None = None) -> None:
    """Print ``message`` (and ``hint``) to stderr as an error and exit with ``code``."""
    text = f"error: {printable(message)}"
    if hint:
        text += f"\n  hint: {printable(hint)}"
    click.secho(text, fg="red", err=True)
    sys.exit(code)


def user_errors_exit(func: F) -> F:
    """Decorator: a CorpuskitError becomes a one-paragraph message and exit code 2, and
    an interruption (Ctrl-C or SIGTERM, handled alike) a short message and exit 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        interruption.clear()
        previous = {
            sig: signal.signal(sig, interruption.stop_handler)
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            return func(*args, **kwargs)
        except CorpuskitError as exc:
            message = str(exc.args[0]) if exc.args else type(exc).__name__
            fail(message, exc.exit_code, hint=exc.hint)
        except KeyboardInterrupt as exc:
            fail(f"interrupted; {exc}" if str(exc) else "interrupted", EXIT_INTERRUPTED)
        except BaseException as exc:
            if not interruption.is_interruption(exc):
                raise
            fail("interrupted", EXIT_INTERRUPTED)
        finally:
            interruption.clear()  # first: no stop handed back once the handlers are restored
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    return wrapper  # type: ignore[return-value]


class FullHelpGroup(click.Group):
    """A command group whose ``--help`` shows each command's whole first sentence.

    Click cuts summaries to the terminal width minus the name column and ends them in
    "..."; here the summary wraps onto the next line instead.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def config_origin(config_file: Path | None, cwd: Path | None = None) -> str:
    """Where the configuration comes from, for messages: the file, or the defaults."""
    if config_file is not None:
        return str(config_file)
    found = discover_config_file(cwd or Path.cwd())
    return str(found[0]) if found is not None else "the default configuration"


def checked_code_registry(config: Config, config_file: Path | None) -> CodeRegistry:
    """The registry of every code, with the rules of the config's rule folders.

    Raises :class:`~corpuskit.errors.ConfigError` when ``select``, ``ignore``,
    ``per_source`` or ``severity`` name a code that does not exist.
    """
    registry = load_code_registry(config.validate.rule_dirs)
    check_rule_selection(
        config.validate, registry, where=f"{config_origin(config_file)}: [validate]"
    )
    return registry


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
