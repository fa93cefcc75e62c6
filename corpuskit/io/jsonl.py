"""JSON Lines (``.jsonl``, ``.ndjson``, also ``.gz``/``.zst``) and ``.json`` readers.

JSON Lines is read in chunks of complete lines (:mod:`corpuskit.io.stream`), so memory
follows the chunk size, not the file size; line numbers count from the file's start.
The fast path hands each chunk to polars. Only when polars rejects it does the
reader go line by line with the standard library, to find the bad lines and keep going
past them: a line that is not JSON (IO001) or not an object (IO002) becomes a document
whose text is the raw line and whose finding says why it is dropped. polars turns a
number or an object in the text field into a string without complaint, so values that
could have been such non-strings are re-read with :func:`json.loads` to be sure (IO003).
Blank lines are not records; line numbers count every physical line.

Two kinds of record would break the rest of the run and are reported instead: JSON
nested deeper than a parser can follow (IO001, the record is dropped), and ``\ud800``
style escapes of half a UTF-16 surrogate pair, which name no character (polars turns
them into U+0000 and Python into strings that cannot be written out): they are replaced
with U+FFFD and the record is flagged (IO103).

A ``.json`` file holding an array (or one object) is read whole: it is one JSON value,
and such files are small in practice; one that holds JSON Lines is streamed as such.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import codes
from corpuskit.io.decode import Decoded, decode_bytes, encoding_excerpt
from corpuskit.io.detect import FileColumns
from corpuskit.io.rawpart import (
    FINDINGS,
    LINE,
    RAW,
    RawPart,
    add_whole_text_findings,
    append_findings,
    bookkeeping,
    io_finding,
)
from corpuskit.io.stream import line_chunks, open_blocks, read_bytes, text_blocks

# A text value polars may have produced from a JSON number or boolean (short by nature).
_NUMBER_OR_BOOLEAN = r"^(?:-?[0-9][0-9.eE+\-]*|true|false)$"

# A line of nothing but these (ASCII white space, as ``bytes.strip`` has it) is blank.
_BLANK = " \t\n\r\x0b\x0c"

# Lines longer than this are taken to hold a record without looking at them.
_SHORT_LINE = 64

# JSON escapes that may be half of a surrogate pair, and a scan that tells pairs (kept)
# from lone halves (group 1); an escaped backslash is consumed first so that ``\\ud800``
# (a backslash, then the letters) is not taken for an escape.
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_ESCAPES = re.compile(
    rb"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_SURROGATE_CHAR = re.compile("[\ud800-\udfff]")

Record = tuple[int, str]  # (1-based line number, raw line)


class TooDeep(Exception):
    """A record nested deeper than the JSON parser can follow."""


def read_jsonl(
    path: Path, options: InputOptions, columns: FileColumns, chunk_bytes: int
) -> Iterator[RawPart]:
    """Read a JSON Lines file chunk by chunk; malformed lines become documents with an
    IO finding."""
    blocks = text_blocks(open_blocks(path), cr_lines=True)
    for first, chunk in line_chunks(blocks, chunk_bytes):
        yield RawPart(path, "jsonl", parse_jsonl_chunk(chunk, first, path, options, columns))


def parse_jsonl_chunk(
    data: bytes, first: int, path: Path, options: InputOptions, columns: FileColumns
) -> pl.DataFrame:
    """The records of ``data`` (complete lines, the first being line ``first``)."""
    offset = first - 1
    lone = has_lone_surrogate(data)
    if not lone:
        # Plain UTF-8 goes to polars as it is; lines are decoded only where needed.
        numbers, starts = _record_lines(data)
        frame = _fast_path(data, [n + offset for n in numbers])
        if frame is not None:

            def record(i: int) -> Record:
                k = numbers[i] - 1
                end = starts[k + 1] - 1 if k + 1 < len(starts) else len(data)
                raw = data[starts[k] : end].decode("utf-8", errors="replace")
                return numbers[i] + offset, raw.rstrip("\r")

            return _recheck_text_values(frame, record, path, options, columns)
    decoded = decode_bytes(data, whole_file=False)
    records = [
        (number + offset, line.rstrip("\r"))
        for number, line in enumerate(decoded.text.split("\n"), start=1)
        if line.strip(_BLANK)
    ]
    frame = None
    if not decoded.is_utf8 and not lone:  # polars could not read the raw bytes
        payload = "\n".join(line for _, line in records).encode("utf-8")
        frame = _fast_path(payload, [number for number, _ in records])
    if frame is None:
        parsed = [(number, line, *_parse_line(line)) for number, line in records]
        frame = _records_frame(parsed, path, options, columns)
    else:
        frame = _recheck_text_values(frame, records.__getitem__, path, options, columns)
    legacy = {n + offset for n in decoded.legacy_lines}
    return _encoding_findings(frame, decoded, legacy, columns)


def read_json(
    path: Path, options: InputOptions, columns: FileColumns, chunk_bytes: int
) -> Iterator[RawPart]:
    """Read a ``.json`` file holding an array of objects, one object, or JSON Lines."""
    if _holds_json_lines(path):
        for part in read_jsonl(path, options, columns, chunk_bytes):
            yield RawPart(path, "json", part.frame)
        return
    decoded = decode_bytes(read_bytes(path))
    head = decoded.text.lstrip()[:1]
    if head not in ("[", "{"):
        if not decoded.text.strip():
            return
        raise InputError(
            f"{path}: not a JSON array or object (starts with {head!r})",
            hint="a .json input holds an array of objects or one object per line",
        )
    try:
        whole = json.loads(decoded.text, strict=False)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno} "
            f"({exc.msg.removesuffix(' at')})",
            hint="fix the file, or write one object per line (JSON Lines) so a bad "
            "record can be reported on its own",
        ) from None
    except RecursionError:
        raise InputError(
            f"{path}: the JSON is nested too deeply to read",
            hint="write one object per line (JSON Lines) so that a bad record is "
            "reported on its own and the others are read",
        ) from None
    items = whole if isinstance(whole, list) else [whole]
    del whole
    parsed = []
    for i, item in enumerate(items, 1):
        value, replaced = _without_surrogates(item)
        try:
            raw = json.dumps(value, ensure_ascii=False)
        except RecursionError:
            raw, value = "", TooDeep()
        parsed.append((i, raw, value, replaced))
    frame = _records_frame(parsed, path, options, columns)
    yield RawPart(path, "json", _encoding_findings(frame, decoded, None, columns))


def _holds_json_lines(path: Path) -> bool:
    """Whether a ``.json`` file is JSON Lines: its first line is a whole object and
    another record follows (a pretty-printed object's first line is ``{`` alone)."""
    blocks = text_blocks(open_blocks(path), cr_lines=True)
    chunks = line_chunks(blocks, 1 << 20)
    for _, chunk in chunks:
        first, _, rest = chunk.partition(b"\n")
        if not first.strip().startswith(b"{"):
            return False
        try:
            json.loads(first)
        except (ValueError, RecursionError):
            return False
        if rest.strip():
            return True
        return any(more.strip() for _, more in chunks)
    return False


def has_lone_surrogate(data: bytes) -> bool:
    """Whether ``data`` (JSON text) escapes half of a UTF-16 surrogate pair alone."""
    if not _MAYBE_SURROGATE.search(data):
        return False
    return any(match.group(1) for match in _ESCAPES.finditer(data))


def _without_surrogates(value: Any) -> tuple[Any, bool]:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD, and whether
    there was one (JSON ``\\ud800`` escapes parse into such strings)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode("utf-8")
        return value, False
    except UnicodeEncodeError:
        pass
    except (RecursionError, ValueError):
        return value, False

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return _SURROGATE_CHAR.sub("\ufffd", v)
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        return v

    try:
        return clean(value), True
    except RecursionError:
        return TooDeep(), False


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


def _parse_line(line: str) -> tuple[Any, bool]:
    """The parsed record (or the reason it cannot be parsed) and whether lone surrogates
    in it were replaced."""
    try:
        value = json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        return exc, False
    except RecursionError:
        return TooDeep(), False
    if "\\u" in line and _MAYBE_SURROGATE.search(line.encode("utf-8", "replace")):
        return _without_surrogates(value)
    return value, False


def _problem(value: Any, text_col: str | None) -> tuple[codes.IOCode, str] | None:
    """Why a parsed record cannot be a document, or None when it can."""
    if isinstance(value, json.JSONDecodeError):
        # some of Python's messages end in "at" ("Unterminated string starting at")
        message = value.msg.removesuffix(" at")
        return codes.MALFORMED_JSON, f"not valid JSON: {message} at column {value.colno}"
    if isinstance(value, TooDeep):
        return (
            codes.MALFORMED_JSON,
            "nested too deeply to read (arrays or objects inside each other)",
        )
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
    if isinstance(value, str):
        return "a string"
    return "an object" if isinstance(value, dict) else "a list"


def _strict_error(path: Path, number: int, why: str) -> InputError:
    return InputError(
        f"{path}:{number}: {why}",
        hint="fix or remove that record, or run without strict mode to report it as a "
        "rejected document and go on",
    )


def _surrogate_finding(line: str, number: int) -> dict[str, object]:
    return io_finding(
        codes.LONE_SURROGATE,
        line,
        f"line {number}: a \\ud800-style escape names half of a UTF-16 surrogate pair, "
        "which is no character; it was replaced with U+FFFD",
    )


def _records_frame(
    parsed: list[tuple[int, str, Any, bool]],
    path: Path,
    options: InputOptions,
    columns: FileColumns,
) -> pl.DataFrame:
    """A frame from parsed records; unusable ones keep their raw text and get a finding.

    A record that is not an object (IO001, IO002) has no columns; an object whose text is
    unusable (IO003) keeps its other fields (its id among them) and its raw line as text.
    """
    keys = list(dict.fromkeys(k for _, _, v, _ in parsed if isinstance(v, dict) for k in v))
    text_col = columns.update(keys)[schema.TEXT] if keys else columns.text
    good: list[dict[str, Any]] = []
    good_lines: list[int] = []
    good_findings: list[list[dict[str, object]]] = []
    good_raw: list[str | None] = []
    bad_lines: list[int] = []
    bad_findings: list[list[dict[str, object]]] = []
    bad_raw: list[str | None] = []
    for number, line, value, replaced in parsed:
        notes = [_surrogate_finding(line, number)] if replaced else []
        problem = _problem(value, text_col)
        if problem is not None and options.strict:
            raise _strict_error(path, number, problem[1])
        if problem is None or problem[0] is codes.TEXT_NOT_A_STRING:
            if problem is not None:
                value = {**value, text_col: None}
                notes.append(io_finding(problem[0], line, f"line {number}: {problem[1]}"))
            good.append(value)
            good_lines.append(number)
            good_findings.append(notes)
            good_raw.append(line if problem is not None else None)
            continue
        code, why = problem
        bad_lines.append(number)
        bad_findings.append([*notes, io_finding(code, line, f"line {number}: {why}")])
        bad_raw.append(line)
    frames = []
    if good_lines:
        frames.append(bookkeeping(_objects_frame(good), good_lines, good_findings, good_raw))
    if bad_lines:
        frames.append(bookkeeping(pl.DataFrame(), bad_lines, bad_findings, bad_raw))
    if not frames:
        return bookkeeping(pl.DataFrame(), [])
    frame = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    return frame.sort(LINE)


def _objects_frame(objects: list[dict[str, Any]]) -> pl.DataFrame:
    """Objects as a frame, typed as polars would type the same JSON Lines."""
    if not any(objects):
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
    frame: pl.DataFrame,
    record: Callable[[int], Record],
    path: Path,
    options: InputOptions,
    file_columns: FileColumns,
) -> pl.DataFrame:
    """Re-read with json.loads the records whose text polars may have stringified.

    A record whose text is unusable keeps its other fields; its text column is null and
    its raw line is kept (it becomes the document's text) with an IO003 finding.
    """
    columns = [c for c in frame.columns if c not in (LINE, FINDINGS, RAW)]
    if frame.height == 0:
        return frame
    text_col = file_columns.update(columns)[schema.TEXT]
    if text_col is None:  # records with no fields at all: no text column to check
        return frame
    if text_col not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(text_col))
    if frame.schema[text_col].is_nested():  # every value is an object or a list
        suspects = list(range(frame.height))
    else:
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
        problem = _problem(_parse_line(line)[0], text_col)
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
    kept_text = pl.when(keep).then(pl.col(text_col)).otherwise(None)
    if frame.schema[text_col].is_nested():  # every value was an object or a list
        kept_text = pl.lit(None, dtype=pl.String)
    frame = frame.with_columns(kept_text.alias(text_col), pl.Series(RAW, raw, dtype=pl.String))
    return append_findings(frame, added)


def _encoding_findings(
    frame: pl.DataFrame, decoded: Decoded, lines: set[int] | None, columns: FileColumns
) -> pl.DataFrame:
    """Flag the records on ``lines`` (those whose bytes were not UTF-8), or every record
    when ``lines`` is None (a file read whole)."""
    if decoded.is_utf8 or frame.height == 0:
        return frame
    code = codes.LEGACY_ENCODING if decoded.encoding else codes.UNDECODABLE_BYTES
    what = encoding_excerpt(decoded)
    if lines is None:
        excerpts = dict.fromkeys(range(frame.height), f"the file is {what}")
    else:
        excerpts = {
            i: f"line {number} is {what}"
            for i, number in enumerate(frame[LINE].to_list())
            if number in lines
        }
    return add_whole_text_findings(frame, excerpts, code, columns.text)
