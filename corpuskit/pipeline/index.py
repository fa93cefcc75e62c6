"""``index`` on the spine: read and validate like ``clean``, then store keys in an index.

The documents are read and validated part by part on the engine (the same passes as
``clean``), in a work folder beside the index; each validated part is then handed to an
:class:`~corpuskit.dedup.index.IndexWriter`, which signs it and writes index parts (keys
and signatures, no text). Documents a validation rule drops are not indexed, and the
result says which and why.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.config import Config
from corpuskit.dedup.index import IndexWriter
from corpuskit.engine import make_engine
from corpuskit.pipeline.passes import validated_part
from corpuskit.pipeline.run import BATCH_ROWS, ProgressFactory, prepare, silent

# Left-out documents named one by one in the result; beyond that only counted.
NAMED_LEFT_OUT = 20


@dataclass
class IndexRun:
    """What an index build or add read, stored and left out (with the rule that dropped
    each left-out document)."""

    documents: int = 0
    read: str = ""
    left_out: Counter[str] = field(default_factory=Counter)  # rule code -> documents
    left_out_examples: list[tuple[str, str]] = field(default_factory=list)  # (id, code)


def index_corpus(
    inputs: Sequence[Path],
    writer: IndexWriter,
    *,
    config: Config | None = None,
    do_validate: bool = True,
    engine: Any = None,
    progress: ProgressFactory = silent,
    batch_rows: int = BATCH_ROWS,
) -> IndexRun:
    """Read, validate and hand every document of ``inputs`` to ``writer`` (which the
    caller commits). The work folder is a hidden folder beside the index with a fixed
    name: the writer holds the index's lock, so no other run uses it, and what a killed
    run left there is removed before this one starts."""
    config = config or Config()
    engine = engine or make_engine("local", workers=config.workers)
    index = Path(writer.path).absolute()
    run = IndexRun()
    work = index.parent / f".{index.name}.corpuskit-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        context, read = prepare(
            list(inputs),
            work,
            config=config,
            engine=engine,
            do_validate=do_validate,
            do_dedup=False,
            progress=progress,
            batch_rows=batch_rows,
        )
        run.documents, run.read = read.documents, read.described
        for part in range(len(read.rows)):
            frame = validated_part(context, part)
            dropped = frame.filter(pl.col(schema.DROP_REASON).is_not_null())
            for doc_id, code in dropped.select(schema.ID, schema.DROP_REASON).iter_rows():
                run.left_out[code] += 1
                if len(run.left_out_examples) < NAMED_LEFT_OUT:
                    run.left_out_examples.append((doc_id, code))
            writer.add(frame)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return run
