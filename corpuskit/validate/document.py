"""The per-document view every detector reads, and the hit every detector returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from corpuskit.normalize import fold_keep_punctuation
from corpuskit.validate.spans import Line, split_lines


_LETTER = re.compile(r"[^\W\d_]")
_VISIBLE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class Hit:
    """Something a rule found in one field.

    ``line`` is set when the hit is a whole line: the engine then widens the span to take
    the line's break with it (see :mod:`corpuskit.validate.spans`). Otherwise
    ``start:end`` is the exact span (a dateline glued to a sentence, a whole document).
    """

    field: str
    start: int
    end: int
    line: int | None = None


@dataclass(eq=False)
class Doc:
    """One document as the detectors see it: raw fields, lines and folded lines."""

    id: str
    title: str
    text: str
    source: str | None
    lang: str | None
    lines: list[Line] = field(init=False)
    _folded: dict[int, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.lines = split_lines(self.text)

    def folded(self, index: int) -> str:
        """Line ``index`` folded for matching (cached)."""
        value = self._folded.get(index)
        if value is None:
            value = fold_keep_punctuation(self.lines[index].text)
            self._folded[index] = value
        return value

    @cached_property
    def letter_count(self) -> int:
        """Letters in the text (any script), for the quality detectors."""
        return len(_LETTER.findall(self.text))

    @cached_property
    def visible_count(self) -> int:
        """Non-whitespace characters in the text."""
        return len(_VISIBLE.findall(self.text))

    def content_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.blank]

    def line_hit(self, line: Line) -> Hit:
        return Hit("text", line.start, line.end, line.index)
