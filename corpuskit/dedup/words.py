"""Folded words and shingle hashes of a batch of raw texts, straight from their UTF-8 bytes.

This is :func:`corpuskit.normalize.fold` followed by word n-gram hashing, done as numpy
array operations over a whole batch instead of regular expressions per document (the
regex chain was most of the time the dedup stage spent):

1. The batch is encoded once; the code point of every character is decoded with array
   arithmetic.
2. A table built from :func:`~corpuskit.normalize.fold` itself says, for every code point
   of the Basic Multilingual Plane, what fold turns it into in the middle of a word: one
   character (``أ`` -> ``ا``, ``٣`` -> ``3``, ``A`` -> ``a``), nothing (diacritics,
   tatweel, bidi marks), or a word break (punctuation, spaces). A document holding a
   character fold treats otherwise (``ß`` -> ``ss``, ligatures such as ``ﻻ``, combining
   accents that compose, characters outside the BMP) is folded with ``fold`` first:
   rare in news, and it keeps the result exactly equal to ``fold``.
3. Word breaks are collapsed to one space, and the polynomial hash (base :data:`BASE`,
   modulo 2**64) of every code-point substring falls out of one prefix sum: each word
   n-gram's hash is two lookups and a multiply, and the whole folded body's hash is the
   exact-duplicate key.

The hash of a shingle equals :func:`hash_text` of the shingle's folded text, so it is
stable across processes, machines and library versions (the persistent index stores it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import polars as pl

from corpuskit.normalize import fold

BASE = 0x100000001B3  # odd, so it is invertible modulo 2**64
_MASK64 = (1 << 64) - 1
_BASE_INVERSE = pow(BASE, -1, 1 << 64)
REMOVED = 0x110000  # table value: the character disappears
SPACE = 32  # table value: the character breaks words
_BMP = 0x10000
_CHUNK_CHARS = 1_000_000  # characters per array pass; bounds the temporary arrays


# Scripts the table covers (Latin, Greek, Cyrillic, Hebrew, Arabic and its supplements and
# presentation forms, general punctuation, currency, letterlike symbols). A character
# outside them sends its document through ``fold`` itself: correct, only slower.
_TABLE_RANGES = (
    (0x0000, 0x058F),
    (0x0590, 0x08FF),
    (0x2000, 0x214F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


@lru_cache(maxsize=1)
def fold_table() -> tuple[np.ndarray, np.ndarray]:
    """``(mapped, special)`` for every BMP code point, derived from ``fold`` in context.

    A character is mapped when ``fold`` treats it the same way between ``a`` and ``b``,
    ``ب`` and ``ت``, ``1`` and ``2``; otherwise (and outside ``_TABLE_RANGES``) it is
    special.
    """
    from corpuskit.dedup.keys import fold_series  # polars; equal to fold, tested

    mapped = np.arange(_BMP, dtype=np.uint32)
    special = np.ones(_BMP, dtype=bool)
    cps = [cp for lo, hi in _TABLE_RANGES for cp in range(lo, hi + 1)]
    outcomes: list[set[int]] = [set() for _ in cps]
    for left, right in (("a", "b"), ("ب", "ت"), ("1", "2")):
        fl, fr = fold(left), fold(right)
        joined = pl.Series([left + chr(cp) + right for cp in cps])
        for seen, got in zip(outcomes, fold_series(joined, parts=1).to_list(), strict=True):
            if got == fl + fr:
                seen.add(REMOVED)
            elif got == f"{fl} {fr}":
                seen.add(SPACE)
            elif len(got) == 3 and got[0] == fl and got[2] == fr:
                seen.add(ord(got[1]))
            else:
                seen.add(-1)
    for cp, seen in zip(cps, outcomes, strict=True):
        if len(seen) == 1 and -1 not in seen and _fold_agrees(chr(cp), seen):
            mapped[cp], special[cp] = seen.pop(), False
    return mapped, special


def _fold_agrees(ch: str, seen: set[int]) -> bool:
    """Check with ``fold`` itself the characters NFKC or casefolding change (fold_series
    lowercases where fold casefolds, so a few Greek letters differ: ͺ, ΐ, ǰ ...)."""
    if unicodedata.normalize("NFKC", ch) == ch and ch.casefold() == ch.lower():
        return True
    (value,) = seen
    for left, right in (("a", "b"), ("ب", "ت"), ("1", "2")):
        inner = "" if value == REMOVED else " " if value == SPACE else chr(value)
        if fold(left + ch + right) != fold(left) + inner + fold(right):
            return False
    return True


def _mix64_to_32(h: np.ndarray) -> np.ndarray:
    """Avalanche a 64-bit polynomial hash and keep its high 32 bits (splitmix64 tail)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return (h >> np.uint64(32)).astype(np.uint32)


