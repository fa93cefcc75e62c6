"""The numbers of a cleaning run, as one JSON-able dict (``summary.json``).

Everything here is a query over the three tables a run produces: the kept documents
(``clean``), the rejected ones (``rejected``, with ``reject_reason``) and the long findings
table (``doc_id, field, code, action, start, end, excerpt``). Nothing is counted on the
side, so the summary can always be recomputed from an output folder.

A large run is summarised part by part: :func:`summary_parts` reduces one part's three
tables to a few small tables of counts (a document and its findings are always in the
same part), :func:`merge_summary_parts` adds up the tables of every part, and
:func:`finish_summary` turns them into the summary. :func:`build_summary` does the three
steps on one set of tables.

Two details matter for honest numbers:

* Strip spans of different rules may overlap. Per-rule character counts are each rule's
  own spans (merged within the rule); totals merge the spans of all rules, so a character
  removed by two rules is counted once.
* ``lines`` of a strip span are the non-empty lines of the original text it touches.

The schema is documented in ``docs/summary-schema.md`` and checked by
:data:`SUMMARY_JSON_SCHEMA`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

import corpuskit
from corpuskit import schema

SUMMARY_SCHEMA_VERSION = 1
NO_SOURCE = "(no source)"
DUPLICATE_REASON = "duplicate"
TOP_RULES_PER_SOURCE = 5
LARGEST_CLUSTERS = 20

_DOC_SCHEMA: dict[str, pl.DataType] = {
    schema.ID: pl.String(),
    schema.SOURCE: pl.String(),
    "kept": pl.Boolean(),
    "reason": pl.String(),
    "chars_before": pl.Int64(),
    "chars_after": pl.Int64(),
    schema.TEXT: pl.String(),
    schema.CLUSTER_ID: pl.String(),
    schema.DUP_KIND: pl.String(),
    schema.SIMILARITY: pl.Float64(),
    schema.DUP_WHY: pl.String(),
}


def build_summary(
    *,
    clean: pl.DataFrame,
    rejected: pl.DataFrame,
    findings: pl.DataFrame,
    run: Mapping[str, Any],
) -> dict[str, Any]:
    """Summarise a run: totals, rejections, strips, flags, duplicates, per-source rates.

    ``clean`` and ``rejected`` are the frames written to ``clean.parquet`` and
    ``rejected.parquet``; ``findings`` is the long findings table; ``run`` describes the
    run (``inputs``, ``parameters``, ``started_at``...) and is copied in, with the corpuskit
    version and the generation time added where absent.
    """
    parts = summary_parts(clean=clean, rejected=rejected, findings=findings)
    return finish_summary(parts, run, clean=clean, rejected=rejected)


SummaryParts = dict[str, pl.DataFrame]


def summary_parts(
    *, clean: pl.DataFrame, rejected: pl.DataFrame, findings: pl.DataFrame
) -> SummaryParts:
    """The counts of one part of a run, as small tables that add up across parts."""
    docs = _documents(clean, rejected)
    table = _findings_with_docs(findings, docs)
    text_strips = table.filter((pl.col("action") == "strip") & (pl.col("field") == "text"))
    doc_chars = _merged_span_chars(text_strips, ["doc_id"]).join(
        text_strips.select("doc_id", schema.SOURCE, "kept").unique("doc_id"), on="doc_id"
    )
    strips = table.filter(pl.col("action") == "strip")
    rule_chars = (
        _merged_span_chars(strips, ["code", "doc_id", "field"])
        .group_by("code")
        .agg(pl.col("chars").sum())
    )
    return {
        "documents": docs.group_by(schema.SOURCE, "kept", "reason").agg(
            pl.len().cast(pl.Int64).alias("documents"),
            pl.col("chars_before").sum().cast(pl.Int64),
            pl.col("chars_after").sum().cast(pl.Int64),
        ),
        "stripped": pl.DataFrame(
            {
                "chars": [int(doc_chars["chars"].sum())],
                "chars_from_kept": [int(doc_chars.filter(pl.col("kept"))["chars"].sum())],
                "lines": [int(text_strips["lines"].sum())],
                "lines_from_kept": [int(text_strips.filter(pl.col("kept"))["lines"].sum())],
            },
            schema={k: pl.Int64 for k in ("chars", "chars_from_kept", "lines", "lines_from_kept")},
        ),
        "rules": table.group_by("action", "code")
        .agg(
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("documents"),
            pl.len().cast(pl.Int64).alias("findings"),
            pl.col("lines").sum().cast(pl.Int64),
            # a document's findings are all in its part, so these add up across parts
            pl.col("doc_id").filter(~pl.col("kept")).n_unique().cast(pl.Int64).alias("rejected"),
        )
        .join(rule_chars.with_columns(action=pl.lit("strip")), on=["action", "code"], how="left")
        .with_columns(pl.col("chars").fill_null(0).cast(pl.Int64)),
        "source_rules": table.group_by(schema.SOURCE, "code").agg(
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("documents")
        ),
        "source_strips": doc_chars.group_by(schema.SOURCE).agg(
            pl.len().cast(pl.Int64).alias("stripped_documents"),
            pl.col("chars").sum().cast(pl.Int64).alias("stripped_chars"),
        ),
        "dup_kinds": docs.filter(pl.col(schema.DUP_KIND).is_not_null())
        .group_by(schema.DUP_KIND)
        .agg(pl.len().cast(pl.Int64).alias("documents")),
    }


def merge_summary_parts(parts: list[SummaryParts]) -> SummaryParts:
    """The tables of several parts added up (each table concatenated once, then grouped).
    The result is itself a part: tables merged in rounds (a few parts at a time, then
    the merged tables with the next) are the tables merged at once."""
    if not parts:
        return summary_parts(clean=pl.DataFrame(), rejected=pl.DataFrame(), findings=pl.DataFrame())

    def stacked(name: str) -> pl.DataFrame:
        return pl.concat([p[name] for p in parts], how="vertical_relaxed")

    def summed(name: str, keys: list[str]) -> pl.DataFrame:
        table = stacked(name)
        values = [c for c in table.columns if c not in keys]
        return table.group_by(keys).agg(pl.col(values).sum())

    merged = {
        "documents": summed("documents", [schema.SOURCE, "kept", "reason"]),
        "stripped": stacked("stripped").sum(),
        "rules": summed("rules", ["action", "code"]),
        "source_rules": summed("source_rules", [schema.SOURCE, "code"]),
        "source_strips": summed("source_strips", [schema.SOURCE]),
        "dup_kinds": summed("dup_kinds", [schema.DUP_KIND]),
    }
    # in the parts' column order, so that merged tables merge again with parts
    return {name: table.select(parts[0][name].columns) for name, table in merged.items()}


def finish_summary(
    parts: SummaryParts,
    run: Mapping[str, Any],
    *,
    clean: pl.DataFrame | pl.LazyFrame | None = None,
    rejected: pl.DataFrame | pl.LazyFrame | None = None,
) -> dict[str, Any]:
    """The summary dict (``summary.json``) from the added-up tables of a run.

    The clusters are counted from ``clean`` and ``rejected`` (eager or lazy frames, as
    written), by a streamed aggregate of their cluster columns: a run has millions of
    clusters, too many to carry from part to part (see :func:`_clusters`)."""
    docs = parts["documents"]
    stripped = parts["stripped"].row(0, named=True) if parts["stripped"].height else {}
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "run": _run_block(run),
        "documents": _document_counts(docs),
        "rejected_by_reason": _rejected_by_reason(docs),
        "characters": _characters(docs, stripped),
        "lines": {
            "stripped": int(stripped.get("lines") or 0),
            "stripped_from_kept": int(stripped.get("lines_from_kept") or 0),
        },
        "stripped_by_rule": _stripped_by_rule(parts["rules"]),
        "flagged_by_rule": _counts_by_rule(parts["rules"], "flag"),
        "dropped_by_rule": _counts_by_rule(parts["rules"], "drop"),
        "duplicates": _duplicates(docs, parts["dup_kinds"], (clean, rejected)),
        "sources": _sources(docs, parts["source_strips"], parts["source_rules"]),
    }


# --- the document table -------------------------------------------------------------


def _documents(clean: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """One row per document: id, source, state, reason, lengths, cluster fields."""

    def part(frame: pl.DataFrame, kept: bool) -> pl.DataFrame:
        if frame.height == 0:
            return pl.DataFrame(schema=_DOC_SCHEMA)
        text = _string_col(frame, schema.TEXT)
        clean_text = (
            _string_col(frame, schema.TEXT_CLEAN) if schema.TEXT_CLEAN in frame.columns else text
        )
        if kept:
            reason = pl.lit(None, pl.String())
        elif schema.REJECT_REASON in frame.columns:
            reason = pl.col(schema.REJECT_REASON).cast(pl.String())
        else:  # older folders: infer the reason from the dedup and validate columns
            reason = (
                pl.when(_string_col(frame, schema.DUP_OF).is_not_null())
                .then(pl.lit(DUPLICATE_REASON))
                .otherwise(_string_col(frame, schema.DROP_REASON))
            )
        return frame.select(
            _string_col(frame, schema.ID).alias(schema.ID),
            _string_col(frame, schema.SOURCE).fill_null(NO_SOURCE).alias(schema.SOURCE),
            pl.lit(kept).alias("kept"),
            reason.alias("reason"),
            text.fill_null("").str.len_chars().cast(pl.Int64).alias("chars_before"),
            clean_text.fill_null("").str.len_chars().cast(pl.Int64).alias("chars_after"),
            text.fill_null("").alias(schema.TEXT),
            _string_col(frame, schema.CLUSTER_ID).alias(schema.CLUSTER_ID),
            _string_col(frame, schema.DUP_KIND).alias(schema.DUP_KIND),
            _float_col(frame, schema.SIMILARITY).alias(schema.SIMILARITY),
            _string_col(frame, schema.DUP_WHY).alias(schema.DUP_WHY),
        ).cast(_DOC_SCHEMA)

    return pl.concat([part(clean, True), part(rejected, False)], how="vertical")


def _string_col(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column).cast(pl.String())
    return pl.lit(None, pl.String()).alias(column)


def _float_col(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column).cast(pl.Float64())
    return pl.lit(None, pl.Float64()).alias(column)


def _findings_with_docs(findings: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    """The findings table joined to each document's source and state, with span sizes.

    Adds ``chars`` (span length) and ``lines`` (non-empty lines of the original field the
    span touches; only computed for the text field, titles count one line).
    """
    if findings.width == 0:
        findings = schema.empty_findings_table()
    present = set(findings.columns)
    table = findings.select(
        [
            pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.FINDINGS_TABLE_SCHEMA.items()
        ]
    )
    # Ids should be unique; if an input repeats one, attribute findings to its first row.
    doc_info = docs.select(schema.ID, schema.SOURCE, "kept").unique(
        subset=schema.ID, keep="first", maintain_order=True
    )
    start = pl.col("start").fill_null(0).clip(lower_bound=0)
    end = pl.max_horizontal(pl.col("end").fill_null(0), start)
    joined = (
        table.with_row_index("_row")
        .join(doc_info, left_on="doc_id", right_on=schema.ID, how="left")
        .with_columns(
            start.alias("start"),
            end.alias("end"),
            (end - start).cast(pl.Int64).alias("chars"),
            pl.col(schema.SOURCE).fill_null(NO_SOURCE),
            pl.col("kept").fill_null(False),
        )
    )
    return (
        joined.join(_strip_lines(joined, docs), on="_row", how="left")
        .with_columns(pl.col("lines").fill_null(0))
        .sort("_row")
        .drop("_row")
    )


def _strip_lines(findings: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    """``_row, lines`` for strip findings: non-empty lines of the original text the span
    touches (a title strip counts one line). Only strips need the document text."""
    strips = findings.filter(pl.col("action") == "strip").select(
        "_row", "doc_id", "field", "start", "end"
    )
    texts = docs.select(schema.ID, schema.TEXT).unique(subset=schema.ID, keep="first")
    with_text = strips.join(texts, left_on="doc_id", right_on=schema.ID, how="left")
    span = pl.col(schema.TEXT).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    lines = (
        pl.when(pl.col("field") == "text")
        .then(
            span.str.split("\n")
            .list.eval(pl.element().filter(pl.element().str.strip_chars() != ""))
            .list.len()
        )
        .otherwise(pl.when(pl.col("end") > pl.col("start")).then(1).otherwise(0))
        .cast(pl.Int64)
    )
    return with_text.select("_row", lines.alias("lines"))


def _merged_span_chars(strips: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Characters covered by the union of spans, per group of ``keys``.

    Spans are sorted by start within ``keys``; each span only contributes the part past
    the furthest end seen so far, so overlaps count once.
    """
    if strips.height == 0:
        return pl.DataFrame(schema={**{k: strips.schema[k] for k in keys}, "chars": pl.Int64})
    ordered = strips.sort([*keys, "start", "end"])
    reach = pl.col("end").cum_max().shift(1).over(keys)
    effective_start = pl.max_horizontal(pl.col("start"), reach.fill_null(0))
    contribution = (pl.col("end") - effective_start).clip(lower_bound=0)
    return (
        ordered.with_columns(contribution.alias("chars"))
        .group_by(keys)
        .agg(pl.col("chars").sum().cast(pl.Int64))
    )


