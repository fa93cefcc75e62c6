"""A document too large to be an article is rejected whole at input (IO004): its text is
kept, no rule or matcher reads it, and the rest of the corpus is cleaned as without it."""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.config import DedupOptions
from corpuskit.dedup.sign import sign_batch
from corpuskit.io.oversized import too_large_findings
from corpuskit.validate import ValidationPlan, apply_batch
from tests.test_cli_bad_input import assert_usage_error
from tests.test_cli_clean import STORIES, article, read_outputs, write_jsonl

# A "page" of repeated navigation: the repetition rule flags it, the matcher would sign it.
HUGE = "اقرأ أيضا الأخبار العاجلة " * 400  # 10,400 characters


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _config(tmp_path, max_chars: int):
    path = tmp_path / "corpuskit.toml"
    path.write_text(f"[input]\nmax_doc_chars = {max_chars}\n", encoding="utf-8")
    return path


def _corpus(tmp_path):
    records = [article(i) for i in range(len(STORIES))]
    records.insert(2, article(99, HUGE))
    return write_jsonl(tmp_path / "in.jsonl", records)


def test_a_body_over_the_limit_is_rejected_whole_with_its_text(tmp_path):
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    result = run(
        "clean", str(src), "--out", str(out), "-q", "--config", str(_config(tmp_path, 5000))
    )
    assert result.exit_code == 0, result.output
    clean, rejected, findings, _ = read_outputs(out)
    huge = rejected.filter(pl.col("id") == "doc-99")
    assert huge["reject_reason"].to_list() == ["IO004"]
    assert huge["text"].to_list() == [HUGE], "the text is kept as it was"
    assert huge["origin_line"].to_list() == [3]
    mine = findings.filter(pl.col("doc_id") == "doc-99")
    assert mine["code"].to_list() == ["IO004"], "no rule read it"
    assert "in.jsonl:3" in mine["excerpt"][0] and "10,400" in mine["excerpt"][0]
    assert huge["cluster_id"].to_list() == [None]

    # The rest of the corpus is cleaned exactly as without the large document.
    alone = write_jsonl(tmp_path / "alone.jsonl", [article(i) for i in range(len(STORIES))])
    assert run("clean", str(alone), "--out", str(tmp_path / "alone"), "-q").exit_code == 0
    clean_alone, _, findings_alone, _ = read_outputs(tmp_path / "alone")
    keep = ["id", "text_clean", "cluster_id", "dup_kind"]
    assert clean.select(keep).equals(clean_alone.select(keep))
    assert (
        findings.filter(pl.col("doc_id") != "doc-99")
        .drop("doc_id")
        .equals(findings_alone.drop("doc_id"))
    )


def test_strict_mode_stops_at_a_body_over_the_limit(tmp_path):
    src = _corpus(tmp_path)
    cfg = _config(tmp_path, 5000)
    result = run(
        "clean", str(src), "--out", str(tmp_path / "out"), "--strict", "--config", str(cfg)
    )
    assert_usage_error(result, "in.jsonl:3", "10,400", "max_doc_chars")
    assert not (tmp_path / "out").exists()


def test_no_limit_and_a_higher_limit_read_the_document(tmp_path):
    src = _corpus(tmp_path)
    for limit in (0, 20000):
        out = tmp_path / f"out-{limit}"
        cfg = _config(tmp_path, limit)
        assert run("clean", str(src), "--out", str(out), "-q", "--config", str(cfg)).exit_code == 0
        findings = read_outputs(out)[2]
        codes = findings.filter(pl.col("doc_id") == "doc-99")["code"].to_list()
        assert "IO004" not in codes and "Q004" in codes, codes


def _frame(texts: list[str], max_chars: int) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [f"d{i}" for i in range(len(texts))],
            "text": texts,
            "origin_file": ["in.jsonl"] * len(texts),
            "origin_line": list(range(1, len(texts) + 1)),
            "findings": [[] for _ in texts],
        },
        schema_overrides={
            "findings": pl.List(
                pl.Struct(
                    {
                        "field": pl.String,
                        "code": pl.String,
                        "action": pl.String,
                        "start": pl.Int64,
                        "end": pl.Int64,
                        "excerpt": pl.String,
                    }
                )
            )
        },
    )
    return too_large_findings(frame, max_chars, strict=False)


def test_validation_leaves_a_too_large_document_as_it_is_and_keeps_the_order():
    texts = [STORIES[0], HUGE, STORIES[1] + "\nاقرأ أيضا: خبر آخر"]
    marked = _frame(texts, 5000)
    plan = ValidationPlan.build(None, None)
    out = apply_batch(marked, plan)
    assert out["id"].to_list() == ["d0", "d1", "d2"]
    assert out["drop_reason"].to_list()[1] == "IO004"
    assert out["text_clean"][1] == HUGE
    assert [f["code"] for f in out["findings"][1]] == ["IO004"]
    alone = apply_batch(marked.filter(pl.col("id") != "d1"), plan)
    assert out.filter(pl.col("id") != "d1").select(alone.columns).equals(alone)


def test_a_too_large_document_takes_no_part_in_matching():
    marked = _frame([STORIES[0], HUGE, HUGE], 5000)
    keys = sign_batch(marked, DedupOptions())
    assert keys["active"].to_list() == [True, False, False]
    assert keys["words"].to_list()[1:] == [0, 0]
    unmarked = sign_batch(_frame([STORIES[0], HUGE, HUGE], 0), DedupOptions())
    assert unmarked["active"].to_list() == [True, True, True]
