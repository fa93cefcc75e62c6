"""Apply the rules to a frame: findings, ``text_clean``, ``title_clean``, ``drop_reason``.

Three passes:

1. corpus-level statistics (only when a corpus rule is active), computed once;
2. per document, the strip/flag rules on the original text: every hit becomes a
   finding with exact offsets, and the union of "strip" spans is cut out to give
   ``text_clean`` / ``title_clean`` (see :mod:`corpuskit.validate.spans` for how a
   removed line takes its line break with it);
3. per document, the document rules (quality, language, encoding) on the cleaned text.

Passes 2 and 3 run in batches, on ``workers`` processes when there is enough work.
"""

from __future__ import annotations

import bisect
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit.config import ValidateOptions
from corpuskit.progress import ProgressCallback
from corpuskit.rules import Rule, RuleSet, load_ruleset
from corpuskit.schema import (
    DROP_REASON,
    FINDINGS,
    FINDINGS_DTYPE,
    ID,
    LANG,
    SOURCE,
    TEXT,
    TEXT_CLEAN,
    TITLE,
    TITLE_CLEAN,
    finding,
    require_columns,
)
from corpuskit.validate.corpus import (
    CorpusStats,
    build_corpus_stats,
    finish_stats,
    merge_stats,
)
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.language import identify
from corpuskit.validate.patterns import pattern_hits
from corpuskit.validate.registry import CORPUS_DETECTORS, DETECTORS, DOCUMENT_DETECTORS
from corpuskit.validate.spans import content_bounds, cut_spans, removed_line_spans

EXCERPT_CHARS = 200
BATCH_SIZE = 400
# Below this many documents a second process costs more than it saves.
MIN_DOCS_PER_WORKER = 500

Record = tuple[str, str | None, str | None, str | None, str | None, list[tuple[str, int, int]]]
Result = tuple[str, str | None, str | None, list[dict[str, Any]]]


@dataclass(frozen=True)
class Plan:
    """Which rules run on which document: the selected rules, split by phase and source."""

    base: tuple[Rule, ...]
    per_source: dict[str, tuple[Rule, ...]]

    @classmethod
    def build(cls, ruleset: RuleSet, options: ValidateOptions) -> Plan:
        per_source = {
            src: ruleset.select(ov.select, ov.ignore).rules
            for src, ov in options.per_source.items()
        }
        return cls(ruleset.rules, per_source)

    def rules_for(self, source: str | None) -> tuple[Rule, ...]:
        if source is not None and source in self.per_source:
            return self.per_source[source]
        return self.base

    def all_rules(self) -> list[Rule]:
        rules = list(self.base)
        for group in self.per_source.values():
            rules.extend(group)
        return rules


def _run_rule(doc: Doc, rule: Rule, corpus: CorpusStats | None) -> list[Hit]:
    if rule.detector is not None:
        return DETECTORS[rule.detector](doc, rule, corpus)
    return pattern_hits(doc, rule)


def _excerpt(text: str, start: int, end: int) -> str:
    piece = text[start:end].strip()
    return piece if len(piece) <= EXCERPT_CHARS else piece[: EXCERPT_CHARS - 1] + "…"


def _promote_emptied_lines(doc: Doc, hits: list[Hit]) -> list[Hit]:
    """A span hit that leaves nothing but whitespace on its line becomes a line hit,
    so the line's break goes with it instead of leaving an empty line behind."""
    spans_by_line: dict[int, list[tuple[int, int]]] = {}
    line_of: list[int | None] = []
    starts = [line.start for line in doc.lines]
    for hit in hits:
        index = None
        if hit.field == "text" and hit.line is None:
            candidate = bisect.bisect_right(starts, hit.start) - 1
            line = doc.lines[candidate]
            if hit.end <= line.end + 1:
                index = candidate
        line_of.append(index)
        if index is not None:
            spans_by_line.setdefault(index, []).append((hit.start, hit.end))
    emptied = set()
    for index, spans in spans_by_line.items():
        line = doc.lines[index]
        if not cut_spans(line.text, [(s - line.start, e - line.start) for s, e in spans]).strip():
            emptied.add(index)
    return [
        Hit(h.field, h.start, h.end, idx) if idx in emptied else h
        for h, idx in zip(hits, line_of, strict=True)
    ]


