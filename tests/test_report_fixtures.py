"""A small, realistic output of ``corpuskit clean`` for the report tests.

Built the way the pipeline builds it: documents with strip findings at real character
offsets (``text_clean`` is the text minus those spans), rule drops, a cluster of copies
with ``dup_of``/``similarity``, a headline-only match, a borderline near copy, Arabic,
Latin and mixed text, and hostile strings a scraper can bring in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit import schema

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'

ARTICLE = (
    "أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المنطقة الشرقية، "
    "بطاقة استيعابية تبلغ ألف سرير.\n"
    "وقال المتحدث الرسمي إن المشروعات تأتي ضمن خطة تطوير القطاع الصحي للعام المقبل.\n"
    "وأضاف أن التشغيل التجريبي سيبدأ خلال الأسابيع القليلة القادمة."
)
SELF_LINK = "\nرابط الخبر بصحيفة الوئام: افتتاح ثلاثة مستشفيات جديدة"
DATELINE = "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس\n"
END_MARKER = "\n// انتهى //\n20:26 ت م"
PROMO = "\nDownload the BBC app for the latest news."


def _doc(doc_id: str, source: str | None, title: str, parts: list[tuple[str, str | None]]):
    """A document whose text is ``parts`` joined; parts with a code are strip spans."""
    text, clean, findings, pos = "", "", [], 0
    for piece, code in parts:
        if code is None:
            clean += piece
        else:
            findings.append(
                schema.finding("text", code, "strip", pos, pos + len(piece), piece.strip()[:80])
            )
        text += piece
        pos += len(piece)
    return {
        schema.ID: doc_id,
        schema.TITLE: title,
        schema.TEXT: text,
        schema.SOURCE: source,
        schema.URL: f"https://example.org/{doc_id}",
        schema.DATE: "2015-08-01",
        schema.LANG: "en" if doc_id.startswith("en") else "ar",
        schema.TEXT_CLEAN: clean,
        schema.TITLE_CLEAN: title,
        "findings": findings,
    }


def sample_documents() -> list[dict[str, Any]]:
    """Every document of the sample run, before the clean/rejected split."""
    near_copy = ARTICLE.replace("ثلاثة مستشفيات", "3 مستشفيات").replace("اليوم", "أمس")
    borderline = ARTICLE.split("\n")[0] + "\nوفي سياق آخر، بحث المجلس البلدي ميزانية العام."
    docs = [
        _doc(
            "ar-1",
            "alweeam",
            "افتتاح ثلاثة مستشفيات جديدة",
            [(ARTICLE, None), (SELF_LINK, "BP101")],
        ),
        _doc("ar-2", "alriyadh", "الصحة تفتتح مستشفيات جديدة", [(near_copy, None)]),
        _doc("ar-3", "alriyadh", "افتتاح ثلاثة مستشفيات جديدة", [(ARTICLE, None)]),
        _doc(
            "ar-4",
            "was",
            "عام / افتتاح مستشفيات",
            [(DATELINE, "BP201"), (ARTICLE, None), (END_MARKER, "BP202")],
        ),
        _doc("ar-5", "was", "خبر قصير", [("تفاصيل لاحقا", None)]),
        _doc(
            "en-1",
            "bbc",
            f"Headline {HOSTILE_IMG}",
            [
                (f"A report on web safety. Scrapers keep {HOSTILE_SCRIPT} in pages.\n", None),
                (f"Attribute breakers such as {HOSTILE_IMG} too.", None),
                (PROMO, "BP301"),
            ],
        ),
        _doc(
            "mix-1",
            "okaz",
            "شركة Apple تطلق iPhone جديد",
            [("أطلقت شركة Apple اليوم هاتف iPhone الجديد في الرياض بسعر 4000 ريال.", None)],
        ),
        _doc(
            "mix-2",
            "aawsat",
            "شركة Apple تطلق iPhone جديد",
            [("كشفت Apple عن جهازها الجديد خلال مؤتمر في كاليفورنيا حضره مطورون.", None)],
        ),
        _doc("ar-6", "alyaum", "ميزانية المجلس البلدي", [(borderline, None)]),
        _doc(
            "ar-7",
            "alyaum",
            "المجلس البلدي يناقش الميزانية",
            [(ARTICLE.split("\n")[0] + "\nوناقش المجلس البلدي ميزانية العام المقبل.", None)],
        ),
        _doc("nosrc-1", None, "بلا مصدر", [(ARTICLE[:120], None)]),
    ]
    dedup = {
        "ar-1": ("c1", None, None, None, True),
        "ar-2": ("c1", "near", "ar-1", 0.91, False),
        "ar-3": ("c1", "exact", "ar-1", 1.0, False),
        "ar-7": ("c3", None, None, None, True),
        "ar-6": ("c3", "near", "ar-7", 0.52, False),
        "mix-1": ("c2", None, None, None, True),
        "mix-2": ("c2", "headline", "mix-1", 0.97, True),
    }
    for doc in docs:
        cluster, kind, of, sim, keep = dedup.get(doc[schema.ID], (None, None, None, None, True))
        doc.update(
            {
                schema.CLUSTER_ID: cluster,
                schema.DUP_KIND: kind,
                schema.DUP_OF: of,
                schema.SIMILARITY: sim,
                schema.KEEP: keep,
            }
        )
        if kind in ("near", "exact"):
            doc["findings"].append(
                schema.finding(
                    "text",
                    "DUP100" if kind == "exact" else "DUP200",
                    "drop",
                    0,
                    0,
                    f"copy of {of} (similarity {sim:.2f})",
                )
            )
        if kind == "headline":
            title = doc[schema.TITLE]
            doc["findings"].append(
                schema.finding("title", "DUP300", "flag", 0, len(title), f"same headline as {of}")
            )
    short = next(d for d in docs if d[schema.ID] == "ar-5")
    short["findings"].append(
        schema.finding("text", "Q001", "drop", 0, len(short[schema.TEXT]), "too short")
    )
    title_flag = next(d for d in docs if d[schema.ID] == "ar-4")
    title_flag["findings"].append(schema.finding("title", "BP210", "strip", 0, 6, "عام / "))
    title_flag[schema.TITLE_CLEAN] = title_flag[schema.TITLE][6:]
    return docs


def sample_run(
    docs: list[dict[str, Any]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """``(clean, rejected, findings, run)`` as ``corpuskit clean`` would write them, for
    ``docs`` (default: :func:`sample_documents`)."""
    docs = sample_documents() if docs is None else docs
    for doc in docs:
        drops = [f["code"] for f in doc["findings"] if f["action"] == "drop"]
        rule_drops = [c for c in drops if not c.startswith("DUP")]
        doc[schema.REJECT_REASON] = (
            rule_drops[0] if rule_drops else ("duplicate" if drops else None)
        )
    frame = pl.DataFrame(
        docs,
        schema={
            **schema.CANONICAL_SCHEMA,
            schema.TEXT_CLEAN: pl.String(),
            schema.TITLE_CLEAN: pl.String(),
            "findings": schema.FINDINGS_DTYPE,
            **schema.DEDUP_SCHEMA,
            schema.DUP_OF: pl.String(),
            schema.REJECT_REASON: pl.String(),
        },
    )
    findings = schema.findings_table(frame)
    frame = frame.drop("findings")
    clean = frame.filter(pl.col(schema.REJECT_REASON).is_null()).drop(
        schema.REJECT_REASON, schema.KEEP
    )
    rejected = frame.filter(pl.col(schema.REJECT_REASON).is_not_null()).drop(schema.KEEP)
    run = {
        "started_at": "2026-01-01T10:00:00+00:00",
        "inputs": [Path("seeds/ant_sample.jsonl")],
        "parameters": {"dedup": {"threshold": 0.5, "num_perm": 128}, "select": ("BP", "Q")},
    }
    return clean, rejected, findings, run


def write_sample_output(folder: Path, docs: list[dict[str, Any]] | None = None) -> Path:
    """Write the sample run (of ``docs``) as an output folder (parquet + summary.json)."""
    from corpuskit.report.summary import build_summary

    clean, rejected, findings, run = sample_run(docs)
    folder.mkdir(parents=True, exist_ok=True)
    clean.write_parquet(folder / "clean.parquet")
    rejected.write_parquet(folder / "rejected.parquet")
    findings.write_parquet(folder / "findings.parquet")
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    return folder


# A right-to-left override: everything after it on its line is shown reversed.
RLO = "\u202e"
# C0 and C1 controls and DEL, as broken extraction leaves them.
CONTROLS = "\x00\x01\x1b[31m\x7f\x85"


def hostile_documents() -> list[dict[str, Any]]:
    """The sample with bidi overrides and control characters in every kind of string:
    ids, titles, sources, text and excerpts (the near copy ar-2, similarity 0.91, is
    listed in its cluster's row right after its id and source)."""
    docs = sample_documents()
    by_id = {d[schema.ID]: d for d in docs}
    copy = by_id["ar-2"]
    copy[schema.ID] = f"ar-{RLO}2"
    copy[schema.SOURCE] = f"alriyadh{RLO}"
    kept = by_id["ar-1"]
    kept[schema.TITLE] = f"{CONTROLS}{kept[schema.TITLE]}{RLO}"
    kept[schema.SOURCE] = f"alweeam{CONTROLS}"
    kept[schema.URL] = f"https://example.org/{RLO}{CONTROLS}"
    start = len(kept[schema.TEXT])
    kept[schema.TEXT] += f"\n{CONTROLS}"
    kept[schema.TEXT_CLEAN] += "\n"
    kept["findings"].append(
        schema.finding("text", "IO201", "strip", start + 1, start + 1 + len(CONTROLS), CONTROLS)
    )
    return docs


def test_sample_strip_offsets_point_at_the_removed_text():
    docs = {d[schema.ID]: d for d in sample_documents()}
    for doc in docs.values():
        kept_text = doc[schema.TEXT]
        for f in sorted(
            (f for f in doc["findings"] if f["action"] == "strip" and f["field"] == "text"),
            key=lambda f: -f["start"],
        ):
            kept_text = kept_text[: f["start"]] + kept_text[f["end"] :]
        assert kept_text == doc[schema.TEXT_CLEAN]


def test_sample_splits_every_document_into_exactly_one_output():
    clean, rejected, _findings, _run = sample_run()
    ids = clean[schema.ID].to_list() + rejected[schema.ID].to_list()
    assert sorted(ids) == sorted(d[schema.ID] for d in sample_documents())
    assert set(clean[schema.ID]).isdisjoint(rejected[schema.ID])
