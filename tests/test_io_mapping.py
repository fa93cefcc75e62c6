"""Column detection, explicit mapping, carried extras and stable ids."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io import read_corpus
from corpuskit.io.detect import resolve_columns
from corpuskit.io.discover import unique_labels


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Content", "Headline", "DocNo"], {"text": "Content", "title": "Headline", "id": "DocNo"}),
        (["article_text", "heading", "uuid"], {"text": "article_text", "title": "heading"}),
        (["body", "_id", "publisher", "link", "pub_date", "language"], {"url": "link"}),
        (["BODY", "Outlet", "Published_At", "LANG"], {"date": "Published_At", "lang": "LANG"}),
        # news-please's JSON
        (
            ["title", "maintext", "date_publish", "source_domain", "url", "language"],
            {"text": "maintext", "date": "date_publish", "source": "source_domain"},
        ),
        # newspaper3k, trafilatura, an RSS feed
        (["text", "publish_date", "sitename"], {"date": "publish_date", "source": "sitename"}),
        (["content", "pubDate", "guid", "link"], {"date": "pubDate", "id": "guid"}),
        # an Arabic dataset's own column names
        (
            ["العنوان", "النص", "التاريخ", "المصدر", "الرابط"],
            {"title": "العنوان", "text": "النص", "date": "التاريخ", "source": "المصدر"},
        ),
    ],
)
def test_detection_is_case_insensitive(columns: list[str], expected: dict[str, str]) -> None:
    mapping = resolve_columns(columns, InputOptions(), "x.jsonl")
    for canonical, column in expected.items():
        assert mapping[canonical] == column


def test_first_alias_wins_and_the_other_is_carried(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl", [{"content": "c", "text": "t", "source": "s", "outlet": "o"}]
    )
    frame = read_corpus([path])
    assert frame["text"].item() == "t"
    assert frame["content"].item() == "c"
    assert frame["source"].item() == "s"
    assert frame["outlet"].item() == "o"


def test_explicit_columns_win_and_clashing_extras_are_suffixed(tmp_path: Path) -> None:
    record = {"text": "teaser", "full": "the body", "title": "old", "h": "new", "key": 7, "id": "x"}
    path = write_jsonl(tmp_path / "c.jsonl", [record])
    options = InputOptions(text_col="full", title_col="h", id_col="key")
    frame = read_corpus([path], options=options)
    assert frame.select("id", "title", "text").row(0) == ("7", "new", "the body")
    # the unmapped columns named like canonical ones are kept under a suffixed name
    assert frame.select("text_input", "title_input", "id_input").row(0) == ("teaser", "old", "x")
    assert "full" not in frame.columns and "h" not in frame.columns


def test_extra_column_named_like_a_stage_column_is_kept(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "t", "findings": "mine", "keep": True}])
    frame = read_corpus([path])
    assert frame["findings_input"].item() == "mine"
    assert frame["keep_input"].item() is True
    assert frame["findings"].list.len().item() == 0


def test_extra_columns_keep_their_types_and_values(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "text": ["a", "b"],
            "views": [10, 20],
            "tags": [["x"], []],
            "meta": [{"k": 1}, {"k": 2}],
        }
    )
    path = tmp_path / "c.parquet"
    frame.write_parquet(path)
    read = read_corpus([path])
    assert read.select("views", "tags", "meta").equals(frame.select("views", "tags", "meta"))


def test_explicit_column_that_does_not_exist(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "t", "headline": "h"}])
    with pytest.raises(InputError) as err:
        read_corpus([path], options=InputOptions(title_col="headlin"))
    message = str(err.value)
    assert str(path) in message and "'headlin'" in message
    assert "text, headline" in message
    assert "did you mean 'headline'" in message


def test_misspelled_text_column_lists_columns_and_suggests(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"txet": "t", "title": "h"}])
    with pytest.raises(InputError) as err:
        read_corpus([path])
    message = str(err.value)
    assert str(path) in message
    assert "the columns are: txet, title" in message
    assert "did you mean 'txet'" in message and "--text-col" in message


def test_input_ids_are_preserved_verbatim_as_strings(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": 1, "text": "a"}, {"id": " 01 ", "text": "b"}])
    assert read_corpus([path])["id"].to_list() == ["1", " 01 "]


def test_missing_ids_are_derived_from_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news" / "2018.jsonl", [{"text": "a"}, {"text": "b"}])
    first = read_corpus([path])
    assert first["id"].to_list() == ["2018:1", "2018:2"]
    assert read_corpus([path])["id"].equals(first["id"])


def test_null_input_id_gets_a_derived_id(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "k", "text": "a"}, {"id": None, "text": "b"}])
    assert read_corpus([path])["id"].to_list() == ["k", "c:2"]


def test_same_file_names_in_different_folders_never_collide(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "news" / "2018.jsonl", [{"text": "a"}])
    b = write_jsonl(tmp_path / "blogs" / "2018.jsonl", [{"text": "b"}])
    c = write_jsonl(tmp_path / "blogs" / "2018.json", [{"text": "c"}])
    d = write_jsonl(tmp_path / "archive" / "news" / "2018.jsonl", [{"text": "d"}])
    ids = read_corpus([a, d])["id"].to_list()
    assert ids == [f"{tmp_path.name}/news/2018:1", "archive/news/2018:1"]
    frame = read_corpus([a, b, c])
    assert frame["id"].to_list() == ["2018:1", "2018.jsonl:1", "2018.json:1"]


def test_unique_labels_use_the_fewest_parent_folders() -> None:
    labels = unique_labels([Path("/r/a/x/doc.txt"), Path("/r/b/x/doc.txt"), Path("/r/a/y.txt")])
    assert labels == ["a/x/doc", "b/x/doc", "y"]


def test_duplicate_ids_name_the_id_and_both_places(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "x1", "text": "a"}, {"id": "dup", "text": "b"}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "dup", "text": "c"}])
    with pytest.raises(InputError) as err:
        read_corpus([a, b])
    message = str(err.value)
    assert "'dup'" in message and f"{a}:2" in message and f"{b}:1" in message
    assert err.value.hint


def test_duplicate_ids_within_one_file(tmp_path: Path) -> None:
    a = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "same", "text": "a"}, {"id": "same", "text": "b"}]
    )
    with pytest.raises(InputError, match=r"'same'.*a.jsonl:1.*a.jsonl:2"):
        read_corpus([a])


def test_the_same_file_given_twice(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "d" / "a.txt", [{"text": "x"}])
    with pytest.raises(InputError, match="given twice"):
        read_corpus([a, a])
    with pytest.raises(InputError, match="given twice"):
        read_corpus([a.parent, a])


def test_io_codes_are_unique_and_complete() -> None:
    from corpuskit.io import IO_CODES, io_code

    assert len({c.code for c in IO_CODES}) == len(IO_CODES)
    for c in IO_CODES:
        assert c.code.startswith("IO") and c.action in ("flag", "strip", "drop")
        assert c.severity in ("info", "warning", "error")
        assert c.rationale and c.message and c.name == c.name.lower()
        assert io_code(c.code) is c
    assert io_code("IO999") is None
