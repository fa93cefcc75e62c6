"""Folding every line of a text at once, for matching.

:func:`corpuskit.normalize.fold_keep_punctuation` and :func:`corpuskit.normalize.fold`
called line by line cost a Python call chain per line; here the steps run once over the
whole text. The character-level steps that map one character to at most one character
(invisible marks, diacritics, hamza seats and other letter folds, digits) are one lookup
table applied with numpy, built by running those very functions on every character of
the Basic Multilingual Plane, so the result is theirs by construction. NFKC and case
folding run once on the whole text; the punctuation removal is one more table (word
characters, as the ``\\w`` of regular expressions, and line breaks kept; everything else a
space), and the whitespace collapse is ``str.split`` per line, which knows the same
whitespace as ``\\s``. The result per line is what those functions give for that line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

from corpuskit.normalize import (
    fold_arabic_letters,
    fold_digits,
    fold_keep_punctuation,
    strip_diacritics,
    strip_invisible,
)

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+|_+")
_BMP = 0x10000
_UNICODE = 0x110000
_DELETED = 0xFFFFFFFF
# Below this many characters the table costs more than str.translate.
_TABLE_MIN_CHARS = 200


def _char_fold(char: str) -> str:
    return fold_digits(fold_arabic_letters(strip_diacritics(strip_invisible(char))))


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """Code point -> folded code point (or ``_DELETED``) for the whole BMP."""
    table = np.arange(_BMP, dtype=np.uint32)
    for code in range(_BMP):
        if 0xD800 <= code < 0xE000:
            continue
        folded = _char_fold(chr(code))
        if len(folded) > 1:  # never happens today; the table would be wrong
            raise AssertionError(f"U+{code:04X} folds to {len(folded)} characters")
        table[code] = ord(folded) if folded else _DELETED
    return table


def fold_characters(text: str) -> str:
    """Invisible marks, diacritics, letter and digit folds of ``text`` (after NFKC)."""
    if len(text) < _TABLE_MIN_CHARS:
        return _char_fold(text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    small = codes < _BMP
    folded = codes.copy()
    folded[small] = _table()[codes[small]]
    folded = folded[folded != _DELETED]
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def fold_lines(text: str, n_lines: int) -> list[str]:
    """Each line of ``text`` folded like ``fold_keep_punctuation`` (punctuation kept)."""
    folded = fold_characters(unicodedata.normalize("NFKC", text)).casefold()
    if folded.count("\n") + 1 != n_lines:  # a compatibility character folded into a break
        return [fold_keep_punctuation(line) for line in text.split("\n")]
    return [" ".join(line.split()) for line in folded.split("\n")]


def line_keys_of(folded_lines: list[str]) -> list[str]:
    """Every folded line without punctuation (what :func:`key_of` gives for each).

    Every character that is not a word character (underscores included) becomes a space
    in one table lookup over the whole text, and each line's runs of spaces collapse.
    """
    joined = "\n".join(folded_lines)
    if len(joined) < _TABLE_MIN_CHARS:
        return [key_of(line) for line in folded_lines]
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    codes[~_word_table()[codes]] = ord(" ")
    spaced = codes.tobytes().decode("utf-32-le", "surrogatepass")
    return [" ".join(line.split()) for line in spaced.split("\n")]


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """Code point -> whether it stays in a key: the word characters of regular
    expressions (``str.isalnum``; the underscore is dropped) and the line break."""
    table = np.fromiter((chr(c).isalnum() for c in range(_UNICODE)), dtype=bool, count=_UNICODE)
    table[ord("\n")] = True
    return table


def key_of(folded_line: str) -> str:
    """A folded line without punctuation: what :func:`corpuskit.normalize.fold` gives."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded_line)).strip()
