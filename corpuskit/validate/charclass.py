"""Counting the characters of a text that belong to a class, fast and exactly like ``re``.

The quality and language detectors count letters, spaces, script letters and mojibake
suspects in every document. A character class is decided per character, so each class
here is a table over the Basic Multilingual Plane built by asking Python's own regular
expression about every character once; a text is then counted with one numpy lookup.
Characters beyond the BMP (rare: emoji, historic scripts) are asked one by one.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

BMP = 0x10000


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class CharClass:
    """A one-character regular-expression class, e.g. ``[^\\W\\d_]`` (a letter)."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)

    @cached_property
    def table(self) -> np.ndarray:
        fullmatch = self.regex.fullmatch
        return np.fromiter(
            (fullmatch(chr(code)) is not None for code in range(BMP)), dtype=bool, count=BMP
        )

    def count(self, codes: np.ndarray) -> int:
        """How many of ``codes`` (from :func:`code_points`) are in the class."""
        if len(codes) and int(codes.max()) >= BMP:
            return self._count_beyond_bmp(codes)
        return int(np.count_nonzero(self.table.take(codes)))

    def _count_beyond_bmp(self, codes: np.ndarray) -> int:
        small = codes < BMP
        found = int(np.count_nonzero(self.table[codes[small]]))
        return found + sum(self.regex.fullmatch(chr(int(c))) is not None for c in codes[~small])

    def count_in(self, text: str) -> int:
        return self.count(code_points(text))


LETTER = CharClass(r"[^\W\d_]")
SPACE = CharClass(r"\s")
