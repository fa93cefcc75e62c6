"""Bad input: a clear InputError, or a per-document finding so the rest can go on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import read_corpus

DATA = Path(__file__).resolve().parent / "data" / "io"


def findings_of(frame: pl.DataFrame) -> pl.DataFrame:
    return schema.findings_table(frame)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder") as err:
        read_corpus([tmp_path / "nope.jsonl"])
    assert "nope.jsonl" in str(err.value)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "corpus.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(InputError, match=r"unknown input format.*\.xlsx") as err:
        read_corpus([path])
    assert ".jsonl" in err.value.hint


def test_unreadable_parquet(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(InputError, match="not a readable Parquet file") as err:
        read_corpus([path])
    assert str(path) in str(err.value)


def test_parquet_whose_schema_metadata_is_not_utf8_is_read(tmp_path: Path) -> None:
    """A damaged key-value metadata (bytes that are not UTF-8) made polars panic; the
    documents are all that is read of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["a", "b"], "text": ["نص أول", "second"]})
    pq.write_table(
        table.replace_schema_metadata({b"note": b"\xff\xfe\x80"}), tmp_path / "m.parquet"
    )
    frame = read_corpus([tmp_path / "m.parquet"])
    assert frame.select("id", "text").rows() == [("a", "نص أول"), ("b", "second")]


def test_truncated_gzip(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "a"}\n' * 100)[:30])
    with pytest.raises(InputError, match="cannot read the file"):
        read_corpus([path])


def test_folder_with_parquet_and_text_reads_both(tmp_path: Path) -> None:
    pl.DataFrame({"text": ["a"]}).write_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.txt").write_text("t\nb")
    frame = read_corpus([tmp_path])
    assert frame.select("text", "title").rows() == [("a", None), ("b", "t")]


def test_folder_with_no_corpus_file(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "run.py").write_text("x")
    with pytest.raises(InputError, match=r"holds no corpus files \(found 1 \.md, 1 \.py\)"):
        read_corpus([tmp_path])


def test_malformed_lines_become_rejected_documents() -> None:
    path = DATA / "malformed.jsonl"
    frame = read_corpus([path])
    # the record whose text is an object keeps its own id ("n3"); the others have none
    assert frame["id"].to_list() == ["n1", "malformed:3", "malformed:4", "n3", "n4"]
    assert frame["origin_line"].to_list() == [1, 3, 4, 5, 6]
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    assert frame["text"].to_list()[1:4] == raw_lines[2:5]
    table = findings_of(frame)
    assert table.select("doc_id", "code", "action").rows() == [
        ("malformed:3", "IO001", "drop"),
        ("malformed:4", "IO002", "drop"),
        ("n3", "IO003", "drop"),
    ]
    assert table["excerpt"].to_list()[0].startswith("line 3: not valid JSON")
    assert table["end"].to_list() == [len(raw_lines[i]) for i in (2, 3, 4)]
    # good records around them are intact, with their extras
    assert frame.filter(pl.col("id") == "n4")["tags"].item().to_list() == []
    assert frame.filter(pl.col("id") == "n1")["title"].item() == "عنوان"


def test_text_field_of_the_wrong_type_is_caught_on_the_fast_path(tmp_path: Path) -> None:
    # polars would read these as strings; each must still be reported
    records = [{"text": "ok"}, {"text": 12}, {"text": True}, {"text": [1]}, {"text": None}, {}]
    records += [{"text": "123"}, {"text": "[not a list]"}, {"text": "true"}]
    path = tmp_path / "types.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    frame = read_corpus([path])
    codes = findings_of(frame).select("doc_id", "code").rows()
    assert codes == [(f"types:{n}", "IO003") for n in (2, 3, 4, 5, 6)]
    assert frame["text"].to_list()[6:] == ["123", "[not a list]", "true"]


def test_strict_mode_stops_at_the_first_bad_line() -> None:
    with pytest.raises(InputError) as err:
        read_corpus([DATA / "malformed.jsonl"], options=InputOptions(strict=True))
    assert f"{DATA / 'malformed.jsonl'}:3: not valid JSON" in str(err.value)
    assert "strict" in err.value.hint


def test_strict_mode_catches_a_non_string_text(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "a"}\n{"text": 5}\n')
    with pytest.raises(InputError, match=r"t.jsonl:2: text field 'text' is a number"):
        read_corpus([path], options=InputOptions(strict=True))


def test_file_of_only_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "junk.jsonl"
    path.write_text("<html>\n</html>\n")
    frame = read_corpus([path])
    assert frame["text"].to_list() == ["<html>", "</html>"]
    assert frame["id"].to_list() == ["junk:1", "junk:2"]
    assert findings_of(frame)["code"].to_list() == ["IO001", "IO001"]


def test_windows_1256_line_in_a_utf8_file_is_decoded_and_flagged() -> None:
    frame = read_corpus([DATA / "mixed_encoding.jsonl"])
    assert frame["text"].to_list() == [
        "سطر مكتوب بترميز يونيكود",
        "قال مسؤول بوزارة الدفاع يوم الجمعة إن الوضع في المدينة مستقر",
        "سطر آخر",
    ]
    table = findings_of(frame)
    assert table.select("doc_id", "field", "code", "action").rows() == [
        ("w1", "text", "IO101", "flag")
    ]
    assert table["excerpt"].item() == "line 2 is not UTF-8; decoded as cp1256"


