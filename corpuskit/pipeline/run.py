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
import pyarrow.parquet as pq

from corpuskit.config import Config
from corpuskit.dedup.keytable import keys_of_parts
from corpuskit.dedup.link import link
from corpuskit.dedup.naming import write_named_links
from corpuskit.dedup.sign import DATE_UNREAD
from corpuskit.engine.memory import give_back_large_blocks, release_arrow_pool, trim_heap
from corpuskit.io import CorpusReader, UniqueIds
from corpuskit.io.datasets import read_file
from corpuskit.pipeline.passes import (
    DECISIONS,
    FLAGS,
    INPUT,
    KEYS,
    InputPart,
    RunContext,
    fit_task,
    prepare_task,
    sign_streamed_task,
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
    """What the ingest pass found: documents per part, the union of input columns, a
    line saying what was read (files and documents per format), and the columns of each
    part as read (a part whose columns differ from the union is aligned before use)."""

    rows: tuple[int, ...]
    schema: dict[str, pl.DataType]
    described: str = ""
    part_schemas: tuple[dict[str, pl.DataType], ...] = ()

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

    def parts_unlike_union(self) -> list[int]:
        """Parts read with other columns (or column types) than the union of all."""
        return [i for i, columns in enumerate(self.part_schemas) if columns != self.schema]


def run_plan(config: Config) -> ValidationPlan:
    """The rules of a run, resolved once: built-in plus ``rule_dirs``, then the
    selection, per-source and severity overrides of ``[validate]``."""
    return ValidationPlan.build(None, config.validate)


class Ingestion:
    """The ingest pass as a stream: each :class:`InputPart` is yielded as soon as its
    ``input`` part is written, so that a pass that needs no corpus-wide knowledge starts
    on it while the driver reads the next (the driver reads, the workers compute).

    ``result`` is set when the stream ends; ``on_done(result)`` is called then (a check
    that needs the union of columns). Memory follows the batch size, not the corpus.
    Duplicate ids are refused across the whole corpus (:class:`~corpuskit.io.UniqueIds`)
    when the stream ends. On resume, parts already written are not written again (the
    inputs are read again to find where they end), and a finished ingest is not redone.
    """

    def __init__(
        self,
        inputs: Sequence[Path],
        config: Config,
        work: WorkDir,
        *,
        batch_rows: int = BATCH_ROWS,
        on_done: Callable[[Ingest], None] | None = None,
    ) -> None:
        self.inputs, self.config, self.work, self.batch_rows = inputs, config, work, batch_rows
        self.on_done = on_done
        self.result: Ingest | None = None

    def parts(self) -> Iterator[InputPart]:
        work = self.work
        if work.has("ingest.pickle"):
            result: Ingest = work.load("ingest.pickle")
            last = len(result.rows) - 1
            for part, (first_row, rows) in enumerate(
                zip(result.first_rows, result.rows, strict=True)
            ):
                yield InputPart(part, first_row, rows, part == last)
        else:
            done = _timed("read")
            reader = CorpusReader(
                list(self.inputs), options=self.config.input, batch_rows=self.batch_rows
            )
            ids = UniqueIds()
            rows: list[int] = []
            schemas: list[dict[str, pl.DataType]] = []
            for part, batch in enumerate(reader.batches()):
                ids.add(batch)
                if not work.part(INPUT, part).is_file():
                    work.write_frame(batch, INPUT, part)
                rows.append(batch.height)
                schemas.append(dict(batch.schema))
                yield InputPart(part, sum(rows) - batch.height, batch.height, reader.at_end)
            ids.finish(lambda: (work.read_frame(INPUT, part) for part in range(len(rows))))
            result = Ingest(
                tuple(rows), dict(reader.stats.columns), reader.stats.describe(), tuple(schemas)
            )
            log.info("%s", result.described)
            work.save(result, "ingest.pickle")
            done()
        log.info("read %d documents from %d input(s)", result.documents, len(self.inputs))
        self.result = result
        if self.on_done is not None:
            self.on_done(result)

    def read_all(self) -> Ingest:
        """What was read: every input read now if no pass has drawn the stream."""
        if self.result is None:
            for _part in self.parts():
                pass
        assert self.result is not None
        return self.result


def ingest(
    inputs: Sequence[Path],
    config: Config,
    work: WorkDir,
    *,
    batch_rows: int = BATCH_ROWS,
) -> Ingest:
    """Stream the inputs into ``input`` parts of at most ``batch_rows`` documents (see
    :class:`Ingestion`) and say what was read."""
    return Ingestion(inputs, config, work, batch_rows=batch_rows).read_all()


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
    parts: Sequence[int] | None = None,
    fold: Callable[[list[Any]], Any] | None = None,
) -> list[Any]:
    """``task`` on every part (or on ``parts``), results in part order. With ``fold``
    (results in, one result of the same kind out), the results are folded as they
    arrive, every :data:`FOLD_EVERY` parts, so the driver never holds one result per part
    of a large corpus (the summary tables of 2,000 parts held gigabytes)."""
    parts = list(range(len(ingest_result.rows))) if parts is None else list(parts)
    done = _timed(label)
    total = sum(ingest_result.rows[part] for part in parts)
    results: list[Any] = []
    with progress(label, total) as advance:
        for result in engine.map(
            task, parts, context, progress=lambda part, _r: advance(ingest_result.rows[part])
        ):
            results.append(result)
            if fold is not None and len(results) >= FOLD_EVERY:
                results = [fold(results)]
    done()
    return results


