"""build_summary: the numbers of a run, queried from the clean/rejected/findings tables."""

from __future__ import annotations

import json

import jsonschema
import polars as pl
import pytest
from test_report_fixtures import sample_documents, sample_run

from corpuskit import schema
from corpuskit.report.summary import NO_SOURCE, build_summary
from corpuskit.report.summary_schema import SUMMARY_JSON_SCHEMA


@pytest.fixture(scope="module")
def summary() -> dict:
    clean, rejected, findings, run = sample_run()
    return build_summary(clean=clean, rejected=rejected, findings=findings, run=run)


def _findings(rows: list[tuple[str, str, str, int, int]]) -> pl.DataFrame:
    keys = ("doc_id", "code", "action", "start", "end")
    return pl.DataFrame(
        [{**dict(zip(keys, row, strict=True)), "field": "text", "excerpt": ""} for row in rows],
        schema=schema.FINDINGS_TABLE_SCHEMA,
    )


def _docs(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"id": [r[0] for r in rows], "source": [r[1] for r in rows], "text": [r[2] for r in rows]}
    )


def test_summary_is_valid_json_matching_its_schema(summary):
    jsonschema.validate(json.loads(json.dumps(summary)), SUMMARY_JSON_SCHEMA)


def test_every_document_is_counted_once(summary):
    docs = summary["documents"]
    assert docs["in"] == len(sample_documents())
    assert docs["kept"] + docs["rejected"] == docs["in"]
    assert sum(summary["rejected_by_reason"].values()) == docs["rejected"]
    assert docs["rejected_as_duplicate"] == summary["rejected_by_reason"]["duplicate"]
    assert sum(s["documents"] for s in summary["sources"].values()) == docs["in"]


def test_characters_after_strip_match_the_clean_text(summary):
    clean, _rejected, _findings, _run = sample_run()
    chars = summary["characters"]
    assert chars["kept_after_strip"] == sum(len(t) for t in clean["text_clean"])
    assert chars["kept_before_strip"] - chars["kept_after_strip"] == chars["stripped_from_kept"]


def test_strip_counts_by_rule_come_from_the_span_offsets(summary):
    by_rule = summary["stripped_by_rule"]
    doc = next(d for d in sample_documents() if d["id"] == "ar-4")
    end_marker = next(f for f in doc["findings"] if f["code"] == "BP202")
    assert by_rule["BP202"]["characters"] == end_marker["end"] - end_marker["start"]
    # "\n// انتهى //\n20:26 ت م" touches two non-empty lines.
    assert by_rule["BP202"]["lines"] == 2
    assert by_rule["BP210"] == {"documents": 1, "findings": 1, "characters": 6, "lines": 1}


def test_overlapping_strips_count_each_character_once():
    clean = _docs([("a", "s1", "0123456789")]).with_columns(pl.lit("89").alias("text_clean"))
    findings = _findings([("a", "R1", "strip", 0, 5), ("a", "R2", "strip", 3, 8)])
    result = build_summary(clean=clean, rejected=clean.clear(), findings=findings, run={})
    assert result["characters"]["stripped"] == 8
    assert result["stripped_by_rule"]["R1"]["characters"] == 5
    assert result["stripped_by_rule"]["R2"]["characters"] == 5


def test_rejections_and_flags_by_rule(summary):
    assert summary["rejected_by_reason"] == {"duplicate": 3, "Q001": 1}
    assert summary["flagged_by_rule"] == {"DUP300": {"documents": 1, "findings": 1}}
    assert summary["dropped_by_rule"]["DUP200"]["documents"] == 2


def test_dropped_by_rule_counts_the_rejected_documents_of_every_drop_code(summary):
    dropped = summary["dropped_by_rule"]
    assert dropped["DUP200"]["rejected"] == 2 and dropped["DUP100"]["rejected"] == 1
    assert dropped["Q001"]["rejected"] == 1
    # a document two rules drop is rejected under the first, and counts for both
    docs = _docs([("a", "s", ""), ("b", "s", "نص")])
    rejected = docs.with_columns(pl.lit("Q001").alias("reject_reason"))
    findings = _findings(
        [("a", "Q001", "drop", 0, 0), ("a", "Q002", "drop", 0, 0), ("b", "Q002", "drop", 0, 2)]
    )
    result = build_summary(clean=docs.clear(), rejected=rejected, findings=findings, run={})
    assert result["rejected_by_reason"] == {"Q001": 2}
    assert result["dropped_by_rule"]["Q002"] == {"documents": 2, "findings": 2, "rejected": 2}


