"""``corpuskit report DIR [--out FILE]``: regenerate the HTML report of a run."""

from __future__ import annotations

import time
from pathlib import Path

import click

from corpuskit.cli.common import user_errors_exit
from corpuskit.display import printable
from corpuskit.report import write_report_from_dir


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), metavar="DIR")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the report (default: DIR/report.html).",
)
@user_errors_exit
def report(directory: Path, out_file: Path | None) -> None:
    """Write the quality report of the `corpuskit clean` output folder DIR.

    The report is one self-contained HTML file (no network access, opens from disk):
    totals, removals by rule with highlighted examples, per-source rates, charts,
    duplicate clusters side by side and a sample of cleaned documents.
    """
    started = time.perf_counter()
    path = write_report_from_dir(directory, out_file)
    size_kb = path.stat().st_size / 1024
    took = time.perf_counter() - started
    click.echo(f"wrote {printable(path)} ({size_kb:,.0f} KB in {took:.1f} s)")
