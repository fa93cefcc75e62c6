"""``corpuskit index build`` and ``index add`` through click's test runner."""

from __future__ import annotations

import json

import polars as pl
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article, orthographic_variant
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.cli.index import index
from corpuskit.dedup.index import open_index
from tests.conftest import SEEDS


def write_jsonl(path, docs: list[dict]) -> None:
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", "utf-8")


def test_build_then_add_then_query(tmp_path):
    first, second, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "idx"
    write_jsonl(first, [{"id": "a1", "title": "صحة", "text": article(SENTENCES)}])
    write_jsonl(second, [{"id": "b1", "title": "أسواق", "text": article(OTHER_SENTENCES)}])
    runner = CliRunner()

    result = runner.invoke(index, ["build", str(first), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "indexed 1 of 1 documents" in result.output

    result = runner.invoke(index, ["add", str(second), "--index", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 in all" in result.output

    incoming = pl.DataFrame(
        {
            "id": ["n1", "n2"],
            "text": [orthographic_variant(article(SENTENCES)), article(OTHER_SENTENCES)],
        }
    )
    matches = open_index(out).query(incoming)
    assert dict(zip(matches["id"], matches["match_id"], strict=True)) == {"n1": "a1", "n2": "b1"}


def test_build_into_an_existing_folder_exits_2_with_a_message(tmp_path):
    corpus = tmp_path / "a.jsonl"
    write_jsonl(corpus, [{"id": "a1", "text": article(SENTENCES)}])
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(index, ["build", str(corpus), "--out", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (tmp_path / "idx" / "notes.txt").read_text(encoding="utf-8") == "mine"
    # an empty folder is used, as `clean` uses an empty --out
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(index, ["build", str(corpus), "--out", str(tmp_path / "empty")])
    assert result.exit_code == 0, result.output


def test_add_to_a_missing_index_exits_2_before_reading(tmp_path):
    result = CliRunner().invoke(
        index, ["add", str(tmp_path / "absent.jsonl"), "--index", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "no index at" in result.output


def _check_json(*args) -> dict:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_checking_an_indexed_corpus_against_its_index_finds_no_self_copies(tmp_path):
    sample = SEEDS / "ant_sample.jsonl"
    built = CliRunner().invoke(index, ["build", str(sample), "--out", str(tmp_path / "idx")])
    assert built.exit_code == 0, built.output
    report = _check_json(sample, "--against", tmp_path / "idx")
    copies = [f for f in report["findings"] if f["code"] == "IDX001"]
    assert all(f["match_id"] != f["doc_id"] for f in copies)
    # before, every document was its own copy; now only the sample's real duplicates are
    # reported (each copy of a pair names the other)
    assert 0 < len(copies) < report["summary"]["documents"] / 4


def test_same_url_match_says_so_with_the_body_similarity(tmp_path):
    indexed, incoming = tmp_path / "a.jsonl", tmp_path / "new.jsonl"
    write_jsonl(indexed, [{"id": "a1", "text": article(SENTENCES), "url": "http://x.com/a"}])
    write_jsonl(
        incoming,
        [
            {"id": "n1", "text": article(OTHER_SENTENCES), "url": "https://www.x.com/a"},
            {"id": "a1", "text": article(SENTENCES[:6]) + "\nوهذه فقرة جديدة أضيفت إلى الخبر"},
        ],
    )
    assert (
        CliRunner().invoke(index, ["build", str(indexed), "--out", str(tmp_path / "idx")]).exit_code
        == 0
    )
    findings = {
        f["doc_id"]: f
        for f in _check_json(incoming, "--against", tmp_path / "idx")["findings"]
        if f["code"] == "IDX001"
    }
    assert findings["n1"]["match_kind"] == "url" and findings["n1"]["similarity"] < 0.2
    assert (
        "has the same URL as a1 of the existing corpus (body similarity 0."
        in findings["n1"]["message"]
    )
    assert findings["a1"]["match_kind"] == "id"
    assert "is already in the existing corpus as a1, with another body" in findings["a1"]["message"]


def test_adding_the_same_corpus_twice_is_refused_then_skipped(tmp_path):
    corpus, out = tmp_path / "a.jsonl", tmp_path / "idx"
    write_jsonl(corpus, [{"id": "a1", "text": article(SENTENCES)}])
    assert CliRunner().invoke(index, ["build", str(corpus), "--out", str(out)]).exit_code == 0
    again = CliRunner().invoke(index, ["add", str(corpus), "--index", str(out)])
    assert again.exit_code == 2
    assert "1 of the 1 documents to add are already in index" in again.output
    skipped = CliRunner().invoke(index, ["add", str(corpus), "--index", str(out), "--skip-indexed"])
    assert skipped.exit_code == 0, skipped.output
    assert "added 0 documents" in skipped.output and "1 already indexed left out" in skipped.output
    assert open_index(out).documents == 1


def test_build_on_a_folder_reads_every_corpus_file_and_names_what_it_left_out(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "texts").mkdir(parents=True)
    write_jsonl(
        folder / "a.jsonl", [{"id": "a1", "text": article(SENTENCES)}, {"id": "e1", "text": " "}]
    )
    pl.DataFrame({"id": ["p1"], "text": [article(OTHER_SENTENCES)]}).write_parquet(
        folder / "b.parquet"
    )
    (folder / "texts" / "t1.txt").write_text("عنوان\n" + article(SENTENCES[::-1]), encoding="utf-8")
    (folder / "notes.md").write_text("about this corpus", encoding="utf-8")
    out = tmp_path / "idx"
    result = CliRunner().invoke(index, ["build", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "read 3 files: 1 jsonl (2 documents), 1 parquet (1 document), 1 txt (1 document)" in (
        result.output
    )
    assert "indexed 3 of 4 documents" in result.output
    assert "left out 1 document(s) that a validation rule drops:" in result.output
    assert "ids: e1 (Q001)" in result.output
    assert open_index(out).documents == 3
