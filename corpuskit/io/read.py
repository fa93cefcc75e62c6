"""``read_corpus``: any mix of supported inputs in, one canonical frame out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from corpuskit.config import InputOptions
from corpuskit.io.batching import concat
from corpuskit.io.ids import UniqueIds
from corpuskit.io.reader import CorpusReader
from corpuskit.progress import ProgressCallback

log = logging.getLogger(__name__)

# The eager read builds one frame anyway: larger batches mean fewer pieces to stack.
_BATCH_ROWS = 200_000
_BATCH_BYTES = 1 << 30


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

    This is :class:`~corpuskit.io.CorpusReader`'s stream gathered into one frame; use
    the reader itself to keep memory bounded on a large corpus.

    Raises :class:`~corpuskit.errors.InputError` for a missing file, an unknown format, an
    unreadable or truncated file, a missing text column, duplicate ids, the same file
    given twice, an input with no documents at all, and (with ``options.strict``) the
    first malformed record.
    """
    reader = CorpusReader(
        paths,
        options=options,
        batch_rows=_BATCH_ROWS,
        batch_bytes=_BATCH_BYTES,
        progress=progress,
    )
    ids = UniqueIds()
    frames = []
    for frame in reader.batches():
        ids.add(frame)
        frames.append(frame)
    ids.finish(lambda: frames)
    log.info("%s", reader.stats.describe())
    return concat(frames)