def polynomial_hash(text: str) -> int:
    """64-bit polynomial hash of a folded text's code points (the reference, slow)."""
    h, power = 0, 1
    for ch in text:
        h = (h + (ord(ch) + 1) * power) & _MASK64
        power = (power * BASE) & _MASK64
    return h


def hash_text(shingle: bytes | str) -> int:
    """32-bit hash of one folded shingle; pass it to datasketch as ``hashfunc``."""
    text = shingle.decode("utf-8") if isinstance(shingle, bytes) else shingle
    return int(_mix64_to_32(np.array([polynomial_hash(text)], dtype=np.uint64))[0])


_POWER_CACHE: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (computed once, grown on demand)."""
    if not _POWER_CACHE or _POWER_CACHE[0].size < n:
        size = 1 << max(16, (n - 1).bit_length())
        powers = np.empty(size, dtype=np.uint64)
        inverse = np.empty(size, dtype=np.uint64)
        powers[0] = inverse[0] = 1
        powers[1:] = np.cumprod(np.full(size - 1, BASE, dtype=np.uint64))
        inverse[1:] = np.cumprod(np.full(size - 1, _BASE_INVERSE, dtype=np.uint64))
        _POWER_CACHE[:] = [powers, inverse]
    return _POWER_CACHE[0][:n], _POWER_CACHE[1][:n]


@dataclass
class Words:
    """Shingle hashes, word counts and exact keys of a batch of documents, and the hash of
    every word (the bag of words of each document)."""

    hashes: np.ndarray  # uint32 per shingle, ordered by document
    doc_index: np.ndarray  # int64 document of each shingle
    word_counts: np.ndarray  # int64 folded words per document
    exact_keys: np.ndarray  # uint64 hash of the whole folded text (0 when empty)
    positions: np.ndarray  # int32 per shingle: the place of its first word in the document
    word_hashes: np.ndarray  # uint32 per word (hash_text of the folded word), in order
    word_doc: np.ndarray  # int64 document of each word
    numeric: np.ndarray  # bool per word: only digits (a number)


SPECIAL = 0x110001  # lookup value: the document goes through ``fold`` first


@lru_cache(maxsize=1)
def fold_lookup() -> np.ndarray:
    """:func:`fold_table` as one array: what each BMP code point becomes, or SPECIAL."""
    mapped, special = fold_table()
    table = mapped.copy()
    table[special] = SPECIAL
    return table


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the joined documents (UTF-32, no decoding loop) and the offset
    where each document starts (``n + 1`` offsets, the last one the total length)."""
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(t) for t in texts), np.int64, len(texts)), out=offsets[1:])
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(joined, dtype=np.uint32), offsets


