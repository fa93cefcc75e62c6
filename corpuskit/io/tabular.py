"""Parquet, CSV and plain-text readers.

Parquet is read record batch by record batch with pyarrow, typed as it is; the text
column is cast to string later (a nested text column is refused there). CSV is streamed
through pyarrow's CSV reader from the decompressed bytes, every column read as bytes and
then decoded: a text that looks like a number stays the text it is, an empty field is an
empty string, a field may span lines when quoted, and a row that is not UTF-8 is decoded
on its own (:mod:`corpuskit.io.decode`) and flagged. Blank lines are not rows; a row's
number counts rows (the header is row 0). A ``.txt`` file is one document: the first line
is the title and everything after the first line end is the body, exactly.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.decode import (
    decode_bytes,
    detect_encoding,
    encoding_excerpt,
    encoding_note,
    read_bytes,
)
from corpuskit.io.detect import FileColumns
from corpuskit.io.rawpart import (
    RawPart,
    add_whole_text_findings,
    bookkeeping,
    io_finding,
)
from corpuskit.io.stream import open_blocks, text_blocks

_PARQUET_HINT = (
    "check that the file is complete and really is Parquet "
    "(re-export it, or pass it with its real extension)"
)
_CSV_HINT = (
    "the file needs a header row and the same number of fields on every row; "
    "quote fields that contain commas or newlines"
)
_CSV_BLOCK = 4 << 20  # bytes pyarrow parses at a time (more threads, more blocks in memory)
_MAX_CSV_BLOCK = 1 << 30  # pyarrow needs a whole row inside one block (int32 sizes)


def read_parquet(
    path: Path, options: InputOptions, columns: FileColumns, batch_rows: int
) -> Iterator[RawPart]:
    """Read one Parquet file (a dataset folder is expanded into its parts beforehand)
    in record batches of at most ``batch_rows`` rows."""
    row = 0
    try:
        with contextlib.ExitStack() as stack:
            # a file on object storage is read through its fsspec file object
            source = path if isinstance(path, Path) else stack.enter_context(path.open("rb"))
            # a buffered stream reads column chunks piece by piece: memory follows the
            # batch and the row group, not the file
            parquet = pq.ParquetFile(source, buffer_size=1 << 20, pre_buffer=False)
            for batch in parquet.iter_batches(batch_size=batch_rows):
                _check_utf8(path, batch, row)
                # the columns only: the file's schema metadata, which a damaged file may
                # hold as bytes that are not UTF-8 (polars panics on them), is not read
                frame = pl.from_arrow(batch.replace_schema_metadata(None))
                assert isinstance(frame, pl.DataFrame)
                lines = list(range(row + 1, row + frame.height + 1))
                row += frame.height
                yield RawPart(path, "parquet", bookkeeping(frame, lines))
    except (OSError, pa.ArrowException, ValueError, pl.exceptions.PolarsError) as exc:
        where = f" (after row {row})" if row else ""
        raise InputError(
            f"{path}: not a readable Parquet file{where} ({_first_line(exc)})",
            hint=_PARQUET_HINT,
        ) from None


def _check_utf8(path: Path, batch: pa.RecordBatch, row: int) -> None:
    """Refuse a batch whose string columns hold bytes that are not UTF-8. Parquet does not
    check them on read, and polars fails on them later (or panics), so a damaged file is
    caught here, where it can be named. The check is polars' strict cast of the same
    bytes, read as binary (no copy), to text: on news text over ten times faster than
    pyarrow's full validation of the column."""
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        large = pa.types.is_large_string(column.type)
        if large or pa.types.is_string(column.type):
            as_bytes = pl.from_arrow(column.cast(pa.large_binary() if large else pa.binary()))
            try:
                as_bytes.cast(pl.String)
            except pl.exceptions.ComputeError:
                raise InputError(
                    f"{path}: column {name!r} holds bytes that are not UTF-8 text "
                    f"(in rows {row + 1}–{row + batch.num_rows})",
                    hint=_PARQUET_HINT,
                ) from None


def with_partition_columns(part: RawPart, partition: tuple[tuple[str, str], ...]) -> RawPart:
    """Add the hive partition values of a dataset part as string columns it lacks."""
    missing = [(key, value) for key, value in partition if key not in part.frame.columns]
    if not missing:
        return part
    frame = part.frame.with_columns(
        pl.lit(value, dtype=pl.String).alias(key) for key, value in missing
    )
    return RawPart(part.path, part.kind, frame)


