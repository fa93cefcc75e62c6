"""The corpus detectors: lines that only the whole corpus shows to be furniture or links.

* ``repeated-line``: a short line (folded) that occurs in many documents of its source,
  or a "fixed prefix: variable title" line whose prefix does, is that outlet's furniture;
* ``other-document-headline``: a body line that is the title or the opening of ANOTHER
  document of the same source is a link or a teaser to it, even when it ends with a full
  stop.

They read the :class:`~corpuskit.validate.evidence.Evidence` fitted over the corpus
through a :class:`BatchEvidence`, which also holds what was looked up for the whole batch
at once (the title/opening lookup is one join per batch, not one per line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from corpuskit.normalize import fold
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.evidence import (
    ALL_SOURCES,
    LEAD,
    TITLE,
    Evidence,
    key_hash,
    lead_keys,
    line_keys,
    source_key,
)

# Body lines longer than this (folded) are never another document's title or opening.
MAX_ANCHOR_LINE_CHARS = 600


@dataclass
class BatchEvidence:
    """The corpus evidence as one batch reads it: the evidence plus, per rule code, the
    (document row, line index) pairs found by the batch-wide lookups."""

    evidence: Evidence
    line_hits: dict[str, dict[int, set[int]]] = field(default_factory=dict)

    @property
    def source_docs(self) -> dict[str, int]:
        return self.evidence.source_docs

    @property
    def pattern_docs(self) -> dict[tuple[str, str], int]:
        return self.evidence.pattern_docs


def repeated_line(doc: Doc, rule: Rule, corpus: BatchEvidence | None) -> list[Hit]:
    """Lines that occur in at least ``min_docs`` and ``min_share`` of their source's docs."""
    if corpus is None:
        return []
    repeated = corpus.evidence.repeated.get(rule.code)
    if not repeated:
        return []
    src = source_key(doc.source)
    hits = []
    for line, key in zip(doc.lines, doc.line_keys, strict=True):
        if line.blank:
            continue
        if any((src, key_hash(k)) in repeated for k in line_keys(line.text, key)):
            hits.append(doc.line_hit(line))
    return hits


def other_document_headline(doc: Doc, rule: Rule, corpus: BatchEvidence | None) -> list[Hit]:
    """Body lines equal (after folding) to another document's title or opening."""
    if corpus is None:
        return []
    found = corpus.line_hits.get(rule.code, {}).get(doc.row, ())
    return [doc.line_hit(doc.lines[i]) for i in sorted(found)]


_LINE_SCHEMA = {
    "row": pl.Int64,
    "line": pl.Int64,
    "key": pl.UInt64,
    "ends_dot": pl.Boolean,
    "next": pl.UInt64,
}
_OWN_SCHEMA = {
    "row": pl.Int64,
    "scope": pl.String,
    "own_doc": pl.UInt64,
    "own_source": pl.String,
    "own_title": pl.UInt64,
    "own_lead1": pl.UInt64,
    "own_lead2": pl.UInt64,
}


def find_document_headlines(
    docs: Sequence[Doc], rule: Rule, evidence: Evidence
) -> dict[int, set[int]]:
    """For every document of ``docs`` the rule runs on: the indices of its lines that are
    the title or the opening of another document (one join over the batch)."""
    if evidence.anchors is None or not docs:
        return {}
    same_source = bool(rule.params["same_source"])
    skip_lines = int(rule.params["skip_opening_lines"])
    lines: dict[str, list] = {name: [] for name in _LINE_SCHEMA}
    own: dict[str, list] = {name: [] for name in _OWN_SCHEMA}
    for doc in docs:
        own_title = fold(doc.title)
        own_leads = lead_keys(doc)
        content = [
            (line, key)
            for line, key in zip(doc.lines, doc.line_keys, strict=True)
            if not line.blank
        ]
        before = len(lines["row"])
        for position, (line, folded) in enumerate(content):
            if position < skip_lines or len(folded) > MAX_ANCHOR_LINE_CHARS:
                continue
            if len(folded.split()) < 3 or folded == own_title or folded in own_leads:
                continue
            next_key = content[position + 1][1] if position + 1 < len(content) else ""
            lines["row"].append(doc.row)
            lines["line"].append(line.index)
            lines["key"].append(key_hash(folded))
            lines["ends_dot"].append(line.text.rstrip().endswith("."))
            lines["next"].append(key_hash(next_key) if next_key else None)
        if len(lines["row"]) == before:
            continue
        src = source_key(doc.source)
        leads = [key_hash(k) for k in own_leads] + [None, None]
        own["row"].append(doc.row)
        own["scope"].append(src if same_source else ALL_SOURCES)
        own["own_doc"].append(key_hash(doc.id))
        own["own_source"].append(src)
        own["own_title"].append(key_hash(own_title))
        own["own_lead1"].append(leads[0])
        own["own_lead2"].append(leads[1])
    if not lines["row"]:
        return {}
    candidates = pl.DataFrame(lines, schema=_LINE_SCHEMA).join(
        pl.DataFrame(own, schema=_OWN_SCHEMA), on="row", how="left"
    )
    joined = candidates.join(evidence.anchors, on=["scope", "key"], how="inner")

    def shares(lead: str) -> pl.Expr:
        other = pl.col(lead)
        return other.is_not_null() & (
            (other == pl.col("own_lead1")).fill_null(False)
            | (other == pl.col("own_lead2")).fill_null(False)
        )

    usable = (
        pl.when(pl.col("kind") == TITLE)
        .then(~pl.col("ends_dot"))
        .otherwise(
            pl.col("next").is_null()
            | pl.col("second").is_null()
            | (pl.col("second") != pl.col("next"))
        )
    )
    hits = joined.filter(
        usable,
        pl.col("kind").is_in([TITLE, LEAD]),
        pl.col("doc") != pl.col("own_doc"),
        (pl.col("doc_source") == pl.col("own_source")) if same_source else pl.lit(True),
        pl.col("doc_title") != pl.col("own_title"),
        ~shares("lead1"),
        ~shares("lead2"),
    ).select("row", "line")
    found: dict[int, set[int]] = {}
    for row, line in hits.unique().iter_rows():
        found.setdefault(row, set()).add(line)
    return found
