"""Corpus evidence: what only shows when many documents are seen, fitted batch by batch.

Three statistics, each fitted on one batch (:func:`fit_batch`), added up over batches
(:func:`merge_partials`) and reduced to what the rules need (:func:`finish_evidence`):

* **repeated lines**: in how many documents of each source each short line occurs
  (folded), and each "fixed prefix: variable tail" line by its prefix. Lines are kept as
  64-bit hashes of their folded keys in a polars frame, and merged by grouping, so a
  million documents cost a few hundred MB at most while fitting and, once finished, only
  the lines that reach a rule's threshold remain (a sorted array of hashes per source);
* **titles and openings** of every document (hashes again), for lines that are another
  document's title or opening (``other-document-headline``). Only the first four
  documents, in corpus order, are kept for each title or opening;
* how many documents of each source show a rule's structure (``inline-headline-run``).

The finished :class:`Evidence` is what every worker holds while it applies the rules, so
it is numpy arrays of 64-bit hashes (:class:`KeySet`, :class:`Anchors`), looked up by
binary search; a hash stands for its folded text (see :class:`KeySet` for why a
collision is negligible).

The partials are picklable and merged in the order given (the corpus order): counts do
not depend on it, the "first four documents" of a title do. Counts are kept by source;
a corpus without a ``source`` column is one source (the empty string), so corpus-wide
counts are the same frames grouped without the source.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import xxhash

from corpuskit.rules import Rule
from corpuskit.validate.document import Doc
from corpuskit.validate.folding import fold_key
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
_LINES_SCHEMA = {
    "source": pl.String,
    "key": pl.UInt64,
    "prefix": pl.Boolean,
    "docs": pl.UInt32,
    "edge_docs": pl.UInt32,
}
# Content lines at each end of a document where furniture sits (a header, a footer).
EDGE_LINES = 3
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


def _key_hashes(keys: Iterable[str]) -> list[int]:
    """:func:`key_hash` of each of ``keys``."""
    digest = xxhash.xxh3_64_intdigest
    return [digest(key.encode("utf-8", "surrogatepass")) for key in keys]


def source_key(source: str | None) -> str:
    return source or ""


def line_keys(text: str, key: str) -> list[str]:
    """Keys a line is counted under: its folded form ``key``, and its folded prefix
    when it reads "fixed prefix: variable title"."""
    if not key or _more_words_than(text, MAX_REPEATED_WORDS):
        return []
    keys = ["=" + key]
    if ":" in text or "|" in text:
        m = _PREFIXED.match(text)
        if m and is_headline_like(m.group(2), min_words=1, max_words=30, max_chars=300):
            prefix = fold_key(m.group(1))
            if len(prefix.split()) >= _MIN_PREFIX_WORDS:
                keys.append("^" + prefix)
    return keys


def _more_words_than(text: str, limit: int) -> bool:
    """Whether ``text`` has more than ``limit`` whitespace-separated words. Words take
    a character and a separator each, so a short text is decided by its length; a long
    one is split only as far as the word after the limit."""
    if len(text) < 2 * limit + 1:
        return False
    return len(text.split(None, limit)) > limit


def doc_line_keys(doc: Doc) -> dict[str, bool]:
    """Every key the lines of ``doc`` are counted under (each once per document), and
    whether it stands among the first or last ``EDGE_LINES`` content lines."""
    keys: dict[str, bool] = {}
    folded = doc.line_keys
    content = [i for i, key in enumerate(folded) if key]
    edges = set(content[:EDGE_LINES] + content[-EDGE_LINES:])
    lines = doc.lines
    for index in content:
        edge = index in edges
        for key in line_keys(lines[index].text, folded[index]):
            keys[key] = keys.get(key, False) or edge
    return keys


def _second_key(doc: Doc) -> str:
    """The folded key of the second line that is not blank ("" when there is none)."""
    seen = 0
    for line in doc.lines:
        if not line.blank:
            seen += 1
            if seen == 2:
                return doc.line_keys[line.index]
    return ""


# A dateline glued before the first sentence: "دبي، الإمارات (CNN)-- ", "لندن - (رويترز) - ".
_DATELINE = re.compile(r"^[^\n]{0,80}?\([^()\n]{2,20}\)\s*[-–—]+\s*")


def lead_keys(doc: Doc) -> list[str]:
    """Folded opening line and opening sentence of a document (long enough to be
    specific), each also without the dateline glued before it: a teaser quotes another
    article's opening without its dateline."""
    for line in doc.lines:
        if line.blank:
            continue
        raw = line.text
        keys: list[str] = []
        first = doc.line_keys[line.index]  # fold(raw)
        stripped = raw.strip()
        _add_lead(keys, first, stripped, whole_line=True)
        dateline = _DATELINE.match(stripped) if "(" in raw[:100] else None
        if dateline:
            prefix = fold_key(dateline.group(0))
            if first.startswith(prefix):
                rest = stripped[dateline.end() :]
                _add_lead(keys, first[len(prefix) :].strip(), rest)
        return keys
    return []


