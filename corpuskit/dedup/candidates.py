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
from corpuskit.dedup.headline import headline_pair_codes
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import (
    band_candidate_codes,
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


def vocabulary_codes(keys: KeyTable, rows: np.ndarray, options: DedupOptions) -> np.ndarray:
    """Candidate pairs of dated ``rows`` by the bag-of-words bands, within a time window,
    as sorted ``a << 32 | b`` codes."""
    days = day_numbers(keys)[rows]
    dated = ~np.isnan(days)
    rows, days = rows[dated], days[dated]
    return band_candidate_codes(rows, _vocabulary_keys(keys, rows, days, options))


def candidate_pairs(
    keys: KeyTable, active: np.ndarray, long: np.ndarray, options: DedupOptions
) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs ``(a, b)``, ``a < b``, as sorted ``a << 32 | b`` codes
    (:func:`~corpuskit.dedup.lsh.pairs_of_codes` gives the pairs: eight bytes a pair
    where the pairs take sixteen), and the sources that proposed each (bits ``NEAR |
    VOCABULARY | HEADLINE``): by their bodies among ``long`` rows (at least
    ``min_words`` words), by their headlines among all ``active`` rows. Each source's
    pairs are merged in as soon as they are found."""
    union, sources = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int8)

    def add(codes: np.ndarray, source: int) -> None:
        nonlocal union, sources
        if codes.size:
            union, sources = merged_in(union, sources, codes, source)

    if options.near:
        bands, _ = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
        add(keys.band_codes(long, bands), NEAR)
        add(vocabulary_codes(keys, long, options), VOCABULARY)
    if options.headline:
        cutoff = options.headline_threshold
        add(headline_pair_codes(keys, active, score_cutoff=cutoff), HEADLINE)
    return union, sources


def merged_in(
    union: np.ndarray, sources: np.ndarray, codes: np.ndarray, bit: int
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct ``union`` of pair codes with their ``sources`` bits, with
    ``codes`` (any order, repeats too) of source ``bit`` merged in; the bits of codes
    ``union`` already holds are set in ``sources`` itself. Sorted arrays and binary
    searches: about 40 bytes a new code and 10 a code
    already held at the peak (a hash grouping of tens of millions of pairs took
    gigabytes, and a union by sorting everything again several times the codes)."""
    if not (codes[1:] > codes[:-1]).all():  # most sources come sorted and distinct
        codes = np.unique(codes)
    at = np.searchsorted(union, codes)
    held = at < union.size
    held[held] = union[at[held]] == codes[held]
    sources[at[held]] |= bit
    new = ~held
    del held
    slots = at[new] + np.arange(int(new.sum()), dtype=np.int64)
    del at
    merged = np.empty(union.size + slots.size, dtype=np.uint64)
    merged_sources = np.empty(merged.size, dtype=np.int8)
    old = np.ones(merged.size, dtype=bool)
    old[slots] = False
    merged[slots], merged_sources[slots] = codes[new], bit
    merged[old], merged_sources[old] = union, sources
    return merged, merged_sources


def merged_sources(found: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted union of the pair codes of every source of ``found`` (codes, bit), as
    pairs, and for each pair the bits of the sources that proposed it."""
    union, sources = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int8)
    for codes, bit in found:
        union, sources = merged_in(union, sources, codes, bit)
    return pairs_of_codes(union), sources
