"""Document quality: too short, mostly non-letters, repetitive (Gopher-style).

These run on the CLEANED text (after boilerplate is stripped): an article that is only
furniture is empty once the furniture is gone. A hit covers the whole document.

Repetition follows Gopher (Rae et al. 2021, appendix A): the share of characters in
duplicated lines, and in the most frequent word n-gram, and in duplicated n-grams.
Words are folded (:func:`corpuskit.normalize.words`), so Arabic spelling variants
count as the same word and Arabic punctuation (، ؛ ؟) is not a word.
"""

from __future__ import annotations

from collections import Counter

from corpuskit.normalize import words
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit


def _whole(doc: Doc) -> list[Hit]:
    return [Hit("text", 0, len(doc.text))]


def too_short(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Fewer than ``min_chars`` letters or ``min_words`` words left after cleaning."""
    min_chars = int(rule.params.get("min_chars", 1))
    min_words = int(rule.params.get("min_words", 0))
    letters = sum(ch.isalpha() for ch in doc.text)
    if letters < min_chars or (min_words and len(doc.text.split()) < min_words):
        return _whole(doc)
    return []


def non_letter_ratio(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Less than ``min_letter_share`` of the non-space characters are letters."""
    min_share = float(rule.params.get("min_letter_share", 0.5))
    min_chars = int(rule.params.get("min_chars", 50))
    visible = [ch for ch in doc.text if not ch.isspace()]
    if len(visible) < min_chars:
        return []
    letters = sum(ch.isalpha() for ch in visible)
    return _whole(doc) if letters / len(visible) < min_share else []


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


def _top_ngram_share(tokens: list[str], n: int) -> float:
    grams = Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    if not grams:
        return 0.0
    gram, count = grams.most_common(1)[0]
    if count < 2:
        return 0.0
    total = sum(len(t) for t in tokens)
    return count * sum(len(t) for t in gram) / total if total else 0.0


def _duplicated_ngram_share(tokens: list[str], n: int) -> float:
    if len(tokens) < n:
        return 0.0
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    counts = Counter(grams)
    covered = [False] * len(tokens)
    for i, gram in enumerate(grams):
        if counts[gram] > 1:
            for k in range(i, i + n):
                covered[k] = True
    total = sum(len(t) for t in tokens)
    dup = sum(len(t) for t, c in zip(tokens, covered, strict=True) if c)
    return dup / total if total else 0.0


def repetition(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Gopher repetition filters; thresholds in ``params`` (defaults are Gopher's)."""
    p = rule.params
    min_words = int(p.get("min_words", 50))
    tokens = words(doc.text)
    if len(tokens) < min_words:
        return []
    if _duplicate_line_char_share(doc) > float(p.get("max_duplicate_line_chars", 0.2)):
        return _whole(doc)
    for n, default in ((2, 0.20), (3, 0.18), (4, 0.16)):
        if _top_ngram_share(tokens, n) > float(p.get(f"max_top_{n}gram", default)):
            return _whole(doc)
    for n, default in ((5, 0.15), (7, 0.13), (10, 0.10)):
        if _duplicated_ngram_share(tokens, n) > float(p.get(f"max_duplicate_{n}gram", default)):
            return _whole(doc)
    return []
