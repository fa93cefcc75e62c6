"""Folding every line of a text at once, for matching.

:func:`corpuskit.normalize.fold_keep_punctuation` and :func:`corpuskit.normalize.fold`
called line by line cost a Python call chain per line; here the steps run once over the
whole text, as lookups in tables indexed by code point (numpy arrays over the Basic
Multilingual Plane), each built by running the very functions it replaces on every
character, so the result is theirs by construction:

1. **NFKC**. Most characters that NFKC changes change into one other character (a
   no-break space into a space, an Arabic presentation form into its letter); replacing
   those first does not change the NFKC of the text (NFKC decomposes every character
   fully before composing), and leaves most texts already normalized, which
   :func:`unicodedata.normalize` then sees at once instead of rebuilding them.
2. **Character folds and case**. Invisible marks, diacritics, hamza seats and other
   letter folds, digits, then case folding: one character in, at most one out (the few
   characters that case-fold into several, such as ``ß``, take the plain route). As
   runs of whitespace collapse into one space anyway, every whitespace character other
   than the line break becomes a space here.
3. **Whitespace**. Runs of spaces become one space over the whole text, then each line
   is trimmed (:func:`_collapsed_lines`): what ``" ".join(line.split())`` gives for it.

The punctuation removal of the keys is one more table (word characters, as the ``\\w``
of regular expressions, and line breaks kept; everything else a space), followed by the
same whitespace step. The result per line is what those functions give for that line.
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
# A character whose case folding is several characters (``ß`` -> ``ss``).
_SEVERAL = 0xFFFFFFFE
_SPACE = ord(" ")
_NEWLINE = ord("\n")
# Below this many characters the tables cost more than the plain functions.
_TABLE_MIN_CHARS = 200
# The same for the character folds alone: ``str.translate`` and the regular expressions
# cost a few tens of nanoseconds a character outside ASCII, the table a fixed few
# microseconds.
_CHAR_TABLE_MIN_CHARS = 40


def _char_fold(char: str) -> str:
    return fold_digits(fold_arabic_letters(strip_diacritics(strip_invisible(char))))


def _bmp_chars() -> list[int]:
    """Every code point of the BMP but the surrogates (which fold to themselves)."""
    return [code for code in range(_BMP) if not 0xD800 <= code < 0xE000]


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """Code point -> folded code point (or ``_DELETED``) for the whole BMP."""
    table = np.arange(_BMP, dtype=np.uint32)
    for code in _bmp_chars():
        folded = _char_fold(chr(code))
        if len(folded) > 1:  # never happens today; the table would be wrong
            raise AssertionError(f"U+{code:04X} folds to {len(folded)} characters")
        table[code] = ord(folded) if folded else _DELETED
    return table


@lru_cache(maxsize=1)
def _compatibility_table() -> np.ndarray:
    """Code point -> its compatibility decomposition (NFKD) when that is one character,
    else the code point itself, for the whole BMP."""
    table = np.arange(_BMP, dtype=np.uint32)
    for code in _bmp_chars():
        decomposed = unicodedata.normalize("NFKD", chr(code))
        if len(decomposed) == 1:
            table[code] = ord(decomposed)
    return table


@lru_cache(maxsize=1)
def _line_fold_table() -> np.ndarray:
    """Code point (of NFKC text) -> the character folds then case folding of it:
    ``_DELETED`` when it folds away, ``_SEVERAL`` when it case-folds into several
    characters, a space for any whitespace but the line break."""
    folds = _table()
    table = np.arange(_BMP, dtype=np.uint32)
    for code in _bmp_chars():
        folded = int(folds[code])
        if folded == _DELETED:
            table[code] = _DELETED
            continue
        cased = chr(folded).casefold()
        if len(cased) != 1:
            table[code] = _SEVERAL
        elif cased.isspace() and cased != "\n":
            table[code] = _SPACE
        else:
            table[code] = ord(cased)
    if np.count_nonzero(table == _NEWLINE) != 1:  # a fold into a line break: never today
        raise AssertionError("a character other than the line break folds into one")
    return table


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text_of(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def fold_characters(text: str) -> str:
    """Invisible marks, diacritics, letter and digit folds of ``text`` (after NFKC)."""
    if len(text) < _CHAR_TABLE_MIN_CHARS or text.isascii():
        return _char_fold(text)
    codes = _code_points(text)
    if codes.max() < _BMP:
        folded = _table().take(codes)
    else:
        small = codes < _BMP
        folded = codes.copy()
        folded[small] = _table()[codes[small]]
    if folded.max() == _DELETED:
        folded = folded[folded != _DELETED]
    return _text_of(folded)


def _nfkc_code_points(text: str) -> np.ndarray | None:
    """The code points of ``unicodedata.normalize("NFKC", text)``, or None when ``text``
    or its NFKC leaves the BMP (then the tables do not cover it). A text already
    normalized (most are) is told in one quick pass; the others first lose the
    characters that decompose into one other (see the module docstring)."""
    codes = _code_points(text)
    if not codes.size:
        return codes
    if codes.max() >= _BMP:
        return None
    if unicodedata.is_normalized("NFKC", text):
        return codes
    decomposed = _compatibility_table().take(codes)
    simpler = _text_of(decomposed)
    normalized = unicodedata.normalize("NFKC", simpler)
    if normalized is simpler:
        return decomposed
    codes = _code_points(normalized)
    return codes if codes.max() < _BMP else None


def _collapsed_lines(codes: np.ndarray) -> list[str]:
    """The lines of the text ``codes`` as ``" ".join(line.split())`` gives each, for text
    whose only whitespace is spaces and line breaks: every run of spaces becomes its
    last space, then each line is trimmed."""
    if codes.size:
        space = codes == _SPACE
        doubled = space[:-1] & space[1:]
        if doubled.any():
            last_of_run = np.ones(codes.size, dtype=bool)
            np.logical_not(doubled, out=last_of_run[:-1])
            codes = codes[last_of_run]
    return [line.strip(" ") for line in _text_of(codes).split("\n")]


def _folded_codes(text: str) -> np.ndarray | None:
    """The code points of ``text`` after NFKC, the character folds and case folding, with every
    whitespace character but the line break a space; None when the tables do not
    cover it (characters beyond the BMP, case folds into several characters)."""
    codes = _nfkc_code_points(text)
    if codes is None:
        return None
    folded = _line_fold_table().take(codes)
    if folded.size and folded.max() >= _SEVERAL:
        if (folded == _SEVERAL).any():
            return None
        folded = folded[folded != _DELETED]
    return folded


def fold_lines(text: str, n_lines: int) -> list[str]:
    """Each line of ``text`` folded like ``fold_keep_punctuation`` (punctuation kept)."""
    folded = _folded_codes(text) if len(text) >= _TABLE_MIN_CHARS else None
    if folded is None:
        return _fold_lines_plainly(text, n_lines)
    lines = _collapsed_lines(folded)
    if len(lines) != n_lines:  # NFKC folded something into a line break
        return [fold_keep_punctuation(line) for line in text.split("\n")]
    return lines


def _fold_lines_plainly(text: str, n_lines: int) -> list[str]:
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
    spaced = _key_table().take(_code_points(joined))
    return _collapsed_lines(spaced)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """Code point -> whether it stays in a key: the word characters of regular
    expressions (``str.isalnum``; the underscore is dropped) and the line break."""
    table = np.fromiter((chr(c).isalnum() for c in range(_UNICODE)), dtype=bool, count=_UNICODE)
    table[ord("\n")] = True
    return table


@lru_cache(maxsize=1)
def _key_table() -> np.ndarray:
    """Code point -> itself when it stays in a key (:func:`_word_table`), else a space."""
    return np.where(_word_table(), np.arange(_UNICODE, dtype=np.uint32), np.uint32(_SPACE))


def fold_key(text: str) -> str:
    """What :func:`corpuskit.normalize.fold` gives for ``text``, by the same steps with
    the character folds through the table (:func:`fold_characters`)."""
    return key_of(fold_characters(unicodedata.normalize("NFKC", text)).casefold())


def key_of(folded_line: str) -> str:
    """A folded line without punctuation: what :func:`corpuskit.normalize.fold` gives."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded_line)).strip()
