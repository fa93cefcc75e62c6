"""The report's sections as plain data: what the template shows, chosen and bounded.

The report must stay small for a million-document corpus, so every section is a bounded
sample or an aggregate: a few examples per rule, the largest and the borderline duplicate
clusters, a sample of cleaned documents. Samples are deterministic (ordered by a seeded
hash of the document id), so two reports of the same run show the same documents.

Frames may be eager or lazy; only the sampled documents' texts are ever collected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.codes import CodeRegistry
from corpuskit.report.diff import (
    Segment,
    highlight_excerpts,
    highlight_in_context,
    highlight_spans,
    word_diff,
)

SAMPLE_SEED = 20240501


@dataclass(frozen=True)
class ReportLimits:
    """How much of the corpus the report shows (keeps the file size bounded)."""

    examples_per_rule: int = 3
    example_chars: int = 1200  # longest text shown around one example's spans
    sample_documents: int = 24
    unchanged_documents: int = 4
    largest_clusters: int = 8
    borderline_pairs: int = 8
    max_doc_chars: int = 4000
    context_radius: int = 160
    max_sources: int = 200
    max_cluster_members: int = 12


@dataclass
class Document:
    """A document as shown: metadata plus its title and text cut into highlighted segments."""

    id: str
    anchor: str
    source: str
    url: str | None
    date: str | None
    lang: str | None
    title: list[Segment]
    text: list[Segment]
    truncated: bool
    codes: list[str] = field(default_factory=list)


@dataclass
class Example:
    """One finding of a rule, shown in the text around it."""

    doc_id: str
    source: str
    field: str
    action: str
    segments: list[Segment]
    excerpt: str | None
    doc_anchor: str | None


@dataclass
class Pair:
    """A kept document and one copy of it, side by side with the differences marked.

    The cleaned texts are compared (boilerplate already stripped), as dedup saw them.
    """

    anchor: str
    cluster_id: str | None
    cluster_anchor: str | None
    kind: str | None
    similarity: float | None
    kept_id: str
    copy_id: str
    kept_source: str
    copy_source: str
    kept_title: list[Segment]
    copy_title: list[Segment]
    kept_text: list[Segment]
    copy_text: list[Segment]
    truncated: bool


def anchor(prefix: str, key: str) -> str:
    """An HTML id for ``key`` (corpus ids can hold any character; ids must not)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", key)[:60]
    return f"{prefix}-{safe}-{abs(hash_key(key)) % 10**8}"


def hash_key(key: str) -> int:
    """A hash of ``key`` that is stable across processes (unlike ``hash()``)."""
    value = 1469598103934665603
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