def _add_lead(keys: list[str], folded: str, raw: str, *, whole_line: bool = False) -> None:
    """Add the folded opening ``folded`` of ``raw`` and its folded first sentence, when
    long enough. With ``whole_line``, ``folded`` is ``fold(raw)`` itself, so a sentence
    that is all of ``raw`` needs no folding."""
    if len(folded.split()) >= MIN_LEAD_WORDS and folded not in keys:
        keys.append(folded)
    m = _SENTENCE.match(raw)
    if m:
        sentence = folded if whole_line and m.end(1) == len(raw) else fold_key(m.group(1))
        if len(sentence.split()) >= MIN_LEAD_WORDS and sentence not in keys:
            keys.append(sentence)


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
            if doc.text and inline_headline_candidates(doc, rule, lone_titles=False):
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
    edges: list[int] = []
    for doc in docs:
        doc_keys = doc_line_keys(doc)
        sources.extend([source_key(doc.source)] * len(doc_keys))
        keys.extend(_key_hashes(doc_keys))
        prefixes.extend([key[0] == "^" for key in doc_keys])
        edges.extend(map(int, doc_keys.values()))
    frame = pl.DataFrame(
        {"source": sources, "key": keys, "prefix": prefixes, "edge_docs": edges},
        schema={
            "source": pl.String,
            "key": pl.UInt64,
            "prefix": pl.Boolean,
            "edge_docs": pl.UInt32,
        },
    )
    return _count_lines(frame.with_columns(pl.lit(1, pl.UInt32).alias("docs")))


def _count_lines(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.group_by("source", "key", "prefix")
        .agg(pl.col("docs").sum().cast(pl.UInt32), pl.col("edge_docs").sum().cast(pl.UInt32))
        .select(list(_LINES_SCHEMA))
    )


