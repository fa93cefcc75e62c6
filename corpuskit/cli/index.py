"""``corpuskit index``: build and extend a persistent duplicate index of an existing corpus.

``check --against INDEX`` then says which indexed document an incoming one copies.
Inputs are read and validated like ``clean`` does, so boilerplate that validators strip
(outlet furniture, link blocks) does not count as shared text.
"""

from __future__ import annotations

from pathlib import Path

import click

from corpuskit.cli.common import FullHelpGroup, config_option, user_errors_exit
from corpuskit.cli.progress import progress_bars
from corpuskit.codes import load_code_registry
from corpuskit.config import Config, load_config
from corpuskit.dedup.index import DEFAULT_LOCK_TIMEOUT, IndexWriter
from corpuskit.display import printable
from corpuskit.io.location import input_path, local_path
from corpuskit.pipeline.index import IndexRun, index_corpus

_no_validate_option = click.option(
    "--no-validate", is_flag=True, help="Index the raw text (skip the boilerplate rules)."
)
_quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
_lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    help="Seconds to wait while another run writes the same index (0: fail at once).",
)


def _index_folder(raw: str) -> Path:
    """The index folder, which must be local: object storage cannot hold it."""
    return local_path(
        raw,
        what="an index folder",
        why="runs add to it in place under a lock, which object storage cannot do",
        hint="build or extend the index on a local or mounted disk; copy the folder to "
        "object storage afterwards to keep it there",
    )


def _waiting(message: str) -> None:
    click.echo(message, err=True)


def _left_out(run: IndexRun, config_rule_dirs) -> list[str]:
    """Lines naming the documents a validation rule kept out of the index, and why."""
    if not run.left_out:
        return []
    names = load_code_registry(config_rule_dirs).names()
    total = sum(run.left_out.values())
    lines = [f"left out {total:,} document(s) that a validation rule drops:"]
    for code, n in run.left_out.most_common():
        lines.append(f"  {code:<8} {names.get(code, ''):<30} {n:>8,}")
    shown = ", ".join(f"{printable(i)} ({c})" for i, c in run.left_out_examples)
    more = "" if total <= len(run.left_out_examples) else ", ..."
    lines.append(f"  ids: {shown}{more}")
    return lines


def _run(inputs, writer, config: Config, *, validate: bool, quiet: bool) -> IndexRun:
    return index_corpus(
        [input_path(p) for p in inputs],
        writer,
        config=config,
        do_validate=validate,
        progress=progress_bars(not quiet),
    )


@click.group(cls=FullHelpGroup)
def index() -> None:
    """Build or extend a duplicate index (a folder of files; no server needed)."""


@index.command("build")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Index folder to create (must not exist; a local or mounted disk).",
)
@config_option
@_no_validate_option
@_quiet_option
@_lock_timeout_option
@user_errors_exit
def build(
    inputs: tuple[Path, ...],
    out: str,
    config_file: Path | None,
    no_validate: bool,
    quiet: bool,
    lock_timeout: float,
) -> None:
    """Index the documents of INPUTS into a new folder --out.

    Documents that a validation rule drops are not indexed. The MinHash parameters
    come from [dedup] in the configuration and are stored in the index.
    """
    out = _index_folder(out)
    config = load_config(config_file)
    writer = IndexWriter(
        out, config.dedup, mode="build", lock_timeout=lock_timeout, on_wait=_waiting
    )
    with writer:
        run = _run(inputs, writer, config, validate=not no_validate, quiet=quiet)
    if not quiet:
        done = writer.summary
        click.echo(run.read)
        click.echo(f"indexed {done.added:,} of {run.documents:,} documents into {printable(out)}")
        for line in _left_out(run, config.validate.rule_dirs):
            click.echo(line)


@index.command("add")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--index",
    "index_path",
    required=True,
    type=click.Path(file_okay=False),
    help="Existing index folder to extend (a local or mounted disk).",
)
@config_option
@_no_validate_option
@_quiet_option
@click.option(
    "--skip-indexed",
    is_flag=True,
    help="Leave out documents whose id is already indexed (default: refuse to add them).",
)
@_lock_timeout_option
@user_errors_exit
def add(
    inputs: tuple[Path, ...],
    index_path: str,
    config_file: Path | None,
    no_validate: bool,
    quiet: bool,
    skip_indexed: bool,
    lock_timeout: float,
) -> None:
    """Add the documents of INPUTS to the index --index (its own parameters are used).

    A document whose id is already in the index is refused (the index would hold it
    twice); --skip-indexed leaves such documents out and keeps their indexed version.
    """
    index_path = _index_folder(index_path)
    config = load_config(config_file)
    writer = IndexWriter(
        index_path,
        mode="add",
        skip_indexed=skip_indexed,
        lock_timeout=lock_timeout,
        on_wait=_waiting,
    )  # fails before reading the corpus if the index is unusable
    with writer:
        run = _run(inputs, writer, config, validate=not no_validate, quiet=quiet)
    if not quiet:
        done = writer.summary
        click.echo(run.read)
        skipped = f", {done.skipped:,} already indexed left out" if done.skipped else ""
        click.echo(
            f"added {done.added:,} documents to {printable(index_path)}{skipped} "
            f"({done.documents:,} in all)"
        )
        for line in _left_out(run, config.validate.rule_dirs):
            click.echo(line)
