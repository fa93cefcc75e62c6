"""run_check / build_report: located findings, rule metadata, index matches, allow-lists."""

from __future__ import annotations

import polars as pl
import pytest
from test_check_support import RULES, sample_frame, sample_matches, validated

from corpuskit.check import CHECK_FINDINGS_SCHEMA, build_report, run_check
from corpuskit.check.suppress import allowed_codes, is_allowed
from corpuskit.errors import ConfigError, SchemaError


def test_findings_carry_location_rule_metadata_and_message():
    found = run_check(sample_frame(), codes=RULES)
    assert found.schema == pl.Schema(CHECK_FINDINGS_SCHEMA)
    first = found.row(0, named=True)
    assert (first["file"], first["line"], first["location"]) == ("feeds/new.jsonl", 1, "line")
    assert (first["doc_id"], first["code"], first["name"]) == ("n1", "Q101", "too-short-body")
    assert first["severity"] == "error"
    assert first["message"] == "the body is too short to be an article"
    assert first["excerpt"] == "قصير"
    parquet_rows = found.filter(pl.col("file") == "tables/in.parquet")
    assert parquet_rows["location"].to_list() == ["row"]
    assert parquet_rows["line"].to_list() == [7]


def test_findings_keep_input_order():
    found = run_check(sample_frame(), codes=RULES)
    assert found["doc_id"].to_list() == ["n1", "n3", "n3", "t1"]
    assert found["code"].to_list() == ["Q101", "BP101", "Q201", "Q201"]


def test_codes_that_are_not_rules_get_their_metadata_from_the_registry():
    frame = validated([{"id": "a", "findings": [("text", "IO001", "drop", None, None, "{oops")]}])
    row = run_check(frame, codes=RULES).row(0, named=True)
    assert (row["name"], row["severity"]) == ("malformed-json-record", "error")
    assert row["message"] == RULES["IO001"].message


def test_an_unknown_code_gets_metadata_from_its_action():
    frame = validated([{"id": "a", "findings": [("text", "ZZ001", "drop", None, None, "x")]}])
    row = run_check(frame, codes=RULES).row(0, named=True)
    assert (row["name"], row["severity"]) == ("unknown-code", "error")
    assert "would reject" in row["message"]


def test_severity_overrides_exact_code_beats_prefix():
    found = run_check(sample_frame(), codes=RULES, severity={"Q": "info", "Q101": "warning"})
    by_code = dict(zip(found["code"], found["severity"], strict=True))
    assert by_code["Q101"] == "warning"
    assert by_code["Q201"] == "info"
    assert by_code["BP101"] == "info"


def test_bad_severity_override_is_a_config_error():
    with pytest.raises(ConfigError, match="severity override for Q101"):
        run_check(sample_frame(), codes=RULES, severity={"Q101": "fatal"})


def test_index_match_becomes_idx001_with_best_match_and_similarity():
    found = run_check(sample_frame(), matches=sample_matches(), codes=RULES)
    dup = found.filter(pl.col("code") == "IDX001")
    assert dup.height == 1  # the best of two matches for n2; "ghost" is not an input
    row = dup.row(0, named=True)
    assert (row["doc_id"], row["match_id"], row["similarity"]) == ("n2", "SK-old-9", 0.93)
    assert row["name"] == "duplicates-indexed-document"
    assert row["severity"] == "error"
    assert row["message"] == (
        "this document copies SK-old-9 of the existing corpus (similarity 0.93); "
        "drop it or mark it as an update"
    )
    assert row["line"] == 2


def test_matches_without_needed_columns_are_refused():
    with pytest.raises(SchemaError, match="match_id"):
        run_check(sample_frame(), matches=pl.DataFrame({"id": ["n1"], "score": [1.0]}))


def test_ignore_removes_codes_by_prefix():
    found = run_check(sample_frame(), matches=sample_matches(), ignore=["IDX", "q2"])
    assert set(found["code"]) == {"Q101", "BP101"}


def test_allow_list_suppresses_but_keeps_and_counts():
    report = build_report(sample_frame(), codes=RULES, fail_on="warning")
    suppressed = report.findings.filter(pl.col("suppressed"))
    assert suppressed.select("doc_id", "code").rows() == [("n3", "Q201")]
    summary = report.summary()
    assert summary["suppressed"] == 1
    assert summary["suppressed_by_code"] == {"Q201": 1}
    # t1's Q201 warning is not allowed by anything, so it still fails at "warning"
    assert summary["failing"] == 2
    assert summary["findings"] == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["Q101", " idx001 "], ["Q101", "IDX001"]),
        ("Q101, BP", ["Q101", "BP"]),
        ("", []),
        (None, []),
    ],
)
def test_allow_list_accepts_lists_and_comma_strings(value, expected):
    frame = pl.DataFrame({"corpuskit_allow": [value]})
    assert allowed_codes(frame).to_list() == [expected]


def test_allow_entries_match_codes_prefixes_and_star():
    assert is_allowed("BP101", ["BP"])
    assert is_allowed("IDX001", ["*"])
    assert not is_allowed("Q101", ["Q102", "BP"])


@pytest.mark.parametrize(
    ("fail_on", "exit_code", "failing"),
    [("error", 1, 1), ("warning", 1, 2), ("info", 1, 3), ("never", 0, 0)],
)
def test_fail_on_levels_decide_the_exit_code(fail_on, exit_code, failing):
    report = build_report(sample_frame(), codes=RULES, fail_on=fail_on)
    assert report.exit_code == exit_code
    assert report.summary()["failing"] == failing


def test_clean_documents_pass():
    report = build_report(validated([{"id": "ok", "findings": []}]), codes=RULES)
    assert report.findings.height == 0
    assert report.exit_code == 0
    assert report.summary()["documents"] == 1


def test_unknown_fail_on_is_a_config_error():
    with pytest.raises(ConfigError, match="--fail-on"):
        build_report(sample_frame(), fail_on="critical")


def test_frame_without_origin_columns_is_located_by_position():
    frame = pl.DataFrame({"id": ["a", "b"]}).with_columns(
        pl.Series(
            "findings",
            [
                [],
                [
                    {
                        "field": "text",
                        "code": "Q101",
                        "action": "drop",
                        "start": 0,
                        "end": 1,
                        "excerpt": "x",
                    }
                ],
            ],
        )
    )
    row = run_check(frame, codes=RULES).row(0, named=True)
    assert (row["file"], row["line"], row["doc_id"]) == ("<input>", 2, "b")
