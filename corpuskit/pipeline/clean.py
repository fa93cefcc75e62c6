"""``clean``: read -> validate -> dedup -> split -> write, part by part.

Every input document ends up in exactly one of the ``clean`` and ``rejected`` datasets
(the write pass checks it for every part, and the totals are checked again at the end).
The outputs are written into a staging folder and appear at once when the run succeeds
(:func:`corpuskit.io.output_dir`); an interrupted run can be resumed. An ``out`` on object
storage is written in a local work folder and uploaded when finished
(:mod:`corpuskit.io.remote_out`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

import corpuskit
from corpuskit.config import Config
from corpuskit.datafiles import data_dir
from corpuskit.engine import make_engine
from corpuskit.errors import OutputError
from corpuskit.io import output_dir, write_json_atomic, write_text_atomic
from corpuskit.io.datasets import check_writable, dataset_folder, dataset_format, scan_dataset
from corpuskit.io.discover import discover_inputs
from corpuskit.io.location import input_path, is_remote, modified_stamp, output_location
from corpuskit.io.remote_out import RemoteOutput, default_work_dir
from corpuskit.pipeline.passes import BODIES, OUTPUTS, write_task
from corpuskit.pipeline.run import (
    BATCH_ROWS,
    ProgressFactory,
    link_parts,
    prepare,
    run_pass,
    silent,
)
from corpuskit.report import render_report
from corpuskit.report.bodies import BODY_MEASURES
from corpuskit.report.summary import finish_summary, merge_summary_parts
from corpuskit.schema import OUTPUT_DATASETS

DEFAULT_OUT = Path("reports") / "latest"
# Up to this many documents the write pass's workers start while the driver links. In a
# larger run the link pass takes minutes and is the run's memory peak (at ten million
# documents, two idle workers beside it were 214 of its 2,565 MB), and a second's start
# after it is nothing.
EARLY_WRITERS_MAX_DOCUMENTS = 1_000_000


@dataclass(frozen=True)
class CleanResult:
    out_dir: Any  # a Path, or a UPath for an output on object storage
    summary: dict
    seconds: float


def seed_inputs() -> list[Path]:
    """The bundled sample: every corpus file and text folder directly under ``seeds/``
    (in a checkout, or installed with the package under ``share/corpuskit/seeds``)."""
    folder = data_dir("seeds", "the bundled sample (seeds/)")
    return sorted(
        p for p in folder.iterdir() if p.is_dir() or p.name.endswith((".jsonl", ".parquet"))
    )


def run_fingerprint(inputs: Sequence[Path], config: Config, **flags: Any) -> dict[str, Any]:
    """What must be equal for an interrupted run to be resumed: the version, every input
    file with its size and modification time, the configuration and the flags.

    Raises :class:`~corpuskit.errors.InputError` for an input that does not exist."""
    digest = hashlib.sha256(repr(asdict(config)).encode("utf-8")).hexdigest()
    files = discover_inputs(list(inputs))
    return {
        "corpuskit_version": corpuskit.__version__,
        "inputs": [
            [str(f.resolved), f.resolved.stat().st_size, modified_stamp(f.resolved)] for f in files
        ],
        "config": digest,
        "flags": flags,
    }


def _datasets(folder: Path, config: Config) -> dict[str, pl.LazyFrame]:
    fmt = dataset_format(config.output.format)
    return {
        stem: scan_dataset(dataset_folder(folder, stem, fmt), OUTPUT_DATASETS[stem])
        for stem in OUTPUTS
    }


def _bodies(parts: list[Path]) -> pl.LazyFrame | None:
    """The body measures the write pass took of every part; None, and the report
    measures the written outputs, for a run of no part or one resumed from parts written
    before the write pass took measures."""
    if not parts or not all(part.is_file() for part in parts):
        return None
    return pl.scan_parquet(parts, schema=BODY_MEASURES)


def clean(
    inputs: Sequence[Path],
    out: Any,
    *,
    config: Config | None = None,
    overwrite: bool = False,
    do_validate: bool = True,
    do_dedup: bool = True,
    progress: ProgressFactory = silent,
    resume: bool = False,
    engine: Any = None,
    batch_rows: int = BATCH_ROWS,
    work_dir: Path | None = None,
) -> CleanResult:
    """Clean ``inputs`` into the folder ``out``: ``clean.parquet``, ``rejected.parquet`` and
    ``findings.parquet`` (each a folder of parts; ``clean.jsonl``... when
    ``config.output.format`` is JSON Lines), ``summary.json`` and ``report.html``, all
    appearing at once when the run succeeds.

    ``out`` may be a URL (``s3://bucket/run1``): the run works in ``work_dir`` (default: a
    folder under the cache named by the URL) and uploads the finished output, marker last.

    ``resume``: continue a run into the same ``out`` that was interrupted, from the parts
    it finished (the inputs, configuration and flags must be the same).
    """
    started = time.perf_counter()
    config = config or Config()
    inputs = [input_path(p) for p in inputs]
    target = output_location(out)
    if work_dir is not None and not is_remote(target):
        raise OutputError(
            f"--work-dir {work_dir} is only for an --out on object storage; a run into "
            f"{target} works in a staging folder beside it",
            hint="drop --work-dir, or give --out as a URL",
        )
    engine = engine or make_engine("local", workers=config.workers)
    fingerprint = run_fingerprint(
        inputs, config, validate=do_validate, dedup=do_dedup, batch_rows=batch_rows
    )
    steps = dict(
        config=config,
        engine=engine,
        do_validate=do_validate,
        do_dedup=do_dedup,
        progress=progress,
        batch_rows=batch_rows,
        started=started,
    )
    if not is_remote(target):
        with output_dir(
            target, inputs=inputs, overwrite=overwrite, resume=resume, fingerprint=fingerprint
        ) as staging:
            summary = _clean_into(staging, inputs, **steps)
        return CleanResult(target, summary, time.perf_counter() - started)
    remote = RemoteOutput(target, Path(work_dir or default_work_dir(target)).absolute())
    with remote.session(inputs, overwrite=overwrite):
        if resume and remote.finished(fingerprint):  # only its upload failed
            summary = json.loads((remote.local / "summary.json").read_text(encoding="utf-8"))
        else:
            with output_dir(
                remote.local,
                inputs=inputs,
                overwrite=True,  # the work folder's own output of an earlier run
                resume=resume,
                fingerprint=fingerprint,
            ) as staging:
                summary = _clean_into(staging, inputs, **steps)
            remote.mark_finished(fingerprint)
        with progress("uploading", 1) as advance:
            remote.publish(inputs, overwrite=overwrite)
            advance(1)
    return CleanResult(target, summary, time.perf_counter() - started)


def _clean_into(
    staging: Path,
    inputs: Sequence[Path],
    *,
    config: Config,
    engine: Any,
    do_validate: bool,
    do_dedup: bool,
    progress: ProgressFactory,
    batch_rows: int,
    started: float,
) -> dict:
    """Run every pass into ``staging``; the summary of the run."""
    # The columns are known once the inputs are read: refuse any the output format
    # cannot store before the link and write passes.
    fmt = dataset_format(config.output.format)
    context, read = prepare(
        inputs,
        staging,
        config=config,
        engine=engine,
        do_validate=do_validate,
        do_dedup=do_dedup,
        progress=progress,
        batch_rows=batch_rows,
        on_read=lambda read: check_writable(read.schema, fmt),
    )
    # the write pass's workers start while the driver links (it leaves a core idle), in
    # a run small enough for their start to be a visible share of it
    early = read.documents <= EARLY_WRITERS_MAX_DOCUMENTS
    with engine.started_for(context) if early else contextlib.nullcontext():
        if do_dedup:
            link_parts(context, read, engine)
        tables = run_pass(
            engine, write_task, context, read, progress, "writing", fold=merge_summary_parts
        )
    parts = merge_summary_parts(tables)
    run = {
        "corpuskit_version": corpuskit.__version__,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": [str(p) for p in inputs],
        "read": read.described,
        "stages": {"validate": do_validate, "dedup": do_dedup},
        "parameters": config,
        "rules": len(context.ruleset.rules) if context.ruleset is not None else 0,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if context.dates_unread is not None:  # dates in no form dedup reads: undated
        run["dates_unread"] = dict(context.dates_unread)
    written = _datasets(staging, config)
    summary = finish_summary(parts, run, clean=written["clean"], rejected=written["rejected"])
    if summary["documents"]["in"] != read.documents:
        raise AssertionError(
            f"{read.documents} documents read, {summary['documents']['in']} written"
        )
    write_json_atomic(summary, staging / "summary.json")
    with progress("writing report", 1) as advance:
        html = render_report(
            **written,
            summary=summary,
            ruleset=context.ruleset,
            bodies=_bodies(context.work.parts(BODIES, len(read.rows))),
        )
        write_text_atomic(html, staging / "report.html")
        advance(1)
    shutil.rmtree(context.work.root)
    return summary