def clean_record(record: Record, plan: Plan, corpus: CorpusStats | None) -> Result:
    """Validate one document; returns (lang, text_clean, title_clean, new findings)."""
    doc_id, title, text, source, lang, prior = record
    if lang is None and text:
        lang = identify(text)[0]
    doc = Doc(doc_id, title or "", text or "", source, lang)
    rules = [r for r in plan.rules_for(source) if r.applies_to(lang, source)]
    strip_rules = [r for r in rules if r.detector not in DOCUMENT_DETECTORS]
    document_rules = [r for r in rules if r.detector in DOCUMENT_DETECTORS]

    found: list[tuple[Rule, list[Hit]]] = []
    for rule in strip_rules:
        hits = _run_rule(doc, rule, corpus)
        if hits and rule.action == "strip":
            hits = _promote_emptied_lines(doc, hits)
        if hits:
            found.append((rule, hits))
    removed = {
        h.line
        for rule, hits in found
        if rule.action == "strip"
        for h in hits
        if h.line is not None and h.field == "text"
    }
    line_spans = removed_line_spans(doc.text, doc.lines, removed)
    strips: dict[str, list[tuple[int, int]]] = {"text": [], "title": []}
    for field_name, start, end in prior:
        strips.setdefault(field_name, []).append((start, end))
    new: list[dict[str, Any]] = []
    for rule, hits in found:
        for hit in hits:
            value = doc.title if hit.field == "title" else doc.text
            if hit.line is not None and hit.field == "text":
                line = doc.lines[hit.line]
                start, end = (
                    line_spans[hit.line] if rule.action == "strip" else content_bounds(line)
                )
                excerpt = _excerpt(value, *content_bounds(line))
            else:
                start, end = hit.start, hit.end
                excerpt = _excerpt(value, start, end)
            if rule.action == "strip":
                strips[hit.field].append((start, end))
            new.append(finding(hit.field, rule.code, rule.action, start, end, excerpt))
    text_clean = cut_spans(doc.text, strips["text"])
    title_clean = cut_spans(doc.title, strips["title"]) if title is not None else None

    if document_rules:
        cleaned = Doc(doc_id, title_clean or "", text_clean, source, lang)
        for rule in document_rules:
            if DETECTORS[rule.detector or ""](cleaned, rule, corpus):
                new.append(
                    finding(
                        "text",
                        rule.code,
                        rule.action,
                        0,
                        len(doc.text),
                        _excerpt(text_clean, 0, EXCERPT_CHARS),
                    )
                )
    new.sort(key=lambda f: (f["field"] != "text", f["start"], f["end"], f["code"]))
    return lang, text_clean, title_clean, new


# Worker state: set before the pool forks, so the statistics are shared, not pickled.
_WORKER_STATE: dict[str, Any] = {}


def _init_worker(plan: Plan | None, corpus: CorpusStats | None) -> None:
    if plan is not None:
        _WORKER_STATE["plan"] = plan
        _WORKER_STATE["corpus"] = corpus


def _clean_batch(batch: list[Record]) -> list[Result]:
    plan, corpus = _WORKER_STATE["plan"], _WORKER_STATE["corpus"]
    return [clean_record(r, plan, corpus) for r in batch]


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _pool(workers: int, plan: Plan, corpus: CorpusStats | None):
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        _init_worker(plan, corpus)
        return multiprocessing.get_context("fork").Pool(workers, _init_worker, (None, None))
    return multiprocessing.get_context("spawn").Pool(workers, _init_worker, (plan, corpus))


