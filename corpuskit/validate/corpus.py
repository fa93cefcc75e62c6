"""Corpus-level evidence that no single document can show.

One pass over the whole frame, before the per-document pass, collects:

* how many documents of each source contain each short line (folded), and each
  "fixed prefix: variable tail" line by its prefix ("رابط الخبر بصحيفة الوئام: <title>"
  counts as one line however the title varies). A line that repeats across many
  documents of one outlet is that outlet's furniture (``repeated-line``);
* every document's folded title and opening line. A body line that is the title or the
  opening of ANOTHER document of the same source is a link or a teaser to it, even
  when it ends with a full stop (``other-document-headline``).

The statistics are plain dicts computed once and shared (read-only) by the workers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corpuskit.normalize import fold
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.folding import fold_lines, key_of
from corpuskit.validate.headlines import is_headline_like

# Lines longer than this many words are prose; never counted as repeated furniture.
MAX_REPEATED_WORDS = 40
# "prefix: tail" or "prefix | tail" with a short prefix.
_PREFIXED = re.compile(r"^\s*([^:|\n]{3,60}?)\s*[:|]\s*(\S.*)$")
_MIN_PREFIX_WORDS = 3
# Opening lines shorter than this are too generic to identify another document.
MIN_LEAD_WORDS = 8
_SENTENCE = re.compile(r"^(.+?[.!?؟])(?:\s|$)")


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


def _text_line_keys(text: str) -> set[str]:
    lines = text.split("\n")
    folded = fold_lines(text, len(lines))
    keys: set[str] = set()
    for raw, line in zip(lines, folded, strict=True):
        if line:
            keys.update(line_keys(raw, key_of(line)))
    return keys


def _first_lines(text: str):
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _second_key(text: str) -> str:
    seen = 0
    for raw in _first_lines(text):
        if raw.strip():
            seen += 1
            if seen == 2:
                return fold(raw)
    return ""


def _lead_keys(text: str) -> list[str]:
    """Folded opening line and opening sentence of a document (long enough to be specific)."""
    for raw in _first_lines(text):
        if not raw.strip():
            continue
        keys = []
        first = fold(raw)
        if len(first.split()) >= MIN_LEAD_WORDS:
            keys.append(first)
        m = _SENTENCE.match(raw.strip())
        if m:
            sentence = fold(m.group(1))
            if len(sentence.split()) >= MIN_LEAD_WORDS and sentence != first:
                keys.append(sentence)
        return keys
    return []


@dataclass
class CorpusStats:
    """What the corpus-level pass learnt; read by the corpus detectors."""

    source_docs: Counter[str] = field(default_factory=Counter)
    line_docs: dict[tuple[str, str], int] = field(default_factory=dict)
    # (source, folded title) -> ids (a few); (source, folded opening) -> ids (a few).
    # Source "*" collects every source, for rules with same_source = false.
    titles: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    leads: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    doc_source: dict[str, str] = field(default_factory=dict)
    doc_title: dict[str, str] = field(default_factory=dict)
    doc_leads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # folded second content line: a document that contains another one whole (a roundup)
    # has the other's opening followed by the other's second line.
    doc_second: dict[str, str] = field(default_factory=dict)
    # (rule code, source) -> documents where that rule's structure occurs: how systematic
    # a pattern is for an outlet (see inline-headline-run).
    pattern_docs: Counter[tuple[str, str]] = field(default_factory=Counter)


def _source_key(source: str | None) -> str:
    return source or ""


def count_lines(rows: Iterable[tuple[str | None, str | None]]) -> tuple[Counter, Counter]:
    """Per-source document counts and per-(source, line key) document counts."""
    sources: Counter[str] = Counter()
    lines: Counter[tuple[str, str]] = Counter()
    for source, text in rows:
        src = _source_key(source)
        sources[src] += 1
        lines.update((src, k) for k in _text_line_keys(text or ""))
    return sources, lines


def build_corpus_stats(
    ids: list[str],
    titles: list[str | None],
    texts: list[str | None],
    sources: list[str | None],
    *,
    repeated_lines: bool,
    other_headlines: bool,
    run_rules: Sequence[Rule] = (),
) -> CorpusStats:
    """Collect the statistics the active corpus-level rules need (nothing else).

    Works on any slice of the corpus: :func:`merge_stats` adds up the statistics of
    consecutive slices (so the pass can run in parallel) and :func:`finish_stats` drops
    what cannot matter (lines seen once).
    """
    stats = CorpusStats()
    stats.source_docs = Counter(_source_key(s) for s in sources)
    for rule in run_rules:
        from corpuskit.validate.headlines import inline_headline_candidates

        for doc_id, text, source in zip(ids, texts, sources, strict=True):
            if text and inline_headline_candidates(Doc(doc_id, "", text, source, None), rule):
                stats.pattern_docs[(rule.code, _source_key(source))] += 1
    if repeated_lines:
        _, line_docs = count_lines(zip(sources, texts, strict=True))
        stats.line_docs = line_docs
    if other_headlines:
        for doc_id, title, text, source in zip(ids, titles, texts, sources, strict=True):
            src = _source_key(source)
            stats.doc_source[doc_id] = src
            folded_title = fold(title or "")
            stats.doc_title[doc_id] = folded_title
            if len(folded_title.split()) >= 3:
                _remember(stats.titles, src, folded_title, doc_id)
            leads = tuple(_lead_keys(text or ""))
            stats.doc_leads[doc_id] = leads
            if leads:
                stats.doc_second[doc_id] = _second_key(text or "")
            for key in leads:
                _remember(stats.leads, src, key, doc_id)
    return stats


def merge_stats(parts: Iterable[CorpusStats]) -> CorpusStats:
    """The statistics of consecutive slices of a corpus, added up in order."""
    total = CorpusStats()
    line_docs: Counter[tuple[str, str]] = Counter()
    for part in parts:
        total.source_docs.update(part.source_docs)
        total.pattern_docs.update(part.pattern_docs)
        line_docs.update(part.line_docs)
        for index, other in ((total.titles, part.titles), (total.leads, part.leads)):
            for key, ids in other.items():
                bucket = index.setdefault(key, [])
                bucket.extend(ids[: max(0, 4 - len(bucket))])
        total.doc_source.update(part.doc_source)
        total.doc_title.update(part.doc_title)
        total.doc_leads.update(part.doc_leads)
        total.doc_second.update(part.doc_second)
    total.line_docs = line_docs
    return total


def finish_stats(stats: CorpusStats) -> CorpusStats:
    """Keep only line counts that can reach a threshold (a line seen twice or more)."""
    stats.line_docs = {k: n for k, n in stats.line_docs.items() if n >= 2}
    return stats


def _remember(index: dict[tuple[str, str], list[str]], src: str, key: str, doc_id: str) -> None:
    """Keep a few ids per key, per source and across sources."""
    for scope in (src, "*"):
        bucket = index.setdefault((scope, key), [])
        if len(bucket) < 4:
            bucket.append(doc_id)


def repeated_line(doc: Doc, rule: Rule, corpus: CorpusStats | None) -> list[Hit]:
    """Lines that occur in at least ``min_docs`` and ``min_share`` of their source's docs."""
    if corpus is None or not corpus.line_docs:
        return []
    p = rule.params
    src = _source_key(doc.source)
    n_source = corpus.source_docs.get(src, 0)
    if n_source < int(p.get("min_source_docs", 50)):
        return []
    full_needed = max(int(p.get("min_docs", 10)), float(p.get("min_share", 0.02)) * n_source)
    prefix_needed = max(
        int(p.get("min_docs", 10)), float(p.get("min_prefix_share", 0.1)) * n_source
    )
    hits = []
    for line, key in zip(doc.lines, doc.line_keys, strict=True):
        if line.blank:
            continue
        for counted in line_keys(line.text, key):
            needed = full_needed if counted.startswith("=") else prefix_needed
            if corpus.line_docs.get((src, counted), 0) >= needed:
                hits.append(doc.line_hit(line))
                break
    return hits


