"""Parquet, CSV and plain-text readers.

Parquet is read with polars as it is typed; the text column is cast to string later.
CSV is read with every column as a string (a text that looks like a number stays the
text it is, and an empty field is an empty string). A ``.txt`` file is one document: the first line is the title and
everything after the first newline is the body, exactly.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.decode import Decoded, decode_bytes, encoding_excerpt, read_bytes
from corpuskit.io.rawpart import (
    RawPart,
    add_whole_text_findings,
    bookkeeping,
    io_finding,
    text_column,
)


def read_parquet(path: Path, options: InputOptions) -> RawPart:
    """Read one Parquet file (a dataset folder is expanded into its parts beforehand)."""
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars and the OS raise many kinds here
        raise InputError(
            f"{path}: not a readable Parquet file ({_first_line(exc)})",
            hint="check that the file is complete and really is Parquet "
            "(re-export it, or pass it with its real extension)",
        ) from None
    return RawPart(path, "parquet", bookkeeping(frame, list(range(1, frame.height + 1))))


def with_partition_columns(part: RawPart, partition: tuple[tuple[str, str], ...]) -> RawPart:
    """Add the hive partition values of a dataset part as string columns it lacks."""
    missing = [(key, value) for key, value in partition if key not in part.frame.columns]
    if not missing:
        return part
    frame = part.frame.with_columns(
        pl.lit(value, dtype=pl.String).alias(key) for key, value in missing
    )
    return RawPart(part.path, part.kind, frame)


def read_csv(path: Path, options: InputOptions) -> RawPart:
    """Read a CSV file with a header row; every column is a string.

    UTF-8 bytes go to polars as they are; only a file polars rejects is decoded here,
    either to read it in its legacy encoding or to confirm the problem is its CSV.
    """
    data = read_bytes(path)
    if not data.strip():
        return RawPart(path, "csv", bookkeeping(pl.DataFrame(), []))
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            frame = _parse_csv(data)
        except Exception:  # malformed CSV or bytes that are not UTF-8: look closer below
            pass
        else:
            return RawPart(path, "csv", bookkeeping(frame, list(range(1, frame.height + 1))))
    decoded = decode_bytes(data)
    del data
    try:
        frame = _parse_csv(decoded.text.encode("utf-8"))
    except Exception as exc:
        raise InputError(
            f"{path}: not a readable CSV file ({_first_line(exc)})",
            hint="the file needs a header row and the same number of fields on every row; "
            "quote fields that contain commas or newlines",
        ) from None
    frame = bookkeeping(frame, list(range(1, frame.height + 1)))
    if not decoded.is_utf8:
        code = codes.LEGACY_ENCODING if decoded.encoding else codes.UNDECODABLE_BYTES
        what = encoding_excerpt(decoded)
        excerpts = {
            i: f"row {i + 1} is {what}"
            for i, hit in enumerate(_csv_rows_touching(decoded, frame.height))
            if hit
        }
        frame = add_whole_text_findings(frame, excerpts, code, text_column(frame, path, options))
    return RawPart(path, "csv", frame)


def _parse_csv(data: bytes) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(data),
        infer_schema=False,  # every column is a string, as written
        empty_string_is_null=False,  # an empty field is an empty string, not null
    )


def _csv_rows_touching(decoded: Decoded, height: int) -> list[bool]:
    """Which data rows span a line that was not UTF-8 (all rows if that cannot be told)."""
    reader = csv.reader(io.StringIO(decoded.text, newline=""))
    spans: list[tuple[int, int]] = []
    previous = 0
    for _ in reader:
        spans.append((previous + 1, reader.line_num))
        previous = reader.line_num
    spans = spans[1:]  # the header
    if len(spans) != height:
        return [True] * height
    return [any(a <= n <= b for n in decoded.legacy_lines) for a, b in spans]


def split_title_body(text: str) -> tuple[str, str]:
    """First line (without its line ending) and everything after the first newline."""
    title, newline, body = text.partition("\n")
    return title.removesuffix("\r"), body if newline else ""


def read_txt_document(path: Path) -> tuple[str, str, dict[str, object] | None]:
    """Title, body and the encoding finding (if the bytes were not UTF-8) of a text file."""
    decoded = decode_bytes(read_bytes(path))
    title, body = split_title_body(decoded.text)
    if decoded.is_utf8:
        return title, body, None
    code = codes.LEGACY_ENCODING if decoded.encoding else codes.UNDECODABLE_BYTES
    return title, body, io_finding(code, body, f"the file is {encoding_excerpt(decoded)}")


def _first_line(exc: Exception) -> str:
    """The first line of a reader's error message, or its type when it has none."""
    message = str(exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