def _fit_anchors(docs: Sequence[Doc], scopes: Sequence[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    anchors: dict[str, list] = {"order": [], "scope": [], "kind": [], "key": []}
    info: dict[str, list] = {name: [] for name in _DOC_SCHEMA}
    for order, doc in enumerate(docs):
        src = source_key(doc.source)
        folded_title = fold_key(doc.title)
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


class KeySet:
    """A set of 64-bit key hashes held as one sorted numpy array: 8 bytes a key, where a
    Python set of ints costs about 70 and a set of (source, int) tuples well over 100.

    Keys are 64-bit xxh3 hashes of folded text (:func:`key_hash`): two different keys
    share a hash with probability about n² / 2⁶⁵ for n keys, under 10⁻⁷ for the hundred
    million lines of a very large corpus, so a lookup by hash is a lookup by key.
    """

    __slots__ = ("hashes",)

    def __init__(self, hashes: Iterable[int] | np.ndarray = ()) -> None:
        self.hashes = np.unique(np.asarray(hashes, dtype=np.uint64))

    def __len__(self) -> int:
        return int(self.hashes.size)

    def __contains__(self, hashed: int) -> bool:
        return bool(self.contains(np.array([hashed], dtype=np.uint64))[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeySet) and np.array_equal(self.hashes, other.hashes)

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> np.ndarray:
        return self.hashes

    def __setstate__(self, hashes: np.ndarray) -> None:
        self.hashes = hashes

    def __repr__(self) -> str:
        return f"KeySet({len(self)} keys)"

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """For each of ``hashes`` (uint64), whether it is in the set."""
        if not self.hashes.size:
            return np.zeros(len(hashes), dtype=bool)
        at = np.searchsorted(self.hashes, hashes).clip(max=self.hashes.size - 1)
        return self.hashes[at] == hashes


@dataclass(frozen=True, eq=False)
class Anchors:
    """The titles and openings of the corpus (the first ``ANCHORS_PER_KEY`` documents of
    each, per scope), as flat numpy arrays: about 17 bytes per title or opening and 45
    per document, instead of a frame of strings joined with its document's details.

    One row per (scope, kind, key, document), sorted by key: ``key`` (the hash of the
    folded title or opening), ``scope`` (an index into ``names``: a source, or
    ``ALL_SOURCES``), ``kind`` (``TITLE`` or ``LEAD``) and ``doc`` (an index into the
    document arrays). Per document: ``doc_id`` (hash of its id), ``doc_source`` (index
    into ``names``), ``doc_title`` (hash of its folded title), ``doc_leads`` (hashes of
    its first two openings, ``n_leads`` of them set) and ``doc_second`` (hash of its
    second content line; set when it has an opening). Hashes as in :class:`KeySet`.
    """

    names: tuple[str, ...]
    key: np.ndarray
    scope: np.ndarray
    kind: np.ndarray
    doc: np.ndarray
    doc_id: np.ndarray
    doc_source: np.ndarray
    doc_title: np.ndarray
    doc_leads: np.ndarray
    n_leads: np.ndarray
    doc_second: np.ndarray

    def __len__(self) -> int:
        return int(self.key.size)

    @property
    def nbytes(self) -> int:
        arrays = (self.key, self.scope, self.kind, self.doc, self.doc_id, self.doc_source)
        arrays += (self.doc_title, self.doc_leads, self.n_leads, self.doc_second)
        return sum(a.nbytes for a in arrays)

    def name_index(self, name: str) -> int:
        """The index of a source or scope name in ``names`` (-1 when absent)."""
        at = bisect.bisect_left(self.names, name)
        return at if at < len(self.names) and self.names[at] == name else -1

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (position in ``hashes``, anchor row) pair with equal keys."""
        low = np.searchsorted(self.key, hashes, side="left")
        counts = np.searchsorted(self.key, hashes, side="right") - low
        which = np.repeat(np.arange(len(hashes)), counts)
        starts = np.repeat(low - (np.cumsum(counts) - counts), counts)
        return which, starts + np.arange(which.size)

    def to_frame(self) -> pl.DataFrame:
        """One row per anchor with its document's details (for reading and comparing)."""
        names = np.array(self.names, dtype=object)
        doc = self.doc
        present = [(name, pl.col("n_leads") >= need) for name, need in NULLABLE_LEADS]
        return (
            pl.DataFrame(
                {
                    "scope": names[self.scope].tolist(),
                    "kind": self.kind,
                    "key": self.key,
                    "doc": self.doc_id[doc],
                    "doc_source": names[self.doc_source[doc]].tolist(),
                    "doc_title": self.doc_title[doc],
                    "lead1": self.doc_leads[doc, 0],
                    "lead2": self.doc_leads[doc, 1],
                    "second": self.doc_second[doc],
                    "n_leads": self.n_leads[doc],
                },
                schema_overrides={"scope": pl.String, "doc_source": pl.String},
            )
            .with_columns(pl.when(ok).then(pl.col(name)).alias(name) for name, ok in present)
            .drop("n_leads")
        )


# Document hashes that are set only when it has that many openings.
NULLABLE_LEADS = (("lead1", 1), ("lead2", 2), ("second", 1))


@dataclass(frozen=True)
class Evidence:
    """What the corpus rules read while applying: compact and picklable.

    * ``repeated``: per repeated-line rule code and per source, the key hashes of the
      lines that reach the rule's thresholds;
    * ``anchors``: title and opening hashes with the documents they belong to;
    * ``source_docs`` and ``pattern_docs``: documents per source, and per (rule, source)
      documents that show the rule's structure.

    Every worker holds it for the whole apply pass, so it is numpy arrays of hashes, not
    Python objects (see :class:`KeySet` and :class:`Anchors`).
    """

    source_docs: dict[str, int] = field(default_factory=dict)
    pattern_docs: dict[tuple[str, str], int] = field(default_factory=dict)
    repeated: dict[str, dict[str, KeySet]] = field(default_factory=dict)
    anchors: Anchors | None = None


def finish(partial: CorpusPartial, repeated_rules: Sequence[Rule]) -> Evidence:
    """Reduce merged statistics to the evidence the rules read."""
    repeated = {rule.code: _repeated_keys(partial, rule) for rule in repeated_rules}
    return Evidence(
        source_docs=dict(partial.source_docs),
        pattern_docs=dict(partial.pattern_docs),
        repeated=repeated,
        anchors=_anchors(partial) if partial.anchors.height else None,
    )


def _anchors(partial: CorpusPartial) -> Anchors:
    rows = _first_anchors(partial.anchors)
    docs = _used_docs(partial.anchor_docs, rows).sort("order")
    names = tuple(sorted(set(rows["scope"].unique()) | set(docs["doc_source"].unique())))
    index = {name: i for i, name in enumerate(names)}
    scope = rows["scope"].replace_strict(index, return_dtype=pl.UInt32).to_numpy()
    doc_order = docs["order"].to_numpy()
    doc = np.searchsorted(doc_order, rows["order"].to_numpy()).astype(np.uint32)
    key, kind = rows["key"].to_numpy(), rows["kind"].to_numpy()
    by_key = np.lexsort((rows["order"].to_numpy(), kind, scope, key))
    n_leads = (
        docs["lead1"].is_not_null().cast(pl.UInt8) + docs["lead2"].is_not_null().cast(pl.UInt8)
    ).to_numpy()

    def hashes(name: str) -> np.ndarray:
        return docs[name].fill_null(0).to_numpy().astype(np.uint64)

    return Anchors(
        names=names,
        key=key[by_key].astype(np.uint64),
        scope=scope[by_key].astype(np.uint32),
        kind=kind[by_key].astype(np.uint8),
        doc=doc[by_key],
        doc_id=hashes("doc"),
        doc_source=docs["doc_source"].replace_strict(index, return_dtype=pl.UInt32).to_numpy(),
        doc_title=hashes("doc_title"),
        doc_leads=np.stack([hashes("lead1"), hashes("lead2")], axis=1),
        n_leads=n_leads.astype(np.uint8),
        doc_second=hashes("second"),
    )


def _repeated_keys(partial: CorpusPartial, rule: Rule) -> dict[str, KeySet]:
    """Per source, the key hashes of the lines in at least ``min_docs`` and the rule's
    share of their source's documents, in sources with at least ``min_source_docs``
    documents.

    A corpus without sources is one source, the empty string, and may mix many outlets,
    so one outlet's footer is a small share of it: there a whole line (not a prefix)
    also counts when it is in at least ``sourceless_min_docs`` documents and stands at
    an edge (first or last lines) in ``min_edge_share`` of them. Furniture sits at the
    edges; a verse or a standard legal sentence quoted in many articles sits in the
    body, and stays."""
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
    sourceless = (
        (pl.col("source") == "")
        & ~pl.col("prefix")
        & (pl.col("docs") >= p["sourceless_min_docs"])
        & (pl.col("edge_docs") >= pl.col("docs") * p["min_edge_share"])
    )
    kept = (
        partial.lines.join(sizes, on="source", how="inner")
        .filter(
            pl.col("n_source") >= p["min_source_docs"],
            (pl.col("docs") >= needed) | sourceless,
        )
        .group_by("source")
        .agg("key")
    )
    return {
        source: KeySet(keys.to_numpy())
        for source, keys in zip(kept["source"].to_list(), kept["key"], strict=True)
    }
