"""Document quality: too short, mostly non-letters, repetitive (Gopher-style).

These run on the CLEANED text (after boilerplate is stripped): an article that is only
furniture is empty once the furniture is gone. A hit covers the whole document.

Repetition follows Gopher (Rae et al. 2021, appendix A): the share of characters in
duplicated lines, and in the most frequent word n-gram, and in duplicated n-grams.
Words are runs of word characters with diacritics and tatweel removed and case folded,
so Arabic punctuation (، ؛ ؟) is not a word and vocalised spellings count as one word.
"""

from __future__ import annotations

import re
from collections import Counter

from corpuskit.normalize import strip_diacritics
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit


def _whole(doc: Doc) -> list[Hit]:
    return [Hit("text", 0, len(doc.text))]


def too_short(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Fewer than ``min_chars`` letters or ``min_words`` words left after cleaning."""
    min_chars = int(rule.params.get("min_chars", 1))
    min_words = int(rule.params.get("min_words", 0))
    letters = doc.letter_count
    if letters < min_chars or (min_words and len(doc.text.split()) < min_words):
        return _whole(doc)
    return []


def non_letter_ratio(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Less than ``min_letter_share`` of the non-space characters are letters."""
    min_share = float(rule.params.get("min_letter_share", 0.5))
    min_chars = int(rule.params.get("min_chars", 50))
    visible = doc.visible_count
    if visible < min_chars:
        return []
    return _whole(doc) if doc.letter_count / visible < min_share else []


def _duplicate_line_char_share(doc: Doc) -> float:
    lines = [line.stripped for line in doc.lines if not line.blank]
    total = sum(len(s) for s in lines)
    if not total:
        return 0.0
    seen: set[str] = set()
    duplicated = 0
    for s in lines:
        if s in seen:
            duplicated += len(s)
        seen.add(s)
    return duplicated / total


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(strip_diacritics(text).replace("\u0640", "").casefold())


# Repetition is judged on the first words only: enough evidence, bounded cost.
MAX_TOKENS = 2000


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(tokens[i:] for i in range(n)), strict=False))


def _top_ngram_share(tokens: list[str], total: int, n: int) -> tuple[float, int]:
    """Share of characters covered by the most frequent n-gram, and its count."""
    grams = Counter(_ngrams(tokens, n))
    if not grams:
        return 0.0, 0
    gram, count = grams.most_common(1)[0]
    if count < 2:
        return 0.0, count
    return count * sum(len(t) for t in gram) / total, count


def _duplicated_ngram_share(tokens: list[str], lengths: list[int], total: int, n: int) -> float:
    """Share of characters in words covered by an n-gram that occurs more than once."""
    grams = _ngrams(tokens, n)
    counts = Counter(grams)
    if len(counts) == len(grams):
        return 0.0
    covered = [False] * len(tokens)
    for i, gram in enumerate(grams):
        if counts[gram] > 1:
            covered[i : i + n] = [True] * n
    return sum(length for length, c in zip(lengths, covered, strict=True) if c) / total


def repetition(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Gopher-style repetition filters; thresholds in ``params``.

    The defaults are looser than Gopher's web-page values: news prose legitimately
    repeats names, titles and honorifics ("صاحب السمو الملكي الأمير ..."), and Gopher's
    values drop several percent of real articles (measured on SaudiNewsNet).
    """
    p = rule.params
    tokens = _words(doc.text[: MAX_TOKENS * 12])[:MAX_TOKENS]
    if len(tokens) < int(p.get("min_words", 50)):
        return []
    if _duplicate_line_char_share(doc) > float(p.get("max_duplicate_line_chars", 0.3)):
        return _whole(doc)
    lengths = [len(t) for t in tokens]
    total = sum(lengths) or 1
    longest = max(lengths)
    # The top n-gram occurs at most as often as the top 2-gram (each occurrence starts
    # with one), so its share is at most count2 * n * longest / total: skip when small.
    share2, count2 = _top_ngram_share(tokens, total, 2)
    if share2 > float(p.get("max_top_2gram", 0.3)):
        return _whole(doc)
    for n, default in ((3, 0.28), (4, 0.26)):
        limit = float(p.get(f"max_top_{n}gram", default))
        if count2 * n * longest / total > limit and _top_ngram_share(tokens, total, n)[0] > limit:
            return _whole(doc)
    # Words inside a repeated 7- or 10-gram are inside a repeated 5-gram: the 5-gram share
    # bounds the others.
    share5 = _duplicated_ngram_share(tokens, lengths, total, 5)
    for n, default in ((5, 0.6), (7, 0.55), (10, 0.5)):
        limit = float(p.get(f"max_duplicate_{n}gram", default))
        if share5 > limit and (
            n == 5 or _duplicated_ngram_share(tokens, lengths, total, n) > limit
        ):
            return _whole(doc)
    return []
