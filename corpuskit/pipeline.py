"""The two jobs corpuskit does, as plain functions: ``clean`` and the stage chain under it.

``clean``: read -> validate -> dedup -> split -> write. Stages only add columns; rows
leave the frame in exactly one place, :func:`split`, which sends every document to either
``clean`` or ``rejected`` (with its reason), so nothing is ever lost silently.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

import corpuskit
from corpuskit import schema
from corpuskit.config import Config
from corpuskit.datafiles import data_dir
from corpuskit.dedup import dedup
from corpuskit.io import (
    output_dir,
    read_corpus,
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)
from corpuskit.progress import ProgressCallback
from corpuskit.report import build_summary, render_report
from corpuskit.rules import RuleSet, load_ruleset
from corpuskit.validate import apply_findings, validate

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("reports") / "latest"

# Columns that describe the run, not the document: kept out of clean/rejected Parquet.
_INTERNAL_COLUMNS = (schema.FINDINGS, schema.KEEP, schema.DROP_REASON)

# A factory the CLI passes to show progress: (label, total) -> context giving a callback.
ProgressFactory = Callable[[str, int], AbstractContextManager[ProgressCallback]]


@contextlib.contextmanager
def _silent(_label: str, _total: int) -> Iterator[ProgressCallback]:
    yield lambda _n: None


@dataclass(frozen=True)
class CleanResult:
    out_dir: Path
    summary: dict
    seconds: float


def seed_inputs() -> list[Path]:
    """The bundled sample: every corpus file and text folder directly under ``seeds/``
    (in a checkout, or installed with the package under ``share/corpuskit/seeds``)."""
    folder = data_dir("seeds", "the bundled sample (seeds/)")
    return sorted(
        p for p in folder.iterdir() if p.is_dir() or p.name.endswith((".jsonl", ".parquet"))
    )


def run_stages(
    frame: pl.DataFrame,
    *,
    config: Config,
    ruleset: RuleSet | None,
    do_validate: bool = True,
    do_dedup: bool = True,
    progress: ProgressFactory = _silent,
) -> pl.DataFrame:
    """Validate and deduplicate ``frame``; every row comes back, with decision columns."""
    workers = config.workers
    started = time.perf_counter()
    if do_validate:
        with progress("validating", frame.height) as advance:
            frame = validate(
                frame, ruleset=ruleset, options=config.validate, workers=workers, progress=advance
            )
        log.info("validated %d documents in %.1f s", frame.height, time.perf_counter() - started)
    else:
        frame = apply_findings(frame)
    if do_dedup:
        started = time.perf_counter()
        with progress("deduplicating", frame.height) as advance:
            frame = dedup(frame, options=config.dedup, workers=workers, progress=advance)
        log.info("deduplicated in %.1f s", time.perf_counter() - started)
    return frame


def split(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Kept and rejected documents. Rejected ones carry ``reject_reason``: the code of the
    rule that dropped them, or ``duplicate`` (then ``dup_of`` names the kept copy)."""
    dropped = pl.col(schema.DROP_REASON).is_not_null()
    if schema.KEEP in frame.columns:
        dropped = dropped | pl.col(schema.KEEP).not_()
    frame = frame.with_columns(_rejected=dropped.fill_null(False))
    clean = frame.filter(~pl.col("_rejected")).drop(
        "_rejected", *_present(frame, _INTERNAL_COLUMNS)
    )
    rejected = (
        frame.filter(pl.col("_rejected"))
        .with_columns(
            pl.coalesce(pl.col(schema.DROP_REASON), pl.lit("duplicate")).alias(schema.REJECT_REASON)
        )
        .drop("_rejected", *_present(frame, _INTERNAL_COLUMNS))
    )
    return clean, rejected


def _present(frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c in frame.columns]


def _check_accounted(frame: pl.DataFrame, clean: pl.DataFrame, rejected: pl.DataFrame) -> None:
    """The invariant: every input document is in exactly one of clean and rejected."""
    if clean.height + rejected.height != frame.height or set(clean[schema.ID]) & set(
        rejected[schema.ID]
    ):
        raise AssertionError(
            f"{frame.height} documents in, {clean.height} kept + {rejected.height} rejected"
        )


def clean(
    inputs: Sequence[Path],
    out: Path,
    *,
    config: Config | None = None,
    overwrite: bool = False,
    do_validate: bool = True,
    do_dedup: bool = True,
    progress: ProgressFactory = _silent,
) -> CleanResult:
    """Clean ``inputs`` into the folder ``out``: clean/rejected/findings Parquet,
    summary.json and report.html, all appearing at once when the run succeeds."""
    started = time.perf_counter()
    config = config or Config()
    inputs = [Path(p) for p in inputs]
    ruleset = load_ruleset(
        [Path(d) for d in config.validate.rule_dirs],
        select=config.validate.select,
        ignore=config.validate.ignore,
    )
    with output_dir(out, inputs=inputs, overwrite=overwrite) as tmp:
        frame = read_corpus(inputs, options=config.input)
        log.info("read %d documents from %d input(s)", frame.height, len(inputs))
        frame = run_stages(
            frame,
            config=config,
            ruleset=ruleset,
            do_validate=do_validate,
            do_dedup=do_dedup,
            progress=progress,
        )
        findings = schema.findings_table(frame)
        kept, rejected = split(frame)
        _check_accounted(frame, kept, rejected)
        run = {
            "corpuskit_version": corpuskit.__version__,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "inputs": [str(p) for p in inputs],
            "stages": {"validate": do_validate, "dedup": do_dedup},
            "parameters": config,
            "rules": len(ruleset.rules),
            "seconds": round(time.perf_counter() - started, 2),
        }
        summary = build_summary(clean=kept, rejected=rejected, findings=findings, run=run)
        write_parquet_atomic(kept, tmp / "clean.parquet")
        write_parquet_atomic(rejected, tmp / "rejected.parquet")
        write_parquet_atomic(findings, tmp / "findings.parquet")
        write_json_atomic(summary, tmp / "summary.json")
        with progress("writing report", 1) as advance:
            html = render_report(
                clean=kept, rejected=rejected, findings=findings, summary=summary, ruleset=ruleset
            )
            write_text_atomic(html, tmp / "report.html")
            advance(1)
    return CleanResult(out_dir=out, summary=summary, seconds=time.perf_counter() - started)