class _BlockFile(io.RawIOBase):
    """A read-only file over an iterator of byte blocks (for pyarrow's CSV reader)."""

    def __init__(self, blocks: Iterable[bytes]) -> None:
        self._blocks = iter(blocks)
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        """Fill ``buffer`` whole unless the stream ends: pyarrow takes a short read for
        the end of a block."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            if not self._rest:
                block = next(self._blocks, None)
                if block is None:
                    break
                self._rest = memoryview(block)
            n = min(len(view) - filled, len(self._rest))
            view[filled : filled + n] = self._rest[:n]
            self._rest = self._rest[n:]
            filled += n
        return filled


def read_csv(
    path: Path, options: InputOptions, columns: FileColumns, chunk_bytes: int
) -> Iterator[RawPart]:
    """Read a CSV file with a header row, in chunks of about ``chunk_bytes``.

    pyarrow needs each row inside one block of the stream; a row longer than the block
    (one huge document) makes the reader start again, with larger blocks, from the
    first row not yet returned.
    """
    done = 0
    block_size = max(1 << 20, min(chunk_bytes, _CSV_BLOCK))
    while True:
        try:
            for frame in _csv_frames(path, block_size, done):
                lines = list(range(done + 1, done + frame.height + 1))
                done += frame.height
                yield RawPart(path, "csv", _decoded_rows(frame, lines, columns))
            return
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc) and block_size < _MAX_CSV_BLOCK:
                block_size = min(block_size * 4, _MAX_CSV_BLOCK)
                continue
            where = f" after row {done}" if done else ""
            raise InputError(
                f"{path}: not a readable CSV file{where} ({_first_line(exc)})", hint=_CSV_HINT
            ) from None


def _csv_frames(path: Path, block_size: int, skip: int) -> Iterator[pl.DataFrame]:
    """Rows of the CSV file after the first ``skip``, every column as bytes."""
    blocks = text_blocks(open_blocks(path))
    head = next(blocks, b"")
    names = _csv_header(head)
    if names is None:  # an empty file, or whitespace only
        return
    reader = pa_csv.open_csv(
        _BlockFile(_chain(head, blocks)),
        read_options=pa_csv.ReadOptions(
            block_size=block_size,
            column_names=names,
            skip_rows=1,
            skip_rows_after_names=skip,
        ),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.binary()), strings_can_be_null=False
        ),
    )
    for batch in reader:
        if batch.num_rows:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield frame


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def _csv_header(head: bytes) -> list[str] | None:
    """The column names of the header row (duplicates renamed as polars names them)."""
    if not head.strip():
        return None
    start = head[: head.find(b"\n", 1 << 16) + 1 or len(head)]  # whole lines, header first
    text = start.decode("utf-8") if _is_utf8(start) else decode_bytes(start).text
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    names: list[str] = []
    for name in first:
        new, n = name, 0
        while new in names:
            new, n = f"{name}_duplicated_{n}", n + 1
        names.append(new)
    return names or None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decoded_rows(frame: pl.DataFrame, lines: list[int], columns: FileColumns) -> pl.DataFrame:
    """The bytes columns of a CSV chunk as strings; rows with bytes that are not UTF-8 are
    decoded in a detected legacy encoding (or with replacement) and flagged."""
    decoded: list[pl.Series] = []
    bad_rows: set[int] = set()
    bad_cells: dict[tuple[str, int], bytes] = {}
    for name in frame.columns:
        values = frame[name]
        try:
            decoded.append(values.cast(pl.String))
            continue
        except pl.exceptions.PolarsError:
            pass
        for row, value in enumerate(values.to_list()):
            if value is not None and not _is_utf8(value):
                bad_cells[(name, row)] = value
                bad_rows.add(row)
        decoded.append(values)
    encoding = detect_encoding(b"\n".join(bad_cells.values())) if bad_cells else None
    if bad_cells:
        for i, series in enumerate(decoded):
            if series.dtype == pl.String:
                continue
            name = series.name
            texts = [
                bad_cells[(name, row)].decode(encoding or "utf-8", errors="replace")
                if (name, row) in bad_cells
                else value.decode("utf-8")
                for row, value in enumerate(series.to_list())
            ]
            decoded[i] = pl.Series(name, texts, dtype=pl.String)
    result = bookkeeping(pl.DataFrame(decoded), lines)
    if not bad_rows:
        return result
    code = codes.LEGACY_ENCODING if encoding else codes.UNDECODABLE_BYTES
    what = encoding_note(encoding)
    excerpts = {row: f"row {lines[row]} is {what}" for row in sorted(bad_rows)}
    text_col = columns.update(list(frame.columns))[schema.TEXT]
    return add_whole_text_findings(result, excerpts, code, text_col)


def split_title_body(text: str) -> tuple[str, str]:
    """First line (without its line end) and everything after its line end, where a line
    ends with a line feed, a carriage return and line feed, or a carriage return alone
    (the line end of classic Mac OS files)."""
    lf, cr = text.find("\n"), text.find("\r")
    if lf < 0 and cr < 0:
        return text, ""
    if cr < 0 or 0 <= lf < cr:
        return text[:lf], text[lf + 1 :]
    end = cr + 2 if text.startswith("\n", cr + 1) else cr + 1
    return text[:cr], text[end:]


def read_txt_document(path: Path) -> tuple[str, str, dict[str, object] | None]:
    """Title, body and the encoding finding (if the bytes were not UTF-8) of a text file."""
    decoded = decode_bytes(read_bytes(path))
    title, body = split_title_body(decoded.text)
    if decoded.is_utf8:
        return title, body, None
    code = codes.LEGACY_ENCODING if decoded.encoding else codes.UNDECODABLE_BYTES
    return title, body, io_finding(code, body, f"the file is {encoding_excerpt(decoded)}")


def _first_line(exc: BaseException) -> str:
    """The first line of a reader's error message, or its type when it has none."""
    message = str(exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
