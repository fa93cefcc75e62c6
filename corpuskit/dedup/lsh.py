"""LSH banding: which pairs of documents are worth comparing at all.

A signature of ``num_perm`` minima is cut into ``bands`` bands of ``rows`` values. Two
documents whose signatures agree on every value of at least one band become a
candidate pair; with Jaccard similarity ``s`` that happens with probability
``1 - (1 - s**rows)**bands``, an S-curve whose steep part sits near
``(1/bands)**(1/rows)``. :func:`optimal_bands` picks ``(bands, rows)`` for a threshold the
way datasketch's ``MinHashLSH`` does (minimising the weighted areas of false positives
below and false negatives above the threshold), but weighs a missed pair four times a
false candidate (0.2 / 0.8 instead of 0.5 / 0.5): every candidate is verified before it
links anything, so a false candidate costs one signature comparison while a miss loses
a duplicate. At threshold 0.5 and 128 permutations that gives 30 bands of 4 rows, which
catches a pair of similarity 0.5 with probability 0.86 and 0.6 with 0.98 (datasketch's
25 x 5: 0.55 and 0.87).

Band keys are hashed to one uint64 per (document, band) and grouped with polars, so
there is no Python dict per document. A bucket holding very many documents is almost
always shared furniture (a dateline, an SMS contact block, a link line) rather than one
story copied hundreds of times; all pairs of such a bucket would be quadratic, so buckets
larger than ``max_bucket`` contribute only a star (every member against the bucket's
first member) and a chain (each member against the next): linear in the bucket size,
and every candidate is still verified before it links anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import polars as pl

MAX_BUCKET = 50  # buckets up to this size give all pairs; larger ones a star and a chain


FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT = 0.2, 0.8


@lru_cache(maxsize=64)
def optimal_bands(
    threshold: float,
    num_perm: int,
    weights: tuple[float, float] = (FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT),
) -> tuple[int, int]:
    """``(bands, rows)`` minimising weighted false positives + false negatives.

    Same objective as ``datasketch.lsh._optimal_param(threshold, num_perm, *weights)``,
    integrated numerically with numpy.
    """
    grid_lo = np.linspace(0.0, threshold, 201)
    grid_hi = np.linspace(threshold, 1.0, 201)
    best, best_error = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = np.trapezoid(1 - (1 - grid_lo**rows) ** bands, grid_lo)
            fn = np.trapezoid((1 - grid_hi**rows) ** bands, grid_hi)
            error = weights[0] * fp + weights[1] * fn
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def resolve_bands(
    threshold: float, num_perm: int, bands: int | None = None, rows: int | None = None
) -> tuple[int, int]:
    """Configured ``(bands, rows)``; a missing one derived from the other, both from the
    threshold when neither is set."""
    if bands and rows:
        return bands, rows
    if bands:
        return bands, max(1, num_perm // bands)
    if rows:
        return max(1, num_perm // rows), rows
    return optimal_bands(threshold, num_perm)


def band_key(
    signatures: np.ndarray, rows: np.ndarray, band: int, band_rows: int, *, salt: int = 0
) -> np.ndarray:
    """One uint64 key per document of ``rows`` for one band: a mix of its minima.

    Reads one signature column at a time, so no copy of the signatures is made. ``salt``
    keeps the keys of different signatures apart."""
    seed = (0x9E3779B97F4A7C15 * (band + 1 + (salt << 16))) & 0xFFFFFFFFFFFFFFFF
    key = np.full(rows.size, seed, dtype=np.uint64)
    for col in range(band * band_rows, (band + 1) * band_rows):
        key ^= signatures[rows, col].astype(np.uint64)
        key *= np.uint64(0xFF51AFD7ED558CCD)
        key ^= key >> np.uint64(29)
    return key


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (document, band) (``len(signatures) x bands``)."""
    everyone = np.arange(signatures.shape[0])
    keys = np.empty((everyone.size, bands), dtype=np.uint64)
    for band in range(bands):
        keys[:, band] = band_key(signatures, everyone, band, rows)
    return keys


def candidate_pairs(
    doc_index: np.ndarray, keys: np.ndarray, *, max_bucket: int = MAX_BUCKET
) -> np.ndarray:
    """Unique candidate pairs ``(i, j)`` with ``i < j`` (values of ``doc_index``).

    ``keys`` is ``len(doc_index) x bands``; documents sharing a key in the same band are
    candidates.
    """
    return band_candidate_pairs(
        doc_index, (keys[:, band] for band in range(keys.shape[1])), max_bucket=max_bucket
    )


def signature_candidate_pairs(
    signatures: np.ndarray,
    rows: np.ndarray,
    bands: int,
    band_rows: int,
    *,
    max_bucket: int = MAX_BUCKET,
) -> np.ndarray:
    """Candidate pairs among ``rows`` of ``signatures``, one band's keys at a time (the
    peak memory is one band's table, not a ``documents x bands`` key matrix)."""
    keys = (band_key(signatures, rows, band, band_rows) for band in range(bands))
    return band_candidate_pairs(rows, keys, max_bucket=max_bucket)


def band_candidate_pairs(
    doc_index: np.ndarray, keys: Iterable[np.ndarray], *, max_bucket: int = MAX_BUCKET
) -> np.ndarray:
    """Unique candidate pairs ``(i, j)``, ``i < j``, of ``doc_index`` values; ``keys``
    yields one array of band keys (aligned with ``doc_index``) per band."""
    if doc_index.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    return keyed_candidate_pairs(((doc_index, key) for key in keys), max_bucket=max_bucket)


def keyed_candidate_pairs(
    bands: Iterable[tuple[np.ndarray, np.ndarray]], *, max_bucket: int = MAX_BUCKET
) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of documents sharing a key in some band;
    ``bands`` yields ``(documents, keys)`` per band (each band may cover other documents)."""
    pairs = pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64})
    for docs, key in bands:
        if docs.size < 2:
            continue
        table = pl.DataFrame({"doc": docs.astype(np.int64), "key": key})
        found = _band_pairs(table, max_bucket)
        if found.height:
            # Deduplicate as we go: copies share most bands, so the union stays small.
            pairs = pl.concat([pairs, found]).unique()
    if pairs.height == 0:
        return np.empty((0, 2), dtype=np.int64)
    return pairs.sort("a", "b").to_numpy().astype(np.int64).reshape(-1, 2)


def _band_pairs(table: pl.DataFrame, max_bucket: int) -> pl.DataFrame:
    """Candidate pairs ``a < b`` from one band's ``(doc, key)`` table."""
    table = table.with_columns(size=pl.len().over("key")).filter(pl.col("size") > 1)
    empty = pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64})
    if table.height == 0:
        return empty
    parts = []
    small = table.filter(pl.col("size") <= max_bucket).select("doc", "key")
    if small.height:
        parts.append(
            small.join(small, on="key", suffix="_b")
            .filter(pl.col("doc") < pl.col("doc_b"))
            .select(pl.col("doc").alias("a"), pl.col("doc_b").alias("b"))
        )
    large = table.filter(pl.col("size") > max_bucket).select("doc", "key").sort("key", "doc")
    if large.height:
        star = large.with_columns(a=pl.col("doc").first().over("key"))
        chain = large.with_columns(a=pl.col("doc").shift(1).over("key"))
        for part in (star, chain):
            part = part.drop_nulls("a").filter(pl.col("a") != pl.col("doc"))
            parts.append(part.select("a", pl.col("doc").alias("b")))
    return pl.concat(parts) if parts else empty
