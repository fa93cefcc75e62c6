"""Corpus evidence: what only shows when many documents are seen, fitted batch by batch.

Three statistics, each fitted on one batch (:func:`fit_batch`), added up over batches
(:func:`merge_partials`) and reduced to what the rules need (:func:`finish_evidence`):

* **repeated lines**: in how many documents of each source each short line occurs
  (folded), and each "fixed prefix: variable tail" line by its prefix. Lines are kept as
  64-bit hashes of their folded keys in a polars frame, and merged by grouping, so a
  million documents cost a few hundred MB at most while fitting and, once finished, only
  the lines that reach a rule's threshold remain (a few thousand hashes);
* **titles and openings** of every document (hashes again), for lines that are another
  document's title or opening (``other-document-headline``). Only the first four
  documents, in corpus order, are kept for each title or opening;
* how many documents of each source show a rule's structure (``inline-headline-run``).

The partials are picklable and merged in the order given (the corpus order): counts do
not depend on it, the "first four documents" of a title do. Counts are kept by source;
a corpus without a ``source`` column is one source (the empty string), so corpus-wide
counts are the same frames grouped without the source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl
import xxhash

from corpuskit.normalize import fold
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc
from corpuskit.validate.headlines import inline_headline_candidates, is_headline_like

# Lines longer than this many words are prose; never counted as repeated furniture.
MAX_REPEATED_WORDS = 40
# "prefix: tail" or "prefix | tail" with a short prefix.
_PREFIXED = re.compile(r"^\s*([^:|\n]{3,60}?)\s*[:|]\s*(\S.*)$")
_MIN_PREFIX_WORDS = 3
# Opening lines shorter than this are too generic to identify another document.
MIN_LEAD_WORDS = 8
_SENTENCE = re.compile(r"^(.+?[.!?؟])(?:\s|$)")
# Documents kept per title or opening: enough to find one that is not a copy.
ANCHORS_PER_KEY = 4
# Source scope that collects every source, for rules with same_source = false.
ALL_SOURCES = "\x00*"

TITLE, LEAD = 0, 1
_LINES_SCHEMA = {"source": pl.String, "key": pl.UInt64, "prefix": pl.Boolean, "docs": pl.UInt32}
_ANCHOR_SCHEMA = {
    "order": pl.UInt64,
    "scope": pl.String,
    "kind": pl.UInt8,
    "key": pl.UInt64,
}
_DOC_SCHEMA = {
    "order": pl.UInt64,
    "doc": pl.UInt64,
    "doc_source": pl.String,
    "doc_title": pl.UInt64,
    "lead1": pl.UInt64,
    "lead2": pl.UInt64,
    "second": pl.UInt64,
}


def key_hash(key: str) -> int:
    """The 64-bit hash a folded key is counted and looked up by."""
    return xxhash.xxh3_64_intdigest(key.encode("utf-8", "surrogatepass"))


def source_key(source: str | None) -> str:
    return source or ""


def line_keys(text: str, key: str) -> list[str]:
    """Keys a line is counted under: its folded form ``key``, and its folded prefix
    when it reads "fixed prefix: variable title"."""
    if not key or len(text.split()) > MAX_REPEATED_WORDS:
        return []
    keys = ["=" + key]
    if ":" in text or "|" in text:
        m = _PREFIXED.match(text)
        if m and is_headline_like(m.group(2), min_words=1, max_words=30, max_chars=300):
            prefix = fold(m.group(1))
            if len(prefix.split()) >= _MIN_PREFIX_WORDS:
                keys.append("^" + prefix)
    return keys


def doc_line_keys(doc: Doc) -> set[str]:
    """Every key the lines of ``doc`` are counted under (each once per document)."""
    keys: set[str] = set()
    for line, key in zip(doc.lines, doc.line_keys, strict=True):
        if key:
            keys.update(line_keys(line.text, key))
    return keys


def _second_key(doc: Doc) -> str:
    content = [i for i, line in enumerate(doc.lines) if line.text.strip()]
    return doc.line_keys[content[1]] if len(content) > 1 else ""


def lead_keys(doc: Doc) -> list[str]:
    """Folded opening line and opening sentence of a document (long enough to be specific)."""
    for line in doc.lines:
        raw = line.text
        if not raw.strip():
            continue
        keys = []
        first = doc.line_keys[line.index]  # fold(raw)
        if len(first.split()) >= MIN_LEAD_WORDS:
            keys.append(first)
        m = _SENTENCE.match(raw.strip())
        if m:
            sentence = fold(m.group(1))
            if len(sentence.split()) >= MIN_LEAD_WORDS and sentence != first:
                keys.append(sentence)
        return keys
    return []


@dataclass(frozen=True)
class EvidenceNeeds:
    """Which statistics the plan's corpus rules read (nothing else is fitted)."""

    repeated_lines: bool = False
    anchors: bool = False
    anchor_scopes: tuple[str, ...] = ()  # "source" and/or "all"
    run_rules: tuple[Rule, ...] = ()

    @property
    def any(self) -> bool:
        return self.repeated_lines or self.anchors or bool(self.run_rules)


