"""The pipeline: the one spine for ``clean``, ``check`` and ``index``.

read -> validate -> dedup -> split -> write, as passes over parts of the corpus that an
engine runs (:mod:`corpuskit.engine`). Stages only add columns; rows leave the frame in
exactly one place, :func:`~corpuskit.pipeline.passes.split`, which sends every document
to either ``clean`` or ``rejected`` (with its reason), so nothing is ever lost silently.
"""

from __future__ import annotations

import logging
import time

import polars as pl

from corpuskit.config import Config
from corpuskit.dedup import dedup
from corpuskit.pipeline.check import check_paths
from corpuskit.pipeline.clean import DEFAULT_OUT, CleanResult, clean, seed_inputs
from corpuskit.pipeline.passes import split
from corpuskit.pipeline.run import BATCH_ROWS, ProgressFactory, silent
from corpuskit.rules import RuleSet
from corpuskit.validate import apply_findings, validate

log = logging.getLogger(__name__)


def run_stages(
    frame: pl.DataFrame,
    *,
    config: Config,
    ruleset: RuleSet | None,
    do_validate: bool = True,
    do_dedup: bool = True,
    progress: ProgressFactory = silent,
) -> pl.DataFrame:
    """Validate and deduplicate ``frame``; every row comes back, with decision columns."""
    started = time.perf_counter()
    if do_validate:
        with progress("validating", frame.height) as advance:
            frame = validate(frame, ruleset=ruleset, options=config.validate, progress=advance)
        log.info("validated %d documents in %.1f s", frame.height, time.perf_counter() - started)
    else:
        frame = apply_findings(frame)
    if do_dedup:
        started = time.perf_counter()
        with progress("deduplicating", frame.height) as advance:
            frame = dedup(frame, options=config.dedup, progress=advance)
        log.info("deduplicated in %.1f s", time.perf_counter() - started)
    return frame


__all__ = [
    "BATCH_ROWS",
    "DEFAULT_OUT",
    "CleanResult",
    "check_paths",
    "clean",
    "run_stages",
    "seed_inputs",
    "split",
]
