"""Rebuild the bundled sample ``seeds/ant_sample.jsonl`` from the ANT corpus.

The sample is small (a few hundred articles) but shows everything corpuskit does:
outlet boilerplate of every ANT outlet, exact duplicates (one article stored under two
URLs or two categories), cross-outlet near duplicates (agency copy rewritten by two
outlets) and ordinary articles. Selection is deterministic (fixed seed).

Usage: python seeds/make_sample.py ../shared/corpora/ant_corpus/articles.parquet
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from datasketch import MinHash, MinHashLSH

SEED = 20180223
OUT = Path(__file__).with_name("ant_sample.jsonl")
COLUMNS = ["id", "title", "text", "source", "outlet", "category", "url", "date", "author"]

# Patterns from the ANT SOURCE.md boilerplate table: a few articles of each.
BOILERPLATE = {
    "app promo": "تطبيق بي بي سي عربي",
    "read-also block": "اقرأ أيضاً:",
    "opinion disclaimer": "جميع المقالات المنشورة تمثل رأي كتابها",
    "reprint credit": "*نقلاً عن",
    "agency credit": "أ ف ب",
    "inline related link": "للمزيد:",
    "cnn disclaimer": "لا يمكنه التأكد بشكل مستقل",
    "jawhara promo": "موعد يومي مع أبرز الأحداث",
    "cnn read-also": "اقرأ أيضا",
    "may interest you": "قد يهمك",
}


def shingles(text: str, k: int = 5) -> set[bytes]:
    words = text.split()
    return {" ".join(words[i : i + k]).encode() for i in range(max(1, len(words) - k + 1))}


def near_duplicate_pairs(frame: pl.DataFrame, limit: int) -> list[tuple[str, str]]:
    """Cross-outlet pairs with estimated word-5-gram Jaccard >= 0.5 (multisource part)."""
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    signatures = {}
    for row in frame.iter_rows(named=True):
        m = MinHash(num_perm=64, seed=SEED)
        m.update_batch(shingles(row["text"] or ""))
        signatures[row["id"]] = (m, row["outlet"])
        lsh.insert(row["id"], m)
    pairs = []
    for doc_id, (m, outlet) in signatures.items():
        for other in lsh.query(m):
            if other > doc_id and signatures[other][1] != outlet:
                pairs.append((doc_id, other))
    return sorted(pairs)[:limit]


def main(corpus: Path) -> None:
    ant = pl.read_parquet(corpus).select(COLUMNS)
    multi = ant.filter(pl.col("outlet") != "JawharaFM", pl.col("text").str.len_chars() > 300)
    picked: list[str] = []

    for needle in BOILERPLATE.values():
        hits = ant.filter(pl.col("text").str.contains(needle, literal=True))
        picked += hits.sample(min(6, hits.height), seed=SEED)["id"].to_list()

    # Exact duplicates: the same URL stored twice (http/https or two categories).
    dup_urls = (
        ant.with_columns(pl.col("url").str.replace("^https?://", ""))
        .group_by("url")
        .agg(pl.col("id").sort(), pl.len())
        .filter(pl.col("len") > 1)
        .sort("url")
    )
    for ids in dup_urls.sample(12, seed=SEED)["id"].to_list():
        picked += ids

    # Cross-outlet near duplicates, searched in a fixed slice of the multisource part.
    window = multi.filter(pl.col("date").str.contains(" (Mar|Apr) 2018"))
    for a, b in near_duplicate_pairs(window, limit=15):
        picked += [a, b]

    # Ordinary articles from every outlet.
    for outlet in sorted(ant["outlet"].unique().to_list()):
        rows = ant.filter(pl.col("outlet") == outlet)
        picked += rows.sample(25, seed=SEED)["id"].to_list()

    order = {doc_id: i for i, doc_id in enumerate(dict.fromkeys(picked))}
    sample = (
        ant.filter(pl.col("id").is_in(list(order)))
        .with_columns(pl.col("id").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
        .sort("_order")
        .drop("_order")
    )
    sample.write_ndjson(OUT)
    print(f"{sample.height} articles written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
