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

import contextlib
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

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
    return pairs_of_codes(band_candidate_codes(doc_index, keys, max_bucket=max_bucket))


def band_candidate_codes(
    doc_index: np.ndarray, keys: Iterable[np.ndarray], *, max_bucket: int = MAX_BUCKET
) -> np.ndarray:
    """The pairs of :func:`band_candidate_pairs` as sorted ``i << 32 | j`` codes (eight
    bytes a pair, where the pairs take sixteen)."""
    if doc_index.size < 2:
        return np.empty(0, dtype=np.uint64)
    bands = ((doc_index, key) for key in keys)
    return union_of_codes(keyed_pair_codes(bands, max_bucket=max_bucket))


def keyed_candidate_pairs(
    bands: Iterable[tuple[np.ndarray, np.ndarray]], *, max_bucket: int = MAX_BUCKET
) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, sorted, of documents sharing a key in some band;
    ``bands`` yields ``(documents, keys)`` per band (each band may cover other documents).

    A pair is held as one ``uint64`` (``i << 32 | j``) and the union is taken with a sort
    every few million pairs, so the peak is the distinct pairs plus a few million more,
    at eight bytes a pair (copies share most bands: the union stays far smaller than the
    sum)."""
    return pairs_of_codes(union_of_codes(keyed_pair_codes(bands, max_bucket=max_bucket)))


def keyed_pair_codes(
    bands: Iterable[tuple[np.ndarray, np.ndarray]], *, max_bucket: int = MAX_BUCKET
) -> Iterator[np.ndarray]:
    """The pair codes of each band of ``bands`` (see :func:`keyed_candidate_pairs`), a
    batch of a band at a time (:func:`band_pair_code_batches`), repeats across bands
    included."""
    for docs, key in bands:
        if docs.size >= 2:
            yield from band_pair_code_batches(
                np.asarray(docs, dtype=np.int64), np.asarray(key), max_bucket
            )


def sliced_union_of_codes(
    batches: Iterable[np.ndarray], *, height: int, folder: Path | None
) -> Iterator[np.ndarray]:
    """The sorted distinct pair codes of all ``batches``, one slice at a time: the codes
    whose first document lies in each run of :data:`SLICE_ROWS` documents (more in a
    corpus of more than :data:`MAX_SLICES` such runs), in order, so that the slices
    joined are :func:`union_of_codes`.

    A corpus of more than one slice has its codes written, batch by batch, to one file
    per slice in a temporary folder inside ``folder``, and each slice is read back and
    made distinct on its own: the peak is one batch and one slice, whatever the corpus
    size (copies of one story share most bands, so the union of a whole corpus can run
    to hundreds of millions of codes). A smaller corpus, or no ``folder``, is one slice
    merged in memory."""
    rows = max(SLICE_ROWS, -(-height // MAX_SLICES))
    slices = -(-height // rows)
    if folder is None or slices <= 1:
        yield union_of_codes(batches)
        return
    bounds = (np.arange(1, slices, dtype=np.uint64) * np.uint64(rows)) << np.uint64(32)
    with tempfile.TemporaryDirectory(prefix="pair-codes-", dir=folder) as tmp:
        paths = [Path(tmp) / f"slice-{i:05d}.u64" for i in range(slices)]
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(path.open("ab")) for path in paths]
            for codes in batches:
                codes = np.sort(codes)
                cuts = np.searchsorted(codes, bounds)
                for fh, part in zip(files, np.split(codes, cuts), strict=True):
                    if part.size:
                        fh.write(part.tobytes())
        for path in paths:
            yield distinct_codes(np.fromfile(path, dtype=np.uint64))
            path.unlink()


def union_of_codes(batches: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted distinct pair codes of all ``batches``: every few million codes, those
    gathered are made distinct and merged into the ones found before
    (:func:`merged_codes`), which are never sorted again."""
    found = np.empty(0, dtype=np.uint64)
    pending: list[np.ndarray] = []
    pending_size = 0
    for codes in batches:
        pending.append(codes)
        pending_size += codes.size
        if pending_size >= _UNION_EVERY:
            found = merged_codes(found, _distinct_pending(pending))
            pending_size = 0
    return merged_codes(found, _distinct_pending(pending))


