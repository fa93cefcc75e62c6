"""Near-duplicate detection on signatures: LSH candidates, verification, streaming input.

:func:`verified_near_pairs` is the core the ``dedup`` stage uses. Candidates from the
LSH bands are verified with the signature estimate of Jaccard similarity (share of
equal minima) before they link anything. The estimate is used rather than exact
Jaccard on shingle sets because it needs nothing but the signatures, which are kept
anyway (and stored in the index), while exact sets for a million documents would not fit
in memory; with 128 permutations its standard error at similarity 0.5 is 0.044.

:class:`StreamingSignatures` folds and signs a corpus batch by batch and keeps only
the signatures (``num_perm`` uint32 per document: 512 MB for a million documents at
128), so the near-duplicate clusters of a corpus larger than memory can be computed
with :func:`near_duplicate_labels`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import polars as pl

from corpuskit.config import DedupOptions
from corpuskit.dedup.clusters import components
from corpuskit.dedup.lsh import resolve_bands, signature_candidate_pairs
from corpuskit.dedup.minhash import estimate_similarity
from corpuskit.dedup.parallel import sign_texts


def candidate_similarities(
    signatures: np.ndarray, rows: np.ndarray, options: DedupOptions
) -> tuple[np.ndarray, np.ndarray]:
    """All LSH candidate pairs among ``rows`` with their estimated similarity."""
    bands, band_rows = resolve_bands(
        options.threshold, options.num_perm, options.bands, options.rows
    )
    pairs = signature_candidate_pairs(signatures, rows, bands, band_rows)
    if pairs.size == 0:
        return pairs, np.empty(0)
    similarity = np.concatenate(
        [
            estimate_similarity(signatures[chunk[:, 0]], signatures[chunk[:, 1]])
            for chunk in np.array_split(pairs, max(1, pairs.shape[0] // 50_000))
        ]
    )
    return pairs, similarity


def verified_near_pairs(
    signatures: np.ndarray, rows: np.ndarray, options: DedupOptions
) -> tuple[np.ndarray, np.ndarray]:
    """LSH candidates among ``rows`` whose estimated similarity reaches the threshold."""
    pairs, similarity = candidate_similarities(signatures, rows, options)
    keep = similarity >= options.threshold
    return pairs[keep], similarity[keep]


class StreamingSignatures:
    """Fold and sign batches of texts as they arrive, keeping signatures and word counts."""

    def __init__(self, options: DedupOptions, *, workers: int = 1, expected: int = 0) -> None:
        self.options = options
        self.workers = workers
        self._signatures = np.empty((max(expected, 0), options.num_perm), dtype=np.uint32)
        self._words = np.empty(max(expected, 0), dtype=np.int64)
        self.count = 0

    def add(self, texts: pl.Series) -> None:
        signed = sign_texts(
            texts.to_list(),
            num_perm=self.options.num_perm,
            seed=self.options.seed,
            shingle_size=self.options.shingle_size,
            workers=self.workers,
        )
        sigs, words = signed.signatures, signed.word_counts
        end = self.count + sigs.shape[0]
        if end > self._signatures.shape[0]:
            grow = max(end, 2 * self._signatures.shape[0])
            self._signatures = np.resize(self._signatures, (grow, self.options.num_perm))
            self._words = np.resize(self._words, grow)
        self._signatures[self.count : end] = sigs
        self._words[self.count : end] = words
        self.count = end

    @property
    def signatures(self) -> np.ndarray:
        return self._signatures[: self.count]

    @property
    def words(self) -> np.ndarray:
        return self._words[: self.count]


def near_duplicate_labels(
    batches: Iterable[pl.Series],
    *,
    options: DedupOptions | None = None,
    workers: int = 1,
    expected: int = 0,
) -> np.ndarray:
    """Cluster label per document of a stream of text batches (verified near pairs,
    connected components; documents shorter than ``min_words`` stay alone)."""
    options = options or DedupOptions()
    stream = StreamingSignatures(options, workers=workers, expected=expected)
    for batch in batches:
        stream.add(batch)
    rows = np.flatnonzero(stream.words >= options.min_words)
    pairs, _ = verified_near_pairs(stream.signatures, rows, options)
    return components(stream.count, pairs)
