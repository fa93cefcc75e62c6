"""``corpuskit check``: lint incoming documents in CI; exit 0, 1 or 2."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from corpuskit.check.formats import FORMATS, human, render
from corpuskit.check.levels import FAIL_ON_LEVELS
from corpuskit.cli.common import (
    EXIT_USAGE,
    checked_code_registry,
    column_options,
    config_option,
    fail,
    user_errors_exit,
)
from corpuskit.config import load_config
from corpuskit.io import write_text_atomic
from corpuskit.io.location import local_path
from corpuskit.pipeline import check_paths


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeatable, comma-separable flag values: ``--ignore Q101,BP --ignore IDX``."""
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option(
    "--against",
    type=click.Path(),
    help="Duplicate index of the existing corpus (from `corpuskit index build`).",
)
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="human",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(FAIL_ON_LEVELS)),
    default="error",
    show_default=True,
    help="Lowest severity that makes the check fail (exit 1); `never` always exits 0.",
)
@click.option(
    "--select", multiple=True, help="Report only these codes, code prefixes or categories."
)
@click.option("--ignore", multiple=True, help="Leave out these codes, code prefixes or categories.")
@click.option(
    "--batch-dedup", is_flag=True, help="Also report duplicates among the incoming documents."
)
@click.option("--show-suppressed", is_flag=True, help="List allow-listed findings (human format).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@column_options
@click.option("--workers", type=int, help="Processes to use (default: config, else all cores).")
@click.option(
    "-q", "--quiet", is_flag=True, help="Findings only: no summary line (the exit code says it)."
)
@user_errors_exit
def check(
    inputs: tuple[Path, ...],
    against: Path | None,
    config_file: Path | None,
    fmt: str,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    batch_dedup: bool,
    show_suppressed: bool,
    output: Path | None,
    text_col: str | None,
    title_col: str | None,
    id_col: str | None,
    workers: int | None,
    quiet: bool,
) -> None:
    """Check incoming documents in INPUTS before they join the corpus.

    Runs the boilerplate and quality rules and, with --against, looks every document up
    in a duplicate index of the existing corpus. Writes nothing into the corpus.

    Exit codes: 0 nothing at or above --fail-on was found; 1 something was; 2 a usage,
    configuration or unreadable-input problem.

    A document can carry known exceptions in a `corpuskit_allow` field (a list of codes
    or a comma-separated string); those findings are suppressed and counted.
    """
    if not inputs:
        fail("no INPUT given; name the files or folders of incoming documents to check")
    config = load_config(config_file)
    column_flags = {"text_col": text_col, "title_col": title_col, "id_col": id_col}
    column_flags = {k: v for k, v in column_flags.items() if v is not None}
    if column_flags:
        config = config.replace(input=dataclasses.replace(config.input, **column_flags))
    if against is not None:
        against = local_path(
            against,
            what="the index given to --against",
            why="its signatures are read as memory-mapped files",
            hint="copy the index folder to a local or mounted disk and pass that",
        )
    registry = checked_code_registry(config, config_file)
    registry.check_selectors(_codes(select), "--select")
    registry.check_selectors(_codes(ignore), "--ignore")
    report = check_paths(
        list(inputs),
        config=config,
        select=_codes(select),
        ignore=_codes(ignore),
        against=against,
        fail_on=fail_on,
        batch_dedup=batch_dedup,
        workers=(config if workers is None else config.replace(workers=workers)).workers,
    )
    if fmt == "human":
        text = human.render(
            report, style=click.style, show_suppressed=show_suppressed, summary=not quiet
        )
    else:
        text = render(report, fmt)
    if output is not None:
        try:
            write_text_atomic(click.unstyle(text), output)
        except OSError as exc:
            fail(f"cannot write the report to {output}: {exc.strerror}", EXIT_USAGE)
    else:
        click.echo(text, nl=False, color=None)
    if not quiet and (fmt != "human" or output is not None):
        # machine formats keep stdout parseable; the verdict goes to stderr for the log
        click.echo(human.summary_line(report), err=True)
    sys.exit(report.exit_code)
