"""JSON Lines (``.jsonl``, ``.ndjson``, also ``.gz``/``.zst``) and ``.json`` readers.

The fast path hands the whole file to polars. Only when polars rejects it does the
reader go line by line with the standard library, to find the bad lines and keep going
past them: a line that is not JSON (IO001) or not an object (IO002) becomes a document
whose text is the raw line and whose finding says why it is dropped. polars turns a
number or an object in the text field into a string without complaint, so values that
could have been such non-strings are re-read with :func:`json.loads` to be sure (IO003).
Blank lines are not records; line numbers count every physical line.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.decode import Decoded, decode_bytes, encoding_excerpt, read_bytes
from corpuskit.io.detect import resolve_columns
from corpuskit.io.rawpart import (
    FINDINGS,
    LINE,
    RAW,
    RawPart,
    add_whole_text_findings,
    append_findings,
    bookkeeping,
    io_finding,
    text_column,
)

# A text value polars may have produced from a JSON number or boolean (short by nature).
_NUMBER_OR_BOOLEAN = r"^(?:-?[0-9][0-9.eE+\-]*|true|false)$"

# Lines longer than this are taken to hold a record without looking at them.
_SHORT_LINE = 64

Record = tuple[int, str]  # (1-based line number, raw line)


def read_jsonl(path: Path, options: InputOptions) -> RawPart:
    """Read a JSON Lines file; malformed lines become documents with an IO finding."""
    data = read_bytes(path)
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Plain UTF-8 goes to polars as it is; lines are decoded only where needed.
        numbers, starts = _record_lines(data)
        frame = _fast_path(data, numbers)
        if frame is not None:

            def record(i: int) -> Record:
                k = numbers[i] - 1
                end = starts[k + 1] - 1 if k + 1 < len(starts) else len(data)
                raw = data[starts[k] : end].decode("utf-8", errors="replace")
                return numbers[i], raw.rstrip("\r")

            return RawPart(path, "jsonl", _recheck_text_values(frame, record, path, options))
    decoded = decode_bytes(data)
    records = [
        (number, line.rstrip("\r"))
        for number, line in enumerate(decoded.text.split("\n"), start=1)
        if line.strip()
    ]
    frame = None
    if not decoded.is_utf8:  # polars could not read the raw bytes; try the decoded text
        payload = "\n".join(line for _, line in records).encode("utf-8")
        frame = _fast_path(payload, [number for number, _ in records])
    if frame is None:
        parsed = [(number, line, _parse_line(line)) for number, line in records]
        frame = _records_frame(parsed, path, options)
    else:
        frame = _recheck_text_values(frame, records.__getitem__, path, options)
    return RawPart(path, "jsonl", _encoding_findings(frame, decoded, path, options))


def read_json(path: Path, options: InputOptions) -> RawPart:
    """Read a ``.json`` file holding an array of objects, one object, or JSON Lines."""
    decoded = decode_bytes(read_bytes(path))
    head = decoded.text.lstrip()[:1]
    if head not in ("[", "{"):
        if not decoded.text.strip():
            return RawPart(path, "json", bookkeeping(pl.DataFrame(), []))
        raise InputError(
            f"{path}: not a JSON array or object (starts with {head!r})",
            hint="a .json input holds an array of objects or one object per line",
        )
    try:
        whole = json.loads(decoded.text, strict=False)
    except json.JSONDecodeError as exc:
        if head == "[":
            raise InputError(
                f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno} "
                f"({exc.msg.removesuffix(' at')})",
                hint="fix the file, or write one object per line (JSON Lines) so a bad "
                "record can be reported on its own",
            ) from None
        return RawPart(path, "json", read_jsonl(path, options).frame)
    items = whole if isinstance(whole, list) else [whole]
    parsed = [(i, json.dumps(item, ensure_ascii=False), item) for i, item in enumerate(items, 1)]
    frame = _records_frame(parsed, path, options)
    return RawPart(path, "json", _encoding_findings(frame, decoded, path, options, whole_file=True))


def _record_lines(data: bytes) -> tuple[list[int], list[int]]:
    """1-based numbers of the lines that hold more than whitespace, and the byte offset
    where every line starts (lines are found with ``bytes.find``, never copied).

    Only short lines are looked at; a long line of nothing but whitespace would make
    polars find fewer records than expected, and the careful path then takes over.
    """
    numbers: list[int] = []
    starts: list[int] = []
    start, number = 0, 1
    size = len(data)
    while start <= size:
        end = data.find(b"\n", start)
        if end < 0:
            end = size
        starts.append(start)
        if end - start > _SHORT_LINE or data[start:end].strip():
            numbers.append(number)
        start, number = end + 1, number + 1
    return numbers, starts


def _fast_path(payload: bytes, numbers: list[int]) -> pl.DataFrame | None:
    """The records of ``payload`` parsed by polars (one per non-blank line, whose numbers
    are ``numbers``), or None when some line needs a closer look."""
    if not numbers:
        return bookkeeping(pl.DataFrame(), [])
    try:
        frame = pl.read_ndjson(io.BytesIO(payload), infer_schema_length=None)
    except Exception:  # polars raises several error types for malformed JSON or bytes
        return None
    if frame.height != len(numbers):
        return None
    return bookkeeping(frame, numbers)


def _parse_line(line: str) -> Any:
    try:
        return json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        return exc


def _problem(value: Any, text_col: str | None) -> tuple[codes.IOCode, str] | None:
    """Why a parsed record cannot be a document, or None when it can."""
    if isinstance(value, json.JSONDecodeError):
        # some of Python's messages end in "at" ("Unterminated string starting at")
        message = value.msg.removesuffix(" at")
        return codes.MALFORMED_JSON, f"not valid JSON: {message} at column {value.colno}"
    if not isinstance(value, dict):
        return codes.NOT_AN_OBJECT, f"the record is {_json_type(value)}, not an object"
    if text_col is not None and not isinstance(value.get(text_col), str):
        found = "missing" if text_col not in value else _json_type(value[text_col])
        return codes.TEXT_NOT_A_STRING, f"text field {text_col!r} is {found}, not a string"
    return None


def _json_type(value: Any) -> str:
    """How JSON calls the type of a parsed value: "null", "a number", "an object", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "an object" if isinstance(value, dict) else "a list"