def test_duplicate_clusters(summary):
    dup = summary["duplicates"]
    assert dup["clusters"] == 3
    assert dup["documents_in_clusters"] == 7
    assert dup["dropped"] == 3
    assert dup["by_kind"] == {"near": 2, "exact": 1, "headline": 1}
    assert dup["cluster_sizes"] == {"2": 2, "3": 1}
    assert dup["largest"][0]["cluster_id"] == "c1"
    assert dup["largest"][0]["size"] == 3


def test_per_source_rates(summary):
    sources = summary["sources"]
    assert sources["alriyadh"]["rejection_rate"] == 1.0
    assert sources["alriyadh"]["duplicate_rate"] == 1.0
    assert sources["was"]["rejected_by_reason"] == {"Q001": 1}
    assert sources["was"]["strip_rate"] == 0.5
    assert sources["alweeam"]["top_rules"] == [{"code": "BP101", "documents": 1}]
    assert sources[NO_SOURCE]["documents"] == 1


def test_top_rules_are_ranked_by_documents_and_capped():
    rows = [(f"d{i}", "s", "x" * 20) for i in range(8)]
    hits = [(f"d{i}", f"R{j}", "flag", 0, 1) for j in range(7) for i in range(j + 1)]
    result = build_summary(
        clean=_docs(rows), rejected=_docs([]).clear(), findings=_findings(hits), run={}
    )
    top = result["sources"]["s"]["top_rules"]
    assert [r["code"] for r in top] == ["R6", "R5", "R4", "R3", "R2"]
    assert top[0]["documents"] == 7


def test_run_block_is_json_and_keeps_given_fields(summary):
    run = summary["run"]
    assert run["inputs"] == ["seeds/ant_sample.jsonl"]
    assert run["parameters"]["select"] == ["BP", "Q"]
    assert run["started_at"] == "2026-01-01T10:00:00+00:00"
    assert run["corpuskit_version"]


def test_empty_run_gives_zeros():
    empty = _docs([]).clear()
    result = build_summary(
        clean=empty, rejected=empty, findings=schema.empty_findings_table(), run={}
    )
    jsonschema.validate(result, SUMMARY_JSON_SCHEMA)
    assert result["documents"]["in"] == 0
    assert result["sources"] == {}
    assert result["duplicates"]["clusters"] == 0


def test_rejected_without_reason_column_infers_duplicates_and_drops():
    rejected = _docs([("a", "s", "x"), ("b", "s", "y")]).with_columns(
        pl.Series("dup_of", ["z", None]), pl.Series("drop_reason", [None, "Q001"])
    )
    result = build_summary(
        clean=_docs([]).clear(),
        rejected=rejected,
        findings=schema.empty_findings_table(),
        run={},
    )
    assert result["rejected_by_reason"] == {"Q001": 1, "duplicate": 1}


def test_largest_clusters_put_the_least_similar_first_among_equal_sizes():
    ids = ["a", "b", "c", "d", "e", "f"]
    clean = _docs([(i, "s", "text") for i in ids]).with_columns(
        pl.Series("cluster_id", ["x", "x", "y", "y", "z", "z"]),
        pl.Series("similarity", [None, 1.0, None, 0.6, None, 0.8]),
    )
    result = build_summary(
        clean=clean, rejected=clean.clear(), findings=schema.empty_findings_table(), run={}
    )
    assert [c["cluster_id"] for c in result["duplicates"]["largest"]] == ["y", "z", "x"]


def test_a_run_summarised_part_by_part_equals_the_whole():
    """Parts of a run (documents with their own findings) add up to the same summary."""
    from corpuskit.report.summary import finish_summary, merge_summary_parts, summary_parts

    clean, rejected, findings, run = sample_run()
    whole = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    ids = sorted([*clean["id"], *rejected["id"]])
    groups = [ids[0::3], ids[1::3], ids[2::3], []]
    parts = []
    for group in groups:
        parts.append(
            summary_parts(
                clean=clean.filter(pl.col("id").is_in(group)),
                rejected=rejected.filter(pl.col("id").is_in(group)),
                findings=findings.filter(pl.col("doc_id").is_in(group)),
            )
        )
    merged = finish_summary(merge_summary_parts(parts), run, clean=clean, rejected=rejected)
    for block in ("run",):
        merged.pop(block), whole.pop(block)
    assert merged == whole
    assert merged["duplicates"]["clusters"] > 0, "the sample run has clusters to merge"


