"""The dedup stage on a slice of real news (SaudiNewsNet): invariants that must hold on
real data, and the real URL case (one Al-Madina article stored under two URLs)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup import dedup
from corpuskit.dedup.keys import canonical_url
from corpuskit.dedup.link import KINDS

SNN = (
    Path(__file__).resolve().parents[2] / "shared" / "corpora" / "saudinewsnet" / "articles.parquet"
)


@pytest.fixture(scope="module")
def result() -> pl.DataFrame:
    if not SNN.is_file():
        pytest.skip("the shared corpora folder (../shared/corpora) is not available")
    frame = pl.read_parquet(SNN, columns=["id", "title", "text", "source", "url", "date"])
    return dedup(frame.slice(0, 4000))


def test_every_dropped_copy_points_at_a_kept_document(result):
    kept = set(result.filter(pl.col("keep"))["id"])
    dropped = result.filter(~pl.col("keep"))
    assert dropped.height > 0
    assert set(dropped["dup_of"]) <= kept
    assert (dropped["cluster_id"] == dropped["dup_of"]).all()
    assert dropped["similarity"].is_not_null().all()


def test_near_copies_share_the_threshold_with_their_kept_document(result):
    near = result.filter(pl.col("dup_kind") == "near")
    assert near.height > 0
    assert (near["similarity"] >= DedupOptions().threshold).all()


def test_every_decision_says_why(result):
    decided = result.filter(pl.col("dup_kind").is_not_null())
    assert decided.height > 0
    assert decided["dup_why"].is_not_null().all()
    assert decided["dup_kind"].is_in(list(KINDS)).all()


def test_article_stored_under_two_urls_is_one_document(result):
    weekly = result.filter(pl.col("url").str.ends_with("?weekly"))
    assert weekly.height > 0
    plain = {
        canonical_url(u): i
        for i, u in zip(result["id"], result["url"], strict=True)
        if u and not u.endswith("?weekly")
    }
    pairs = [
        (i, plain[canonical_url(u)])
        for i, u in zip(weekly["id"], weekly["url"], strict=True)
        if canonical_url(u) in plain
    ]
    assert pairs, "the slice holds html / html?weekly pairs"
    cluster = dict(zip(result["id"], result["cluster_id"], strict=True))
    assert all(cluster[a] is not None and cluster[a] == cluster[b] for a, b in pairs)


def test_one_drop_finding_per_dropped_copy(result):
    table = schema.findings_table(result)
    drops = table.filter(pl.col("code").str.starts_with("DUP") & (pl.col("action") == "drop"))
    assert drops.height == result.filter(~pl.col("keep")).height
    assert drops["doc_id"].n_unique() == drops.height