def _document_of(positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The document each character position (sorted or not) belongs to."""
    return np.searchsorted(offsets, positions, side="right") - 1


def _starts(size: int, offsets: np.ndarray) -> np.ndarray:
    """A mask of ``size`` characters, true where a document starts."""
    mask = np.zeros(size + 1, dtype=bool)
    mask[offsets] = True
    return mask[:size]


def _offsets_keeping(mask: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The documents' offsets once only the characters where ``mask`` holds are kept
    (the dropped ones are few: marks, tatweel, repeated breaks)."""
    return offsets - np.searchsorted(np.flatnonzero(~mask), offsets)


def _folded_code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each character through the fold table (REMOVED, SPACE or the folded character),
    and the documents' offsets. A document with a special character is folded with
    ``fold`` first and keeps the characters ``fold`` gives."""
    cps, offsets = _code_points(texts)
    table = fold_lookup()
    mapped = table[np.minimum(cps, _BMP - 1)]
    odd = mapped == SPECIAL
    beyond_bmp = cps >= _BMP
    if beyond_bmp.any():
        odd |= beyond_bmp
    if not odd.any():
        return mapped, offsets
    prefolded = np.unique(_document_of(np.flatnonzero(odd), offsets))
    texts = list(texts)
    for i in prefolded:
        texts[i] = fold(texts[i])
    cps, offsets = _code_points(texts)
    mapped = table[np.minimum(cps, _BMP - 1)]
    for i in prefolded:
        mapped[offsets[i] : offsets[i + 1]] = cps[offsets[i] : offsets[i + 1]]
    return mapped, offsets


def _chunk_words(texts: Sequence[str], shingle_size: int) -> Words:
    n = len(texts)
    mapped, offsets = _folded_code_points(texts)
    kept = mapped != REMOVED
    offsets = _offsets_keeping(kept, offsets)
    mapped = mapped[kept]
    is_space = mapped == SPACE
    # Collapse runs of word breaks to one and drop breaks at the start of a document.
    prev_space = np.concatenate(([True], is_space[:-1])) | _starts(mapped.size, offsets[:-1])
    keep = ~is_space | ~prev_space
    offsets = _offsets_keeping(keep, offsets)
    mapped, is_space = mapped[keep], is_space[keep]
    m = mapped.size
    empty = Words(
        np.empty(0, np.uint32),
        np.empty(0, np.int64),
        np.zeros(n, np.int64),
        np.zeros(n, np.uint64),
        np.empty(0, np.int32),
        np.empty(0, np.uint32),
        np.empty(0, np.int64),
        np.empty(0, bool),
    )
    if m == 0:
        return empty
    new_doc = _starts(m, offsets[:-1])
    next_doc = _starts(m + 1, offsets[1:])[1:]
    starts_word = ~is_space & (np.concatenate(([True], is_space[:-1])) | new_doc)
    ends_word = ~is_space & (np.concatenate((is_space[1:], [True])) | next_doc)
    word_start = np.flatnonzero(starts_word)
    word_end = np.flatnonzero(ends_word) + 1
    word_doc = _document_of(word_start, offsets)

    powers, inverse = _powers(m)
    prefix = np.zeros(m + 1, dtype=np.uint64)
    terms = mapped.astype(np.uint64)
    terms += np.uint64(1)
    terms *= powers
    np.cumsum(terms, out=prefix[1:])
    del terms

    def span_hash(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return (prefix[ends] - prefix[starts]) * inverse[starts]

    k = shingle_size
    word_counts = np.bincount(word_doc, minlength=n).astype(np.int64)
    first = np.arange(max(word_start.size - k + 1, 0))
    last = first + (k - 1)
    same_doc = word_doc[first] == word_doc[last]
    starts, ends, owner = (
        word_start[first[same_doc]],
        word_end[last[same_doc]],
        word_doc[first[same_doc]],
    )

    has_words = np.flatnonzero(word_counts > 0)
    first_word = np.searchsorted(word_doc, has_words, side="left")
    last_word = np.searchsorted(word_doc, has_words, side="right") - 1
    exact_keys = np.zeros(n, dtype=np.uint64)
    exact_keys[has_words] = span_hash(word_start[first_word], word_end[last_word])
    doc_first_word = np.zeros(n, dtype=np.int64)
    doc_first_word[has_words] = first_word
    positions = (first[same_doc] - doc_first_word[owner]).astype(np.int32)

    # Documents with fewer than k words (but some) get one shingle: the whole text.
    short = word_counts[has_words] < k
    if short.any():
        starts = np.concatenate((starts, word_start[first_word[short]]))
        ends = np.concatenate((ends, word_end[last_word[short]]))
        owner = np.concatenate((owner, has_words[short]))
        positions = np.concatenate((positions, np.zeros(int(short.sum()), np.int32)))
        order = np.argsort(owner, kind="stable")
        starts, ends, owner, positions = starts[order], ends[order], owner[order], positions[order]
    hashes = _mix64_to_32(span_hash(starts, ends))
    word_hashes = _mix64_to_32(span_hash(word_start, word_end))
    # A word is a number when every character of it is a digit (digits are few: count
    # them per word rather than scanning every character twice).
    digits = np.flatnonzero((mapped >= 48) & (mapped <= 57))
    digit_counts = np.bincount(_document_of(digits, word_start), minlength=word_start.size)
    numeric = digit_counts == (word_end - word_start)
    return Words(
        hashes,
        owner.astype(np.int64),
        word_counts,
        exact_keys,
        positions,
        word_hashes,
        word_doc.astype(np.int64),
        numeric,
    )


def words(texts: Sequence[str | None], shingle_size: int) -> Words:
    """Fold ``texts`` and hash their word ``shingle_size``-grams (see the module docs)."""
    texts = [t or "" for t in texts]
    parts, lo, size = [], 0, 0
    bounds = []
    for i, t in enumerate(texts):
        size += len(t) + 1
        if size >= _CHUNK_CHARS:
            bounds.append((lo, i + 1))
            lo, size = i + 1, 0
    if lo < len(texts) or not bounds:
        bounds.append((lo, len(texts)))
    for lo, hi in bounds:
        part = _chunk_words(texts[lo:hi], shingle_size)
        part.doc_index += lo
        part.word_doc += lo
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    return Words(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Words)))
