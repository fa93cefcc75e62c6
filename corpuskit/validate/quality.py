"""Document quality: too short, mostly non-letters, repetitive (Gopher-style).

These run on the CLEANED text (after boilerplate is stripped): an article that is only
furniture is empty once the furniture is gone. A hit covers the whole document.

Repetition follows Gopher (Rae et al. 2021, appendix A): the share of characters in
duplicated lines, and in the most frequent word n-gram, and in duplicated n-grams.
Words are runs of word characters with diacritics and tatweel removed and case folded,
so Arabic punctuation (، ؛ ؟) is not a word and vocalised spellings count as one word.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from functools import cached_property
from itertools import compress

import numpy as np

from corpuskit.normalize import strip_diacritics
from corpuskit.rules import Rule
from corpuskit.validate.charclass import BMP, CharClass, code_points
from corpuskit.validate.document import Doc, Hit


def _whole(doc: Doc) -> list[Hit]:
    return [Hit("text", 0, len(doc.text))]


def too_short(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Fewer than ``min_chars`` letters or ``min_words`` words left after cleaning.

    With ``empty = false`` a document with no letters at all is left to the rule that
    reports empty documents (Q001), so it is not reported as too short as well.
    """
    min_chars = int(rule.params.get("min_chars", 1))
    min_words = int(rule.params.get("min_words", 0))
    letters = doc.letter_count
    if letters == 0 and not rule.params.get("empty", True):
        return []
    if letters < min_chars or (min_words and _fewer_words(doc.text, min_words)):
        return _whole(doc)
    return []


def _fewer_words(text: str, count: int) -> bool:
    """Whether ``text`` has fewer than ``count`` whitespace-separated words.

    ``str.split`` stops after ``count`` cuts (the rest stays one piece, present only when
    it holds a word), so a long text is not cut into all its words to say so.
    """
    return len(text.split(None, count)) < count