def test_a_large_cluster_names_why_its_least_similar_member_is_a_copy():
    """The summary's largest clusters carry the why of their least similar member,
    read from the documents for those members only (the run's tables refer to it)."""
    clean, rejected, findings, run = sample_run()
    clean, rejected = (
        f.with_columns(dup_why=pl.when(pl.col("dup_of").is_not_null()).then("why " + pl.col("id")))
        for f in (clean, rejected)
    )
    result = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    members = pl.concat(
        [f.select("id", "cluster_id", "similarity", "dup_why") for f in (clean, rejected)]
    ).filter(pl.col("cluster_id").is_not_null())
    largest = result["duplicates"]["largest"]
    assert largest
    for cluster in largest:
        weakest = (
            members.filter(pl.col("cluster_id") == cluster["cluster_id"])
            .sort("similarity", "id", nulls_last=True)
            .row(0, named=True)
        )
        assert cluster["why"] == weakest["dup_why"]
    assert any(c["why"] for c in largest), "the sample run explains its copies"


@pytest.mark.parametrize("pass_members", [1_000_000, 97, 7])
def test_clusters_are_counted_from_the_written_datasets_as_a_full_sort_ranks_them(
    tmp_path, monkeypatch, pass_members
):
    """The clusters are counted by a streamed aggregate over the written documents
    (several part files, scanned lazily), in one pass or in several by a hash of the
    cluster id; the largest are those a sort of every cluster by size, then least
    similarity, then id gives, ties at the cut included."""
    import random

    import corpuskit.report.summary as summary_module
    from corpuskit.report.summary import LARGEST_CLUSTERS, _duplicates

    monkeypatch.setattr(summary_module, "CLUSTER_PASS_MEMBERS", pass_members)

    rng = random.Random(5)
    rows = []
    for cluster in range(300):
        size = rng.choice([1, 2, 2, 3, 3, 3, 5, 8])  # many ties at the twentieth place
        for member in range(size):
            rows.append(
                {
                    "id": f"d{cluster:03d}-{member}",
                    "cluster_id": f"c{cluster:03d}",
                    "similarity": None if member == 0 else rng.choice([0.5, 0.75, 0.9]),
                    "dup_kind": None if member == 0 else rng.choice(["exact", "near"]),
                    "dup_why": None if member == 0 else f"why {cluster}-{member}",
                }
            )
    rows += [{"id": f"single{i}", "cluster_id": None} for i in range(50)]
    frame = pl.DataFrame(rows, schema_overrides={"similarity": pl.Float64}).sample(
        fraction=1.0, shuffle=True, seed=3
    )
    for i, part in enumerate(frame.iter_slices(97)):
        part.write_parquet(tmp_path / f"part-{i:03d}.parquet")
    written = pl.scan_parquet(tmp_path / "*.parquet")
    kinds = pl.DataFrame(schema={"dup_kind": pl.String, "documents": pl.Int64})
    docs = pl.DataFrame(schema={"kept": pl.Boolean, "reason": pl.String, "documents": pl.Int64})
    result = _duplicates(docs, kinds, (written, None))

    members = frame.filter(pl.col("cluster_id").is_not_null())
    expected = (
        members.group_by("cluster_id")
        .agg(size=pl.len(), min_similarity=pl.col("similarity").min())
        .sort(["size", "min_similarity", "cluster_id"], descending=[True, False, False])
        .head(LARGEST_CLUSTERS)
    )
    assert [c["cluster_id"] for c in result["largest"]] == expected["cluster_id"].to_list()
    assert result["clusters"] == 300
    assert result["documents_in_clusters"] == members.height
    histogram = members.group_by("cluster_id").len().group_by("len").len(name="n")
    assert result["cluster_sizes"] == {
        str(r["len"]): r["n"] for r in histogram.iter_rows(named=True)
    }
    for cluster in result["largest"]:
        own = members.filter(pl.col("cluster_id") == cluster["cluster_id"])
        assert cluster["kinds"] == sorted(set(own["dup_kind"].drop_nulls()))
        weakest = own.sort("similarity", "id", nulls_last=True).row(0, named=True)
        assert cluster["why"] == weakest["dup_why"]