# --- the blocks -----------------------------------------------------------------------


def _run_block(run: Mapping[str, Any]) -> dict[str, Any]:
    block = {str(k): _jsonable(v) for k, v in run.items()}
    block.setdefault("corpuskit_version", corpuskit.__version__)
    block.setdefault("generated_at", _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat())
    block.setdefault("inputs", [])
    block.setdefault("parameters", {})
    return block


def _jsonable(value: Any) -> Any:
    """Turn paths, tuples, sets, dates and dataclass-like values into JSON values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(v) for v in items]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    return str(value)


def _total(frame: pl.DataFrame, column: str) -> int:
    return int(frame[column].sum()) if frame.height else 0


def _document_counts(docs: pl.DataFrame) -> dict[str, int]:
    rejected = docs.filter(~pl.col("kept"))
    duplicates = _total(rejected.filter(pl.col("reason") == DUPLICATE_REASON), "documents")
    total, n_rejected = _total(docs, "documents"), _total(rejected, "documents")
    return {
        "in": total,
        "kept": total - n_rejected,
        "rejected": n_rejected,
        "rejected_by_rule": n_rejected - duplicates,
        "rejected_as_duplicate": duplicates,
    }


def _rejected_by_reason(docs: pl.DataFrame) -> dict[str, int]:
    counts = (
        docs.filter(~pl.col("kept"))
        .group_by(pl.col("reason").fill_null("(unknown)"))
        .agg(pl.col("documents").sum().alias("len"))
        .sort(["len", "reason"], descending=[True, False])
    )
    return {row["reason"]: int(row["len"]) for row in counts.iter_rows(named=True)}


def _characters(docs: pl.DataFrame, stripped: Mapping[str, Any]) -> dict[str, int]:
    kept = docs.filter(pl.col("kept"))
    return {
        "in": _total(docs, "chars_before"),
        "rejected": _total(docs.filter(~pl.col("kept")), "chars_before"),
        "kept_before_strip": _total(kept, "chars_before"),
        "kept_after_strip": _total(kept, "chars_after"),
        "stripped": int(stripped.get("chars") or 0),
        "stripped_from_kept": int(stripped.get("chars_from_kept") or 0),
    }


def _stripped_by_rule(rules: pl.DataFrame) -> dict[str, dict[str, int]]:
    rows = rules.filter(pl.col("action") == "strip").sort(
        ["documents", "code"], descending=[True, False]
    )
    return {
        row["code"]: {
            "documents": int(row["documents"]),
            "findings": int(row["findings"]),
            "characters": int(row["chars"] or 0),
            "lines": int(row["lines"] or 0),
        }
        for row in rows.iter_rows(named=True)
    }


def _counts_by_rule(rules: pl.DataFrame, action: str) -> dict[str, dict[str, int]]:
    """Documents and findings of each rule with ``action``; for drops also ``rejected``:
    the rejected documents among them (a document two rules drop counts for both, and
    its ``reject_reason`` names only the first)."""
    keys = ["documents", "findings", "rejected"] if action == "drop" else ["documents", "findings"]
    rows = rules.filter(pl.col("action") == action).sort(
        ["documents", "code"], descending=[True, False]
    )
    return {row["code"]: {key: int(row[key]) for key in keys} for row in rows.iter_rows(named=True)}


def _duplicates(
    docs: pl.DataFrame,
    dup_kinds: pl.DataFrame,
    documents: tuple[pl.DataFrame | pl.LazyFrame | None, ...],
) -> dict[str, Any]:
    dropped = _total(
        docs.filter(~pl.col("kept") & (pl.col("reason") == DUPLICATE_REASON)), "documents"
    )
    by_kind = dup_kinds.sort(["documents", schema.DUP_KIND], descending=[True, False])
    tally = _ClusterTally.of(documents)
    # Largest first; among equal sizes the least similar first (more to look at).
    largest = tally.largest
    members = _members_of(largest[schema.CLUSTER_ID].to_list(), documents)
    return {
        "clusters": tally.clusters,
        "documents_in_clusters": tally.members,
        "dropped": dropped,
        "by_kind": {
            row[schema.DUP_KIND]: int(row["documents"]) for row in by_kind.iter_rows(named=True)
        },
        "cluster_sizes": {
            str(row["size"]): row["len"] for row in tally.histogram.iter_rows(named=True)
        },
        "largest": [
            _largest_entry(row, members.filter(pl.col(schema.CLUSTER_ID) == row[schema.CLUSTER_ID]))
            for row in largest.iter_rows(named=True)
        ],
    }


def _cluster_columns(
    documents: tuple[pl.DataFrame | pl.LazyFrame | None, ...], names: list[str]
) -> pl.LazyFrame | None:
    """``names`` of the clustered documents of ``documents`` (written frames, eager or
    lazy; those without a cluster column left out), stacked; None where there are none."""
    frames = []
    for frame in documents:
        if frame is None:
            continue
        frame = frame.lazy()
        present = frame.collect_schema().names()
        if schema.CLUSTER_ID not in present:
            continue
        frames.append(
            frame.select(
                (
                    pl.col(name).cast(_DOC_SCHEMA[name])
                    if name in present
                    else pl.lit(None, _DOC_SCHEMA[name]).alias(name)
                )
                for name in names
            ).filter(pl.col(schema.CLUSTER_ID).is_not_null())
        )
    return pl.concat(frames) if frames else None


# Clustered documents whose clusters are counted in one pass over the written columns;
# more are split into passes by a hash of the cluster id (the groups of one pass are
# held at once: 2.66 million clusters took 800 MB, a pass of a million members 150 MB).
CLUSTER_PASS_MEMBERS = 1_000_000


@dataclass
class _ClusterTally:
    """The clusters of the written documents: how many, their members, the number of
    clusters of each size (``histogram``: ``size``, ``len``) and the
    :data:`LARGEST_CLUSTERS` largest (``cluster_id``, ``size``, ``min_similarity``; see
    :func:`_largest`)."""

    clusters: int
    members: int
    histogram: pl.DataFrame
    largest: pl.DataFrame

    @classmethod
    def of(cls, documents: tuple[pl.DataFrame | pl.LazyFrame | None, ...]) -> _ClusterTally:
        """Counted in a stream over the written cluster columns, a pass per share of the
        clusters (by a hash of their ids, :data:`CLUSTER_PASS_MEMBERS`): a large run has
        millions of clusters, too many to carry from part to part or group at once."""
        sizes_schema = {
            schema.CLUSTER_ID: pl.String(),
            "size": pl.Int64(),
            "min_similarity": pl.Float64(),
        }
        stacked = _cluster_columns(documents, [schema.CLUSTER_ID, schema.SIMILARITY])
        if stacked is None:
            stacked = pl.LazyFrame(
                schema={schema.CLUSTER_ID: pl.String, schema.SIMILARITY: pl.Float64}
            )
        members = stacked.select(pl.len()).collect(engine="streaming").item()
        passes = max(1, -(-members // CLUSTER_PASS_MEMBERS))
        clusters, histograms, largest = 0, [], [pl.DataFrame(schema=sizes_schema)]
        for share in range(passes):
            rows = stacked
            if passes > 1:
                rows = stacked.filter(pl.col(schema.CLUSTER_ID).hash(0) % passes == share)
            sizes = (
                rows.group_by(schema.CLUSTER_ID)
                .agg(
                    pl.len().cast(pl.Int64).alias("size"),
                    pl.col(schema.SIMILARITY).min().alias("min_similarity"),
                )
                .collect(engine="streaming")
            )
            clusters += sizes.height
            histograms.append(sizes.group_by("size").agg(pl.len().cast(pl.Int64)))
            largest.append(_largest(sizes, LARGEST_CLUSTERS))
            del sizes
        histogram = pl.concat(histograms).group_by("size").agg(pl.col("len").sum()).sort("size")
        return cls(clusters, members, histogram, _largest(pl.concat(largest), LARGEST_CLUSTERS))


def _largest(sizes: pl.DataFrame, count: int) -> pl.DataFrame:
    """The ``count`` largest clusters of ``sizes``, largest first; among equal sizes the
    least similar first, then by cluster id (nulls last)."""
    if sizes.height == 0 or count <= 0:
        return sizes.head(0)
    # only the clusters as large as the count-th largest can be among them: sorting
    # millions of clusters for twenty is a copy of them all
    smallest = sizes["size"].top_k(count).min()
    order = ["size", "min_similarity", schema.CLUSTER_ID]
    return (
        sizes.filter(pl.col("size") >= smallest)
        .sort(order, descending=[True, False, False], nulls_last=True)
        .head(count)
    )


def _members_of(
    cluster_ids: list[str], documents: tuple[pl.DataFrame | pl.LazyFrame | None, ...]
) -> pl.DataFrame:
    """The id, kind, similarity and why of every member of ``cluster_ids``."""
    names = [schema.CLUSTER_ID, schema.ID, schema.DUP_KIND, schema.SIMILARITY, schema.DUP_WHY]
    stacked = _cluster_columns(documents, names)
    if stacked is None or not cluster_ids:
        return pl.DataFrame(schema={name: _DOC_SCHEMA[name] for name in names})
    return stacked.filter(pl.col(schema.CLUSTER_ID).is_in(cluster_ids)).collect()


def _largest_entry(row: dict[str, Any], members: pl.DataFrame) -> dict[str, Any]:
    """A cluster of the summary's largest: its size, its members' kinds, and why its
    least similar member (by similarity, then id) is a copy."""
    weakest = members.sort([schema.SIMILARITY, schema.ID], nulls_last=True).head(1)
    return {
        "cluster_id": row[schema.CLUSTER_ID],
        "size": int(row["size"]),
        "kinds": sorted(set(members[schema.DUP_KIND].drop_nulls().to_list())),
        "min_similarity": _round(row["min_similarity"]),
        "why": weakest[schema.DUP_WHY][0] if weakest.height else None,
    }


def _sources(
    docs: pl.DataFrame, strips: pl.DataFrame, rule_hits: pl.DataFrame
) -> dict[str, dict[str, Any]]:
    per_doc = docs.group_by(schema.SOURCE).agg(
        pl.col("documents").sum(),
        pl.col("documents").filter(pl.col("kept")).sum().alias("kept"),
        pl.col("documents").filter(~pl.col("kept")).sum().alias("rejected"),
        pl.col("documents").filter(pl.col("reason") == DUPLICATE_REASON).sum().alias("duplicates"),
        pl.col("chars_before").sum().alias("chars"),
    )
    rule_hits = rule_hits.sort(
        [schema.SOURCE, "documents", "code"], descending=[False, True, False]
    )
    top_rules: dict[str, list[dict[str, Any]]] = {}
    for row in rule_hits.iter_rows(named=True):
        ranked = top_rules.setdefault(row[schema.SOURCE], [])
        if len(ranked) < TOP_RULES_PER_SOURCE:
            ranked.append({"code": row["code"], "documents": int(row["documents"])})
    reasons = (
        docs.filter(~pl.col("kept"))
        .group_by(schema.SOURCE, pl.col("reason").fill_null("(unknown)"))
        .agg(pl.col("documents").sum().alias("len"))
        .sort([schema.SOURCE, "len", "reason"], descending=[False, True, False])
    )
    by_reason: dict[str, dict[str, int]] = {}
    for row in reasons.iter_rows(named=True):
        by_reason.setdefault(row[schema.SOURCE], {})[row["reason"]] = int(row["len"])

    rows = per_doc.join(strips, on=schema.SOURCE, how="left").sort(
        ["documents", schema.SOURCE], descending=[True, False]
    )
    result: dict[str, dict[str, Any]] = {}
    for row in rows.iter_rows(named=True):
        n = int(row["documents"])
        stripped_n = int(row["stripped_documents"] or 0)
        result[row[schema.SOURCE]] = {
            "documents": n,
            "kept": int(row["kept"]),
            "rejected": int(row["rejected"]),
            "rejected_by_reason": by_reason.get(row[schema.SOURCE], {}),
            "rejection_rate": _rate(row["rejected"], n),
            "strip_rate": _rate(stripped_n, n),
            "stripped_character_share": _rate(row["stripped_chars"] or 0, row["chars"]),
            "duplicate_rate": _rate(row["duplicates"], n),
            "top_rules": top_rules.get(row[schema.SOURCE], []),
        }
    return result


def _rate(part: int | float, whole: int | float) -> float:
    return round(float(part) / float(whole), 4) if whole else 0.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)