def _strict_error(path: Path, number: int, why: str) -> InputError:
    return InputError(
        f"{path}:{number}: {why}",
        hint="fix or remove that record, or run without strict mode to report it as a "
        "rejected document and go on",
    )


def _records_frame(
    parsed: list[tuple[int, str, Any]], path: Path, options: InputOptions
) -> pl.DataFrame:
    """A frame from parsed records; unusable ones become raw-text rows with a finding."""
    objects = [value for _, _, value in parsed if isinstance(value, dict)]
    columns = list(dict.fromkeys(key for obj in objects for key in obj))
    text_col = resolve_columns(columns, options, path)[schema.TEXT] if objects else None
    good: list[tuple[int, dict[str, Any]]] = []
    bad_lines: list[int] = []
    bad_findings: list[list[dict[str, object]]] = []
    bad_raw: list[str | None] = []
    for number, line, value in parsed:
        problem = _problem(value, text_col)
        if problem is None:
            good.append((number, value))
            continue
        code, why = problem
        if options.strict:
            raise _strict_error(path, number, why)
        bad_lines.append(number)
        bad_findings.append([io_finding(code, line, f"line {number}: {why}")])
        bad_raw.append(line)
    frames = [bookkeeping(_objects_frame([obj for _, obj in good]), [n for n, _ in good])]
    if bad_lines:
        frames.append(bookkeeping(pl.DataFrame(), bad_lines, bad_findings, bad_raw))
    frame = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    return frame.sort(LINE)


def _objects_frame(objects: list[dict[str, Any]]) -> pl.DataFrame:
    """Objects as a frame, typed as polars would type the same JSON Lines."""
    if not objects:
        return pl.DataFrame()
    payload = "\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects)
    try:
        return pl.read_ndjson(io.BytesIO(payload.encode("utf-8")), infer_schema_length=None)
    except Exception:
        # Columns whose values have incompatible JSON types (e.g. an object in one record and
        # a list in another) are carried as their JSON text.
        rows = [
            {
                k: v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for k, v in obj.items()
            }
            for obj in objects
        ]
        return pl.from_dicts(rows, infer_schema_length=None)


def _recheck_text_values(
    frame: pl.DataFrame, record: Callable[[int], Record], path: Path, options: InputOptions
) -> pl.DataFrame:
    """Re-read with json.loads the records whose text polars may have stringified."""
    columns = [c for c in frame.columns if c not in (LINE, FINDINGS, RAW)]
    if frame.height == 0:
        return frame
    text_col = resolve_columns(columns, options, path)[schema.TEXT]
    assert text_col is not None
    text = pl.col(text_col).cast(pl.String)
    suspects = (
        frame.with_row_index("__i")
        .filter(
            text.is_null()
            | (text.str.starts_with("{") & text.str.ends_with("}"))
            | (text.str.starts_with("[") & text.str.ends_with("]"))
            | ((text.str.len_bytes() <= 40) & text.str.contains(_NUMBER_OR_BOOLEAN))
        )["__i"]
        .to_list()
    )
    bad: dict[int, tuple[codes.IOCode, str]] = {}
    for i in suspects:
        number, line = record(i)
        problem = _problem(_parse_line(line), text_col)
        if problem is not None:
            if options.strict:
                raise _strict_error(path, number, problem[1])
            bad[i] = problem
    if not bad:
        return frame
    keep = pl.Series([i not in bad for i in range(frame.height)])
    raw = frame[RAW].to_list()
    added = {}
    for i, (code, why) in bad.items():
        number, line = record(i)
        added[i] = [io_finding(code, line, f"line {number}: {why}")]
        raw[i] = line
    frame = frame.with_columns(
        [pl.when(keep).then(pl.col(c)).otherwise(None).alias(c) for c in columns]
        + [pl.Series(RAW, raw, dtype=pl.String)]
    )
    return append_findings(frame, added)


def _encoding_findings(
    frame: pl.DataFrame,
    decoded: Decoded,
    path: Path,
    options: InputOptions,
    *,
    whole_file: bool = False,
) -> pl.DataFrame:
    """Flag the records whose lines were not UTF-8 (every record, for a whole-file format)."""
    if decoded.is_utf8 or frame.height == 0:
        return frame
    code = codes.LEGACY_ENCODING if decoded.encoding else codes.UNDECODABLE_BYTES
    what = encoding_excerpt(decoded)
    if whole_file:
        excerpts = dict.fromkeys(range(frame.height), f"the file is {what}")
    else:
        excerpts = {
            i: f"line {number} is {what}"
            for i, number in enumerate(frame[LINE].to_list())
            if number in decoded.legacy_lines
        }
    return add_whole_text_findings(frame, excerpts, code, text_column(frame, path, options))
