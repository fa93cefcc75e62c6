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
) -> CandidateCodes:
    """Unique candidate pairs ``(a, b)``, ``a < b``, and the sources that proposed each
    (bits ``NEAR | VOCABULARY | HEADLINE``): by their bodies among ``long`` rows (at
    least ``min_words`` words), by their headlines among all ``active`` rows."""
    found = CandidateCodes()
    if options.near:
        bands, _ = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
        found.add(keys.band_codes(long, bands), NEAR)
        found.add(vocabulary_codes(keys, long, options), VOCABULARY)
    if options.headline:
        cutoff = options.headline_threshold
        found.add(headline_pair_codes(keys, active, score_cutoff=cutoff), HEADLINE)
    return found


class CandidateCodes:
    """The candidate pairs of each source as sorted distinct ``a << 32 | b`` codes
    (:func:`~corpuskit.dedup.lsh.pairs_of_codes` gives the pairs: eight bytes a pair
    where the pairs take sixteen), read in the order of their union a chunk at a time,
    each pair with the bits of every source that proposed it (:meth:`chunks`).

    The sources are never merged into one array: at ten million documents (38 million
    near pairs, some 20 million headline pairs) a merge held the union twice over, with
    a mask and an index of the new codes, about 1 GB above the codes themselves."""

    def __init__(self) -> None:
        self.sources: list[tuple[np.ndarray, int]] = []

    def add(self, codes: np.ndarray, bit: int) -> None:
        """The codes of source ``bit`` (any order, repeats too)."""
        if codes.size == 0:
            return
        if not (codes[1:] > codes[:-1]).all():  # most sources come sorted and distinct
            codes = np.unique(codes)
        self.sources.append((codes, bit))

    def rows(self, height: int) -> np.ndarray:
        """The sorted rows that take part in some pair (a mask over every row: no sort
        of twice the pairs), as four bytes where they fit (the matcher holds them)."""
        seen = np.zeros(height, dtype=bool)
        for codes, _ in self.sources:
            for lo in range(0, codes.size, _ROWS_CHUNK):
                chunk = codes[lo : lo + _ROWS_CHUNK]
                seen[(chunk >> np.uint64(32)).astype(np.int64)] = True
                seen[(chunk & np.uint64(0xFFFFFFFF)).astype(np.int64)] = True
        return np.flatnonzero(seen).astype(np.int32 if height < 2**31 else np.int64)

    def chunks(self, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The union of the sources' codes in order, at most about ``size`` codes at a
        time, each chunk with the ``source`` bits of its codes. Each chunk ends at the
        smallest of the codes that each source's next ``size / sources`` codes reach,
        so every source gives at most that many to it."""
        share = max(1, size // max(len(self.sources), 1))
        at = [0] * len(self.sources)
        while True:
            live = [i for i, (codes, _) in enumerate(self.sources) if at[i] < codes.size]
            if not live:
                return
            bound = min(
                self.sources[i][0][min(at[i] + share, self.sources[i][0].size) - 1] for i in live
            )
            taken = []
            for i in live:
                codes, bit = self.sources[i]
                ahead = codes[at[i] : at[i] + share]
                end = at[i] + int(np.searchsorted(ahead, bound, side="right"))
                taken.append((codes[at[i] : end], bit))
                at[i] = end
            union = np.unique(np.concatenate([codes for codes, _ in taken]))
            bits = np.zeros(union.size, dtype=np.int8)
            for codes, bit in taken:
                bits[np.searchsorted(union, codes)] |= bit
            yield union, bits

    def union(self) -> tuple[np.ndarray, np.ndarray]:
        """Every chunk of :meth:`chunks` joined: the sorted distinct codes and their
        bits."""
        chunks = list(self.chunks(_ROWS_CHUNK))
        if not chunks:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int8)
        return np.concatenate([c for c, _ in chunks]), np.concatenate([b for _, b in chunks])


# Codes read at once where a pass over every code needs no more (8 bytes each).
_ROWS_CHUNK = 1_000_000
