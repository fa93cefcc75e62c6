"""``corpuskit index``: build and extend a persistent duplicate index of an existing corpus.

``check --against INDEX`` then says which indexed document an incoming one copies.
Inputs are read and validated like ``clean`` does, so boilerplate that validators strip
(outlet furniture, link blocks) does not count as shared text.
"""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from corpuskit import pipeline
from corpuskit.cli.common import FullHelpGroup, config_option, user_errors_exit
from corpuskit.cli.progress import progress_bars
from corpuskit.config import Config, load_config
from corpuskit.dedup.index import add_to_index, build_index, open_index
from corpuskit.io import read_corpus
from corpuskit.rules import load_ruleset

_no_validate_option = click.option(
    "--no-validate", is_flag=True, help="Index the raw text (skip the boilerplate rules)."
)
_quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")


def _prepared(inputs: tuple[Path, ...], config: Config, *, validate: bool, quiet: bool):
    """Read ``inputs`` and run the validators (no dedup): the frame the index stores."""
    frame = read_corpus([Path(p) for p in inputs], options=config.input)
    ruleset = None
    if validate:
        ruleset = load_ruleset(
            [Path(d) for d in config.validate.rule_dirs],
            select=config.validate.select,
            ignore=config.validate.ignore,
        )
    return pipeline.run_stages(
        frame,
        config=config,
        ruleset=ruleset,
        do_validate=validate,
        do_dedup=False,
        progress=progress_bars(not quiet),
    )


def _indexed(frame: pl.DataFrame) -> int:
    return (
        frame.filter(pl.col("drop_reason").is_null()).height
        if "drop_reason" in frame.columns
        else frame.height
    )


@click.group(cls=FullHelpGroup)
def index() -> None:
    """Build or extend a duplicate index (a folder of files; no server needed)."""


@index.command("build")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Index folder to create (must not exist).",
)
@config_option
@_no_validate_option
@_quiet_option
@user_errors_exit
def build(
    inputs: tuple[Path, ...], out: Path, config_file: Path | None, no_validate: bool, quiet: bool
) -> None:
    """Index the documents of INPUTS into a new folder --out.

    Documents that a validation rule drops are not indexed. The MinHash parameters
    come from [dedup] in the configuration and are stored in the index.
    """
    config = load_config(config_file)
    frame = _prepared(inputs, config, validate=not no_validate, quiet=quiet)
    build_index(frame, out, options=config.dedup)
    if not quiet:
        click.echo(f"indexed {_indexed(frame):,} of {frame.height:,} documents into {out}")


@index.command("add")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--index",
    "index_path",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Existing index folder to extend.",
)
@config_option
@_no_validate_option
@_quiet_option
@user_errors_exit
def add(
    inputs: tuple[Path, ...],
    index_path: Path,
    config_file: Path | None,
    no_validate: bool,
    quiet: bool,
) -> None:
    """Add the documents of INPUTS to the index --index (its own parameters are used)."""
    config = load_config(config_file)
    open_index(index_path)  # fail before reading the corpus if the index is unusable
    frame = _prepared(inputs, config, validate=not no_validate, quiet=quiet)
    add_to_index(frame, index_path)
    if not quiet:
        total = open_index(index_path).documents
        click.echo(f"added {_indexed(frame):,} documents to {index_path} ({total:,} in all)")
