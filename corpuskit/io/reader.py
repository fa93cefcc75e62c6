"""``CorpusReader``: any mix of supported inputs, read as a stream of canonical batches.

    reader = CorpusReader(paths, options=InputOptions(), batch_rows=10_000,
                          batch_bytes=64 << 20)
    reader.files                 # every file to read, found up front (bad paths fail here)
    for frame in reader.batches():
        ...                      # canonical frames, in input order
    reader.stats                 # files and documents per format and per file, columns

Memory follows the batch size, not the file size: JSON Lines and CSV (plain, ``.gz``,
``.zst``) are decompressed and parsed chunk by chunk, Parquet is read record batch by
record batch, text folders a group of files at a time. Only a ``.json`` array (one JSON
value) and a single ``.txt`` document are read whole.

Each batch is a canonical frame exactly as :func:`~corpuskit.io.read_corpus` returns
(canonical columns, ``origin_file``, ``origin_line``, the input's extra columns, then
``findings`` with the ``IO`` findings), of at most ``batch_rows`` documents and about
``batch_bytes`` of text; the same inputs and limits always give the same batches.

A batch holds only the extra columns its documents have. When the stream ends,
``reader.stats.columns`` is the schema of the whole read; :func:`~corpuskit.io.align`
puts any batch into it, so parts written along the way can all be given one schema.
Duplicate ids are the consumer's to check, with :class:`~corpuskit.io.UniqueIds`.

An input problem that concerns the whole file (truncated, unreadable, no text column,
strict mode's first malformed record) is an :class:`~corpuskit.errors.InputError`
raised when the stream reaches it; batches returned before it are then not to be used.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.batching import UnionSchema, rebatch
from corpuskit.io.canonical import (
    Canonicalizer,
    control_character_findings,
    text_files_to_canonical,
)
from corpuskit.io.discover import InputFile, discover
from corpuskit.io.jsonl import read_json, read_jsonl
from corpuskit.io.location import input_path
from corpuskit.io.oversized import too_large_findings
from corpuskit.io.rawpart import append_findings, io_finding
from corpuskit.io.tabular import read_csv, read_parquet, with_partition_columns
from corpuskit.progress import ProgressCallback, no_progress

log = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 10_000
DEFAULT_BATCH_BYTES = 64 << 20
_CHUNK_BYTES = 16 << 20  # bytes of a JSON Lines or CSV chunk at most (before batching)
_TEXT_GROUP = 1000  # text files read into one frame

READERS = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv, "parquet": read_parquet}


@dataclass
class FileStats:
    """What was read from one file."""

    path: Path
    format: str  # jsonl | json | parquet | csv | txt
    documents: int = 0


@dataclass
class ReadStats:
    """What a read found, filled while the stream is read.

    ``per_file`` has one entry per input file, in input order; ``skipped`` the files of
    input folders that are not corpus files (see :mod:`corpuskit.io.discover`);
    ``columns`` the schema of every column seen so far, final when the stream ends.
    """

    per_file: list[FileStats] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    union: UnionSchema = field(default_factory=UnionSchema)

    @property
    def columns(self) -> dict[str, pl.DataType]:
        return self.union.schema

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.per_file)

    def per_format(self) -> dict[str, tuple[int, int]]:
        """``{format: (files, documents)}``, formats in the order first read."""
        files: Counter[str] = Counter()
        documents: Counter[str] = Counter()
        for f in self.per_file:
            files[f.format] += 1
            documents[f.format] += f.documents
        return {fmt: (files[fmt], documents[fmt]) for fmt in files}

    def describe(self) -> str:
        """One line saying what was read: ``read 3 files: 2 jsonl (269 documents), ...``."""
        parts = [
            f"{files:,} {fmt} ({docs:,} document{'s' if docs != 1 else ''})"
            for fmt, (files, docs) in self.per_format().items()
        ]
        n = len(self.per_file)
        line = f"read {n:,} file{'s' if n != 1 else ''}: {', '.join(parts)}"
        if self.skipped:
            line += f"; skipped {len(self.skipped):,} that are not corpus files"
        return line


class CorpusReader:
    """Read files and folders as a stream of canonical batches (see the module docs).

    ``progress`` is called with the number of documents read, chunk by chunk.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        options: InputOptions = InputOptions(),  # noqa: B008 - frozen dataclass
        batch_rows: int = DEFAULT_BATCH_ROWS,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        progress: ProgressCallback | None = None,
    ) -> None:
        if batch_rows < 1 or batch_bytes < 1:
            raise ValueError("batch_rows and batch_bytes must be at least 1")
        self.paths = [input_path(p) for p in paths]
        self.options = options
        self.batch_rows = batch_rows
        self.batch_bytes = batch_bytes
        self._progress = progress or no_progress
        # True once every input has been read: the batch being yielded then is the last.
        self.at_end = False
        found = discover(self.paths)
        self.files: list[InputFile] = found.files
        self.stats = ReadStats(skipped=found.skipped)
        if found.skipped:
            log.warning("%s", found.skipped_note())

    def batches(self) -> Iterator[pl.DataFrame]:
        """The canonical batches, in input order. Each call reads the inputs again (and
        starts ``stats`` afresh); an input with no documents at all is an InputError.
        While a batch is yielded, ``at_end`` says whether the inputs are all read: a
        batch yielded with ``at_end`` set is the last."""
        self.stats = ReadStats(skipped=self.stats.skipped)
        self.at_end = False
        for batch in rebatch(self._chunks_to_the_end(), self.batch_rows, self.batch_bytes):
            self.stats.union.add(batch.schema)
            yield batch
        if self.stats.documents == 0:
            names = ", ".join(str(p) for p in self.paths)
            raise InputError(
                f"no documents found in {names}: the input is empty",
                hint="check that you passed the right files and that they are not empty",
            )

    def _chunks_to_the_end(self) -> Iterator[pl.DataFrame]:
        yield from self._chunks()
        self.at_end = True

    def _chunks(self) -> Iterator[pl.DataFrame]:
        """Canonical frames of whatever size each format reads, with their IO findings."""
        chunk_bytes = max(1 << 16, min(self.batch_bytes, _CHUNK_BYTES))
        texts: list[InputFile] = []
        text_size = 0
        for source in self.files:
            if source.kind == "txt":
                texts.append(source)
                text_size += _size(source.path)
                if len(texts) >= _TEXT_GROUP or text_size >= chunk_bytes:
                    yield self._finish(text_files_to_canonical(texts))
                    texts, text_size = [], 0
                self.stats.per_file.append(FileStats(source.path, "txt", 1))
                continue
            if texts:
                yield self._finish(text_files_to_canonical(texts))
                texts, text_size = [], 0
            stats = FileStats(source.path, source.kind)
            self.stats.per_file.append(stats)
            canonical = Canonicalizer(source, self.options)
            size = self.batch_rows if source.kind == "parquet" else chunk_bytes
            for part in READERS[source.kind](source.path, self.options, canonical.columns, size):
                if source.partition:
                    part = with_partition_columns(part, source.partition)
                if part.frame.height:
                    stats.documents += part.frame.height
                    yield self._finish(canonical(part))
        if texts:
            yield self._finish(text_files_to_canonical(texts))

    def _finish(self, frame: pl.DataFrame) -> pl.DataFrame:
        self._progress(frame.height)
        frame = too_large_findings(
            null_text_findings(frame), self.options.max_doc_chars, strict=self.options.strict
        )
        return control_character_findings(frame)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reading the file will say what is wrong with it
        return 0


def null_text_findings(frame: pl.DataFrame) -> pl.DataFrame:
    """Give each document whose text is null (a Parquet or CSV cell) a "drop" finding."""
    rows = frame.with_row_index("__row").filter(pl.col(schema.TEXT).is_null())
    if rows.height == 0:
        return frame
    code = codes.TEXT_NOT_A_STRING
    added = {
        row: [io_finding(code, None, f"{origin_file}:{origin_line}: the text is null")]
        for row, origin_file, origin_line in rows.select(
            "__row", schema.ORIGIN_FILE, schema.ORIGIN_LINE
        ).iter_rows()
    }
    return append_findings(frame, added, schema.FINDINGS)