def other_document_headline(doc: Doc, rule: Rule, corpus: CorpusStats | None) -> list[Hit]:
    """Body lines equal (after folding) to another document's title or opening."""
    if corpus is None or not corpus.doc_title:
        return []
    same_source = bool(rule.params.get("same_source", True))
    skip_lines = int(rule.params.get("skip_opening_lines", 1))
    src = _source_key(doc.source)
    own_title = corpus.doc_title.get(doc.id, fold(doc.title))
    own_leads = set(corpus.doc_leads.get(doc.id, ()))
    content = [
        (line, key) for line, key in zip(doc.lines, doc.line_keys, strict=True) if not line.blank
    ]
    hits = []
    for position, (line, folded) in enumerate(content):
        if position < skip_lines or len(folded) > 600:
            continue
        if len(folded.split()) < 3 or folded == own_title or folded in own_leads:
            continue
        next_key = content[position + 1][1] if position + 1 < len(content) else ""
        # A title is a link only as a bare line; a sentence that happens to equal a
        # short title ("إن من الشعر لحكمة.") is a quotation.
        scope = src if same_source else "*"
        title_ids = (
            [] if line.text.rstrip().endswith(".") else corpus.titles.get((scope, folded), [])
        )
        lead_ids = [
            other
            for other in corpus.leads.get((scope, folded), [])
            if not next_key or corpus.doc_second.get(other) != next_key
        ]
        for other in title_ids + lead_ids:
            if other == doc.id:
                continue
            if same_source and corpus.doc_source.get(other) != src:
                continue
            if corpus.doc_title.get(other) == own_title:
                continue
            if own_leads & set(corpus.doc_leads.get(other, ())):
                continue  # a copy of the same story shares its lines; not a link
            hits.append(doc.line_hit(line))
            break
    return hits
