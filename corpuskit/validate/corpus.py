"""The corpus detectors: lines that only the whole corpus shows to be furniture or links.

* ``repeated-line``: a short line (folded) that occurs in many documents of its source,
  or a "fixed prefix: variable title" line whose prefix does, is that outlet's furniture;
* ``other-document-headline``: a body line that is the title or the opening of ANOTHER
  document of the same source is a link or a teaser to it, even when it ends with a full
  stop.

They read the :class:`~corpuskit.validate.evidence.Evidence` fitted over the corpus
through a :class:`BatchEvidence`, which also holds what was looked up for the whole batch
at once (the title/opening lookup is one binary search over the batch's lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corpuskit.normalize import fold
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.evidence import (
    ALL_SOURCES,
    TITLE,
    Anchors,
    Evidence,
    key_hash,
    lead_keys,
    line_keys,
    source_key,
)
from corpuskit.validate.spans import Line

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
    repeated = corpus.evidence.repeated.get(rule.code, {}).get(source_key(doc.source))
    if not repeated:
        return []
    indices, hashes = [], []
    for line, key in zip(doc.lines, doc.line_keys, strict=True):
        if line.blank:
            continue
        for k in line_keys(line.text, key):
            indices.append(line.index)
            hashes.append(key_hash(k))
    if not hashes:
        return []
    found = repeated.contains(np.array(hashes, dtype=np.uint64))
    hit_lines = sorted({index for index, hit in zip(indices, found.tolist(), strict=True) if hit})
    return [doc.line_hit(doc.lines[index]) for index in hit_lines]


def other_document_headline(doc: Doc, rule: Rule, corpus: BatchEvidence | None) -> list[Hit]:
    """Body lines equal (after folding) to another document's title or opening."""
    if corpus is None:
        return []
    found = corpus.line_hits.get(rule.code, {}).get(doc.row, ())
    return [doc.line_hit(doc.lines[i]) for i in sorted(found)]


def _content(doc: Doc) -> list[tuple[Line, str]]:
    """The non-blank lines of ``doc`` with their folded keys."""
    return [
        (line, key) for line, key in zip(doc.lines, doc.line_keys, strict=True) if not line.blank
    ]


@dataclass(frozen=True)
class _Own:
    """What a document is compared by: its own title and openings are never links."""

    title: str
    leads: list[str]
    title_hash: int
    lead_hashes: tuple[int, ...]  # the first two
    doc_hash: int
    source: str

    @classmethod
    def of(cls, doc: Doc) -> _Own:
        title, leads = fold(doc.title), lead_keys(doc)
        return cls(
            title,
            leads,
            key_hash(title),
            tuple(key_hash(k) for k in leads[:2]),
            key_hash(doc.id),
            source_key(doc.source),
        )


def find_document_headlines(
    docs: Sequence[Doc], rule: Rule, evidence: Evidence
) -> dict[int, set[int]]:
    """For every document of ``docs`` the rule runs on: the indices of its lines that are
    the title or the opening of another document.

    Every body line of the batch that may be one (three words or more, past the first
    ``skip_opening_lines``) is hashed and looked up at once in the sorted anchor keys;
    only the few lines found are then checked against their documents in Python (not
    the document's own title or opening, not a copy of the same story, the same source).
    """
    anchors = evidence.anchors
    if anchors is None or not docs:
        return {}
    same_source = bool(rule.params["same_source"])
    skip_lines = int(rule.params["skip_opening_lines"])
    skip_leads = int(rule.params["skip_opening_leads"])
    where: list[tuple[int, int]] = []  # (document in docs, position among its content)
    keys: list[str] = []
    contents = [_content(doc) for doc in docs]
    for number, content in enumerate(contents):
        for position in range(skip_lines, len(content)):
            folded = content[position][1]
            # keys are words joined by single spaces: two spaces make three words
            if len(folded) <= MAX_ANCHOR_LINE_CHARS and folded.count(" ") >= 2:
                where.append((number, position))
                keys.append(folded)
    if not keys:
        return {}
    hashes = list(map(key_hash, keys))
    lines, rows = anchors.lookup(np.array(hashes, dtype=np.uint64))
    owns: dict[int, _Own] = {}
    found: dict[int, set[int]] = {}
    for at, row in zip(lines.tolist(), rows.tolist(), strict=True):
        number, position = where[at]
        doc, content = docs[number], contents[number]
        line, folded = content[position]
        own = owns.get(number) or owns.setdefault(number, _Own.of(doc))
        if folded == own.title or folded in own.leads:
            continue
        if _links_to(anchors, row, own, content, position, same_source, skip_leads):
            found.setdefault(doc.row, set()).add(line.index)
    return found


def _links_to(
    anchors: Anchors,
    row: int,
    own: _Own,
    content: list[tuple[Line, str]],
    position: int,
    same_source: bool,
    skip_leads: int,
) -> bool:
    """Whether the line at ``position`` of a document (``own``), whose key is anchor
    ``row``'s, is a link to that anchor's document."""
    scope = own.source if same_source else ALL_SOURCES
    if int(anchors.scope[row]) != anchors.name_index(scope):
        return False
    doc = int(anchors.doc[row])
    if int(anchors.kind[row]) == TITLE:
        if content[position][0].text.rstrip().endswith("."):
            return False  # a sentence that happens to read like a title
    else:
        # another article's opening among this one's first lines is a copy's own lead
        if position < skip_leads:
            return False
        # an opening followed by that article's second line is a copy, not a teaser
        following = content[position + 1][1] if position + 1 < len(content) else ""
        second = int(anchors.doc_second[doc]) if anchors.n_leads[doc] else None
        if following and second is not None and second == key_hash(following):
            return False
    if int(anchors.doc_id[doc]) == own.doc_hash or int(anchors.doc_title[doc]) == own.title_hash:
        return False
    if same_source and anchors.names[anchors.doc_source[doc]] != own.source:
        return False
    leads = anchors.doc_leads[doc, : anchors.n_leads[doc]].tolist()
    return not any(lead in own.lead_hashes for lead in leads)
