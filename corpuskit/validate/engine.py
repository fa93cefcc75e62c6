"""The validation stage: findings, ``text_clean``, ``title_clean``, ``drop_reason``.

It runs in two passes that an engine can schedule over batches and processes:

1. **fit** (only when a corpus rule is active): :func:`fit_batch` collects the corpus
   statistics of one batch, :func:`~corpuskit.validate.evidence.merge_partials` adds
   the batches up, and :func:`finish_evidence` keeps what the rules read;
2. **apply**: :func:`apply_batch` runs, per document, the strip/flag rules on the
   original text (every hit a finding with exact offsets; the union of "strip" spans is
   cut out to give ``text_clean`` / ``title_clean``, see
   :mod:`corpuskit.validate.spans`), then the document rules (quality, language,
   encoding) on the cleaned text.

:func:`validate` does both on one frame in the calling process. The stage never starts
processes, keeps no global state and prints nothing: the rules are resolved once in a
:class:`~corpuskit.validate.plan.ValidationPlan`, and everything passed between the
passes is picklable.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import polars as pl

from corpuskit.collector import collector_paused
from corpuskit.config import ValidateOptions
from corpuskit.io.oversized import has_too_large
from corpuskit.progress import ProgressCallback
from corpuskit.rules import Rule, RuleSet
from corpuskit.schema import (
    DROP_REASON,
    FINDING_STRUCT,
    FINDINGS,
    FINDINGS_DTYPE,
    ID,
    LANG,
    SOURCE,
    TEXT,
    TEXT_CLEAN,
    TITLE,
    TITLE_CLEAN,
    concat_findings,
    finding,
    require_columns,
)
from corpuskit.validate.corpus import BatchEvidence, find_document_headlines
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.evidence import CorpusPartial, Evidence, finish, fit_docs, merge_partials
from corpuskit.validate.language import identify_many
from corpuskit.validate.patterns import FOLDED_LINES, batch_subject, pattern_hits
from corpuskit.validate.plan import ValidationPlan
from corpuskit.validate.prefilter import matching_rows
from corpuskit.validate.registry import DETECTORS, DOCUMENT_DETECTORS
from corpuskit.validate.spans import (
    content_bounds,
    covered,
    cut_spans,
    removed_line_spans,
    widen_to_tokens,
)

EXCERPT_CHARS = 200
FINDING_FIELDS = {f.name: f.dtype for f in FINDING_STRUCT.fields}
# Documents per batch in :func:`validate` (the unit of progress and of the fit pass).
BATCH_SIZE = 2000

Result = tuple[str, str | None, str | None, list[dict[str, Any]]]


def _run_rule(doc: Doc, rule: Rule, corpus: BatchEvidence | None) -> list[Hit]:
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


@lru_cache(maxsize=1024)
def _phases(
    plan: ValidationPlan, source: str | None, lang: str | None
) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """The rules a document of ``source`` in ``lang`` runs: strip/flag rules on the
    original text, then document rules on the cleaned text."""
    rules = [r for r in plan.rules_for(source) if r.applies_to(lang, source)]
    return (
        tuple(r for r in rules if r.detector not in DOCUMENT_DETECTORS),
        tuple(r for r in rules if r.detector in DOCUMENT_DETECTORS),
    )


def clean_doc(
    doc: Doc,
    title: str | None,
    prior: list[tuple[str, int, int]],
    plan: ValidationPlan,
    corpus: BatchEvidence | None,
) -> Result:
    """Validate one document; returns (lang, text_clean, title_clean, new findings)."""
    source, lang, doc_id = doc.source, doc.lang, doc.id
    strip_rules, document_rules = _phases(plan, source, lang)
    strip_rules = [r for r in strip_rules if r.code not in doc.cannot_match]

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
    claimed: dict[str, list[tuple[int, int]]] = {"text": [], "title": []}
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
                if rule.action == "strip":
                    start, end = widen_to_tokens(value, start, end)
                excerpt = _excerpt(value, start, end)
            if rule.action == "strip":
                if covered((start, end), claimed[hit.field]):
                    continue  # one finding per removed span: an earlier rule took it
                claimed[hit.field].append((start, end))
                strips[hit.field].append((start, end))
            new.append(finding(hit.field, rule.code, rule.action, start, end, excerpt))
    text_clean = cut_spans(doc.text, strips["text"])
    title_clean = cut_spans(doc.title, strips["title"]) if title is not None else None

    if document_rules:
        cleaned = (
            doc  # nothing stripped: what the document already computed holds
            if text_clean == doc.text and (title_clean or "") == doc.title
            else Doc(doc_id, title_clean or "", text_clean, source, lang)
        )
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


def _docs(frame: pl.DataFrame, *, identify_missing: bool) -> Iterator[Doc]:
    ids = _column(frame, ID)
    titles, texts = _column(frame, TITLE), _column(frame, TEXT)
    sources, langs = _column(frame, SOURCE), _column(frame, LANG)
    if identify_missing:
        missing = [row for row in range(frame.height) if langs[row] is None and texts[row]]
        for row, (lang, _) in zip(missing, identify_many([texts[r] for r in missing]), strict=True):
            langs[row] = lang
    for row in range(frame.height):
        yield Doc(ids[row], titles[row] or "", texts[row] or "", sources[row], langs[row], row=row)


def _cannot_match(
    frame: pl.DataFrame, plan: ValidationPlan, docs: list[Doc]
) -> list[frozenset[str]]:
    """Per row, the pattern rules whose pattern occurs nowhere in the raw field: one
    vectorised search per rule over the documents of the batch that run it, so most
    documents skip most rules."""
    searches = {
        rule.code: subject
        for rule in plan.all_rules()
        if (subject := batch_subject(rule)) is not None
    }
    if not searches or frame.height == 0:
        return [frozenset()] * frame.height
    subjects = [
        (frame[name].cast(pl.String) if name in frame.columns else pl.Series([None] * frame.height))
        .cast(pl.String)
        .fill_null("")
        .alias(name)
        for name in (TEXT, TITLE)
    ]
    if any(name == FOLDED_LINES for name, _ in searches.values()):
        joined = ["\n".join(doc.folded_lines) for doc in docs]
        subjects.append(pl.Series(FOLDED_LINES, joined, dtype=pl.String))
    by_name = {series.name: series for series in subjects}
    runs = [{rule.code for rule in _phases(plan, doc.source, doc.lang)[0]} for doc in docs]
    unmatched = [set(searches) for _ in docs]
    for name in by_name:
        patterns = {code: pattern for code, (on, pattern) in searches.items() if on == name}
        rows = {code: [row for row, codes in enumerate(runs) if code in codes] for code in patterns}
        for code, matched in matching_rows(by_name[name], patterns, rows).items():
            for row in matched:
                unmatched[row].discard(code)
    return [frozenset(codes) for codes in unmatched]


@collector_paused()
def fit_batch(frame: pl.DataFrame, plan: ValidationPlan) -> CorpusPartial:
    """The corpus statistics of one batch (empty when no corpus rule is selected).

    Picklable; add batches up with :func:`~corpuskit.validate.evidence.merge_partials`
    in corpus order.
    """
    require_columns(frame, (ID, TEXT), "validate")
    aside = has_too_large(frame)
    if aside is not None:  # rejected whole at input: not read
        frame = frame.filter(~aside)
    needs = plan.needs
    if not needs.any:
        return CorpusPartial(docs=frame.height)
    return fit_docs(list(_docs(frame, identify_missing=False)), needs)


def finish_evidence(partial: CorpusPartial, plan: ValidationPlan) -> Evidence:
    """What :func:`apply_batch` reads, from the merged statistics of the whole corpus."""
    return finish(partial, plan.rules_with("repeated-line"))


def _batch_evidence(docs: list[Doc], plan: ValidationPlan, evidence: Evidence) -> BatchEvidence:
    batch = BatchEvidence(evidence)
    for rule in plan.rules_with("other-document-headline"):
        targets = [
            d
            for d in docs
            if any(r.code == rule.code for r in plan.rules_for(d.source))
            and rule.applies_to(d.lang, d.source)
        ]
        batch.line_hits[rule.code] = find_document_headlines(targets, rule, evidence)
    return batch


@collector_paused()
def apply_batch(
    frame: pl.DataFrame, plan: ValidationPlan, evidence: Evidence | None = None
) -> pl.DataFrame:
    """Add ``lang`` (where missing), ``text_clean``, ``title_clean``, ``findings`` and
    ``drop_reason`` to one batch. Never drops rows.

    ``evidence`` is the corpus evidence (:func:`finish_evidence`); without it the corpus
    rules find nothing, as for a document checked on its own. Documents the reader
    rejected whole as too large (``IO004``) are not read: they get the columns from
    their input findings alone (:func:`apply_findings`).
    """
    require_columns(frame, (ID, TEXT), "validate")
    aside = has_too_large(frame)
    if aside is not None:
        return _with_set_aside(frame, aside, lambda read: apply_batch(read, plan, evidence))
    docs = list(_docs(frame, identify_missing=True))
    for doc, skip in zip(docs, _cannot_match(frame, plan, docs), strict=True):
        doc.cannot_match = skip
    titles = _column(frame, TITLE)
    prior_findings = frame[FINDINGS].to_list() if FINDINGS in frame.columns else None
    corpus = _batch_evidence(docs, plan, evidence) if evidence is not None else None
    results = []
    for doc in docs:
        strips = _prior_strips(prior_findings[doc.row]) if prior_findings else []
        results.append(clean_doc(doc, titles[doc.row], strips, plan, corpus))
        doc.forget()  # the batch's memory is the documents', not all they worked out
    findings = _findings_column([r[3] for r in results])
    if prior_findings is not None:
        findings = concat_findings(frame[FINDINGS], findings).alias(FINDINGS)
    drop = pl.element().struct.field("action") == "drop"
    drop_reasons = (
        findings.list.eval(pl.element().filter(drop.fill_null(False)).struct.field("code"))
        .list.first()
        .alias(DROP_REASON)
    )
    return frame.with_columns(
        pl.Series(LANG, [r[0] for r in results], dtype=pl.String),
        pl.Series(TEXT_CLEAN, [r[1] for r in results], dtype=pl.String),
        pl.Series(TITLE_CLEAN, [r[2] for r in results], dtype=pl.String),
        findings,
        drop_reasons,
    )


def _with_set_aside(frame: pl.DataFrame, aside: pl.Series, apply: Any) -> pl.DataFrame:
    """``apply`` to the rows not set ``aside``; the others get :func:`apply_findings`;
    the rows stay in their order."""
    order = "__corpuskit_order"
    indexed = frame.with_row_index(order)
    read = apply(indexed.filter(~aside))
    whole = apply_findings(indexed.filter(aside))
    return (
        pl.concat([read, whole], how="diagonal_relaxed")
        .sort(order)
        .select([c for c in read.columns if c != order])
    )


def _findings_column(per_doc: list[list[dict[str, Any]]]) -> pl.Series:
    """The ``findings`` list column, built from flat columns (fast) instead of dicts."""
    rows = [row for row, found in enumerate(per_doc) for _ in found]
    flat = {name: [f[name] for found in per_doc for f in found] for name in FINDING_FIELDS}
    table = pl.DataFrame({"row": rows, **flat}, schema={"row": pl.Int64, **FINDING_FIELDS})
    grouped = table.group_by("row").agg(pl.struct(list(FINDING_FIELDS)).alias(FINDINGS)).sort("row")
    column = (
        pl.DataFrame({"row": range(len(per_doc))}, schema={"row": pl.Int64})
        .join(grouped, on="row", how="left", maintain_order="left")[FINDINGS]
        .fill_null(pl.lit([], FINDINGS_DTYPE))
    )
    return column.cast(FINDINGS_DTYPE).alias(FINDINGS)


def _slices(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size)


def validate(
    frame: pl.DataFrame,
    *,
    ruleset: RuleSet | None = None,
    options: ValidateOptions | None = None,
    plan: ValidationPlan | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> pl.DataFrame:
    """Add ``text_clean``, ``title_clean``, findings, ``drop_reason``; fill ``lang``.

    The eager form of the stage, in this process: fit the corpus evidence over the whole
    frame, then apply the rules batch by batch. Never drops rows. Options
    ``select``/``ignore`` (codes, code prefixes or categories), ``rule_dirs``,
    ``per_source`` and ``severity`` are honoured; a ready ``plan`` replaces both.
    """
    require_columns(frame, (ID, TEXT), "validate")
    plan = plan or ValidationPlan.build(ruleset, options)
    evidence = None
    if plan.needs.any:
        partial = merge_partials(fit_batch(part, plan) for part in _slices(frame, batch_size))
        evidence = finish_evidence(partial, plan)
    out = []
    for part in _slices(frame, batch_size):
        out.append(apply_batch(part, plan, evidence))
        if progress:
            progress(part.height)
    if not out:
        return apply_batch(frame, plan, evidence)
    return pl.concat(out, how="vertical") if len(out) > 1 else out[0]


def apply_findings(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns :func:`validate` adds, from the findings already on the frame only.

    For a run without validation: ``text_clean``/``title_clean`` are the fields minus
    the existing "strip" findings (e.g. from the reader), ``drop_reason`` is the first
    existing "drop" finding, and an empty ``findings`` column is created if absent.
    Only the documents that have strip findings are cut in Python; the rest is columns.
    """
    require_columns(frame, (ID, TEXT), "apply_findings")
    if FINDINGS not in frame.columns:
        frame = frame.with_columns(
            pl.Series(FINDINGS, [[]], dtype=FINDINGS_DTYPE).new_from_index(0, frame.height)
        )
    findings = pl.col(FINDINGS).cast(FINDINGS_DTYPE).fill_null([])
    action = pl.element().struct.field("action")
    texts = (pl.col(TEXT) if TEXT in frame.columns else pl.lit(None)).cast(pl.String)
    titles = (pl.col(TITLE) if TITLE in frame.columns else pl.lit(None)).cast(pl.String)
    out = frame.with_columns(
        findings.alias(FINDINGS),
        texts.fill_null("").alias(TEXT_CLEAN),
        titles.alias(TITLE_CLEAN),
        findings.list.eval(pl.element().filter(action == "drop").struct.field("code"))
        .list.first()
        .alias(DROP_REASON),
    )
    stripped = out.select(findings.list.eval(action == "strip").list.any()).to_series()
    rows = stripped.fill_null(False).arg_true()
    if rows.len() == 0:
        return out
    text_clean, title_clean = [], []
    picked = out.select(TEXT_CLEAN, TITLE_CLEAN, FINDINGS)[rows]
    for text, title, found in picked.iter_rows():
        strips = _prior_strips(found)
        text_clean.append(cut_spans(text, [(s, e) for f, s, e in strips if f == "text"]))
        title_clean.append(
            None
            if title is None
            else cut_spans(title, [(s, e) for f, s, e in strips if f == "title"])
        )
    return out.with_columns(
        out[TEXT_CLEAN].scatter(rows, pl.Series(text_clean, dtype=pl.String)),
        out[TITLE_CLEAN].scatter(rows, pl.Series(title_clean, dtype=pl.String)),
    )