def test_windows_1256_text_file_and_csv(tmp_path: Path) -> None:
    title, body = "عاجل: اجتماع وزراء الخارجية العرب", "بدأ اليوم في القاهرة اجتماع وزراء الخارجية."
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "doc.txt").write_bytes(f"{title}\n{body}".encode("cp1256"))
    csv = tmp_path / "legacy.csv"
    csv.write_bytes(f"title,text\nok,plain ascii\n{title},{body}\n".encode("cp1256"))
    frame = read_corpus([folder, csv])
    assert frame.select("title", "text").rows() == [
        (title, body),
        ("ok", "plain ascii"),
        (title, body),
    ]
    table = findings_of(frame)
    assert table.select("doc_id", "code").rows() == [("doc", "IO101"), ("legacy:2", "IO101")]


def test_undetectable_bytes_are_replaced_and_said_so(tmp_path: Path) -> None:
    path = tmp_path / "noise.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "a\xff\xfe\x80b"}\n')
    frame = read_corpus([path])
    assert frame["text"].to_list()[0] == "ok"
    assert frame["text"].to_list()[1].startswith("a\ufffd")
    table = findings_of(frame)
    assert table.select("doc_id", "code", "action").rows() == [("noise:2", "IO102", "flag")]
    assert "U+FFFD" in table["excerpt"].item()


def test_control_characters_are_kept_with_one_strip_finding_per_run(tmp_path: Path) -> None:
    text = "a\x00b\x01\x02c\td\ne\rf\x1f"
    path = tmp_path / "ctl.jsonl"
    path.write_text(json.dumps({"id": "c", "title": "T\x07", "text": text}) + "\n")
    frame = read_corpus([path])
    assert frame["text"].item() == text  # original kept as is
    table = findings_of(frame)
    assert table.select("field", "code", "action", "start", "end").rows() == [
        ("text", "IO201", "strip", 1, 2),
        ("text", "IO201", "strip", 3, 5),
        ("text", "IO201", "strip", 12, 13),
        ("title", "IO201", "strip", 1, 2),
    ]
    stripped = "".join(ch for i, ch in enumerate(text) if not (1 <= i < 2 or 3 <= i < 5 or i == 12))
    assert stripped == "abc\td\ne\rf"


def test_raw_control_characters_in_a_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b'{"id": "r", "text": "nul\x00 here"}\n')
    frame = read_corpus([path])
    assert frame["text"].item() == "nul\x00 here"
    assert findings_of(frame).select("code", "start", "end").rows() == [("IO201", 3, 4)]


def test_empty_files_are_fine_unless_everything_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": ""}\n')
    frame = read_corpus([empty, good])
    assert frame["text"].to_list() == [""]  # an empty document is kept
    blank_csv = tmp_path / "blank.csv"
    blank_csv.write_text("")
    with pytest.raises(InputError, match="the input is empty"):
        read_corpus([empty, blank_csv])


def test_empty_text_file_is_an_empty_document(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "blank.txt").write_bytes(b"")
    frame = read_corpus([folder])
    assert frame.select("title", "text").row(0) == ("", "")


def test_reading_never_modifies_inputs(tmp_path: Path) -> None:
    inputs = [DATA / "malformed.jsonl", DATA / "mixed_encoding.jsonl", DATA / "articles.csv"]
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in inputs}
    read_corpus([*inputs, DATA / "textfolder"])
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in inputs} == before


def test_mapped_column_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    pl.DataFrame({"text": ["ok"], "title": [[1, 2]]}).write_parquet(path)
    with pytest.raises(InputError, match=r"cannot read 'title' \(List\(Int64\)\) as title"):
        read_corpus([path])


def test_csv_with_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("text,source\nfine,a\ntoo,many,fields\n")
    with pytest.raises(InputError, match="not a readable CSV file") as err:
        read_corpus([path])
    assert str(path) in str(err.value) and "quote" in err.value.hint


def test_null_text_in_a_table_is_a_drop_finding(tmp_path: Path) -> None:
    path = tmp_path / "nulls.parquet"
    pl.DataFrame({"id": ["a", "b"], "text": ["ok", None]}).write_parquet(path)
    frame = read_corpus([path])
    assert frame["text"].to_list() == ["ok", None]
    table = findings_of(frame)
    assert table.select("doc_id", "code", "action").rows() == [("b", "IO003", "drop")]
    assert f"{path}:2" in table["excerpt"].item()


def test_empty_csv_field_is_an_empty_string(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text('id,title,text\n1,,\n2,"",x\n')
    frame = read_corpus([path])
    assert frame.select("title", "text").rows() == [("", ""), ("", "x")]
    assert findings_of(frame).height == 0


def test_json_array_with_unusable_items(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"text": "ok"}, "just a string", {"text": 3}]))
    frame = read_corpus([path])
    assert frame["text"].to_list() == ["ok", '"just a string"', '{"text": 3}']
    assert findings_of(frame).select("doc_id", "code").rows() == [
        ("items:2", "IO002"),
        ("items:3", "IO003"),
    ]


def test_broken_json_array_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"text": "a"},\n  {"text": }\n]')
    with pytest.raises(InputError, match=r"broken.json: not valid JSON at line 3, column 12"):
        read_corpus([path])


def test_byte_order_marks_are_not_part_of_the_data(tmp_path: Path) -> None:
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + b'{"text": "a"}\n')
    csv = tmp_path / "bom.csv"
    csv.write_bytes(b"\xef\xbb\xbf" + b"text,id\nb,x\n")
    frame = read_corpus([jsonl, csv])
    assert frame.select("id", "text").rows() == [("bom.jsonl:1", "a"), ("x", "b")]
    assert findings_of(frame).height == 0
