"""The passes of a run, as tasks an engine runs on one part each.

A corpus goes through these passes, each over every part (input batch) of the run:

1. **ingest** (in the driver): read the inputs batch by batch into ``input`` parts;
2. **fit** (:func:`fit_task`): the corpus-level statistics of each part, merged in part
   order into the validation evidence (only when a corpus-level rule is active); each
   part is fitted as soon as it is read;
3. **prepare** (:func:`prepare_task`): validate each part with that evidence
   (``validated`` parts) and sign it for deduplication (``keys`` parts: hashes, MinHash
   signatures and LSH band keys; no text). Without validation nothing corpus-wide is
   needed, and each part is signed as soon as it is read (:func:`sign_streamed_task`);
4. **link** (in the driver, over keys only): clusters and kept documents;
5. **write** (:func:`write_task`): annotate each part with the link pass's decisions,
   split it into kept and rejected documents, write the output parts, measure their
   bodies for the report's charts and return the part's summary tables.

Tasks are module-level functions ``task(context, part) -> result`` (``part`` a part
number, or an :class:`InputPart` for a task that runs as the inputs are read) so that a
worker process can run them; the :class:`RunContext` carries everything they share. A task
whose outputs already exist (a resumed run) returns without redoing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.config import Config
from corpuskit.dedup.annotate import annotate_batch
from corpuskit.dedup.sign import sign_batch
from corpuskit.io import align
from corpuskit.io.datasets import (
    DatasetFormat,
    dataset_folder,
    dataset_format,
    scan_dataset,
    write_dataset_part,
)
from corpuskit.pipeline.workdir import WorkDir, part_name
from corpuskit.report.bodies import body_measures
from corpuskit.report.summary import summary_parts
from corpuskit.rules import RuleSet
from corpuskit.validate import (
    CorpusPartial,
    Evidence,
    ValidationPlan,
    apply_batch,
    apply_findings,
    fit_batch,
)

INPUT, VALIDATED, KEYS, SUMMARY = "input", "validated", "keys", "summary"
BODIES = "bodies"  # the body measures of each written part, for the report's charts
# The output datasets (schema.OUTPUT_DATASETS): folders of parts named like files
# (``clean.parquet/part-00000.parquet``, or ``clean.jsonl/part-00000.jsonl.zst`` with
# ``[output] format``; see corpuskit.io.datasets).
OUTPUTS = tuple(schema.OUTPUT_DATASETS)
DECISIONS, FLAGS = "links/decisions.parquet", "links/flags.parquet"

# Columns that describe the run, not the document: kept out of clean/rejected parts.
INTERNAL_COLUMNS = (schema.FINDINGS, schema.KEEP, schema.DROP_REASON)


@dataclass(frozen=True)
class RunContext:
    """What every task of a run shares (sent once to each worker process)."""

    work: WorkDir
    out: Path
    config: Config
    plan: ValidationPlan | None  # the rules, resolved once (None: no validation)
    do_validate: bool
    do_dedup: bool
    first_rows: tuple[int, ...] = ()
    input_schema: Mapping[str, pl.DataType] = field(default_factory=dict)
    evidence: Evidence | None = None
    # dates given in no form dedup reads: {"documents": n, "examples": [...]}
    dates_unread: Mapping[str, Any] | None = None

    @property
    def output_format(self) -> DatasetFormat:
        return dataset_format(self.config.output.format)

    @property
    def ruleset(self) -> RuleSet | None:
        """The run's rules as a rule set (for names and rationales in reports)."""
        return None if self.plan is None else RuleSet(tuple(self.plan.all_rules()))


# Documents validated at once inside a part. Validation holds every document of a slice
# as Python objects (its lines, folded forms and spans), about 80 KB each, so a worker's
# memory follows the slice, not the part; results do not depend on how a part is sliced.
APPLY_ROWS = 1_000


def _validated(context: RunContext, frame: pl.DataFrame) -> pl.DataFrame:
    if not context.do_validate or context.plan is None:
        return apply_findings(frame)
    if frame.height <= APPLY_ROWS:
        return apply_batch(frame, context.plan, context.evidence)
    return pl.concat(
        [
            apply_batch(frame.slice(start, APPLY_ROWS), context.plan, context.evidence)
            for start in range(0, frame.height, APPLY_ROWS)
        ],
        how="vertical_relaxed",
    )


def validated_part(context: RunContext, part: int) -> pl.DataFrame:
    """One part after validation: as the prepare pass stored it, or, in a run without
    validation (which only applies the reader's findings, a cheap step), recomputed."""
    if context.do_validate:
        return context.work.read_frame(VALIDATED, part)
    return _validated(context, align(context.work.read_frame(INPUT, part), context.input_schema))


