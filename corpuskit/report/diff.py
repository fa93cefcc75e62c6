"""Text pieces the report marks up: word differences and highlighted spans.

Both functions return plain ``(text, tag)`` segments; the template escapes the text and
turns the tag into a ``<mark>``/``<del>``/``<ins>``. Keeping markup out of here means no
corpus string is ever concatenated into HTML by hand.

Word differences (:func:`word_diff`) compare two documents word by word (punctuation
runs count as words), which is how an editor reads a rewrite: "3" for "ثلاثة", "أمس" for
"اليوم". Tokens are compared exactly: the diff shows what a reader sees, not what the
normalized matcher saw. The alignment is the longest common subsequence of tokens
(rapidfuzz's Indel opcodes, in C++: difflib took seconds on long articles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Indel

# A token is a word or a run of punctuation, with the whitespace after it. Tokens are
# compared on the word alone, so a changed line break does not mark a word as changed,
# and "قرون." differs from "قرون" by the full stop only.
_TOKEN = re.compile(r"^\s+|(?:\w+|[^\w\s]+)\s*")
_WORD = re.compile(r"\w+|[^\w\s]+")

# Longest text (in tokens) compared word by word; no one reads a longer diff in a report.
MAX_DIFF_TOKENS = 2500


@dataclass(frozen=True)
class Segment:
    """A run of text and what it is: ``None`` (unchanged) or a tag such as a rule code."""

    text: str
    tag: str | None = None


def word_diff(
    kept: str, copy: str, *, max_tokens: int = MAX_DIFF_TOKENS
) -> tuple[list[Segment], list[Segment], bool]:
    """Differences between two texts as segments for each side.

    Returns ``(kept_segments, copy_segments, truncated)``: text only in ``kept`` is tagged
    ``"del"``, text only in ``copy`` is tagged ``"ins"``, shared text is untagged. Texts
    longer than ``max_tokens`` tokens are cut first (``truncated`` is then True).
    """
    a, b = _TOKEN.findall(kept), _TOKEN.findall(copy)
    truncated = len(a) > max_tokens or len(b) > max_tokens
    a, b = a[:max_tokens], b[:max_tokens]
    left: list[Segment] = []
    right: list[Segment] = []
    for op in Indel.opcodes([_key(t) for t in a], [_key(t) for t in b]):
        if op.tag == "equal":
            _append(left, "".join(a[op.src_start : op.src_end]), None)
            _append(right, "".join(b[op.dest_start : op.dest_end]), None)
        else:
            _append_changed(left, "".join(a[op.src_start : op.src_end]), "del")
            _append_changed(right, "".join(b[op.dest_start : op.dest_end]), "ins")
    return left, right, truncated


def highlight_spans(
    text: str, spans: Iterable[tuple[int, int, str]], *, window: tuple[int, int] | None = None
) -> list[Segment]:
    """Cut ``text`` into segments, tagging each ``(start, end, tag)`` span.

    Overlapping spans are merged: the merged run carries the tags joined by " ", in start
    order. Offsets are clipped to the text. With ``window=(lo, hi)`` only that part of the
    text is returned (spans are clipped to it), for showing a removal in its context.
    """
    lo, hi = window if window is not None else (0, len(text))
    lo, hi = max(lo, 0), min(hi, len(text))
    merged: list[list] = []
    for start, end, tag in sorted(spans, key=lambda s: (s[0], s[1])):
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if tag not in last[2]:
                last[2].append(tag)
        else:
            merged.append([start, end, [tag]])
    segments: list[Segment] = []
    pos = lo
    for start, end, tags in merged:
        _append(segments, text[pos:start], None)
        _append(segments, text[start:end], " ".join(tags))
        pos = end
    _append(segments, text[pos:hi], None)
    return segments


GAP = "\n…\n"


def highlight_excerpts(
    text: str, spans: Iterable[tuple[int, int, str]], *, max_chars: int, radius: int = 300
) -> tuple[list[Segment], bool]:
    """Like :func:`highlight_spans`, but a text longer than ``max_chars`` is shortened to
    its opening and the context around each span, gaps marked by a line with "…".

    Returns ``(segments, shortened)``. A removal deep in a long article is still shown.
    """
    spans = list(spans)
    if len(text) <= max_chars:
        return highlight_spans(text, spans), False
    opening = min(2 * radius, len(text))
    while opening < min(len(text), 2 * radius + 20) and not text[opening].isspace():
        opening += 1  # end the opening on a word boundary
    windows = [(0, opening)] + [
        context_window(text, max(start, 0), min(end, len(text)), radius=radius)
        for start, end, _tag in spans
    ]
    segments, _ = _windowed(text, spans, windows, max_chars, mark_ends=True)
    return segments, True


def highlight_in_context(
    text: str, spans: Iterable[tuple[int, int, str]], *, radius: int, max_chars: int
) -> list[Segment]:
    """Every span highlighted in the text around it: ``radius`` characters of context on
    each side, nearby windows merged, gaps marked by a line with "…". At most
    ``max_chars`` characters are shown: a span over a whole article (a dropped
    document) shows its beginning, followed by " …"."""
    spans = [(max(s, 0), min(e, len(text)), tag) for s, e, tag in spans if e > s]
    windows = [context_window(text, start, end, radius=radius) for start, end, _tag in spans]
    segments, cut = _windowed(text, spans, windows, max_chars, mark_ends=False)
    if cut:
        _append(segments, " …", None)
    return segments


def _windowed(
    text: str,
    spans: list[tuple[int, int, str]],
    windows: list[tuple[int, int]],
    budget: int,
    *,
    mark_ends: bool,
) -> tuple[list[Segment], bool]:
    """The parts of ``text`` inside ``windows`` (merged where they touch), spans
    highlighted, a line with "…" between them (and, with ``mark_ends``, before and after
    them where the text goes on); at most ``budget`` characters.
    Returns ``(segments, cut)``: ``cut`` when the budget ended the text early."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    segments: list[Segment] = []
    cut = False
    for lo, hi in merged:
        if budget <= 0:
            cut = True
            break
        if hi - lo > budget:
            hi, cut = lo + budget, True
        if segments or (lo > 0 and mark_ends):
            _append(segments, GAP if lo > 0 else "", None)
        segments.extend(highlight_spans(text, spans, window=(lo, hi)))
        budget -= hi - lo
    if mark_ends and merged and (merged[-1][1] < len(text) or budget <= 0):
        _append(segments, GAP.rstrip("\n"), None)
    return segments, cut


def context_window(text: str, start: int, end: int, *, radius: int = 160) -> tuple[int, int]:
    """The window ``radius`` characters around a span, widened to whole words."""
    lo, hi = max(start - radius, 0), min(end + radius, len(text))
    while lo > 0 and not text[lo - 1].isspace() and start - lo < radius + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < radius + 20:
        hi += 1
    return lo, hi


def _append_changed(segments: list[Segment], text: str, tag: str) -> None:
    """A changed run, its trailing whitespace left unmarked."""
    body = text.rstrip()
    _append(segments, body, tag)
    _append(segments, text[len(body) :], None)


def _key(token: str) -> str:
    match = _WORD.match(token)
    return match.group(0) if match else ""


def _append(segments: list[Segment], text: str, tag: str | None) -> None:
    if not text:
        return
    if segments and segments[-1].tag == tag:
        segments[-1] = Segment(segments[-1].text + text, tag)
    else:
        segments.append(Segment(text, tag))
