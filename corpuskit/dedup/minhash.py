"""MinHash signatures for a whole batch of documents at once, compatible with datasketch.

A MinHash signature summarises a document's set of shingles (here: word n-grams of the
folded text) by ``num_perm`` minima of random permutations of the shingle hashes; the
share of equal minima between two signatures estimates the Jaccard similarity of the
two shingle sets.

Speed comes from never looping over documents or permutations in Python:

1. The folded texts of a batch are joined into one byte buffer. A polynomial hash
   (base :data:`BASE`, modulo 2**64) of every substring falls out of one prefix sum,
   so the hash of each word n-gram is two array lookups and a multiply
   (:func:`shingle_hashes`). The value equals :func:`hash_shingle` of the n-gram's
   UTF-8 bytes, so it is stable across processes, machines and library versions (it
   is stored in the persistent index).
2. The permutations are datasketch's own: scheme ``affine32`` (datasketch >= 2.0's
   default), ``h -> a*h + b mod 2**32`` after the MurmurHash3 finalizer, with the
   ``(a, b)`` that ``datasketch.MinHash(num_perm, seed)`` draws. They are applied to all
   shingles of the batch as one array operation and reduced per document with
   ``np.minimum.reduceat``.

So ``datasketch.LeanMinHash(seed=seed, hashvalues=row, scheme="affine32")`` built from a
row of :func:`signatures` equals ``datasketch.MinHash(num_perm, seed,
hashfunc=hash_shingle)`` updated with the same shingles, and can be queried with
datasketch's ``MinHashLSH``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

BASE = 0x100000001B3  # odd, so it is invertible modulo 2**64
_MASK64 = (1 << 64) - 1
_BASE_INVERSE = pow(BASE, -1, 1 << 64)
EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's "no shingle seen" value for affine32
SCHEME = "affine32"
# Bytes of folded text hashed per chunk; bounds the temporary uint64 arrays (~8 x this).
_CHUNK_BYTES = 4_000_000
# Shingles per permutation pass: a (permutations x shingles) uint32 block that stays in
# cache (measured: 8k shingles is ~5x faster per shingle than 64k).
_SHINGLE_BLOCK = 1 << 13


def _mix64_to_32(h: np.ndarray) -> np.ndarray:
    """Avalanche a 64-bit polynomial hash and keep its high 32 bits (splitmix64 tail)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return (h >> np.uint64(32)).astype(np.uint32)