def prepare_task(context: RunContext, part: int) -> None:
    """Validate one part (stored for the later passes) and, when deduplicating, compute
    its keys."""
    work = context.work
    done = (not context.do_validate or work.part(VALIDATED, part).is_file()) and (
        not context.do_dedup or work.part(KEYS, part).is_file()
    )
    if done:
        return
    frame = align(work.read_frame(INPUT, part), context.input_schema)
    frame = _validated(context, frame)
    if context.do_dedup:
        keys = sign_batch(frame, context.config.dedup, first_row=context.first_rows[part])
        work.write_frame(keys, KEYS, part)
    if context.do_validate:
        work.write_frame(frame, VALIDATED, part)


@dataclass(frozen=True)
class InputPart:
    """An ``input`` part as the ingest stream yields it: its number, the corpus row of
    its first document (known before the rest of the corpus is read), its documents, and
    whether it is known to be the last (every input read by the time it is yielded)."""

    index: int
    first_row: int
    rows: int
    last: bool = False


def fit_task(context: RunContext, part: InputPart) -> CorpusPartial:
    """The corpus-level statistics of one input part (fitted as soon as it is read)."""
    assert context.plan is not None
    return fit_batch(context.work.read_frame(INPUT, part.index), context.plan)


def sign_streamed_task(context: RunContext, part: InputPart) -> None:
    """Sign one part of a run without validation as soon as it is read, with the
    columns it was read with (the driver signs it again if the union of all parts'
    columns turns out to differ from them)."""
    work = context.work
    if not context.do_dedup or work.part(KEYS, part.index).is_file():
        return
    frame = _validated(context, work.read_frame(INPUT, part.index))
    keys = sign_batch(frame, context.config.dedup, first_row=part.first_row)
    work.write_frame(keys, KEYS, part.index)


def split(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Kept and rejected documents. Rejected ones carry ``reject_reason``: the code of the
    rule that dropped them, or ``duplicate`` (then ``dup_of`` names the kept copy)."""
    dropped = pl.col(schema.DROP_REASON).is_not_null()
    if schema.KEEP in frame.columns:
        dropped = dropped | pl.col(schema.KEEP).not_()
    frame = frame.with_columns(_rejected=dropped.fill_null(False))
    internal = [c for c in INTERNAL_COLUMNS if c in frame.columns]
    clean = frame.filter(~pl.col("_rejected")).drop("_rejected", *internal)
    rejected = (
        frame.filter(pl.col("_rejected"))
        .with_columns(
            pl.coalesce(pl.col(schema.DROP_REASON), pl.lit("duplicate")).alias(schema.REJECT_REASON)
        )
        .drop("_rejected", *internal)
    )
    if clean.height + rejected.height != frame.height:
        raise AssertionError(
            f"{frame.height} documents in, {clean.height} kept + {rejected.height} rejected"
        )
    return clean, rejected


def _with_dedup_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The dedup columns a run without deduplication still writes (all null, all kept)."""
    missing = {c: t for c, t in schema.DEDUP_SCHEMA.items() if c not in frame.columns}
    return frame.with_columns(
        pl.lit(True if name == schema.KEEP else None, dtype).alias(name)
        for name, dtype in missing.items()
    )


def links_of(context: RunContext, part: int, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The decisions and flags (named by id) of the ``n`` rows of ``part``."""
    first = context.first_rows[part]
    in_part = pl.col("row").is_between(first, first + n - 1)
    decisions = scan_dataset(context.work.file(DECISIONS)).filter(in_part).collect()
    flags = scan_dataset(context.work.file(FLAGS)).filter(in_part).collect()
    return decisions, flags


def write_task(context: RunContext, part: int) -> dict[str, pl.DataFrame]:
    """Annotate one part, split it, write its output parts; returns its summary tables."""
    work = context.work
    summary_file = f"{SUMMARY}/{part_name(part, '.pickle')}"
    if work.has(summary_file):
        return work.load(summary_file)
    frame = validated_part(context, part)
    if context.do_dedup:
        decisions, flags = links_of(context, part, frame.height)
        frame = annotate_batch(frame, decisions, flags, first_row=context.first_rows[part])
    frame = _with_dedup_columns(frame)
    findings = schema.findings_table(frame)
    kept, rejected = split(frame)
    fmt = context.output_format
    for stem, table in zip(OUTPUTS, (kept, rejected, findings), strict=True):
        folder = dataset_folder(context.out, stem, fmt)
        write_dataset_part(table, folder / part_name(part, fmt.part_suffix), fmt)
    work.write_frame(body_measures(kept, rejected).collect(), BODIES, part)
    tables = summary_parts(clean=kept, rejected=rejected, findings=findings)
    work.save(tables, summary_file)
    return tables