def non_letter_ratio(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Less than ``min_letter_share`` of the non-space characters are letters."""
    min_share = float(rule.params.get("min_letter_share", 0.5))
    min_chars = int(rule.params.get("min_chars", 50))
    visible = doc.visible_count
    if visible == 0 or visible < min_chars:  # no characters, no share (min_chars may be 0)
        return []
    return _whole(doc) if doc.letter_count / visible < min_share else []


def _duplicate_line_char_share(text: str) -> float:
    """Share of the characters of the non-blank lines (stripped) that are in a line seen
    before."""
    lines = [line for line in map(str.strip, text.split("\n")) if line]
    if len(set(lines)) == len(lines):
        return 0.0
    total = sum(map(len, lines))
    seen: set[str] = set()
    duplicated = 0
    for line in lines:
        if line in seen:
            duplicated += len(line)
        seen.add(line)
    return duplicated / total


_WORD = re.compile(r"[^\W_]+")
WORD_CHAR = CharClass(r"[^\W_]")


def _words(text: str, limit: int) -> list[str]:
    """The first ``limit`` words of ``text``: runs of word characters once diacritics and
    tatweel are removed and case is folded."""
    folded = strip_diacritics(text).replace("\u0640", "").casefold()
    codes = code_points(folded)
    if not len(codes) or int(codes.max()) >= BMP:
        return _WORD.findall(folded)[:limit]
    # Every character outside the word class becomes a space, so the words are what
    # ``str.split`` cuts (no word character is whitespace); the cut stops after the limit.
    spaced = np.where(WORD_CHAR.table.take(codes), codes, np.uint32(ord(" ")))
    return spaced.tobytes().decode("utf-32-le").split(None, limit)[:limit]


# Repetition is judged on the first words only: enough evidence, bounded cost.
MAX_TOKENS = 2000


class _Tokens:
    """The first words of a document, with each word's index (first-seen order) for
    counting n-grams as packed integers."""

    def __init__(self, tokens: list[str], words: Counter[str]) -> None:
        self.tokens = tokens
        self.words = words
        # bits per word id: n ids side by side make one exact key
        self.bits = max(1, (len(words) - 1).bit_length())

    @cached_property
    def ids(self) -> np.ndarray:
        index = {word: i for i, word in enumerate(self.words)}
        return np.fromiter(
            map(index.__getitem__, self.tokens), dtype=np.uint64, count=len(self.tokens)
        )

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.fromiter(map(len, self.tokens), dtype=np.int64, count=len(self.tokens))


def _gram_keys(ids: np.ndarray, n: int, bits: int) -> np.ndarray:
    """One exact key per n-gram start: the n word ids packed side by side, in one
    64-bit integer per gram while they fit, else in several (one row per gram)."""
    m = len(ids) - n + 1
    per_key = max(1, 64 // bits)
    columns = []
    for first in range(0, n, per_key):
        key = np.zeros(m, dtype=np.uint64)
        for k in range(first, min(n, first + per_key)):
            key |= ids[k : k + m] << np.uint64(bits * (k - first))
        columns.append(key)
    return columns[0] if len(columns) == 1 else np.stack(columns, axis=1)


def _gram_counts(tokens: _Tokens, n: int) -> tuple[np.ndarray, ...]:
    """Per distinct n-gram: its first start and its count; per start: its gram's count."""
    keys = _gram_keys(tokens.ids, n, tokens.bits)
    _, first, inverse, counts = np.unique(
        keys, axis=0 if keys.ndim == 2 else None, return_index=True, return_inverse=True,
        return_counts=True,
    )  # fmt: skip
    return first, counts, counts[inverse.reshape(-1)]


def _top_ngram_share(tokens: _Tokens, total: int, n: int) -> tuple[float, int]:
    """Share of characters covered by the most frequent n-gram (the first seen among
    equals), and its count."""
    if len(tokens.tokens) < n:
        return 0.0, 0
    first, counts, _ = _gram_counts(tokens, n)
    count = int(counts.max())
    if count < 2:
        return 0.0, count
    start = int(first[counts == count].min())
    return count * sum(len(t) for t in tokens.tokens[start : start + n]) / total, count


def _duplicated_ngram_share(tokens: _Tokens, total: int, n: int) -> float:
    """Share of characters in words covered by an n-gram that occurs more than once."""
    if len(tokens.tokens) < n:
        return 0.0
    _, _, per_start = _gram_counts(tokens, n)
    repeated = np.flatnonzero(per_start > 1)
    if not len(repeated):
        return 0.0
    edges = np.zeros(len(tokens.tokens) + 1, dtype=np.int64)
    edges[repeated] += 1  # starts are distinct, so plain fancy indexing adds once each
    edges[repeated + n] -= 1
    covered = np.cumsum(edges[:-1]) > 0
    return int(tokens.lengths[covered].sum()) / total


def repetition(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Gopher-style repetition filters; thresholds in ``params``.

    The defaults are looser than Gopher's web-page values: news prose legitimately
    repeats names, titles and honorifics ("صاحب السمو الملكي الأمير ..."), and Gopher's
    values drop several percent of real articles (measured on SaudiNewsNet).
    """
    p = rule.params
    tokens = _words(doc.text[: MAX_TOKENS * 12], MAX_TOKENS)
    if not tokens or len(tokens) < int(p["min_words"]):
        return []
    if _duplicate_line_char_share(doc.text) > float(p["max_duplicate_line_chars"]):
        return _whole(doc)
    words = Counter(tokens)
    word_lengths, word_counts = list(map(len, words)), list(words.values())
    word_chars = list(map(operator.mul, word_lengths, word_counts))  # characters per word
    total = sum(word_chars)  # the characters of all the words (each is at least one)
    grams = _Tokens(tokens, words)
    if _top_ngram_over(p, grams, total, max(word_chars), max(word_lengths)):
        return _whole(doc)
    # Words inside a repeated 7- or 10-gram are inside a repeated 5-gram: the 5-gram share
    # bounds the others. A word inside a repeated n-gram occurs twice or more, so the
    # share of characters in repeated words bounds the 5-gram share in turn.
    limits = {n: float(p[f"max_duplicate_{n}gram"]) for n in (5, 7, 10)}
    once = sum(compress(word_lengths, map((1).__eq__, word_counts)))
    if (total - once) / total <= min(limits.values()):
        return []
    share5 = _duplicated_ngram_share(grams, total, 5)
    for n, limit in limits.items():
        if share5 > limit and (n == 5 or _duplicated_ngram_share(grams, total, n) > limit):
            return _whole(doc)
    return []


def _top_ngram_over(p: dict, grams: _Tokens, total: int, top_chars: int, longest: int) -> bool:
    """Whether the most frequent 2-, 3- or 4-gram covers more than its limit.

    Bounds from the word counts (cheap) decide most articles without counting n-grams:
    an n-gram occurs at most as often as each of its words (every occurrence puts the
    word at its own position), so its character share is at most
    ``n * top_chars / total`` (``top_chars``: the most characters one word takes); and
    every top n-gram count is at most the top word count. Where a bound cannot rule a
    limit out, the exact figure decides.
    """
    top_2gram_limit = float(p["max_top_2gram"])
    limits = {n: float(p[f"max_top_{n}gram"]) for n in (3, 4)}
    if 2 * top_chars / total <= top_2gram_limit and all(
        n * top_chars / total <= limit for n, limit in limits.items()
    ):
        return False
    count2: int | None = None
    if 2 * top_chars / total > top_2gram_limit:
        share2, count2 = _top_ngram_share(grams, total, 2)
        if share2 > top_2gram_limit:
            return True
    top_word = max(grams.words.values())
    for n, limit in limits.items():
        if n * top_chars / total <= limit or top_word * n * longest / total <= limit:
            continue
        if count2 is None:
            count2 = _top_ngram_share(grams, total, 2)[1]
        if count2 * n * longest / total > limit and _top_ngram_share(grams, total, n)[0] > limit:
            return True
    return False
