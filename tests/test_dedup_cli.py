"""``corpuskit index build`` and ``index add`` through click's test runner."""

from __future__ import annotations

import json

import polars as pl
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article, orthographic_variant
from click.testing import CliRunner

from corpuskit.cli.index import index
from corpuskit.dedup.index import open_index


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
    result = CliRunner().invoke(index, ["build", str(corpus), "--out", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_add_to_a_missing_index_exits_2_before_reading(tmp_path):
    result = CliRunner().invoke(
        index, ["add", str(tmp_path / "absent.jsonl"), "--index", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "no index at" in result.output
