"""Fuzzing the readers: random and mutated JSON Lines, CSV, Parquet, text folders and
gzip/zstd streams.

The invariant, for every input: reading either accounts for every input record (each
is a document, possibly with an IO finding that drops it) or raises an InputError with a
message; never another exception, and within a bounded time. Where the number of
records is known from the bytes (JSON Lines: its non-blank lines; a text folder: its
files; an unmutated CSV or Parquet file: its rows) the documents are counted against
it, and a compressed file cut short must be refused. The streaming reader, with small
random batches, must give exactly the frame ``read_corpus`` gives.

The default run is a short budget (a few seconds); set ``CORPUSKIT_FUZZ_EXAMPLES`` to
run more inputs per test, e.g. ``CORPUSKIT_FUZZ_EXAMPLES=2000 pytest tests/hostile
-k readers_fuzz --hypothesis-show-statistics``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit import schema
from corpuskit.errors import InputError
from corpuskit.io import CorpusReader, align, read_corpus

EXAMPLES = int(os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", "30"))
SECONDS_PER_INPUT = 10.0  # the bound on one input's read, on a busy 2-core machine
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # time is bounded below, with a message, not by hypothesis' flakiness
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text with what breaks readers: control characters, line ends of every kind, quotes,
# Arabic, byte-order marks, replacement characters, emoji (surrogate pairs in JSON).
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from('\x00\x1b\r\n\t",\\{}[]\ufeff\ufffd\U0001f600 عربي'),
    ),
    max_size=40,
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
RECORD = st.fixed_dictionaries(
    {"text": st.one_of(TEXT, JSON_VALUE)},
    optional={"id": st.one_of(TEXT, st.integers()), "title": TEXT, "extra": JSON_VALUE},
)
# Raw JSON fragments that have broken readers: lone surrogate escapes, deep nesting.
HOSTILE_LINES = st.sampled_from(
    [
        b'{"text": "a\\ud800b"}',
        b'{"text": "\\udfff"}',
        b'{"id": "\\udbff", "text": "x"}',
        b'{"text": "ok", "d": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b"[" * 3000,
        b'{"text": 1e999}',
        b'{"text": "x", "text": 5}',
        b"\xff\xfe\x00",
        b"\xc3\x28",
        b"null",
        b"{}",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, inserted, deleted or cut off."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "cut", "line-ends"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "cut":
            del data[at:]
        elif kind == "line-ends":
            data = bytearray(data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r"]))))
    return bytes(data)


def compress(data: bytes, how: str) -> bytes:
    if how == ".gz":
        return gzip.compress(data)
    if how == ".zst":
        return zstandard.ZstdCompressor().compress(data)
    return data


Outcome = tuple[pl.DataFrame | None, str]  # the frame, or None and the error's message


def read_within_bound(paths: list[Path], batch_rows: int) -> Outcome:
    """The invariant for one input: a frame or an InputError, nothing else, in time;
    and the streaming reader's batches add up to the same frame."""
    started = time.perf_counter()
    try:
        frame = read_corpus(paths)
    except InputError as err:
        message = str(err)
        assert (message.strip() and str(paths[0]) in message) or "duplicate" in message
        return None, message
    finally:
        elapsed = time.perf_counter() - started
        assert elapsed < SECONDS_PER_INPUT, f"reading took {elapsed:.1f} s"
    check_frame(frame)
    reader = CorpusReader(paths, batch_rows=batch_rows, batch_bytes=batch_rows * 200)
    batches = list(reader.batches())
    assert all(b.height <= batch_rows for b in batches)
    # batches are aligned to the schema of the whole read, as the pipeline writes them (a
    # column holding objects in one batch and booleans in another becomes JSON text)
    streamed = pl.concat([align(b, reader.stats.columns) for b in batches]).select(frame.columns)
    assert streamed.equals(frame), "the stream and read_corpus differ"
    assert reader.stats.documents == frame.height
    return frame, ""


def check_frame(frame: pl.DataFrame) -> None:
    """Every document has an id, and text unless a finding drops it."""
    assert frame.columns[:9] == [*schema.CANONICAL_COLUMNS, *schema.ORIGIN_COLUMNS]
    assert frame["id"].null_count() == 0 and frame["id"].n_unique() == frame.height
    dropped = frame["findings"].list.eval(pl.element().struct.field("action") == "drop")
    no_text = frame["text"].is_null()
    assert not (no_text & ~dropped.list.any()).any(), "a document without text or reason"
    for name in ("id", "title", "text"):
        values = frame[name].drop_nulls().to_list()
        # no lone surrogate reaches the frame (it could not be written out)
        "".join(values).encode("utf-8")


