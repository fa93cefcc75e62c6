"""Render ``report.html``: one self-contained, escaped, right-to-left aware HTML file.

Safety: corpus text is hostile input. The template engine escapes every value
(autoescape on; only our own SVG charts are marked safe, and they escape their labels),
and a Content-Security-Policy meta tag forbids every network fetch and every script or
style except the report's own, pinned by their SHA-256 hashes. An escaping bug would
still not run an injected script. Every value also passes through
:func:`corpuskit.display.visible_controls` on its way into the page, so the file holds
no raw control character (a NUL shows as ␀), and the template wraps each corpus string
(ids, titles, sources, excerpts, file names) in ``<bdi>`` or an element with ``dir``, so
a bidi override inside one cannot reorder the text around it.

The report works without JavaScript; the small script only adds a filter box.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import markupsafe
import polars as pl

from corpuskit import schema
from corpuskit.codes import CodeRegistry, code_registry
from corpuskit.display import visible_controls
from corpuskit.report import sections
from corpuskit.report.bodies import body_measures
from corpuskit.report.charts import bar_chart_svg, histogram_svg
from corpuskit.report.sections import ReportLimits, lazy

TEMPLATE = "report.html.j2"


def render_report(
    *,
    clean: pl.DataFrame | pl.LazyFrame,
    rejected: pl.DataFrame | pl.LazyFrame,
    findings: pl.DataFrame | pl.LazyFrame,
    summary: dict[str, Any],
    ruleset: Any = None,
    limits: ReportLimits | None = None,
    bodies: pl.LazyFrame | None = None,
) -> str:
    """The HTML report of a run (frames as written to the output folder, eager or lazy).

    ``summary`` is :func:`~corpuskit.report.build_summary`'s result; ``ruleset`` (a
    :class:`corpuskit.rules.RuleSet`, or a :class:`corpuskit.codes.CodeRegistry`) names
    the rules; every other code (IO, DUP, IDX) is named by the registry of codes.
    ``bodies``: the body measures a run took as it wrote its parts
    (:func:`corpuskit.report.bodies.body_measures`), read instead of the bodies.
    """
    limits = limits or ReportLimits()
    codes = ruleset if isinstance(ruleset, CodeRegistry) else code_registry(ruleset)
    findings_lazy = _findings(findings)
    docs = sections.all_documents(clean, rejected)
    sample_ids = sections.sample_document_ids(clean, findings_lazy, limits)
    doc_anchors = {doc_id: sections.anchor("doc", doc_id) for doc_id in sample_ids}
    documents = sections.sample_documents(sample_ids, docs, findings_lazy, limits)
    rules = sections.rule_rows(summary, codes)
    examples = sections.rule_examples(
        findings_lazy, docs, [r["code"] for r in rules], limits, doc_anchors
    )
    largest, borderline = sections.duplicate_pairs(docs, summary, limits)
    clusters = _clusters(docs, summary, largest, limits)
    css, script = _asset("report.css"), _asset("report.js")
    context = {
        "summary": summary,
        "run": summary.get("run", {}),
        "parameters_json": json.dumps(
            summary.get("run", {}).get("parameters", {}), ensure_ascii=False, indent=2
        ),
        "rules": rules,
        "rule_anchors": {r["code"]: r["anchor"] for r in rules},
        "reasons": _reason_rows(summary, codes),
        "code_names": codes.names(),
        "examples": examples,
        "sources": _source_rows(summary, limits),
        "charts": _charts(clean, rejected, docs, bodies, findings_lazy, summary, codes),
        "clusters": clusters,
        "largest_pairs": largest,
        "borderline_pairs": borderline,
        "threshold": sections.dedup_threshold(summary),
        "documents": documents,
        "limits": limits,
        "css": css,
        "script": script,
        "csp": _content_security_policy(css, script),
    }
    return _environment().get_template(TEMPLATE).render(**context)


def _findings(findings: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    frame = lazy(findings)
    names = set(frame.collect_schema().names())
    return frame.select(
        [
            pl.col(c).cast(t) if c in names else pl.lit(None, t).alias(c)
            for c, t in schema.FINDINGS_TABLE_SCHEMA.items()
        ]
    )


def _content_security_policy(css: str, script: str) -> str:
    """No network at all; only this report's own style and script (pinned by hash)."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src '{_sha256(css)}'",
            f"script-src '{_sha256(script)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _asset(name: str) -> str:
    return resources.files("corpuskit").joinpath("templates", name).read_text(encoding="utf-8")