def _effective_workers(workers: int, n_docs: int) -> int:
    if workers <= 0:
        workers = os.cpu_count() or 1
    return max(1, min(workers, n_docs // MIN_DOCS_PER_WORKER))


def _prior_strips(findings: list[dict[str, Any]] | None) -> list[tuple[str, int, int]]:
    out = []
    for f in findings or []:
        if f and f.get("action") == "strip" and f.get("start") is not None:
            out.append((f.get("field") or "text", int(f["start"]), int(f["end"])))
    return out


def _column(frame: pl.DataFrame, name: str) -> list[Any]:
    if name not in frame.columns:
        return [None] * frame.height
    return frame[name].cast(pl.String).to_list()


def resolve_ruleset(ruleset: RuleSet | None, options: ValidateOptions) -> RuleSet:
    """The rules a run applies, resolved once: the given (or built-in) rules plus the
    ``rule_dirs`` folders when no rule set is given, then ``select``/``ignore`` and
    severity overrides."""
    if ruleset is None:
        ruleset = load_ruleset([Path(d) for d in options.rule_dirs])
    return ruleset.select(options.select, options.ignore).with_severity(options.severity)


def _stats_options(plan: Plan) -> dict[str, Any] | None:
    """What the corpus-level pass must collect for the active rules (None: nothing)."""
    active = {r.detector for r in plan.all_rules() if r.detector in CORPUS_DETECTORS}
    if not active:
        return None
    return {
        "repeated_lines": "repeated-line" in active,
        "other_headlines": "other-document-headline" in active,
        "run_rules": [r for r in plan.all_rules() if r.detector == "inline-headline-run"],
    }


def fit_corpus_stats(
    frame: pl.DataFrame, ruleset: RuleSet, options: ValidateOptions
) -> CorpusStats | None:
    """The corpus-level statistics of one batch (None when no corpus rule is active).

    Statistics of consecutive batches add up with :func:`merge_stats`, then
    :func:`finish_stats`; pass the result to :func:`validate` as ``corpus``.
    """
    wanted = _stats_options(Plan.build(ruleset, options))
    if wanted is None:
        return None
    return build_corpus_stats(
        _column(frame, ID), _column(frame, TITLE), _column(frame, TEXT), _column(frame, SOURCE),
        **wanted,
    )  # fmt: skip


_FIT = object()  # validate(corpus=...) default: compute the statistics from the frame


def validate(
    frame: pl.DataFrame,
    *,
    ruleset: RuleSet | None = None,
    options: ValidateOptions | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    corpus: CorpusStats | object | None = _FIT,
) -> pl.DataFrame:
    """Add ``text_clean``, ``title_clean``, findings, ``drop_reason``; fill ``lang``.

    Never drops rows. ``workers=0`` uses every core. Options ``select``/``ignore``
    (codes, code prefixes or categories), ``per_source`` and ``severity`` are honoured;
    ``rule_dirs`` are loaded when no ``ruleset`` is given (a given rule set is complete).
    ``corpus``: corpus-level statistics computed beforehand (see
    :func:`fit_corpus_stats`); by default they are computed from ``frame`` itself.
    """
    options = options or ValidateOptions()
    ruleset = resolve_ruleset(ruleset, options)
    require_columns(frame, (ID, TEXT), "validate")
    plan = Plan.build(ruleset, options)

    ids = _column(frame, ID)
    titles, texts = _column(frame, TITLE), _column(frame, TEXT)
    sources, langs = _column(frame, SOURCE), _column(frame, LANG)
    prior_findings = frame[FINDINGS].to_list() if FINDINGS in frame.columns else None
    n_workers = _effective_workers(workers, frame.height)

    wanted = _stats_options(plan)
    if corpus is _FIT:
        corpus = None
        if wanted is not None:
            corpus = finish_stats(_corpus_stats(ids, titles, texts, sources, wanted, n_workers))
    assert corpus is None or isinstance(corpus, CorpusStats)

    records: list[Record] = [
        (
            ids[i],
            titles[i],
            texts[i],
            sources[i],
            langs[i],
            _prior_strips(prior_findings[i]) if prior_findings else [],
        )
        for i in range(frame.height)
    ]
    results: list[Result] = []
    if n_workers == 1:
        for batch in _batches(records, BATCH_SIZE):
            results.extend(clean_record(r, plan, corpus) for r in batch)
            if progress:
                progress(len(batch))
    else:
        with _pool(n_workers, plan, corpus) as pool:
            for batch_result in pool.imap(_clean_batch, _batches(records, BATCH_SIZE)):
                results.extend(batch_result)
                if progress:
                    progress(len(batch_result))
        _WORKER_STATE.clear()

    merged_findings = [
        list(prior_findings[i] or []) + res[3] if prior_findings else res[3]
        for i, res in enumerate(results)
    ]
    drop_reasons = [
        next((f["code"] for f in fs if f and f.get("action") == "drop"), None)
        for fs in merged_findings
    ]
    return frame.with_columns(
        pl.Series(LANG, [r[0] for r in results], dtype=pl.String),
        pl.Series(TEXT_CLEAN, [r[1] for r in results], dtype=pl.String),
        pl.Series(TITLE_CLEAN, [r[2] for r in results], dtype=pl.String),
        pl.Series(FINDINGS, merged_findings, dtype=FINDINGS_DTYPE),
        pl.Series(DROP_REASON, drop_reasons, dtype=pl.String),
    )


def _stats_batch(args: tuple[list[Any], list[Any], list[Any], list[Any], dict[str, Any]]):
    ids, titles, texts, sources, options = args
    return build_corpus_stats(ids, titles, texts, sources, **options)


def _corpus_stats(
    ids: list[Any],
    titles: list[Any],
    texts: list[Any],
    sources: list[Any],
    options: dict[str, Any],
    workers: int,
) -> CorpusStats:
    """The corpus-level pass, split into slices over ``workers`` processes and merged."""
    if workers == 1:
        return build_corpus_stats(ids, titles, texts, sources, **options)
    size = -(-len(ids) // (workers * 4))
    slices = [
        (ids[i : i + size], titles[i : i + size], texts[i : i + size], sources[i : i + size],
         options)
        for i in range(0, len(ids), size)
    ]  # fmt: skip
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(workers) as pool:
        return merge_stats(pool.imap(_stats_batch, slices))


def apply_findings(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns :func:`validate` adds, from the findings already on the frame only.

    For a run without validation: ``text_clean``/``title_clean`` are the fields minus
    the existing "strip" findings (e.g. from the reader), ``drop_reason`` is the first
    existing "drop" finding, and an empty ``findings`` column is created if absent.
    """
    require_columns(frame, (ID, TEXT), "apply_findings")
    texts, titles = _column(frame, TEXT), _column(frame, TITLE)
    if FINDINGS in frame.columns:
        all_findings = frame[FINDINGS].to_list()
    else:
        all_findings = [[] for _ in range(frame.height)]
    text_clean, title_clean, drop_reasons = [], [], []
    for text, title, found in zip(texts, titles, all_findings, strict=True):
        strips = _prior_strips(found)
        text_clean.append(cut_spans(text or "", [(s, e) for f, s, e in strips if f == "text"]))
        title_clean.append(
            None
            if title is None
            else cut_spans(title, [(s, e) for f, s, e in strips if f == "title"])
        )
        drop_reasons.append(
            next((f["code"] for f in found or [] if f and f.get("action") == "drop"), None)
        )
    return frame.with_columns(
        pl.Series(TEXT_CLEAN, text_clean, dtype=pl.String),
        pl.Series(TITLE_CLEAN, title_clean, dtype=pl.String),
        pl.Series(FINDINGS, [list(f or []) for f in all_findings], dtype=FINDINGS_DTYPE),
        pl.Series(DROP_REASON, drop_reasons, dtype=pl.String),
    )