@dataclass
class CorpusPartial:
    """The statistics of one batch (or of several, merged). Picklable."""

    docs: int = 0
    source_docs: Counter[str] = field(default_factory=Counter)
    pattern_docs: Counter[tuple[str, str]] = field(default_factory=Counter)
    lines: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_LINES_SCHEMA))
    anchors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_ANCHOR_SCHEMA))
    anchor_docs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_DOC_SCHEMA))


def fit_docs(docs: Sequence[Doc], needs: EvidenceNeeds) -> CorpusPartial:
    """The statistics of ``docs`` (one batch, in corpus order)."""
    partial = CorpusPartial(docs=len(docs))
    partial.source_docs = Counter(source_key(d.source) for d in docs)
    for rule in needs.run_rules:
        for doc in docs:
            if doc.text and inline_headline_candidates(doc, rule):
                partial.pattern_docs[(rule.code, source_key(doc.source))] += 1
    if needs.repeated_lines:
        partial.lines = _fit_lines(docs)
    if needs.anchors:
        partial.anchors, partial.anchor_docs = _fit_anchors(docs, needs.anchor_scopes)
    return partial


def _fit_lines(docs: Sequence[Doc]) -> pl.DataFrame:
    sources: list[str] = []
    keys: list[int] = []
    prefixes: list[bool] = []
    for doc in docs:
        src = source_key(doc.source)
        for key in doc_line_keys(doc):
            sources.append(src)
            keys.append(key_hash(key))
            prefixes.append(key[0] == "^")
    frame = pl.DataFrame(
        {"source": sources, "key": keys, "prefix": prefixes},
        schema={"source": pl.String, "key": pl.UInt64, "prefix": pl.Boolean},
    )
    return _count_lines(frame.with_columns(pl.lit(1, pl.UInt32).alias("docs")))


def _count_lines(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("source", "key", "prefix")
        .agg(pl.col("docs").sum().cast(pl.UInt32))
        .select(list(_LINES_SCHEMA))
    )


