"""Folded words and shingle hashes of a batch of raw texts.

This is :func:`corpuskit.normalize.fold` followed by word n-gram hashing, done by two
compiled loops over every character of a batch (:mod:`corpuskit.compiled`) instead of
regular expressions per document (the regex chain was most of the time the dedup stage
spent):

1. The batch is encoded once into code points (UTF-32, no decoding loop).
2. A table built from :func:`~corpuskit.normalize.fold` itself says, for every code point
   of the Basic Multilingual Plane, what fold turns it into in the middle of a word: one
   character (``أ`` -> ``ا``, ``٣`` -> ``3``, ``A`` -> ``a``), nothing (diacritics,
   tatweel, bidi marks), or a word break (punctuation, spaces). A document holding a
   character fold treats otherwise (``ß`` -> ``ss``, ligatures such as ``ﻻ``, combining
   accents that compose, characters outside the BMP) is folded with ``fold`` first:
   rare in news, and it keeps the result exactly equal to ``fold``.
3. The first loop counts each document's words (runs of characters between breaks), so
   the outputs are sized exactly; the second hashes each word with the polynomial hash
   (base :data:`BASE`, modulo 2**64) and joins the hashes of neighbouring words into
   the hash of their n-gram, as if joined by one space (``h(x + " " + y) = h(x) +
   33 * B**len(x) + h(y) * B**(len(x) + 1)``); all the words joined give the whole
   folded body's hash, the exact-duplicate key.

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

from corpuskit.compiled import compiled
from corpuskit.normalize import fold

BASE = 0x100000001B3  # odd, so it is invertible modulo 2**64
_MASK64 = (1 << 64) - 1
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
_EMPTY_HASH = np.uint64(0)  # the polynomial hash of no character
_SPACE_TERM = np.uint64(SPACE + 1)  # a word break's term in the polynomial hash


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


@compiled
def _word_counts(
    cps: np.ndarray, offsets: np.ndarray, table: np.ndarray, prefolded: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Folded words per document (runs of characters between word breaks, the
    characters fold removes taken out first) and which documents hold a character the
    table does not map or one beyond the BMP (those are folded with ``fold`` first, then
    counted again with ``prefolded`` set: their characters are taken as they are)."""
    n = offsets.size - 1
    counts = np.zeros(n, dtype=np.int64)
    special = np.zeros(n, dtype=np.bool_)
    for d in range(n):
        inside, found = False, 0
        for i in range(offsets[d], offsets[d + 1]):
            if prefolded[d]:
                c = cps[i]
            elif cps[i] >= _BMP or table[cps[i]] == SPECIAL:
                special[d] = True
                break
            else:
                c = table[cps[i]]
            if c == REMOVED:
                continue
            if c == SPACE:
                inside = False
            elif not inside:
                inside = True
                found += 1
        counts[d] = found
    return counts, special


@compiled
def _mix(h: np.uint64) -> np.uint32:
    """:func:`_mix64_to_32` of one hash."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return np.uint32(h >> np.uint64(32))


@compiled
def _hash_words(
    cps: np.ndarray,
    offsets: np.ndarray,
    table: np.ndarray,
    prefolded: np.ndarray,
    k: int,
    counts: np.ndarray,
    word_first: np.ndarray,
    shingle_first: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Every word's hash, digit flag and document; every shingle's hash, first word and
    document; every document's exact key. ``word_first``/``shingle_first`` are where each
    document's words and shingles start in the outputs (cumulative counts)."""
    n = offsets.size - 1
    base = np.uint64(BASE)
    word_hash64 = np.empty(word_first[n], dtype=np.uint64)
    word_power = np.empty(word_first[n], dtype=np.uint64)  # BASE ** (word length)
    word_hashes = np.empty(word_first[n], dtype=np.uint32)
    numeric = np.empty(word_first[n], dtype=np.bool_)
    word_doc = np.empty(word_first[n], dtype=np.int64)
    hashes = np.empty(shingle_first[n], dtype=np.uint32)
    positions = np.empty(shingle_first[n], dtype=np.int32)
    owner = np.empty(shingle_first[n], dtype=np.int64)
    exact = np.zeros(n, dtype=np.uint64)
    one = np.uint64(1)
    for d in range(n):
        if counts[d] == 0:
            continue
        w = word_first[d] - 1
        inside = False
        h, power, digits, length = _EMPTY_HASH, one, 0, 0
        for i in range(offsets[d], offsets[d + 1]):
            c = cps[i] if prefolded[d] else table[cps[i]]
            if c == REMOVED:
                continue
            if c == SPACE:
                if inside:
                    word_hash64[w], word_power[w] = h, power
                    numeric[w] = digits == length
                    inside = False
                continue
            if not inside:
                inside = True
                w += 1
                h, power, digits, length = _EMPTY_HASH, one, 0, 0
            h += (np.uint64(c) + one) * power
            power *= base
            length += 1
            if 48 <= c <= 57:
                digits += 1
        if inside:
            word_hash64[w], word_power[w] = h, power
            numeric[w] = digits == length
        first, last = word_first[d], word_first[d + 1]
        # The whole folded text: its words joined by single spaces.
        total, power = word_hash64[first], word_power[first]
        for j in range(first + 1, last):
            total += _SPACE_TERM * power
            power *= base
            total += word_hash64[j] * power
            power *= word_power[j]
        exact[d] = total
        for j in range(first, last):
            word_hashes[j] = _mix(word_hash64[j])
            word_doc[j] = d
        s = shingle_first[d]
        if last - first < k:  # fewer than k words: one shingle, the whole text
            hashes[s], positions[s], owner[s] = _mix(total), 0, d
            continue
        for j in range(first, last - k + 1):
            total, power = word_hash64[j], word_power[j]
            for t in range(j + 1, j + k):
                total += _SPACE_TERM * power
                power *= base
                total += word_hash64[t] * power
                power *= word_power[t]
            hashes[s], positions[s], owner[s] = _mix(total), j - first, d
            s += 1
    return hashes, owner, exact, positions, word_hashes, word_doc, numeric


def _chunk_words(texts: Sequence[str], shingle_size: int) -> Words:
    cps, offsets = _code_points(texts)
    table = fold_lookup()
    prefolded = np.zeros(len(texts), dtype=bool)
    counts, special = _word_counts(cps, offsets, table, prefolded)
    if special.any():  # fold them first and hash the characters fold gives
        odd = np.flatnonzero(special)
        folded = [fold(texts[i]) for i in odd]
        odd_cps, odd_offsets = _code_points(folded)
        counts[odd] = _word_counts(odd_cps, odd_offsets, table, np.ones(odd.size, bool))[0]
        texts = list(texts)
        for i, text in zip(odd.tolist(), folded, strict=True):
            texts[i] = text
        cps, offsets = _code_points(texts)
        prefolded = special
    k = shingle_size
    shingles = np.where(counts >= k, counts - k + 1, np.minimum(counts, 1))
    word_first = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=word_first[1:])
    shingle_first = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(shingles, out=shingle_first[1:])
    hashes, owner, exact, positions, word_hashes, word_doc, numeric = _hash_words(
        cps, offsets, table, prefolded, k, counts, word_first, shingle_first
    )
    return Words(hashes, owner, counts, exact, positions, word_hashes, word_doc, numeric)


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
