"""Folding every line of a text at once, for matching.

:func:`corpuskit.normalize.fold_keep_punctuation` and :func:`corpuskit.normalize.fold`
called line by line cost a Python call chain per line; here the character-level steps
(NFKC, invisible marks, diacritics, letter and digit folds, case) run once over the
whole text and only the whitespace collapse runs per line. The result per line is what
those functions give for that line.
"""

from __future__ import annotations

import re
import unicodedata

from corpuskit.normalize import (
    fold_arabic_letters,
    fold_digits,
    fold_keep_punctuation,
    strip_diacritics,
    strip_invisible,
)

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+|_+")


def fold_lines(text: str, n_lines: int) -> list[str]:
    """Each line of ``text`` folded like ``fold_keep_punctuation`` (punctuation kept)."""
    folded = unicodedata.normalize("NFKC", text)
    folded = fold_digits(fold_arabic_letters(strip_diacritics(strip_invisible(folded))))
    lines = folded.casefold().split("\n")
    if len(lines) != n_lines:  # a compatibility character folded into a line break
        return [fold_keep_punctuation(line) for line in text.split("\n")]
    return [_SPACES.sub(" ", line).strip() for line in lines]


def key_of(folded_line: str) -> str:
    """A folded line without punctuation: what :func:`corpuskit.normalize.fold` gives."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded_line)).strip()
