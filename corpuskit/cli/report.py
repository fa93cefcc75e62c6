"""``corpuskit report DIR [--out FILE]``: regenerate the HTML report of a run."""

from __future__ import annotations

import time

import click

from corpuskit.cli.common import user_errors_exit
from corpuskit.display import printable
from corpuskit.io.location import local_path
from corpuskit.report import write_report_from_dir


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), metavar="DIR")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the report (default: DIR/report.html).",
)
@user_errors_exit
def report(directory: str, out_file: str | None) -> None:
    """Write the quality report of the `corpuskit clean` output folder DIR.

    The report is one self-contained HTML file (no network access, opens from disk):
    totals, removals by rule with highlighted examples, per-source rates, charts,
    duplicate clusters side by side and a sample of cleaned documents.

    DIR and --out are on a local or mounted disk: copy an output on object storage
    here first (its report.html is already in it).
    """
    started = time.perf_counter()
    why = "the report is rendered from files read and written in place"
    hint = (
        "copy the output folder to a local disk first (it already holds report.html), "
        "or read its datasets with corpuskit.scan_output"
    )
    folder = local_path(directory, what="DIR", why=why, hint=hint)
    target = None if out_file is None else local_path(out_file, what="--out", why=why, hint=hint)
    path = write_report_from_dir(folder, target)
    size_kb = path.stat().st_size / 1024
    took = time.perf_counter() - started
    click.echo(f"wrote {printable(path)} ({size_kb:,.0f} KB in {took:.1f} s)")