def _visible(value: Any) -> Any:
    """Every value printed into the page, with control characters made visible."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(visible_controls(str(value)))
    if isinstance(value, str):
        return visible_controls(value)
    return value


def _bdi(value: Any) -> markupsafe.Markup:
    """A corpus string isolated for bidi: ``<bdi>`` escapes ``value`` and keeps a
    right-to-left override inside it from reordering the text around it."""
    return markupsafe.Markup("<bdi>{}</bdi>").format(_visible("" if value is None else value))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("corpuskit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_visible,
    )
    env.filters["bdi"] = _bdi
    # a mapping as JSON that a reader can read: corpus strings as they are, not \u escapes
    env.filters["json"] = lambda v: _bdi(json.dumps(v, ensure_ascii=False))
    env.filters["pct"] = lambda v: f"{100 * (v or 0):.1f}%"
    env.filters["num"] = lambda v: f"{v or 0:,}"
    env.filters["sim"] = lambda v: "—" if v is None else f"{v:.2f}"
    return env


def _named(code: str, codes: CodeRegistry) -> str:
    """``"Q001 empty-text"``: a code with its name (a reason without a code as it is)."""
    info = codes.get(code)
    return f"{code} {info.name}" if info is not None and info.name else code


def _reason_rows(summary: dict[str, Any], codes: CodeRegistry) -> list[dict[str, Any]]:
    """Rejected documents by reason, each named; ``duplicate`` broken down by its codes."""
    docs_in = summary.get("documents", {}).get("in", 0)
    dropped = summary.get("dropped_by_rule", {})
    rows = []
    for reason, n in summary.get("rejected_by_reason", {}).items():
        info = codes.get(reason)
        parts = []
        if reason == "duplicate":
            parts = [
                {"code": code, "name": codes.describe(code).name, "documents": counts["rejected"]}
                for code, counts in dropped.items()
                if code.startswith("DUP") and counts.get("rejected")
            ]
        rows.append(
            {
                "reason": reason,
                "name": info.name if info is not None else None,
                "documents": n,
                "share": n / docs_in if docs_in else 0,
                "parts": parts,
            }
        )
    return rows


def _source_rows(summary: dict[str, Any], limits: ReportLimits) -> dict[str, Any]:
    """Per-source rows, with rates far above the corpus-wide rate marked for attention."""
    sources = summary.get("sources", {})
    docs = summary.get("documents", {})
    total = docs.get("in", 0) or 1
    overall = {
        "rejection_rate": docs.get("rejected", 0) / total,
        "duplicate_rate": docs.get("rejected_as_duplicate", 0) / total,
        "strip_rate": sum(s["strip_rate"] * s["documents"] for s in sources.values()) / total,
    }
    rows = []
    for name, s in list(sources.items())[: limits.max_sources]:
        alerts = {
            key
            for key, base in overall.items()
            if s["documents"] >= 5 and s[key] >= max(2 * base, base + 0.1)
        }
        rows.append({"name": name, **s, "alerts": alerts})
    return {"rows": rows, "overall": overall, "hidden": max(len(sources) - limits.max_sources, 0)}


def _charts(
    clean: Any,
    rejected: Any,
    docs: pl.LazyFrame,
    bodies: pl.LazyFrame | None,
    findings: pl.LazyFrame,
    summary: dict[str, Any],
    codes: CodeRegistry,
) -> list[dict[str, Any]]:
    """Every chart of the report as ``{"id", "caption", "svg"}`` (``bodies``: the body
    measures of the run, :mod:`corpuskit.report.bodies`; None to measure the bodies)."""
    clean_lazy = lazy(clean)
    # The charts are counted from the body measures the run took as it wrote each part,
    # streamed (never ten million rows at once). A report drawn from an output folder
    # measures the bodies once, streamed (a batch of bodies at a time: the bodies of
    # millions of documents are tens of gigabytes), and keeps the measures; letters are
    # most characters, so counting the others is the cheaper way to the letter share.
    if bodies is None:
        bodies = body_measures(clean, rejected).collect(engine="streaming").lazy()
    kept = bodies.filter(pl.col("kept")).select("before", "after", "others")
    before = bodies.select("before")
    after = kept.select("after")
    charts = [
        {
            "id": "chart-lengths",
            "caption": "Body length in characters (log scale): every input document before "
            "cleaning, kept documents after.",
            "svg": histogram_svg(
                {"before": before, "after (kept)": after},
                title="Body length",
                x_label="characters",
                log=True,
                bins=24,
            ),
        }
    ]
    strip_share = kept.select((1 - pl.col("after") / pl.col("before")).alias("share")).filter(
        pl.col("share") > 0
    )
    charts.append(
        {
            "id": "chart-strip-share",
            "caption": "Share of the body removed, for kept documents that had something "
            "stripped. A bump near 1.0 means a rule is eating whole articles.",
            "svg": histogram_svg(
                {"documents": strip_share},
                title="Share of body stripped",
                x_label="fraction removed",
                bins=20,
                domain=(0.0, 1.0),
            ),
        }
    )
    letters = kept.filter(pl.col("after") > 0).select(
        (1 - pl.col("others") / pl.col("after")).alias("share")
    )
    charts.append(
        {
            "id": "chart-letter-share",
            "caption": "Share of letters in each kept document's cleaned body (a classic "
            "quality signal: tables, code, navigation residue and mojibake score low).",
            "svg": histogram_svg(
                {"documents": letters},
                title="Letter share",
                x_label="letters / characters",
                bins=20,
                domain=(0.0, 1.0),
            ),
        }
    )
    for name, dtype in lazy(clean).collect_schema().items():
        if name.endswith("score") and dtype.is_numeric():
            values = clean_lazy.select(pl.col(name))
            charts.append(
                {
                    "id": f"chart-{sections.anchor('score', name)}",
                    "caption": f"Distribution of {name} over kept documents.",
                    "svg": histogram_svg({name: values}, title=name, x_label=name, bins=20),
                }
            )
    similarity = docs.filter(pl.col(schema.DUP_OF).is_not_null()).select(schema.SIMILARITY)
    charts.append(
        {
            "id": "chart-similarity",
            "caption": "Similarity of each copy to the document it duplicates.",
            "svg": histogram_svg(
                {"copies": similarity},
                title="Duplicate similarity",
                x_label="similarity",
                bins=20,
                domain=(0.0, 1.0),
            ),
        }
    )
    sizes = summary.get("duplicates", {}).get("cluster_sizes", {})
    charts.append(
        {
            "id": "chart-cluster-sizes",
            "caption": "Number of duplicate clusters by size (documents per cluster).",
            "svg": bar_chart_svg(
                {f"{size} documents": n for size, n in sizes.items()},
                title="Cluster sizes",
                keep_order=True,
            ),
        }
    )
    charts.append(
        {
            "id": "chart-reasons",
            "caption": "Rejected documents by reason (the rule's code and name).",
            "svg": bar_chart_svg(
                {
                    _named(reason, codes): n
                    for reason, n in summary.get("rejected_by_reason", {}).items()
                },
                title="Rejected by reason",
            ),
        }
    )
    rates = {name: s["rejection_rate"] for name, s in summary.get("sources", {}).items()}
    charts.append(
        {
            "id": "chart-source-rejection",
            "caption": "Rejection rate by source: an outlet far above the others usually "
            "has a scraper problem or needs a rule exception.",
            "svg": bar_chart_svg(
                rates, title="Rejection rate by source", value_format="{:.1%}", max_bars=20
            ),
        }
    )
    return charts


def _clusters(
    docs: pl.LazyFrame,
    summary: dict[str, Any],
    largest: list[sections.Pair],
    limits: ReportLimits,
) -> list[dict[str, Any]]:
    """The largest clusters with their members, linking to their side-by-side pair."""
    pair_by_cluster = {p.cluster_id: p.anchor for p in largest}
    top = summary.get("duplicates", {}).get("largest", [])[: limits.largest_clusters]
    members = sections.cluster_members(docs, [c["cluster_id"] for c in top], limits)
    return [
        {
            **c,
            "anchor": sections.anchor("cluster", c["cluster_id"]),
            "pair_anchor": pair_by_cluster.get(c["cluster_id"]),
            "members": members.get(c["cluster_id"], []),
        }
        for c in top
    ]
