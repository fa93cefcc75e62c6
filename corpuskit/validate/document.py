"""The per-document view every detector reads, and the hit every detector returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from corpuskit.validate.charclass import LETTER, SPACE, code_points
from corpuskit.validate.folding import fold_lines, line_keys_of
from corpuskit.validate.spans import Line, split_lines


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
    # Position of the document in its batch (for lookups done for the whole batch).
    row: int = -1
    # Codes of pattern rules that a batch-wide search showed cannot match this document.
    cannot_match: frozenset[str] = frozenset()
    # What detectors computed for this document and share (keyed by detector and params).
    memo: dict = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[Line]:
        """The lines of the text with their offsets."""
        return split_lines(self.text)

    @cached_property
    def folded_lines(self) -> list[str]:
        """Every line folded for matching, punctuation kept (see corpuskit.validate.folding)."""
        return fold_lines(self.text, len(self.lines))

    @cached_property
    def line_keys(self) -> list[str]:
        """Every line folded without punctuation: the key lines are compared by."""
        return line_keys_of(self.folded_lines)

    @cached_property
    def folded_title(self) -> str:
        """The title folded for matching, punctuation kept."""
        return " ".join(fold_lines(self.title, self.title.count("\n") + 1)) if self.title else ""

    def folded(self, index: int) -> str:
        """Line ``index`` folded for matching."""
        return self.folded_lines[index]

    @cached_property
    def code_points(self) -> np.ndarray:
        return code_points(self.text)

    @cached_property
    def letter_count(self) -> int:
        """Letters in the text (any script), for the quality detectors."""
        return LETTER.count(self.code_points)

    @cached_property
    def visible_count(self) -> int:
        """Non-whitespace characters in the text."""
        return len(self.text) - SPACE.count(self.code_points)

    def forget(self) -> None:
        """Drop what was worked out for the document (its lines, folds and the views
        detectors share): once it is validated nothing reads them, and a shared view
        refers back to the document, a loop that reference counting alone never frees."""
        self.memo.clear()
        for name in _WORKED_OUT:
            self.__dict__.pop(name, None)

    def content_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.blank]

    def line_hit(self, line: Line) -> Hit:
        return Hit("text", line.start, line.end, line.index)


# The cached properties of Doc (what Doc.forget drops).
_WORKED_OUT = tuple(name for name, value in vars(Doc).items() if isinstance(value, cached_property))
