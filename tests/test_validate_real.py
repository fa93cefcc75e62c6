"""validate on samples of the real corpora in ../shared (skipped where absent).

A few seconds of sampling: the invariants hold on real text, the furniture that
SOURCE.md counts is gone, and prose that merely contains a marker phrase survives.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from corpuskit.rules import load_ruleset
from corpuskit.validate import validate
from corpuskit.validate.spans import cut_spans

# Corpus-level rules need the whole corpus; the samples here are small.
LOCAL_RULES = load_ruleset(ignore=["BP401", "BP402"])


def _sample(path: Path, n: int, **filters: str) -> pl.DataFrame:
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    frame = pl.read_parquet(path)
    if "outlet" in frame.columns:
        frame = frame.with_columns(pl.col("outlet").alias("source"))
    for column, value in filters.items():
        frame = frame.filter(pl.col(column) == value)
    return frame.sample(min(n, frame.height), seed=7).with_columns(pl.lit("ar").alias("lang"))


def _assert_invariant(out: pl.DataFrame) -> None:
    for row in out.iter_rows(named=True):
        text = row["text"] or ""
        spans = [
            (f["start"], f["end"])
            for f in row["findings"]
            if f["action"] == "strip" and f["field"] == "text"
        ]
        assert all(0 <= s <= e <= len(text) for s, e in spans)
        assert row["text_clean"] == cut_spans(text, spans)


def test_wire_and_outlet_furniture_is_gone(shared_corpora):
    path = shared_corpora / "saudinewsnet" / "articles.parquet"
    wire = validate(_sample(path, 60, source="was"), ruleset=LOCAL_RULES)
    _assert_invariant(wire)
    assert not wire["text_clean"].str.contains("انتهى //").any()
    assert not wire["text_clean"].str.contains(r"الموافق \d+ \S+ \d{4} ?م واس").any()
    assert not wire["title_clean"].str.contains(r"^(عام|سياسي|اقتصادي) /").any()
    weeam = validate(_sample(path, 60, source="alweeam"), ruleset=LOCAL_RULES)
    _assert_invariant(weeam)
    assert not weeam["text_clean"].str.contains("رابط الخبر بصحيفة الوئام").any()


def test_marker_phrase_inside_prose_survives(shared_corpora):
    frames = []
    for name in ("saudinewsnet", "ant_corpus"):
        path = shared_corpora / name / "articles.parquet"
        if path.is_file():
            frame = pl.read_parquet(path, columns=["id", "title", "text"])
            frames.append(frame.filter(pl.col("text").str.contains("ذات صلة")))
    if not frames:
        pytest.skip("no real corpus available")
    prose = pl.concat(frames).with_columns(pl.lit("ar").alias("lang"))
    out = validate(prose, ruleset=LOCAL_RULES)
    _assert_invariant(out)
    phrase = "ذات صلة"
    for row in out.iter_rows(named=True):
        for line in (row["text"] or "").split("\n"):
            # inside a sentence (not a bare header line, nor a "قصة ذات صلة/ <headline>"
            # marker line) the phrase and its context stay
            if phrase in line and len(line.split()) > 6 and not re.search(r"ذات صلة\s*[/|:]", line):
                at = line.index(phrase)
                context = line[max(0, at - 30) : at + len(phrase)]
                assert context in row["text_clean"], line


def test_related_links_blocks_go_and_body_stays(shared_corpora):
    path = shared_corpora / "ant_corpus" / "articles.parquet"
    bbc = _sample(path, 400, source="BBC").filter(pl.col("text").str.contains("اقرأ أيضاً:"))
    if bbc.height == 0:
        pytest.skip("no BBC related-links block in the sample")
    out = validate(bbc, ruleset=LOCAL_RULES)
    _assert_invariant(out)
    assert not out["text_clean"].str.contains(r"(?m)^اقرأ أيضاً:\s*$").any()
    # the body keeps most of its characters: blocks are a small part of an article
    kept = (out["text_clean"].str.len_chars() / out["text"].str.len_chars()).median()
    assert kept > 0.8
