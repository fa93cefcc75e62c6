"""Candidate pairs: which documents are worth comparing at all, from keys only.

Three sources, each cheap enough for millions of documents:

* **near** (global): the LSH bands of the word 3-gram signature (documents agreeing on
  every minimum of one band). This finds copies that keep most sentences as written,
  whatever their dates.
* **vocabulary** (within a time window): the LSH bands of the bag-of-words signature,
  tuned low (``rewrite_candidates``, 0.3 by default), so that a release rewritten in other
  sentences, or a trimmed copy holding a third of the words, still becomes a candidate.
  A band this loose would pair unrelated documents across a large corpus, so its keys
  are grouped per time window: two documents are candidates only when their dates are
  less than ``window_days`` apart (windows of that width, shifted by half, so a pair less
  than half a window apart always shares one). Documents without a date take part in the
  near and headline sources only.
* **headline** (global): documents whose headlines match (rapidfuzz ``token_sort_ratio``
  at ``headline_threshold`` or more, figures guard; :mod:`corpuskit.dedup.headline`),
  blocked by the headline band keys of the sign pass.

Buckets of more than :data:`~corpuskit.dedup.lsh.MAX_BUCKET` documents (shared furniture,
a template's fixed words) give a star and a chain instead of all their pairs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from corpuskit.config import DedupOptions
from corpuskit.dedup.headline import headline_pairs
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import (
    band_candidate_pairs,
    codes_of_pairs,
    pairs_of_codes,
    resolve_bands,
)
from corpuskit.dedup.sign import DATE, word_band_column, word_band_shape

NEAR, VOCABULARY, HEADLINE = 1, 2, 4  # bits of the ``source`` of a candidate pair
_MIX = np.uint64(0x9E3779B97F4A7C15)


def day_numbers(keys: KeyTable) -> np.ndarray:
    """Each document's date in days since the epoch (NaN when it has none)."""
    dates = keys.column(DATE)
    if dates.dtype == pl.Null:
        return np.full(keys.height, np.nan)
    micros = dates.dt.epoch("us").cast(pl.Float64).fill_null(float("nan")).to_numpy()
    return micros / 86_400e6


def _windowed(key: np.ndarray, window: np.ndarray) -> np.ndarray:
    """A band key mixed with a window number, so equal keys of other windows differ."""
    mixed = key ^ (window.astype(np.uint64) * _MIX)
    mixed *= np.uint64(0xFF51AFD7ED558CCD)
    return mixed ^ (mixed >> np.uint64(31))


def _vocabulary_keys(
    keys: KeyTable, rows: np.ndarray, days: np.ndarray, options: DedupOptions
) -> Iterator[np.ndarray]:
    width = max(options.window_days, 1e-9)
    shifted = (days + width / 2) // width
    plain = days // width
    bands, _ = word_band_shape(options)
    for band in range(bands):
        key = keys.column(word_band_column(band)).gather(rows).to_numpy()
        yield _windowed(key, plain)
        yield _windowed(key, shifted)


def vocabulary_pairs(keys: KeyTable, rows: np.ndarray, options: DedupOptions) -> np.ndarray:
    """Candidate pairs of dated ``rows`` by the bag-of-words bands, within a time window."""
    days = day_numbers(keys)[rows]
    dated = ~np.isnan(days)
    rows, days = rows[dated], days[dated]
    if rows.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    return band_candidate_pairs(rows, _vocabulary_keys(keys, rows, days, options))


def candidate_pairs(
    keys: KeyTable, active: np.ndarray, long: np.ndarray, options: DedupOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs ``(a, b)``, ``a < b``, and the sources that proposed each
    (bits ``NEAR | VOCABULARY | HEADLINE``): by their bodies among ``long`` rows (at least
    ``min_words`` words), by their headlines among all ``active`` rows."""
    found: list[tuple[np.ndarray, int]] = []

    def add(pairs: np.ndarray, source: int) -> None:
        if pairs.size:
            found.append((codes_of_pairs(pairs), source))

    if options.near:
        bands, _ = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
        add(keys.band_pairs(long, bands), NEAR)
        add(vocabulary_pairs(keys, long, options), VOCABULARY)
    if options.headline:
        pairs, _ = headline_pairs(keys, active, score_cutoff=options.headline_threshold)
        add(pairs, HEADLINE)
    return merged_sources(found)


def merged_sources(found: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted union of the pair codes of every source, as pairs, and for each pair
    the bits of the sources that proposed it. Sorted arrays and binary searches: about
    24 bytes a pair at the peak (a hash grouping of tens of millions of pairs took
    gigabytes)."""
    if not found:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int8)
    union = np.unique(found[0][0])  # one source may list a pair twice
    for codes, _ in found[1:]:
        union = np.union1d(union, codes)
    sources = np.zeros(union.size, dtype=np.int8)
    for codes, bit in found:
        sources[np.searchsorted(union, codes)] |= bit
    return pairs_of_codes(union), sources
