"""The spine every command shares: ingest -> validate -> sign -> (link) -> sink.

:func:`prepare` takes a run from its inputs to validated and signed parts in a work
folder; what happens next depends on the command (``clean`` links and writes the
outputs, ``check`` looks the documents up, ``index`` stores their keys). Every pass
over parts runs on an engine (:mod:`corpuskit.engine`), so the same passes run on one
process, on the worker processes of this machine, or on a Ray cluster.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit.config import Config
from corpuskit.dedup.keytable import PartKeys
from corpuskit.dedup.link import Links, link
from corpuskit.io import CorpusReader, UniqueIds, write_parquet_atomic
from corpuskit.io.datasets import read_file
from corpuskit.pipeline.passes import (
    DECISIONS,
    FLAGS,
    INPUT,
    KEYS,
    RunContext,
    fit_task,
    prepare_task,
)
from corpuskit.pipeline.workdir import WorkDir
from corpuskit.progress import ProgressCallback
from corpuskit.validate import ValidationPlan, finish_evidence, merge_partials

log = logging.getLogger(__name__)

# Documents per part. Memory follows it: a validation worker holds its part, its slices
# and their outputs, and the driver reads the inputs a part at a time. A full clean of
# 100k generated documents peaked at 1.50 GB summed with 5,000 against 1.84 GB with
# 10,000, in the same time.
BATCH_ROWS = 5_000

# A factory the CLI passes to show progress: (label, total) -> context giving a callback.
ProgressFactory = Callable[[str, int], AbstractContextManager[ProgressCallback]]


@contextlib.contextmanager
def silent(_label: str, _total: int) -> Iterator[ProgressCallback]:
    yield lambda _n: None


@dataclass(frozen=True)
class Ingest:
    """What the ingest pass found: documents per part, the union of input columns, and
    a line saying what was read (files and documents per format)."""

    rows: tuple[int, ...]
    schema: dict[str, pl.DataType]
    described: str = ""

    @property
    def documents(self) -> int:
        return sum(self.rows)

    @property
    def first_rows(self) -> tuple[int, ...]:
        starts, total = [], 0
        for n in self.rows:
            starts.append(total)
            total += n
        return tuple(starts)


def run_plan(config: Config) -> ValidationPlan:
    """The rules of a run, resolved once: built-in plus ``rule_dirs``, then the
    selection, per-source and severity overrides of ``[validate]``."""
    return ValidationPlan.build(None, config.validate)


def ingest(
    inputs: Sequence[Path],
    config: Config,
    work: WorkDir,
    *,
    batch_rows: int = BATCH_ROWS,
) -> Ingest:
    """Stream the inputs into ``input`` parts of at most ``batch_rows`` documents.

    Memory follows the batch size, not the corpus. Duplicate ids are refused across the
    whole corpus (:class:`~corpuskit.io.UniqueIds`). On resume, parts already written
    are not written again (the inputs are read again to find where they end)."""
    if work.has("ingest.pickle"):
        return work.load("ingest.pickle")
    reader = CorpusReader(list(inputs), options=config.input, batch_rows=batch_rows)
    ids = UniqueIds()
    rows: list[int] = []
    for part, batch in enumerate(reader.batches()):
        ids.add(batch)
        if not work.part(INPUT, part).is_file():
            work.write_frame(batch, INPUT, part)
        rows.append(batch.height)
    ids.finish(lambda: (work.read_frame(INPUT, part) for part in range(len(rows))))
    result = Ingest(tuple(rows), dict(reader.stats.columns), reader.stats.describe())
    log.info("%s", result.described)
    work.save(result, "ingest.pickle")
    return result


def _timed(label: str):
    started = time.perf_counter()
    return lambda: log.info("%s in %.1f s", label, time.perf_counter() - started)


def run_pass(
    engine: Any,
    task: Callable[[RunContext, int], Any],
    context: RunContext,
    ingest_result: Ingest,
    progress: ProgressFactory,
    label: str,
) -> list[Any]:
    parts = list(range(len(ingest_result.rows)))
    done = _timed(label)
    with progress(label, ingest_result.documents) as advance:
        results = list(
            engine.map(
                task, parts, context, progress=lambda part, _r: advance(ingest_result.rows[part])
            )
        )
    done()
    return results


def prepare(
    inputs: Sequence[Path],
    staging: Path,
    *,
    config: Config,
    engine: Any,
    do_validate: bool,
    do_dedup: bool,
    progress: ProgressFactory = silent,
    batch_rows: int = BATCH_ROWS,
) -> tuple[RunContext, Ingest]:
    """Ingest, fit and prepare: validated and signed parts in ``staging``'s work folder."""
    work = WorkDir.inside(staging)
    done = _timed("read")
    read = ingest(inputs, config, work, batch_rows=batch_rows)
    done()
    log.info("read %d documents from %d input(s)", read.documents, len(inputs))
    context = RunContext(
        work=work,
        out=staging,
        config=config,
        plan=run_plan(config) if do_validate else None,
        do_validate=do_validate,
        do_dedup=do_dedup,
        first_rows=read.first_rows,
        input_schema=read.schema,
    )
    if do_validate:
        context = replace(context, evidence=_evidence(engine, context, read, progress))
    run_pass(engine, prepare_task, context, read, progress, "validating")
    return context, read


def _evidence(engine: Any, context: RunContext, read: Ingest, progress: ProgressFactory):
    """The corpus-level statistics of the whole run (merged part by part, in order)."""
    work = context.work
    if work.has("evidence.pickle"):
        return work.load("evidence.pickle")
    evidence = None
    plan = context.plan
    if plan is not None and plan.needs.any:
        partials = run_pass(engine, fit_task, context, read, progress, "corpus statistics")
        evidence = finish_evidence(merge_partials(partials), plan)
    work.save(evidence, "evidence.pickle")
    return evidence


def link_parts(context: RunContext, read: Ingest, engine: Any = None) -> Links:
    """The link pass over every keys part (keys only, no text); written to the work
    folder for the write pass."""
    work = context.work
    if work.has(DECISIONS) and work.has(FLAGS):
        return Links(read_file(work.file(DECISIONS)), read_file(work.file(FLAGS)))
    done = _timed("linked")
    keys = PartKeys(
        work.parts(KEYS, len(read.rows)),
        work.file("signatures.u32"),
        num_perm=context.config.dedup.num_perm,
        pair_finder=getattr(engine, "band_pairs", None),
    )
    links = link(keys, context.config.dedup)
    work.file("signatures.u32").unlink(missing_ok=True)
    write_parquet_atomic(links.flags, work.file(FLAGS))
    write_parquet_atomic(links.decisions, work.file(DECISIONS))
    done()
    return links