def lazy(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def _sample_order(column: str = "doc_id") -> pl.Expr:
    return pl.col(column).hash(SAMPLE_SEED)


# --- fetching documents ------------------------------------------------------------------


_DOC_FIELDS: dict[str, pl.DataType] = {
    schema.ID: pl.String(),
    schema.TITLE: pl.String(),
    schema.TEXT: pl.String(),
    schema.SOURCE: pl.String(),
    schema.URL: pl.String(),
    schema.DATE: pl.String(),
    schema.LANG: pl.String(),
    schema.CLUSTER_ID: pl.String(),
    schema.DUP_KIND: pl.String(),
    schema.DUP_OF: pl.String(),
    schema.SIMILARITY: pl.Float64(),
    schema.TEXT_CLEAN: pl.String(),
    schema.TITLE_CLEAN: pl.String(),
}


def all_documents(clean: Any, rejected: Any) -> pl.LazyFrame:
    """Clean and rejected documents as one lazy frame of the columns the report reads."""

    def part(frame: Any, kept: bool) -> pl.LazyFrame:
        frame = lazy(frame)
        names = set(frame.collect_schema().names())
        return frame.select(
            *[
                pl.col(c).cast(t) if c in names else pl.lit(None, t).alias(c)
                for c, t in _DOC_FIELDS.items()
            ],
            pl.lit(kept).alias("kept"),
        )

    return pl.concat([part(clean, True), part(rejected, False)], how="vertical")


def fetch_documents(docs: pl.LazyFrame, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows of ``ids`` (first row wins if an id repeats)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = docs.filter(pl.col(schema.ID).is_in(wanted)).collect()
    result: dict[str, dict[str, Any]] = {}
    for row in rows.iter_rows(named=True):
        result.setdefault(row[schema.ID], row)
    return result


# --- rules --------------------------------------------------------------------------------


def rule_rows(summary: dict[str, Any], codes: CodeRegistry) -> list[dict[str, Any]]:
    """One row per code that fired: counts from the summary, description from ``codes``.

    ``rejected`` counts the rejected documents the code drops (``dropped_by_rule``), so
    a document that two rules drop, or a duplicate, counts for its code even though its
    ``reject_reason`` names only one rule, or ``duplicate``.
    """
    rows: dict[str, dict[str, Any]] = {}

    def row(code: str) -> dict[str, Any]:
        return rows.setdefault(
            code,
            {
                "code": code,
                "anchor": anchor("rule", code),
                "actions": [],
                "documents": 0,
                "findings": 0,
                "characters": 0,
                "lines": 0,
                "rejected": summary.get("rejected_by_reason", {}).get(code, 0),
            },
        )

    for action, key in (
        ("strip", "stripped_by_rule"),
        ("flag", "flagged_by_rule"),
        ("drop", "dropped_by_rule"),
    ):
        for code, counts in summary.get(key, {}).items():
            r = row(code)
            r["actions"].append(action)
            r["documents"] = max(r["documents"], counts.get("documents", 0))
            r["findings"] += counts.get("findings", 0)
            r["characters"] += counts.get("characters", 0)
            r["lines"] += counts.get("lines", 0)
            if action == "drop" and "rejected" in counts:  # older summaries lack it
                r["rejected"] = counts["rejected"]
    for r in rows.values():
        info = codes.get(r["code"])
        r["name"] = getattr(info, "name", None)
        r["severity"] = getattr(info, "severity", None)
        r["category"] = getattr(info, "category", None)
        r["rationale"] = getattr(info, "rationale", None)
        r["message"] = getattr(info, "message", None)
    return sorted(rows.values(), key=lambda r: (-r["documents"], r["code"]))


# Findings ranked at a time for the rules' examples (see :func:`_first_examples`).
RANK_BATCH_ROWS = 50_000


def _first_examples(narrow: pl.LazyFrame, per_rule: int) -> pl.DataFrame:
    """The first ``per_rule`` findings of each code, one per document: those with a span
    first, then in sample order.

    Ranked a batch at a time, the batch's findings with the ones chosen so far, so the
    memory follows the batch and not the corpus (ten million copies are ten million
    findings). The result is the ranking of all findings at once: a document's best
    finding, in the batch that holds it, has no more documents before it there than in
    the whole; it is never left out of its batch's first ``per_rule``."""

    def first(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.sort(["code", "_span", "_order", "_row"], descending=[False, True, False, False])
            .unique(subset=["code", "doc_id"], keep="first", maintain_order=True)
            .group_by("code", maintain_order=True)
            .head(per_rule)
            .select(frame.columns)
        )

    chosen = pl.DataFrame(schema=narrow.collect_schema())
    for batch in narrow.collect_batches(chunk_size=RANK_BATCH_ROWS):
        chosen = first(pl.concat([chosen, batch]))
    return chosen


def rule_examples(
    findings: pl.LazyFrame,
    docs: pl.LazyFrame,
    codes: Sequence[str],
    limits: ReportLimits,
    doc_anchors: dict[str, str],
) -> dict[str, list[Example]]:
    """Up to ``examples_per_rule`` documents per rule, each with every span the rule
    found in it highlighted in context (a rule that strips four lines of a document
    shows all four)."""
    coded = findings.filter(pl.col("code").is_in(list(codes))).with_columns(
        pl.col("field").fill_null("text")
    )
    # The findings are ranked on a few narrow columns, and only the chosen rows are read
    # whole: a corpus of millions of copies has millions of findings with their excerpts.
    numbered = coded.with_row_index("_row")
    narrow = numbered.select(
        "_row",
        "code",
        "doc_id",
        _sample_order().alias("_order"),
        (pl.col("end") > pl.col("start")).alias("_span"),
    )
    chosen = _first_examples(narrow, limits.examples_per_rule).select("_row")
    picked = (
        chosen.lazy()
        .join(
            numbered.filter(pl.col("_row").is_in(chosen["_row"].implode())),
            on="_row",
            how="left",
            maintain_order="left",
        )
        .drop("_row")
        .collect()
    )
    spans: dict[tuple[str, str, str], list[tuple[int, int, str]]] = {}
    every = (
        coded.filter(pl.col("doc_id").is_in(picked["doc_id"].implode()))
        .select("code", "doc_id", "field", "start", "end")
        .join(picked.lazy().select("code", "doc_id", "field"), on=["code", "doc_id", "field"])
        .collect()
    )
    for f in every.iter_rows(named=True):
        key = (f["code"], f["doc_id"], f["field"])
        spans.setdefault(key, []).append((f["start"] or 0, f["end"] or 0, f["code"]))
    texts = fetch_documents(docs, picked["doc_id"].to_list())
    examples: dict[str, list[Example]] = {}
    for f in picked.iter_rows(named=True):
        doc = texts.get(f["doc_id"])
        source = (doc or {}).get(schema.SOURCE) or ""
        field_text = ((doc or {}).get(schema.TITLE if f["field"] == "title" else schema.TEXT)) or ""
        segments: list[Segment] = []
        if field_text:
            segments = highlight_in_context(
                field_text,
                spans.get((f["code"], f["doc_id"], f["field"]), []),
                radius=limits.context_radius,
                max_chars=limits.example_chars,
            )
        examples.setdefault(f["code"], []).append(
            Example(
                doc_id=f["doc_id"],
                source=source,
                field=f["field"],
                action=f["action"] or "flag",
                segments=segments,
                # A strip's excerpt repeats the highlighted text; other actions explain.
                excerpt=f["excerpt"] if f["action"] != "strip" or not segments else None,
                doc_anchor=doc_anchors.get(f["doc_id"]),
            )
        )
    return examples


# --- documents ----------------------------------------------------------------------------


def sample_document_ids(clean: Any, findings: pl.LazyFrame, limits: ReportLimits) -> list[str]:
    """Kept documents with strips (most of the sample) plus a few untouched ones."""
    clean_ids = lazy(clean).select(pl.col(schema.ID).cast(pl.String()).alias("doc_id"))
    strips = findings.filter(pl.col("action") == "strip").select("doc_id")

    def kept(ids: pl.DataFrame) -> pl.DataFrame:
        wanted = ids["doc_id"].implode()
        return ids.join(
            clean_ids.filter(pl.col("doc_id").is_in(wanted)).unique().collect(), on="doc_id"
        )

    def untouched(ids: pl.DataFrame) -> pl.DataFrame:
        wanted = ids["doc_id"].implode()
        stripped = strips.filter(pl.col("doc_id").is_in(wanted)).unique().collect()
        return ids.join(stripped, on="doc_id", how="anti")

    with_strips = _first_in_sample_order(strips, limits.sample_documents, kept)
    return with_strips + _first_in_sample_order(clean_ids, limits.unchanged_documents, untouched)


def _first_in_sample_order(
    ids: pl.LazyFrame, count: int, keep: Callable[[pl.DataFrame], pl.DataFrame]
) -> list[str]:
    """The first ``count`` distinct ``doc_id`` of ``ids`` in sample order that ``keep``
    (a frame of candidates in, the ones that qualify out) keeps.

    The sample order is a hash, spread evenly over 64 bits, so the first ids are those
    below a threshold: only they are read, the threshold growing fourfold until
    ``count`` of them qualify (or every id is below it). Memory follows ``count``, not
    the corpus; the ids are those of sorting every one of them."""
    if count <= 0:
        return []
    total = ids.select(pl.len()).collect().item()
    share = min(1.0, 8 * count / max(total, 1))
    while True:
        limit = pl.lit(min(int(share * 2**64), 2**64 - 1), dtype=pl.UInt64)
        below = (
            ids.with_columns(_sample_order().alias("_o"))
            .filter(pl.col("_o") <= limit)
            .unique("doc_id")
            .collect()
        )
        chosen = keep(below).sort("_o", "doc_id").head(count)
        if chosen.height == count or share >= 1.0:
            return chosen["doc_id"].to_list()
        share = min(1.0, share * 4)


def sample_documents(
    ids: list[str], docs: pl.LazyFrame, findings: pl.LazyFrame, limits: ReportLimits
) -> list[Document]:
    rows = fetch_documents(docs, ids)
    spans = (
        findings.filter(pl.col("doc_id").is_in(ids) & (pl.col("action") == "strip"))
        .select("doc_id", "field", "code", "start", "end")
        .collect()
    )
    by_doc: dict[str, list[tuple[str, int, int, str]]] = {}
    for f in spans.iter_rows(named=True):
        by_doc.setdefault(f["doc_id"], []).append((f["field"], f["start"], f["end"], f["code"]))
    documents = []
    for doc_id in ids:
        row = rows.get(doc_id)
        if row is None:
            continue
        found = by_doc.get(doc_id, [])
        text_segments, shortened = highlight_excerpts(
            row[schema.TEXT] or "",
            [(s, e, c) for fld, s, e, c in found if fld == "text"],
            max_chars=limits.max_doc_chars,
        )
        documents.append(
            Document(
                id=doc_id,
                anchor=anchor("doc", doc_id),
                source=row[schema.SOURCE] or "",
                url=row[schema.URL],
                date=row[schema.DATE],
                lang=row[schema.LANG],
                title=highlight_spans(
                    row[schema.TITLE] or "", [(s, e, c) for fld, s, e, c in found if fld == "title"]
                ),
                text=text_segments,
                truncated=shortened,
                codes=sorted({c for *_, c in found}),
            )
        )
    return documents


# --- duplicates ---------------------------------------------------------------------------


def dedup_threshold(summary: dict[str, Any]) -> float | None:
    """The near-duplicate threshold the run used, if the run parameters record it."""
    params = summary.get("run", {}).get("parameters", {})
    for candidate in (params.get("dedup", {}), params):
        if isinstance(candidate, dict) and isinstance(candidate.get("threshold"), int | float):
            return float(candidate["threshold"])
    return None


def duplicate_pairs(
    docs: pl.LazyFrame, summary: dict[str, Any], limits: ReportLimits
) -> tuple[list[Pair], list[Pair]]:
    """``(largest, borderline)``: one pair per large cluster (kept doc and its most
    different copy), and the copies whose similarity is nearest the threshold."""
    copies = docs.filter(pl.col(schema.DUP_OF).is_not_null()).select(
        schema.ID, schema.DUP_OF, schema.CLUSTER_ID, schema.DUP_KIND, schema.SIMILARITY
    )
    largest_ids = [c["cluster_id"] for c in summary.get("duplicates", {}).get("largest", [])]
    largest_ids = largest_ids[: limits.largest_clusters]
    largest = (
        copies.filter(pl.col(schema.CLUSTER_ID).is_in(largest_ids))
        .sort([schema.SIMILARITY, schema.ID], nulls_last=True)
        .unique(subset=schema.CLUSTER_ID, keep="first", maintain_order=True)
        .collect()
    )
    order = {cid: i for i, cid in enumerate(largest_ids)}
    largest_rows = sorted(largest.iter_rows(named=True), key=lambda r: order[r[schema.CLUSTER_ID]])
    threshold = dedup_threshold(summary)
    near = copies.filter(
        pl.col(schema.SIMILARITY).is_not_null() & (pl.col(schema.DUP_KIND) != "exact")
    )
    distance = (
        (pl.col(schema.SIMILARITY) - threshold).abs()
        if threshold is not None
        else pl.col(schema.SIMILARITY)
    )
    shown = {(r[schema.ID]) for r in largest_rows}
    borderline_rows = [
        r
        for r in near.with_columns(distance.alias("_d"))
        .sort(["_d", schema.ID])
        .head(limits.borderline_pairs + len(shown))
        .collect()
        .iter_rows(named=True)
        if r[schema.ID] not in shown
    ][: limits.borderline_pairs]
    needed = {r[schema.ID] for r in largest_rows + borderline_rows}
    needed |= {r[schema.DUP_OF] for r in largest_rows + borderline_rows}
    texts = fetch_documents(docs, needed)

    def pairs(rows: list[dict[str, Any]], prefix: str) -> list[Pair]:
        result = []
        for r in rows:
            kept, copy = texts.get(r[schema.DUP_OF]), texts.get(r[schema.ID])
            if kept is None or copy is None:
                continue
            result.append(_pair(prefix, r, kept, copy, limits))
        return result

    return pairs(largest_rows, "pair"), pairs(borderline_rows, "border")


def cluster_members(
    docs: pl.LazyFrame, cluster_ids: list[str], limits: ReportLimits
) -> dict[str, list[dict[str, Any]]]:
    rows = (
        docs.filter(pl.col(schema.CLUSTER_ID).is_in(cluster_ids))
        .select(
            schema.ID, schema.SOURCE, schema.CLUSTER_ID, schema.DUP_KIND, schema.SIMILARITY, "kept"
        )
        .sort(
            [schema.CLUSTER_ID, schema.SIMILARITY, schema.ID],
            descending=[False, True, False],
            nulls_last=False,
        )
        .collect()
    )
    members: dict[str, list[dict[str, Any]]] = {}
    for r in rows.iter_rows(named=True):
        bucket = members.setdefault(r[schema.CLUSTER_ID], [])
        if len(bucket) < limits.max_cluster_members:
            bucket.append(r)
    return members


def _pair(
    prefix: str,
    row: dict[str, Any],
    kept: dict[str, Any],
    copy: dict[str, Any],
    limits: ReportLimits,
) -> Pair:
    cap = limits.max_doc_chars
    kept_text, copy_text = _cleaned(kept, schema.TEXT), _cleaned(copy, schema.TEXT)
    left_title, right_title, _ = word_diff(
        _cleaned(kept, schema.TITLE), _cleaned(copy, schema.TITLE)
    )
    left_text, right_text, cut = word_diff(kept_text[:cap], copy_text[:cap])
    cluster = row[schema.CLUSTER_ID]
    return Pair(
        anchor=anchor(prefix, row[schema.ID]),
        cluster_id=cluster,
        cluster_anchor=anchor("cluster", cluster) if cluster else None,
        kind=row[schema.DUP_KIND],
        similarity=row[schema.SIMILARITY],
        kept_id=kept[schema.ID],
        copy_id=copy[schema.ID],
        kept_source=kept[schema.SOURCE] or "",
        copy_source=copy[schema.SOURCE] or "",
        kept_title=left_title,
        copy_title=right_title,
        kept_text=left_text,
        copy_text=right_text,
        truncated=cut or len(kept_text) > cap or len(copy_text) > cap,
    )


def _cleaned(row: dict[str, Any], field_name: str) -> str:
    """The cleaned field (what dedup compared), else the original."""
    clean_name = schema.TEXT_CLEAN if field_name == schema.TEXT else schema.TITLE_CLEAN
    value = row.get(clean_name)
    return value if value is not None else (row.get(field_name) or "")
