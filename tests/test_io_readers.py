"""Every input format reads into the canonical frame, in input order, deterministically."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
import zstandard

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.io import read_corpus

DATA = Path(__file__).resolve().parent / "data" / "io"
ARTICLES = [
    {"id": "a1", "title": "أول", "text": "النص الأول", "source": "alpha", "score": 1},
    {"id": "a2", "title": "ثان", "text": "النص الثاني", "source": "beta", "score": 2},
    {"id": "a3", "title": "ثالث", "text": "", "source": "alpha", "score": 3},
]


def jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def check_articles(frame: pl.DataFrame) -> None:
    assert frame["id"].to_list() == ["a1", "a2", "a3"]
    assert frame["title"].to_list() == [a["title"] for a in ARTICLES]
    assert frame["text"].to_list() == [a["text"] for a in ARTICLES]
    assert frame["source"].to_list() == [a["source"] for a in ARTICLES]
    assert frame.columns[:9] == [*schema.CANONICAL_COLUMNS, *schema.ORIGIN_COLUMNS]
    assert frame.columns[-1] == schema.FINDINGS
    assert frame.schema[schema.FINDINGS] == schema.FINDINGS_DTYPE
    assert frame.schema[schema.ORIGIN_LINE] == pl.Int64
    for name in schema.CANONICAL_COLUMNS:
        assert frame.schema[name] == pl.String


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("corpus.jsonl", lambda b: b),
        ("corpus.ndjson", lambda b: b),
        ("corpus.jsonl.gz", gzip.compress),
        ("corpus.jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_json_lines_plain_and_compressed(tmp_path: Path, name: str, encode) -> None:
    path = tmp_path / name
    path.write_bytes(encode(jsonl_bytes(ARTICLES)))
    frame = read_corpus([path])
    check_articles(frame)
    assert frame["score"].to_list() == [1, 2, 3]
    assert frame["origin_file"].unique().to_list() == [str(path)]
    assert frame["origin_line"].to_list() == [1, 2, 3]
    assert frame["findings"].list.len().sum() == 0


def test_zstd_stream_without_content_size(tmp_path: Path) -> None:
    path = tmp_path / "streamed.jsonl.zst"
    with path.open("wb") as fh, zstandard.ZstdCompressor().stream_writer(fh) as writer:
        writer.write(jsonl_bytes(ARTICLES))
    check_articles(read_corpus([path]))


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    lines = jsonl_bytes(ARTICLES).decode().splitlines()
    path.write_text(f"\n{lines[0]}\n\n  \n{lines[1]}\r\n{lines[2]}", encoding="utf-8")
    frame = read_corpus([path])
    check_articles(frame)
    assert frame["origin_line"].to_list() == [2, 5, 6]
    # a long line of nothing but whitespace is no record either
    path.write_text(f"{lines[0]}\n{' ' * 500}\n{lines[1]}\n{lines[2]}\n", encoding="utf-8")
    frame = read_corpus([path])
    check_articles(frame)
    assert frame["origin_line"].to_list() == [1, 3, 4]


def test_json_array_and_single_object(tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    array.write_text(json.dumps(ARTICLES, ensure_ascii=False, indent=2), encoding="utf-8")
    frame = read_corpus([array])
    check_articles(frame)
    assert frame["origin_line"].to_list() == [1, 2, 3]

    single = tmp_path / "single.json"
    single.write_text(json.dumps(ARTICLES[0], indent=2), encoding="utf-8")
    assert read_corpus([single])["id"].to_list() == ["a1"]

    per_line = tmp_path / "lines.json"
    per_line.write_bytes(jsonl_bytes(ARTICLES))
    check_articles(read_corpus([per_line]))


def test_parquet_file_and_folder_of_parts(tmp_path: Path) -> None:
    frame = pl.DataFrame(ARTICLES)
    single = tmp_path / "one.parquet"
    frame.write_parquet(single)
    check_articles(read_corpus([single]))

    dataset = tmp_path / "dataset"
    (dataset / "year=2018").mkdir(parents=True)
    frame.head(2).write_parquet(dataset / "year=2018" / "part-0.parquet")
    frame.tail(1).write_parquet(dataset / "year=2018" / "part-1.parquet")
    (dataset / "_SUCCESS").write_text("")
    read = read_corpus([dataset])
    check_articles(read)
    assert read["origin_line"].to_list() == [1, 2, 1]
    assert read["origin_file"].to_list()[2].endswith("part-1.parquet")
    assert read["year"].to_list() == ["2018"] * 3  # hive partition value carried


def test_hive_partition_values_become_columns(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    for outlet in ("bbc", "cnn"):
        (dataset / f"outlet={outlet}").mkdir(parents=True)
        pl.DataFrame({"text": [f"from {outlet}"]}).write_parquet(
            dataset / f"outlet={outlet}" / "part-0.parquet"
        )
    frame = read_corpus([dataset])
    # "outlet" is a source alias, so the partition value becomes the canonical source
    assert frame.select("text", "source").rows() == [("from bbc", "bbc"), ("from cnn", "cnn")]


def test_csv_reads_every_column_as_a_string() -> None:
    frame = read_corpus([DATA / "articles.csv"])
    assert frame["id"].to_list() == ["007", "008"]  # leading zeros kept: not type-guessed
    assert frame["text"].to_list() == ["0123", "line one\nline two, with comma"]
    assert frame["title"].to_list() == ["First", "Second"]
    assert frame["source"].to_list() == ["alpha", "beta"]
    assert frame["year"].dtype == pl.String
    assert frame["origin_line"].to_list() == [1, 2]


def test_text_folder_is_recursive_sorted_and_ignores_other_files() -> None:
    folder = DATA / "textfolder"
    frame = read_corpus([folder])
    assert frame["origin_file"].to_list() == [
        str(folder / "politics" / "a.txt"),
        str(folder / "politics" / "b.txt"),
        str(folder / "sport" / "a.txt"),
    ]
    assert frame["title"].to_list() == [
        "عنوان الخبر الأول",
        "عنوان الخبر الثاني",
        "Title only, no body",
    ]
    assert frame["text"].to_list() == ["نص الخبر الأول.", "الفقرة الأولى.\n\nالفقرة الثانية.\n", ""]
    assert frame["id"].to_list() == ["politics/a", "b", "sport/a"]


def test_text_file_with_windows_line_endings(tmp_path: Path) -> None:
    folder = tmp_path / "crlf"
    folder.mkdir()
    (folder / "doc.txt").write_bytes(b"Title\r\nBody line\r\nSecond\r\n")
    frame = read_corpus([folder])
    assert frame["title"].item() == "Title"
    assert frame["text"].item() == "Body line\r\nSecond\r\n"


def test_mixed_inputs_keep_order_and_union_extra_columns(tmp_path: Path) -> None:
    jsonl = tmp_path / "first.jsonl"
    jsonl.write_bytes(jsonl_bytes(ARTICLES[:1]))
    parquet = tmp_path / "second.parquet"
    pl.DataFrame(ARTICLES[1:]).drop("score").with_columns(pl.lit("x").alias("lab")).write_parquet(
        parquet
    )
    frame = read_corpus([DATA / "articles.csv", jsonl, parquet, DATA / "textfolder"])
    assert frame["id"].to_list() == ["007", "008", "a1", "a2", "a3", "politics/a", "b", "sport/a"]
    assert frame["score"].to_list()[2:5] == [1, None, None]
    assert frame["lab"].to_list()[3:5] == ["x", "x"]
    assert frame.columns[-1] == schema.FINDINGS


def test_same_input_gives_identical_frame() -> None:
    inputs = [DATA / "malformed.jsonl", DATA / "mixed_encoding.jsonl", DATA / "textfolder"]
    assert read_corpus(inputs).equals(read_corpus(inputs))


def test_fifty_megabyte_document(tmp_path: Path) -> None:
    unit = "كلمة word "  # 14 bytes in UTF-8
    body = unit * (50_000_000 // len(unit.encode("utf-8")))
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"id": "big", "text": body}, ensure_ascii=False) + "\n")
    assert path.stat().st_size > 50_000_000
    frame = read_corpus([path], options=InputOptions(max_doc_chars=0))
    assert frame["text"].item() == body
    assert frame["findings"].list.len().item() == 0
    # Read whole under the default limit too, and marked as too large to clean.
    frame = read_corpus([path])
    assert frame["text"].item() == body
    assert [f["code"] for f in frame["findings"].item()] == ["IO004"]


def test_progress_reports_documents_per_file(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl_bytes(ARTICLES))
    seen: list[int] = []
    read_corpus([path, DATA / "articles.csv"], progress=seen.append)
    assert seen == [3, 2]