def hash_shingle(shingle: bytes) -> int:
    """The 32-bit hash of one shingle (UTF-8 bytes); pass it to datasketch as ``hashfunc``.

    This is the slow reference of what :func:`shingle_hashes` computes in bulk.
    """
    h = 0
    power = 1
    for byte in shingle:
        h = (h + (byte + 1) * power) & _MASK64
        power = (power * BASE) & _MASK64
    return int(_mix64_to_32(np.array([h], dtype=np.uint64))[0])


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` arrays datasketch's ``MinHash(num_perm, seed)`` uses (scheme affine32)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


_POWER_CACHE: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (computed once, grown on demand)."""
    if not _POWER_CACHE or _POWER_CACHE[0].size < n:
        size = max(n, _CHUNK_BYTES * 2)
        powers = np.empty(size, dtype=np.uint64)
        inverse = np.empty(size, dtype=np.uint64)
        powers[0] = inverse[0] = 1
        powers[1:] = np.cumprod(np.full(size - 1, BASE, dtype=np.uint64))
        inverse[1:] = np.cumprod(np.full(size - 1, _BASE_INVERSE, dtype=np.uint64))
        _POWER_CACHE[:] = [powers, inverse]
    return _POWER_CACHE[0][:n], _POWER_CACHE[1][:n]


def _chunks_by_bytes(encoded: Sequence[bytes]) -> list[tuple[int, int]]:
    """Split documents into consecutive ranges of about ``_CHUNK_BYTES`` bytes."""
    ranges, start, size = [], 0, 0
    for i, doc in enumerate(encoded):
        size += len(doc) + 1
        if size >= _CHUNK_BYTES:
            ranges.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(encoded):
        ranges.append((start, len(encoded)))
    return ranges


def _chunk_shingle_hashes(
    encoded: Sequence[bytes], shingle_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes and their document index for one chunk of encoded folded texts."""
    lengths = np.fromiter((len(d) for d in encoded), dtype=np.int64, count=len(encoded))
    buf = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    n = buf.size
    if n == 0:
        return np.empty(0, np.uint32), np.empty(0, np.int64)
    doc_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    is_word = (buf != 32) & (buf != 10)
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    word_start = np.flatnonzero(edges == 1)
    word_end = np.flatnonzero(edges == -1)
    if word_start.size == 0:
        return np.empty(0, np.uint32), np.empty(0, np.int64)
    word_doc = np.searchsorted(doc_starts, word_start, side="right") - 1

    # Prefix sums of (byte + 1) * BASE**i and the inverse powers, all modulo 2**64.
    powers, inverse = _powers(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum((buf.astype(np.uint64) + np.uint64(1)) * powers, out=prefix[1:])

    k = shingle_size
    first = np.arange(word_start.size - k + 1) if word_start.size >= k else np.empty(0, np.int64)
    last = first + (k - 1)
    same_doc = word_doc[first] == word_doc[last]
    starts, ends, docs = (
        word_start[first[same_doc]],
        word_end[last[same_doc]],
        word_doc[first[same_doc]],
    )

    # Documents with fewer than k words (but some) get one shingle: the whole text.
    words_per_doc = np.bincount(word_doc, minlength=len(encoded))
    short = np.flatnonzero((words_per_doc > 0) & (words_per_doc < k))
    if short.size:
        first_word = np.searchsorted(word_doc, short, side="left")
        last_word = np.searchsorted(word_doc, short, side="right") - 1
        starts = np.concatenate((starts, word_start[first_word]))
        ends = np.concatenate((ends, word_end[last_word]))
        docs = np.concatenate((docs, short))
        order = np.argsort(docs, kind="stable")
        starts, ends, docs = starts[order], ends[order], docs[order]

    raw = (prefix[ends] - prefix[starts]) * inverse[starts]
    return _mix64_to_32(raw), docs


def shingle_hashes(folded: Sequence[str], shingle_size: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of every word ``shingle_size``-gram of each folded text.

    Returns ``(hashes, doc_index)``, ordered by document. A text with fewer words than
    ``shingle_size`` contributes one shingle (itself); an empty text none. Duplicate
    shingles within a document are kept (they do not change a minimum).
    """
    encoded = [t.encode("utf-8") for t in folded]
    parts_h, parts_d = [], []
    for lo, hi in _chunks_by_bytes(encoded):
        h, d = _chunk_shingle_hashes(encoded[lo:hi], shingle_size)
        parts_h.append(h)
        parts_d.append(d + lo)
    if not parts_h:
        return np.empty(0, np.uint32), np.empty(0, np.int64)
    return np.concatenate(parts_h), np.concatenate(parts_d)


def signatures_from_hashes(
    hashes: np.ndarray, doc_index: np.ndarray, n_docs: int, *, num_perm: int, seed: int
) -> np.ndarray:
    """Per-document MinHash signatures (``n_docs x num_perm`` uint32) from shingle hashes."""
    a, b = permutations(num_perm, seed)
    out = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return out
    mixed = _fmix32(hashes.astype(np.uint32, copy=False))
    lo = 0
    while lo < mixed.size:
        hi = min(lo + _SHINGLE_BLOCK, mixed.size)
        # Extend the block to a document boundary so each document is reduced in one piece.
        if hi < mixed.size:
            hi = int(np.searchsorted(doc_index, doc_index[hi - 1], side="right"))
        block_docs = doc_index[lo:hi]
        starts = np.flatnonzero(np.concatenate(([True], block_docs[1:] != block_docs[:-1])))
        permuted = np.multiply(a[:, None], mixed[None, lo:hi])
        permuted += b[:, None]
        minima = np.minimum.reduceat(permuted, starts, axis=1).T
        rows = block_docs[starts]
        out[rows] = np.minimum(out[rows], minima)
        lo = hi
    return out


def signatures(
    folded: Sequence[str], *, num_perm: int = 128, seed: int = 1, shingle_size: int = 3
) -> np.ndarray:
    """MinHash signatures (``len(folded) x num_perm`` uint32) of already folded texts."""
    hashes, docs = shingle_hashes(folded, shingle_size)
    return signatures_from_hashes(hashes, docs, len(folded), num_perm=num_perm, seed=seed)


def estimate_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity row by row (share of equal minima), as datasketch does."""
    return (sig_a == sig_b).mean(axis=-1)


def to_lean_minhash(signature: np.ndarray, seed: int):
    """A ``datasketch.LeanMinHash`` holding ``signature`` (for datasketch's LSH or storage)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
