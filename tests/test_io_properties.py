"""Properties of reading: what is written is what is read, and control runs are exact."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit import schema
from corpuskit.io import read_corpus
from corpuskit.io.canonical import holds_control_characters
from corpuskit.io.decode import CONTROL_RUN

# Any text, including NUL and other control characters, Arabic and line breaks.
texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("\x00\x01\x1a\t\r\n \u0627\u0644\u0639\u0631\u0628\u064a\u0629"),
    ),
    max_size=60,
)


def control_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in CONTROL_RUN.finditer(text)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=5))
def test_jsonl_texts_and_titles_come_back_exactly(records: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        lines = [json.dumps({"title": t, "text": x}, ensure_ascii=False) for t, x in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        frame = read_corpus([path])
    assert frame.select("title", "text").rows() == records
    assert frame["id"].to_list() == [f"p:{i}" for i in range(1, len(records) + 1)]
    table = schema.findings_table(frame)
    assert set(table["code"].to_list()) <= {"IO201"}
    for doc_id, (title, text) in zip(frame["id"], records, strict=True):
        mine = table.filter(table["doc_id"] == doc_id)
        for field, value in (("text", text), ("title", title)):
            spans = mine.filter(mine["field"] == field).select("start", "end").rows()
            assert spans == control_spans(value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=12), st.integers(0, 4), st.integers(0, 12))
def test_control_characters_found_in_the_bytes_as_the_pattern_finds_them(
    values: list[str | None], skip: int, split: int
) -> None:
    """Whole columns, slices of them (an offset into the bytes) and columns in two
    chunks: the rows holding a control character are those the regex matches."""
    whole = pl.Series(values, dtype=pl.String)
    chunked = pl.concat([whole[:split], whole[split:]], rechunk=False)
    for column in (whole, whole[skip:], chunked):
        expected = column.str.contains(CONTROL_RUN.pattern).fill_null(False).to_list()
        assert holds_control_characters(column).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(texts, texts)
def test_text_file_splits_at_the_first_newline(first: str, rest: str) -> None:
    # a leading byte-order mark is an encoding marker, not part of the title
    title = first.replace("\n", " ").replace("\r", " ").lstrip("\ufeff")
    content = f"{title}\n{rest}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        (folder / "d.txt").write_bytes(content.encode("utf-8"))
        frame = read_corpus([folder])
    assert frame.select("title", "text").row(0) == (title, rest)
