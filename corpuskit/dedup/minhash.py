"""MinHash signatures for a whole batch of documents at once, compatible with datasketch.

A MinHash signature summarises a document's set of shingles (here: word n-grams of the
folded text) by ``num_perm`` minima of random permutations of the shingle hashes; the
share of equal minima between two signatures estimates the Jaccard similarity of the
two shingle sets.

Speed comes from never looping over documents or permutations in Python: the shingle
hashes of a whole batch come from :mod:`corpuskit.dedup.words`, and one compiled loop
(:mod:`corpuskit.compiled`) folds each of them into its document's minima. The
permutations are datasketch's own: scheme ``affine32`` (datasketch >= 2.0's default),
``h -> a*h + b mod 2**32`` after the MurmurHash3 finalizer, with the ``(a, b)`` that
``datasketch.MinHash(num_perm, seed)`` draws.

So ``datasketch.LeanMinHash(seed=seed, hashvalues=row, scheme="affine32")`` built from a
row of :func:`signatures` equals ``datasketch.MinHash(num_perm, seed,
hashfunc=hash_text)`` updated with the same folded shingles, and can be queried with
datasketch's ``MinHashLSH``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from corpuskit.compiled import compiled
from corpuskit.dedup.words import hash_text, words

EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's "no shingle seen" value for affine32
SCHEME = "affine32"


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` arrays datasketch's ``MinHash(num_perm, seed)`` uses (scheme affine32)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


@compiled
def _minima(
    hashes: np.ndarray, doc_index: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Fold every shingle hash into its document's row of ``out``: the MurmurHash3
    finalizer, then each permutation ``a*h + b mod 2**32``, keeping the minimum.

    A document's shingles come one after another, so its minima are kept in a small
    buffer while its run lasts (written back when the document changes), and the inner
    loop over permutations is a branch-free ``min`` the compiler turns into vector
    instructions: several times faster than a compare and store per permutation."""
    perms = a.size
    buffer = np.empty(perms, dtype=np.uint32)
    i = 0
    while i < hashes.size:
        doc = doc_index[i]
        for p in range(perms):
            buffer[p] = out[doc, p]
        while i < hashes.size and doc_index[i] == doc:
            h = np.uint32(hashes[i])
            h ^= h >> np.uint32(16)
            h = np.uint32(h * np.uint32(0x85EBCA6B))
            h ^= h >> np.uint32(13)
            h = np.uint32(h * np.uint32(0xC2B2AE35))
            h ^= h >> np.uint32(16)
            for p in range(perms):
                buffer[p] = min(buffer[p], np.uint32(a[p] * h + b[p]))
            i += 1
        for p in range(perms):
            out[doc, p] = buffer[p]
    return out


def signatures_from_hashes(
    hashes: np.ndarray, doc_index: np.ndarray, n_docs: int, *, num_perm: int, seed: int
) -> np.ndarray:
    """Per-document MinHash signatures (``n_docs x num_perm`` uint32) from shingle hashes."""
    a, b = permutations(num_perm, seed)
    out = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return out
    return _minima(hashes.astype(np.uint32, copy=False), doc_index, a, b, out)


def signatures(
    texts: Sequence[str | None], *, num_perm: int = 128, seed: int = 1, shingle_size: int = 3
) -> np.ndarray:
    """MinHash signatures (``len(texts) x num_perm`` uint32) of raw or folded texts."""
    tokens = words(texts, shingle_size)
    return signatures_from_hashes(
        tokens.hashes, tokens.doc_index, len(texts), num_perm=num_perm, seed=seed
    )


def estimate_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity row by row (share of equal minima), as datasketch does."""
    return (sig_a == sig_b).mean(axis=-1)


def to_lean_minhash(signature: np.ndarray, seed: int):
    """A ``datasketch.LeanMinHash`` holding ``signature`` (for datasketch's LSH or storage)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)


__all__ = [
    "EMPTY",
    "SCHEME",
    "estimate_similarity",
    "hash_text",
    "permutations",
    "signatures",
    "signatures_from_hashes",
    "to_lean_minhash",
]