def non_blank_lines(data: bytes) -> int:
    """JSON Lines records in ``data``: its lines holding more than ASCII white space
    (lines end with line feeds, or with carriage returns in a file without line feeds)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    sep = b"\r" if b"\n" not in data and b"\r" in data else b"\n"
    return sum(1 for line in data.split(sep) if line.strip())


def with_files(write: Callable[[Path], list[Path]], batch_rows: int) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        return read_within_bound(write(Path(tmp)), batch_rows)


BATCH_ROWS = st.integers(1, 7)


@FUZZ
@given(
    records=st.lists(st.one_of(RECORD.map(lambda r: json.dumps(r).encode()), HOSTILE_LINES)),
    ensure_ascii=st.booleans(),
    batch_rows=BATCH_ROWS,
    data=st.data(),
)
def test_jsonl_records_are_all_accounted_for(records, ensure_ascii, batch_rows, data) -> None:
    payload = b"\n".join(records) + b"\n"
    if not ensure_ascii:
        payload = payload.decode("unicode_escape", "ignore").encode("utf-8", "replace")
    payload = data.draw(st.one_of(st.just(payload), mutated(payload)), label="payload")
    expected = non_blank_lines(payload)
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        expected = None  # UTF-16: lines are not the bytes' lines

    def write(tmp: Path) -> list[Path]:
        path = tmp / "fuzz.jsonl"
        path.write_bytes(payload)
        return [path]

    frame, error = with_files(write, batch_rows)
    if frame is not None and expected is not None:
        assert frame.height == expected
    if frame is None:  # a JSON Lines file is refused whole for these reasons only
        assert re.search(r"no text column|duplicate document id|the input is empty", error)
        assert expected != 0 or "empty" in error


@FUZZ
@given(
    records=st.lists(RECORD, min_size=1, max_size=12),
    how=st.sampled_from([".gz", ".zst"]),
    cut=st.one_of(st.none(), st.floats(0.0, 0.999)),
    batch_rows=BATCH_ROWS,
)
def test_compressed_streams_are_read_whole_or_refused(records, how, cut, batch_rows) -> None:
    plain = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    packed = compress(plain, how)
    if cut is not None:
        packed = packed[: int(len(packed) * cut)]

    def write(tmp: Path) -> list[Path]:
        path = tmp / f"fuzz.jsonl{how}"
        path.write_bytes(packed)
        return [path]

    frame, error = with_files(write, batch_rows)
    if cut is not None and len(packed) > 0:
        assert frame is None, "a truncated stream was read"
        assert "cannot read the file" in error or "truncated" in error or "empty" in error
    elif frame is not None:
        assert frame.height == len(records)


@FUZZ
@given(
    rows=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=10),
    mutate=st.booleans(),
    how=st.sampled_from(["", ".gz", ".zst"]),
    batch_rows=BATCH_ROWS,
    data=st.data(),
)
def test_csv_rows_are_all_accounted_for(rows, mutate, how, batch_rows, data) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    payload = buffer.getvalue().encode("utf-8")
    if mutate:
        payload = data.draw(mutated(payload), label="payload")

    def write(tmp: Path) -> list[Path]:
        path = tmp / f"fuzz.csv{how}"
        path.write_bytes(compress(payload, how))
        return [path]

    frame, error = with_files(write, batch_rows)
    if mutate:
        return
    ids = [i for i, _ in rows]
    if frame is not None:
        assert frame.select("id", "text").rows() == rows
    else:  # of a well-formed CSV, only repeated ids are refused
        assert "duplicate document id" in error and len(set(ids)) < len(ids)


@FUZZ
@given(
    texts=st.lists(st.one_of(TEXT, st.none()), min_size=1, max_size=10),
    mutate=st.booleans(),
    batch_rows=BATCH_ROWS,
    data=st.data(),
)
def test_parquet_rows_are_all_accounted_for(texts, mutate, batch_rows, data) -> None:
    buffer = io.BytesIO()
    pl.DataFrame({"text": texts}, schema={"text": pl.String}).write_parquet(
        buffer, row_group_size=3
    )
    payload = buffer.getvalue()
    if mutate:
        payload = data.draw(mutated(payload), label="payload")

    def write(tmp: Path) -> list[Path]:
        path = tmp / "fuzz.parquet"
        path.write_bytes(payload)
        return [path]

    frame, _ = with_files(write, batch_rows)
    if not mutate:
        assert frame is not None and frame["text"].to_list() == texts


@FUZZ
@given(
    files=st.lists(
        st.one_of(st.binary(max_size=60), TEXT.map(lambda t: t.encode("utf-8"))),
        min_size=1,
        max_size=8,
    ),
    batch_rows=BATCH_ROWS,
)
def test_text_folders_give_one_document_per_file(files, batch_rows) -> None:
    def write(tmp: Path) -> list[Path]:
        folder = tmp / "texts"
        folder.mkdir()
        for i, content in enumerate(files):
            (folder / f"{i:03d}.txt").write_bytes(content)
        return [folder]

    frame, error = with_files(write, batch_rows)
    assert frame is not None, error
    assert frame.height == len(files)