def _distinct_pending(pending: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct codes of ``pending``, which is emptied."""
    codes = np.concatenate(pending) if pending else np.empty(0, dtype=np.uint64)
    pending.clear()
    return distinct_codes(codes)


def merged_codes(found: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The sorted distinct union of two sorted distinct code arrays, placing the codes
    of ``new`` that ``found`` lacks among its own by binary search: the union and an
    index of the new codes beside ``found`` (a sort of both together held them twice
    over, a mask and a copy, at tens of millions of codes)."""
    if new.size == 0:
        return found
    if found.size == 0:
        return new
    at = np.searchsorted(found, new)
    held = at < found.size
    held[held] = found[at[held]] == new[held]
    fresh = ~held
    del held
    slots = at[fresh]
    del at
    slots += np.arange(slots.size, dtype=slots.dtype)
    merged = np.empty(found.size + slots.size, dtype=np.uint64)
    old = np.ones(merged.size, dtype=bool)
    old[slots] = False
    merged[slots] = new[fresh]
    merged[old] = found
    return merged


def codes_of_pairs(pairs: np.ndarray) -> np.ndarray:
    """Pairs ``(a, b)`` as ``a << 32 | b`` codes (ordered as the pairs by ``a``, then
    ``b``); :func:`pairs_of_codes` is the inverse."""
    return (pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64)


def pairs_of_codes(codes: np.ndarray, dtype: type = np.int64) -> np.ndarray:
    """Pairs ``(a, b)`` (``len(codes) x 2`` of ``dtype``) of ``a << 32 | b`` codes."""
    pairs = np.empty((codes.size, 2), dtype=dtype)
    pairs[:, 0] = codes >> np.uint64(32)
    pairs[:, 1] = codes & np.uint64(0xFFFFFFFF)
    return pairs


def distinct_codes(codes: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``codes``, sorted in place (no hash table, no copy
    before the sort)."""
    codes.sort()
    if codes.size < 2:
        return codes
    return codes[np.concatenate([[True], codes[1:] != codes[:-1]])]


# Pairs gathered from bands before they are merged into the distinct ones (8 bytes each).
_UNION_EVERY = 16_000_000
# Documents per slice of a sliced union (:func:`sliced_union_of_codes`): a slice of a
# million documents of copied news can hold tens of millions of candidate pairs (the
# headline candidates of the first 250,000 of a million generated documents: 8.5
# million), and each pair takes tens of bytes while its headlines are scored. At most
# MAX_SLICES slices: each is a file held open while the codes are spilled.
SLICE_ROWS = 100_000
MAX_SLICES = 256


def band_pair_codes(docs: np.ndarray, key: np.ndarray, max_bucket: int) -> np.ndarray:
    """Candidate pairs ``a < b`` of one band, as ``a << 32 | b`` codes. A bucket (documents
    sharing the key) of up to ``max_bucket`` gives all its pairs; a larger one, shared
    furniture rather than copies, gives a star on its first document and a chain."""
    codes = list(band_pair_code_batches(docs, key, max_bucket))
    return np.concatenate(codes) if codes else np.empty(0, dtype=np.uint64)


def band_pair_code_batches(
    docs: np.ndarray, key: np.ndarray, max_bucket: int
) -> Iterator[np.ndarray]:
    """The codes of :func:`band_pair_codes`, a batch of at most about
    :data:`CODE_BATCH` at a time (buckets of one size together): one headline band of
    ten million documents gave some sixty million codes, several times their size at
    once when made and concatenated whole.

    A band of more than :data:`SHARE_ROWS` documents is grouped a share of its keys at
    a time (by the key's value, so a bucket is never cut): sorting ten million
    documents' keys and numbering their buckets took some 300 MB at once."""
    if docs.size and (docs.min() < 0 or docs.max() >= 1 << 32):
        raise ValueError("document numbers must lie in [0, 2**32) to be paired")
    if key.dtype == object:
        key = np.unique(key, return_inverse=True)[1]
    shares = -(-docs.size // SHARE_ROWS)
    if shares <= 1:
        yield from _bucket_pair_codes(docs, key, max_bucket)
        return
    share = np.empty(key.size, dtype=np.uint16)
    for lo in range(0, key.size, SHARE_ROWS):  # the remainder a slice at a time
        share[lo : lo + SHARE_ROWS] = _mixed(key[lo : lo + SHARE_ROWS]) % np.uint64(shares)
    for part in range(shares):
        chosen = share == part
        yield from _bucket_pair_codes(docs[chosen], key[chosen], max_bucket)


def _mixed(key: np.ndarray) -> np.ndarray:
    """``key`` (integers) scrambled, so that keys made of small numbers spread evenly
    over the shares of :func:`band_pair_code_batches`."""
    mixed = key.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return mixed ^ (mixed >> np.uint64(29))


def _bucket_pair_codes(docs: np.ndarray, key: np.ndarray, max_bucket: int) -> Iterator[np.ndarray]:
    """The codes of the buckets of ``key`` (see :func:`band_pair_code_batches`)."""
    order = np.lexsort((docs, key))
    key, docs = key[order], docs[order].astype(np.uint64)
    del order
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    sizes = np.diff(np.append(starts, key.size))
    del key
    for size in np.unique(sizes[sizes > 1]).tolist():
        bucket_starts = starts[sizes == size]
        per_bucket = size * (size - 1) // 2 if size <= max_bucket else 2 * (size - 1)
        step = max(1, CODE_BATCH // per_bucket)
        for lo in range(0, bucket_starts.size, step):
            members = docs[bucket_starts[lo : lo + step, None] + np.arange(size)]
            if size <= max_bucket:
                first, second = np.triu_indices(size, k=1)
                a, b = members[:, first], members[:, second]
            else:
                a = np.concatenate(
                    [np.repeat(members[:, :1], size - 1, axis=1), members[:, :-1]], 1
                )
                b = np.concatenate([members[:, 1:], members[:, 1:]], axis=1)
            a, b = a.ravel(), b.ravel()
            distinct = a != b  # a document listed twice under one key is not a pair
            yield (a[distinct] << np.uint64(32)) | b[distinct]


# Pair codes made at once by :func:`band_pair_code_batches` (eight bytes each).
CODE_BATCH = 4_000_000
# Documents of a band grouped at once by :func:`band_pair_code_batches` (about forty
# bytes each while their keys are sorted and their buckets numbered).
SHARE_ROWS = 2_000_000
