"""Fold, shingle and sign many documents, on one core or spread over threads.

All the work is numpy array operations over batches (:mod:`corpuskit.dedup.words`,
:mod:`corpuskit.dedup.minhash`), which release the GIL, so plain threads use both cores
without a process pool's start-up and pickling, and without the ``if __name__ ==
"__main__"`` guard that ``spawn`` would demand of every caller's script.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from corpuskit.dedup.minhash import signatures_from_hashes
from corpuskit.dedup.words import fold_lookup, words

MIN_PARALLEL_DOCS = 4_000
BATCH_DOCS = 2_000


@dataclass
class Signed:
    """Per document: MinHash signature, folded word count, exact-duplicate key."""

    signatures: np.ndarray  # (n, num_perm) uint32
    word_counts: np.ndarray  # (n,) int64
    exact_keys: np.ndarray  # (n,) uint64, 0 for an empty folded text


def resolve_workers(workers: int) -> int:
    """0 means all cores."""
    return max(1, os.cpu_count() or 1) if workers <= 0 else workers


def _sign(texts: Sequence[str | None], num_perm: int, seed: int, shingle_size: int) -> Signed:
    tokens = words(texts, shingle_size)
    sigs = signatures_from_hashes(
        tokens.hashes, tokens.doc_index, len(texts), num_perm=num_perm, seed=seed
    )
    return Signed(sigs, tokens.word_counts, tokens.exact_keys)


def sign_texts(
    texts: Sequence[str | None],
    *,
    num_perm: int,
    seed: int,
    shingle_size: int,
    workers: int = 1,
) -> Signed:
    """Signatures, word counts and exact keys of raw texts (folded on the way)."""
    workers = resolve_workers(workers)
    if workers == 1 or len(texts) < MIN_PARALLEL_DOCS:
        return _sign(texts, num_perm, seed, shingle_size)
    fold_lookup()  # build the shared table once, before the threads need it
    with ThreadPoolExecutor(workers) as pool:
        parts = list(
            pool.map(
                lambda lo: _sign(texts[lo : lo + BATCH_DOCS], num_perm, seed, shingle_size),
                range(0, len(texts), BATCH_DOCS),
            )
        )
    return Signed(
        np.concatenate([p.signatures for p in parts]),
        np.concatenate([p.word_counts for p in parts]),
        np.concatenate([p.exact_keys for p in parts]),
    )
