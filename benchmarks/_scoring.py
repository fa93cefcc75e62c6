"""Line-level scoring of boilerplate stripping against the hand labels.

A validator reports what it strips as character spans (``findings`` with action "strip")
into the original text. Here those spans become a per-character mask, and each labelled
line is judged by its non-whitespace characters only, so a stripped trailing space or an
untouched blank never decides anything:

- a line is *removed* when every non-whitespace character is inside a strip span;
- a line is *partly stripped* when some, but not all, are;
- a ``mixed`` line is *correct* when its boilerplate span is removed and the rest survives.

Documents a rule drops whole are not line removals; they are counted apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import polars as pl


def strip_spans_by_doc(findings: pl.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    """``doc_id -> [(start, end, code)]`` for the strip findings on the ``text`` field."""
    strips = findings.filter((pl.col("action") == "strip") & (pl.col("field") == "text"))
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for doc_id, start, end, code in strips.select("doc_id", "start", "end", "code").iter_rows():
        if start is not None and end is not None and end > start:
            spans[doc_id].append((start, end, code))
    return spans


def coverage_mask(length: int, spans: list[tuple[int, int, str]]) -> bytearray:
    """One byte per character of the text: 1 where a strip span covers it."""
    mask = bytearray(length)
    for start, end, _ in spans:
        mask[max(start, 0) : min(end, length)] = b"\x01" * (min(end, length) - max(start, 0))
    return mask


def covered_share(text: str, mask: bytearray, start: int, end: int) -> tuple[int, int]:
    """(covered, total) non-whitespace characters of ``text[start:end]``."""
    covered = total = 0
    for offset in range(start, end):
        if not text[offset].isspace():
            total += 1
            covered += mask[offset]
    return covered, total


def codes_over(spans: list[tuple[int, int, str]], start: int, end: int) -> list[str]:
    """Rule codes whose strip spans overlap ``[start, end)``, largest overlap first."""
    overlap: Counter[str] = Counter()
    for span_start, span_end, code in spans:
        size = min(end, span_end) - max(start, span_start)
        if size > 0:
            overlap[code] += size
    return [code for code, _ in overlap.most_common()]


@dataclass
class LineOutcome:
    """How one labelled line fared."""

    corpus: str
    source: str
    doc_id: str
    line: int
    label: str
    length: int
    removed: bool
    partly: bool
    mixed_bp_stripped: bool = False
    mixed_body_intact: bool = True
    codes: list[str] = field(default_factory=list)

    @property
    def mixed_correct(self) -> bool:
        return self.label == "mixed" and self.mixed_bp_stripped and self.mixed_body_intact


def score_document(
    *,
    corpus: str,
    source: str,
    doc_id: str,
    text: str,
    labels: list[dict],
    spans: list[tuple[int, int, str]],
) -> list[LineOutcome]:
    """Judge every labelled line of one (not dropped) document."""
    mask = coverage_mask(len(text), spans)
    starts, offset = [], 0
    lines = text.split("\n")
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    outcomes = []
    for row in labels:
        number = row["line"]
        line_start = starts[number - 1]
        line_end = line_start + len(lines[number - 1])
        covered, total = covered_share(text, mask, line_start, line_end)
        outcome = LineOutcome(
            corpus=corpus,
            source=source,
            doc_id=doc_id,
            line=number,
            label=row["label"],
            length=total,
            removed=total > 0 and covered == total,
            partly=0 < covered < total,
            codes=codes_over(spans, line_start, line_end),
        )
        if row["label"] == "mixed":
            bp_start, bp_end = line_start + row["bp_start"], line_start + row["bp_end"]
            bp_covered, bp_total = covered_share(text, mask, bp_start, bp_end)
            body_covered = covered - bp_covered
            outcome.mixed_bp_stripped = bp_covered == bp_total
            outcome.mixed_body_intact = body_covered == 0
        outcomes.append(outcome)
    return outcomes


@dataclass
class Tally:
    """Counts behind precision, recall and false-removal rate for one group of lines."""

    docs: int = 0
    dropped_docs: int = 0
    dropped_body: int = 0  # body lines lost because a rule dropped their whole document
    body: int = 0
    boilerplate: int = 0
    mixed: int = 0
    removed_boilerplate: int = 0
    removed_body: int = 0
    partly_body: int = 0
    mixed_correct: int = 0
    mixed_bp_missed: int = 0
    mixed_body_damaged: int = 0

    def add(self, outcome: LineOutcome) -> None:
        if outcome.label == "body":
            self.body += 1
            self.removed_body += outcome.removed
            self.partly_body += outcome.partly
        elif outcome.label == "boilerplate":
            self.boilerplate += 1
            self.removed_boilerplate += outcome.removed
        else:
            self.mixed += 1
            self.mixed_correct += outcome.mixed_correct
            self.mixed_bp_missed += not outcome.mixed_bp_stripped
            self.mixed_body_damaged += not outcome.mixed_body_intact

    @property
    def removed(self) -> int:
        return self.removed_boilerplate + self.removed_body

    @property
    def precision(self) -> float | None:
        return self.removed_boilerplate / self.removed if self.removed else None

    @property
    def recall(self) -> float | None:
        return self.removed_boilerplate / self.boilerplate if self.boilerplate else None

    @property
    def false_removal_rate(self) -> float | None:
        return self.removed_body / self.body if self.body else None


def line_removals_by_code(
    texts: dict[str, str], spans_by_doc: dict[str, list[tuple[int, int, str]]]
) -> tuple[Counter[str], int]:
    """Whole lines removed across a corpus, each credited to the rule covering most of it.

    Returns the per-code counts and the number of non-blank lines looked at.
    """
    removed: Counter[str] = Counter()
    non_blank = 0
    for doc_id, text in texts.items():
        spans = spans_by_doc.get(doc_id)
        if not spans:
            non_blank += sum(1 for line in text.split("\n") if line.strip())
            continue
        mask = coverage_mask(len(text), spans)
        offset = 0
        for line in text.split("\n"):
            end = offset + len(line)
            if line.strip():
                non_blank += 1
                covered, total = covered_share(text, mask, offset, end)
                if total and covered == total:
                    codes = codes_over(spans, offset, end)
                    removed[codes[0] if codes else "?"] += 1
            offset = end + 1
    return removed, non_blank
