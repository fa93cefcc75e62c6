"""The whole check on files: read, validate, look up the index, build the report.

This is what ``corpuskit check`` runs, usable from Python too. It reads the incoming
files (never writes anything), validates them with the same rules as ``corpuskit clean``,
optionally asks a persisted duplicate index (``corpuskit index build``) whether any
incoming document copies a document of the existing corpus, and returns a
:class:`~corpuskit.check.run.CheckReport`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import polars as pl

import corpuskit
from corpuskit.check.result import CheckReport, build_report
from corpuskit.codes import code_registry
from corpuskit.config import Config
from corpuskit.io import read_corpus
from corpuskit.progress import ProgressCallback
from corpuskit.rules import load_ruleset
from corpuskit.validate import validate


def with_selection(
    config: Config, *, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> Config:
    """``select`` replaces the configured selection; ``ignore`` adds to it."""
    options = config.validate
    changes: dict[str, tuple[str, ...]] = {}
    if select:
        changes["select"] = tuple(select)
    if ignore:
        changes["ignore"] = (*options.ignore, *ignore)
    if not changes:
        return config
    return config.replace(validate=dataclasses.replace(options, **changes))


def query_index(index_path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """Matches of ``frame`` in the persisted index at ``index_path``."""
    from corpuskit.dedup.index import open_index

    return open_index(index_path).query(frame)


def dedup_within(frame: pl.DataFrame, config: Config, workers: int) -> pl.DataFrame:
    """Duplicates inside the incoming batch itself, as ``DUP…`` findings."""
    from corpuskit.dedup import dedup

    return dedup(frame, options=config.dedup, workers=workers)


def check_paths(
    paths: Sequence[Path],
    *,
    config: Config | None = None,
    against: Path | None = None,
    fail_on: str = "error",
    batch_dedup: bool = False,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> CheckReport:
    """Check the documents in ``paths`` and return the report (nothing is written).

    Args:
        paths: input files or folders, as for ``corpuskit clean``.
        config: input mapping, rule selection and severity overrides.
        against: a persisted duplicate index; matches become ``IDX001`` findings.
        fail_on: ``info``, ``warning``, ``error`` or ``never``; sets ``exit_code``.
        batch_dedup: also report duplicates among the incoming documents themselves.
        workers: processes for validation (0 = every core).
    """
    config = config or Config()
    frame = read_corpus(list(paths), options=config.input, progress=progress)
    options = config.validate
    ruleset = load_ruleset([Path(d) for d in options.rule_dirs])
    validated = validate(
        frame,
        ruleset=ruleset,
        options=dataclasses.replace(options, rule_dirs=()),
        workers=workers,
    )
    if batch_dedup:
        validated = dedup_within(validated, config, workers)
    matches = query_index(against, validated) if against is not None else None
    return build_report(
        validated,
        matches=matches,
        codes=code_registry(ruleset),
        severity=options.severity,
        ignore=options.ignore,
        fail_on=fail_on,
        tool_version=corpuskit.__version__,
    )
