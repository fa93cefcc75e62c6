"""Signatures of many documents, on one core or spread over threads.

Folding happens before (in polars, already parallel); what remains per document is
shingle hashing and the permutations, all numpy array operations that release the GIL,
so plain threads use both cores without a process pool's start-up, pickling, or the
``if __name__ == "__main__"`` guard that ``spawn`` demands of every caller's script.
Below ``MIN_PARALLEL_DOCS`` one thread is as fast.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from corpuskit.dedup.minhash import signatures

MIN_PARALLEL_DOCS = 4_000
BATCH_DOCS = 2_000


def resolve_workers(workers: int) -> int:
    """0 means all cores."""
    return max(1, os.cpu_count() or 1) if workers <= 0 else workers


def bulk_signatures(
    folded: Sequence[str],
    *,
    num_perm: int,
    seed: int,
    shingle_size: int,
    workers: int = 1,
) -> np.ndarray:
    """MinHash signatures (``len(folded) x num_perm`` uint32) of folded texts."""
    workers = resolve_workers(workers)

    def one(lo: int) -> np.ndarray:
        batch = folded[lo : lo + BATCH_DOCS]
        return signatures(batch, num_perm=num_perm, seed=seed, shingle_size=shingle_size)

    if workers == 1 or len(folded) < MIN_PARALLEL_DOCS:
        return signatures(folded, num_perm=num_perm, seed=seed, shingle_size=shingle_size)
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(one, range(0, len(folded), BATCH_DOCS)))
    return np.concatenate(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)