def _fit_anchors(docs: Sequence[Doc], scopes: Sequence[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    anchors: dict[str, list] = {"order": [], "scope": [], "kind": [], "key": []}
    info: dict[str, list] = {name: [] for name in _DOC_SCHEMA}
    for order, doc in enumerate(docs):
        src = source_key(doc.source)
        folded_title = fold(doc.title)
        leads = lead_keys(doc)
        entries = []
        if len(folded_title.split()) >= 3:
            entries.append((TITLE, folded_title))
        entries.extend((LEAD, key) for key in leads)
        if not entries:
            continue
        for kind, key in entries:
            hashed = key_hash(key)
            for scope in scopes:
                anchors["order"].append(order)
                anchors["scope"].append(src if scope == "source" else ALL_SOURCES)
                anchors["kind"].append(kind)
                anchors["key"].append(hashed)
        lead_hashes = [key_hash(k) for k in leads] + [None, None]
        info["order"].append(order)
        info["doc"].append(key_hash(doc.id))
        info["doc_source"].append(src)
        info["doc_title"].append(key_hash(folded_title))
        info["lead1"].append(lead_hashes[0])
        info["lead2"].append(lead_hashes[1])
        info["second"].append(key_hash(_second_key(doc)) if leads else None)
    return pl.DataFrame(anchors, schema=_ANCHOR_SCHEMA), pl.DataFrame(info, schema=_DOC_SCHEMA)


def merge_partials(parts: Iterable[CorpusPartial]) -> CorpusPartial:
    """The statistics of consecutive batches, added up in the order given (corpus order).

    Line counts are grouped as they are merged, so merging many partials holds one row
    per distinct line, not one per occurrence.
    """
    total = CorpusPartial()
    lines, anchors, anchor_docs = [], [], []
    for part in parts:
        offset = pl.lit(total.docs, pl.UInt64)
        total.source_docs.update(part.source_docs)
        total.pattern_docs.update(part.pattern_docs)
        if part.lines.height:
            lines.append(part.lines)
        if part.anchors.height:
            anchors.append(part.anchors.with_columns(pl.col("order") + offset))
            anchor_docs.append(part.anchor_docs.with_columns(pl.col("order") + offset))
        total.docs += part.docs
        if len(lines) >= 16:
            lines = [_count_lines(pl.concat(lines))]
        if len(anchors) >= 16:
            anchors = [_first_anchors(pl.concat(anchors))]
            anchor_docs = [_used_docs(pl.concat(anchor_docs), anchors[0])]
    if lines:
        total.lines = _count_lines(pl.concat(lines))
    if anchors:
        total.anchors = _first_anchors(pl.concat(anchors))
        total.anchor_docs = _used_docs(pl.concat(anchor_docs), total.anchors)
    return total


def _used_docs(anchor_docs: pl.DataFrame, anchors: pl.DataFrame) -> pl.DataFrame:
    """The document rows some kept title or opening still points to."""
    return anchor_docs.join(anchors.select("order").unique(), on="order", how="semi")


def _first_anchors(anchors: pl.DataFrame) -> pl.DataFrame:
    """The first documents (corpus order) of each title and opening, per scope."""
    return (
        anchors.sort("order")
        .group_by("scope", "kind", "key", maintain_order=True)
        .head(ANCHORS_PER_KEY)
        .select(list(_ANCHOR_SCHEMA))
    )


@dataclass(frozen=True)
class Evidence:
    """What the corpus rules read while applying: compact and picklable.

    * ``repeated``: per repeated-line rule code, the (source, key hash) pairs that reach
      the rule's thresholds;
    * ``anchors``: title and opening hashes with the documents they belong to;
    * ``source_docs`` and ``pattern_docs``: documents per source, and per (rule, source)
      documents that show the rule's structure.
    """

    source_docs: dict[str, int] = field(default_factory=dict)
    pattern_docs: dict[tuple[str, str], int] = field(default_factory=dict)
    repeated: dict[str, frozenset[tuple[str, int]]] = field(default_factory=dict)
    anchors: pl.DataFrame | None = None


def finish(partial: CorpusPartial, repeated_rules: Sequence[Rule]) -> Evidence:
    """Reduce merged statistics to the evidence the rules read."""
    repeated = {rule.code: _repeated_pairs(partial, rule) for rule in repeated_rules}
    anchors = None
    if partial.anchors.height:
        anchors = (
            _first_anchors(partial.anchors)
            .join(partial.anchor_docs, on="order", how="left")
            .drop("order")
        )
    return Evidence(
        source_docs=dict(partial.source_docs),
        pattern_docs=dict(partial.pattern_docs),
        repeated=repeated,
        anchors=anchors,
    )


def _repeated_pairs(partial: CorpusPartial, rule: Rule) -> frozenset[tuple[str, int]]:
    """(source, key hash) of the lines in at least ``min_docs`` and the rule's share of
    their source's documents, in sources with at least ``min_source_docs`` documents."""
    p = rule.params
    sizes = pl.DataFrame(
        {
            "source": list(partial.source_docs),
            "n_source": list(partial.source_docs.values()),
        },
        schema={"source": pl.String, "n_source": pl.Int64},
    )
    share = pl.when(pl.col("prefix")).then(p["min_prefix_share"]).otherwise(p["min_share"])
    needed = pl.max_horizontal(pl.lit(float(p["min_docs"])), share * pl.col("n_source"))
    kept = (
        partial.lines.join(sizes, on="source", how="inner")
        .filter(pl.col("n_source") >= p["min_source_docs"], pl.col("docs") >= needed)
        .select("source", "key")
    )
    return frozenset(kept.iter_rows())
