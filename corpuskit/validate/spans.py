"""Lines with their offsets, and the span bookkeeping that turns strip findings into text.

Offsets are Python ``str`` indices into the ORIGINAL field text. ``text_clean`` is the
original with the union of all "strip" spans removed and nothing else changed.

How a removed line takes its line breaks with it (so a cleaned article is exactly its
paragraphs, with the separators it had between them):

* a removed line that has kept text after it takes its own line break and the blank
  lines that follow it: removing X from ``"A\nX\n\nB"`` cuts ``"X\n\n"`` and gives
  ``"A\nB"``; from ``"A\n\nX\nB"`` it cuts ``"X\n"`` and gives ``"A\n\nB"``;
* a removed line with no kept text after it (the end of the article) takes the line
  break, the blank lines and trailing spaces BEFORE it, back to the end of the last
  non-blank line, and the last removed line also takes all trailing whitespace:
  removing X and Y from ``"A\nB \n\nX\nY\n"`` gives ``"A\nB"``.

Spans of different findings may overlap (two rules on one line); :func:`merge_spans`
unions them before the text is cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a field: ``text[start:end]`` without its line break."""

    index: int
    start: int
    end: int
    text: str
    blank: bool = False  # only whitespace (set by split_lines)

    @property
    def stripped(self) -> str:
        return self.text.strip()


# The slots of a Line, filled one by one by split_lines.
_new = object.__new__
_set_index = Line.index.__set__  # type: ignore[attr-defined]
_set_start = Line.start.__set__  # type: ignore[attr-defined]
_set_end = Line.end.__set__  # type: ignore[attr-defined]
_set_text = Line.text.__set__  # type: ignore[attr-defined]
_set_blank = Line.blank.__set__  # type: ignore[attr-defined]


def split_lines(text: str) -> list[Line]:
    """Split on ``\\n`` keeping offsets; a ``\\r`` before ``\\n`` stays in the line's text.

    A document has a :class:`Line` for every line of its text, so each is made with its
    slots filled directly: the frozen dataclass's ``__init__`` sets every field through
    ``object.__setattr__``, which takes twice as long.
    """
    lines: list[Line] = []
    start = 0
    for index, piece in enumerate(text.split("\n")):
        end = start + len(piece)
        line = _new(Line)
        _set_index(line, index)
        _set_start(line, start)
        _set_end(line, end)
        _set_text(line, piece)
        _set_blank(line, not piece.strip())
        lines.append(line)
        start = end + 1
    return lines


def content_bounds(line: Line) -> tuple[int, int]:
    """Offsets of the line's text without surrounding whitespace."""
    left = len(line.text) - len(line.text.lstrip())
    right = len(line.text.rstrip())
    return line.start + left, line.start + right


def removed_line_spans(
    text: str, lines: Sequence[Line], removed: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """The span each removed line takes out of ``text`` (see the module docstring)."""
    removed_set = set(removed)
    if not removed_set:
        return {}
    kept_after = [False] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        kept_after[i] = kept_after[i + 1] or (not lines[i].blank and i not in removed_set)
    spans: dict[int, tuple[int, int]] = {}
    # The previous non-blank line (kept or removed), whose end a removed ending goes back to.
    previous: Line | None = None
    last_removed = max(removed_set)
    for line in lines:
        if line.index in removed_set:
            if kept_after[line.index + 1]:
                nxt = line.index + 1
                while nxt < len(lines) and lines[nxt].blank:
                    nxt += 1
                end = lines[nxt].start if nxt < len(lines) else len(text)
                spans[line.index] = (line.start, end)
            else:
                previous_end = content_bounds(previous)[1] if previous is not None else 0
                start = previous_end if line.index > 0 else line.start
                _, content_end = content_bounds(line)
                end = len(text) if line.index == last_removed else content_end
                spans[line.index] = (min(start, line.start), end)
        if not line.blank:
            previous = line
    return spans


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of ``spans`` (empty spans dropped)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def cut_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the union of ``spans`` removed."""
    pieces: list[str] = []
    position = 0
    for start, end in merge_spans(spans):
        start, end = max(start, 0), min(end, len(text))
        if start > position:
            pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)


# Characters that glue a token together besides letters, digits and marks: an address,
# a handle or a hashtag is one token ("t:@name", "#tag_name").
_TOKEN_GLUE = frozenset("@_#&+=%$")


def _in_token(char: str) -> bool:
    return char.isalnum() or char in _TOKEN_GLUE or "\u064b" <= char <= "\u065f"


def widen_to_tokens(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened so that it neither starts nor ends inside a token.

    A span that starts between two characters of one token (``"t:@name"`` cut at ``n``)
    takes the whole token, back to the whitespace before it; likewise at its end. A
    boundary next to whitespace or to phrase punctuation is left alone.
    """
    start, end = max(start, 0), min(end, len(text))
    if 0 < start < len(text) and _in_token(text[start - 1]) and _in_token(text[start]):
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    if 0 < end < len(text) and _in_token(text[end - 1]) and _in_token(text[end]):
        while end < len(text) and not text[end].isspace():
            end += 1
    return start, end


def covered(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """Whether ``span`` lies inside the union of ``spans``."""
    start, end = span
    return any(s <= start and end <= e for s, e in merge_spans(spans))