# Results of a pass folded into one at a time (see :func:`run_pass`).
FOLD_EVERY = 64


def _run_streamed(
    engine: Any,
    task: Callable[[RunContext, Any], Any],
    context: RunContext,
    stream: Ingestion,
    progress: ProgressFactory,
    label: str,
) -> list[Any]:
    """``task`` on each :class:`InputPart` as the ingest stream yields it; the progress
    total is unknown until the end."""
    done = _timed(label)
    with progress(label, 0) as advance:
        results = list(
            engine.map(task, stream.parts(), context, progress=lambda part, _r: advance(part.rows))
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
    on_read: Callable[[Ingest], None] | None = None,
) -> tuple[RunContext, Ingest]:
    """Ingest, fit and prepare: validated and signed parts in ``staging``'s work folder.

    The first pass that needs nothing corpus-wide runs on each part while the inputs are
    still being read: the fit pass when validating, the signing when only deduplicating.
    ``on_read(ingest)`` is called as soon as every input is read."""
    work = WorkDir.inside(staging)
    stream = Ingestion(inputs, config, work, batch_rows=batch_rows, on_done=on_read)
    plan = run_plan(config) if do_validate else None
    context = RunContext(
        work=work,
        out=staging,
        config=config,
        plan=plan,
        do_validate=do_validate,
        do_dedup=do_dedup,
    )
    evidence = None
    if do_validate:
        evidence = _evidence(engine, context, stream, progress)
    elif do_dedup:
        _run_streamed(engine, sign_streamed_task, context, stream, progress, "signing")
    read = stream.read_all()
    context = replace(
        context, first_rows=read.first_rows, input_schema=read.schema, evidence=evidence
    )
    if do_validate:
        run_pass(engine, prepare_task, context, read, progress, "validating")
    elif do_dedup and (unlike := read.parts_unlike_union()):
        # signed as read; the union of columns (known now) may type a column otherwise
        for part in unlike:
            work.part(KEYS, part).unlink(missing_ok=True)
        run_pass(engine, prepare_task, context, read, progress, "signing", parts=unlike)
    if not do_dedup:
        return context, read
    unread = unread_dates(work, len(read.rows))
    context = replace(context, dates_unread=unread)
    if unread["documents"]:
        log.warning(
            "%s of %s documents have a date in no form corpuskit reads, such as %s: "
            "they are matched as undated (no time window; the keep rule takes them as "
            "oldest). Write dates as ISO 8601 (2015-07-22 10:30) or see README, "
            "Deduplication, for the forms read",
            f"{unread['documents']:,}",
            f"{read.documents:,}",
            " / ".join(repr(e) for e in unread["examples"]),
        )
    return context, read


# Dates not read, quoted in the warning and in the summary.
UNREAD_EXAMPLES = 3


def unread_dates(work: WorkDir, parts: int) -> dict[str, Any]:
    """How many documents were given a date in no form :mod:`corpuskit.dedup.dates`
    reads, and the first few such dates (distinct, in corpus order), from the keys
    parts."""
    documents, examples = 0, []
    for path in work.parts(KEYS, parts):
        if DATE_UNREAD not in pq.read_schema(path).names:  # keys of an older run
            continue
        given = read_file(path, [DATE_UNREAD])[DATE_UNREAD].drop_nulls()
        documents += given.len()
        for text in given.unique(maintain_order=True).head(UNREAD_EXAMPLES).to_list():
            if len(examples) < UNREAD_EXAMPLES and text not in examples:
                examples.append(text)
    return {"documents": documents, "examples": examples}


def _evidence(engine: Any, context: RunContext, stream: Ingestion, progress: ProgressFactory):
    """The corpus-level statistics of the whole run (merged part by part, in order),
    fitted on each part as it is read."""
    work = context.work
    plan = context.plan
    if work.has("evidence.pickle") or plan is None or not plan.needs.any:
        stream.read_all()
        if work.has("evidence.pickle"):
            return work.load("evidence.pickle")
        evidence = None
    else:
        partials = _run_streamed(engine, fit_task, context, stream, progress, "corpus statistics")
        evidence = finish_evidence(merge_partials(partials), plan)
    work.save(evidence, "evidence.pickle")
    return evidence


def link_parts(context: RunContext, read: Ingest, engine: Any = None) -> None:
    """The link pass over every keys part (keys only, no text); its decisions and flags,
    named by id, written to the work folder for the write pass
    (:func:`~corpuskit.pipeline.passes.links_of` reads those of one part)."""
    work = context.work
    if work.has(DECISIONS) and work.has(FLAGS):
        return
    done = _timed("linked")
    give_back_large_blocks()  # the pass's large arrays, once dropped, leave the process
    release_arrow_pool()  # what reading the inputs left in Arrow's pool
    trim_heap()  # and in the heap
    keys = keys_of_parts(
        work.parts(KEYS, len(read.rows)),
        work.file("signatures.u32"),
        num_perm=context.config.dedup.num_perm,
        pair_finder=getattr(engine, "band_pairs", None),
    )
    links = link(keys, context.config.dedup)
    work.file("signatures.u32").unlink(missing_ok=True)
    write_named_links(links, keys, work.file(DECISIONS), work.file(FLAGS))
    del links, keys
    trim_heap()  # the pass's small blocks, resident under the write pass otherwise
    done()
