"""``read_corpus``: any mix of supported inputs in, one canonical frame out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

import polars as pl

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.canonical import (
    control_character_findings,
    text_files_to_canonical,
    to_canonical,
)
from corpuskit.io.discover import discover_inputs
from corpuskit.io.ids import check_unique_ids
from corpuskit.io.jsonl import read_json, read_jsonl
from corpuskit.io.rawpart import RawPart, append_findings, io_finding
from corpuskit.io.tabular import read_csv, read_parquet, with_partition_columns
from corpuskit.progress import ProgressCallback, no_progress

_TEXT_BATCH = 1000  # text files per frame (and per progress report)

# Readers of one file each; folders of .txt files are read in batches instead.
READERS: dict[str, Callable[[Path, InputOptions], RawPart]] = {
    "jsonl": read_jsonl,
    "json": read_json,
    "parquet": read_parquet,
    "csv": read_csv,
}


def read_corpus(
    paths: Sequence[Path],
    *,
    options: InputOptions = InputOptions(),  # noqa: B008 - frozen dataclass
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """Read files and folders into the canonical frame, in input order.

    Columns: ``id, title, text, source, url, date, lang`` (strings, null where the input
    has none), ``origin_file`` (the file path as given; for a folder, the folder joined
    with the file's path inside it) and ``origin_line`` (1-based line of a JSON Lines or
    text file, 1-based row of a Parquet or CSV file), then the input's other columns
    untouched, then ``findings`` with the input problems of each record (``IO`` codes).

    Column names are mapped as :mod:`corpuskit.io.detect` describes (explicit
    ``options`` first, then common names). An input column left unmapped whose name
    corpuskit uses itself (``title`` when ``title_col="headline"``, or ``findings``) is
    carried under that name plus ``_input`` (``title_input``). Where the input has no id
    (or a null one), the id is the file's short label and the line or row
    (``news:17``; a text file's label alone), the same on every run.
    A record that cannot be read (a JSON Lines line that is not an object, or whose text
    is not a string) is kept as a document whose text is the raw line and whose finding
    has action "drop"; bytes that are not UTF-8 are decoded and flagged; runs of control
    characters get "strip" findings. The text itself is never changed.

    Raises :class:`~corpuskit.errors.InputError` for a missing file, an unknown format, an
    unreadable file, a missing text column, duplicate ids, the same file given twice, an
    input with no documents at all, and (with ``options.strict``) the first malformed
    record.
    """
    report = progress or no_progress
    frames = []
    for kind, group in groupby(discover_inputs(paths), key=lambda source: source.kind):
        if kind == "txt":
            sources = list(group)
            for start in range(0, len(sources), _TEXT_BATCH):
                batch = sources[start : start + _TEXT_BATCH]
                frames.append(text_files_to_canonical(batch))
                report(len(batch))
            continue
        for source in group:
            part = READERS[kind](source.path, options)
            if source.partition:
                part = with_partition_columns(part, source.partition)
            if part.frame.height:
                frames.append(to_canonical(part, source, options))
            report(part.frame.height)
    if not frames:
        names = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no documents found in {names}: the input is empty",
            hint="check that you passed the right files and that they are not empty",
        )
    frame = frames[0] if len(frames) == 1 else _concat(frames)
    frame = control_character_findings(null_text_findings(frame))
    check_unique_ids(frame)
    return frame


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


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Stack files with different extra columns; the findings column stays last."""
    stacked = pl.concat(frames, how="diagonal_relaxed")
    front = [*schema.CANONICAL_COLUMNS, *schema.ORIGIN_COLUMNS]
    extras = [c for c in stacked.columns if c not in front and c != schema.FINDINGS]
    return stacked.select(*front, *extras, schema.FINDINGS)
