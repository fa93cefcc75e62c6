"""Signatures of many documents, on one core or spread over a process pool.

Folding happens before (in polars, already parallel); what remains per document is
shingle hashing and the permutations, both numpy. Below ``MIN_PARALLEL_DOCS`` a pool
costs more to start (``spawn``: a fresh interpreter importing numpy) than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np

from corpuskit.dedup.minhash import signatures

MIN_PARALLEL_DOCS = 20_000
BATCH_DOCS = 10_000


def resolve_workers(workers: int) -> int:
    """0 means all cores."""
    return max(1, os.cpu_count() or 1) if workers <= 0 else workers


def _signature_batch(args: tuple[list[str], int, int, int]) -> np.ndarray:
    folded, num_perm, seed, shingle_size = args
    return signatures(folded, num_perm=num_perm, seed=seed, shingle_size=shingle_size)


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
    if workers == 1 or len(folded) < MIN_PARALLEL_DOCS:
        return signatures(folded, num_perm=num_perm, seed=seed, shingle_size=shingle_size)
    batches = [
        (list(folded[i : i + BATCH_DOCS]), num_perm, seed, shingle_size)
        for i in range(0, len(folded), BATCH_DOCS)
    ]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(_signature_batch, batches))
    return np.concatenate(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)
