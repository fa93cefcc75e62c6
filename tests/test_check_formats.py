"""Output formats of ``corpuskit check``: SARIF and JUnit validated against their schemas."""

from __future__ import annotations

import json
from pathlib import Path

import click
import jsonschema
import polars as pl
import pytest
from test_check_support import RULES, sample_frame, sample_matches, validated

from corpuskit.check import build_report
from corpuskit.check.formats import FORMATS, github, human, junit, render, sarif
from corpuskit.errors import ConfigError

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"


@pytest.fixture
def report():
    return build_report(sample_frame(), matches=sample_matches(), codes=RULES, fail_on="warning")


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def junit_schema():
    etree = pytest.importorskip("lxml.etree", reason="lxml validates the JUnit XML schema")
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))


# --- SARIF -------------------------------------------------------------------------


def test_sarif_is_valid_against_the_2_1_0_schema(report, sarif_validator):
    log = json.loads(render(report, "sarif"))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_results_point_at_file_line_and_rule(report):
    log = json.loads(render(report, "sarif"))
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == report.findings.height
    dup = next(r for r in results if r["ruleId"] == "IDX001")
    assert rules[dup["ruleIndex"]]["id"] == "IDX001"
    assert rules[dup["ruleIndex"]]["name"] == "duplicates-indexed-document"
    assert dup["level"] == "error"
    location = dup["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "feeds/new.jsonl"
    assert location["region"]["startLine"] == 2
    assert dup["properties"]["matchId"] == "SK-old-9"
    assert "SK-old-9" in dup["message"]["text"]
    info = next(r for r in results if r["ruleId"] == "BP101")
    assert info["level"] == "note"
    suppressed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["properties"]["documentId"]) for r in suppressed] == [("Q201", "n3")]


def test_sarif_describes_codes_that_are_not_rules_from_the_registry(sarif_validator):
    frame = validated(
        [
            {"id": "a", "findings": [("text", "DUP200", "drop", None, None, "copy of b")]},
            {"id": "b", "findings": [("text", "IO102", "flag", None, None, "bytes")]},
        ]
    )
    log = json.loads(render(build_report(frame, codes=RULES), "sarif"))
    sarif_validator.validate(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for code in ("DUP200", "IO102"):
        info = RULES[code]
        assert rules[code]["name"] == info.name
        assert rules[code]["fullDescription"]["text"] == info.rationale
        assert rules[code]["help"]["text"] == info.message
        assert rules[code]["properties"]["category"] == info.category


def test_sarif_fingerprint_survives_a_line_shift():
    before = validated([{"id": "a", "line": 3, "findings": [("text", "Q101", "drop", 0, 2, "xy")]}])
    after = before.with_columns(pl.lit(40, pl.Int64).alias("origin_line"))
    prints = [
        json.loads(render(build_report(f, codes=RULES), "sarif"))["runs"][0]["results"][0][
            "partialFingerprints"
        ]
        for f in (before, after)
    ]
    assert prints[0] == prints[1]


def test_sarif_uri_is_relative_and_percent_encoded(tmp_path):
    inside = tmp_path / "new feeds" / "عربي.jsonl"
    assert sarif.artifact_uri(str(inside), base=tmp_path) == (
        "new%20feeds/%D8%B9%D8%B1%D8%A8%D9%8A.jsonl"
    )
    assert sarif.artifact_uri("/elsewhere/x.jsonl", base=tmp_path) == "file:///elsewhere/x.jsonl"


def test_sarif_with_no_findings_is_still_valid(sarif_validator):
    clean = build_report(validated([{"id": "ok", "findings": []}]), codes=RULES)
    log = json.loads(render(clean, "sarif"))
    assert log["runs"][0]["results"] == []
    assert not list(sarif_validator.iter_errors(log))


# --- JUnit -------------------------------------------------------------------------


def _parse_junit(text: str):
    etree = pytest.importorskip("lxml.etree")
    return etree.fromstring(text.encode("utf-8"))


def test_junit_is_valid_against_the_schema(report, junit_schema):
    document = _parse_junit(render(report, "junit"))
    assert junit_schema.validate(document), junit_schema.error_log


def test_junit_has_a_suite_per_file_and_a_case_per_document(report):
    root = _parse_junit(render(report, "junit"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["feeds/new.jsonl", "tables/in.parquet"]
    assert [int(s.get("tests")) for s in suites] == [3, 2]
    # fail-on warning: n1 (Q101 error), n2 (IDX001), t1 (Q201 warning); n3's Q201 is allowed
    assert [int(s.get("failures")) for s in suites] == [2, 1]
    assert root.get("tests") == "5" and root.get("failures") == "3"
    n3 = suites[0].find("testcase[@name='n3 (line 3)']")
    assert n3.find("failure") is None
    assert "suppressed" in n3.find("system-out").text
    n2 = suites[0].find("testcase[@name='n2 (line 2)']")
    assert n2.find("failure").get("type") == "IDX001"
    assert "SK-old-9" in n2.find("failure").get("message")


def test_junit_below_fail_on_is_not_a_failure():
    lenient = build_report(sample_frame(), codes=RULES, fail_on="never")
    root = _parse_junit(render(lenient, "junit"))
    assert root.get("failures") == "0"
    assert root.findall(".//failure") == []


def test_junit_survives_control_characters(junit_schema):
    nasty = validated(
        [{"id": "x\x01", "findings": [("text", "IO001", "drop", None, None, "{\x00bad\x1b")]}]
    )
    root = _parse_junit(render(build_report(nasty, codes=RULES), "junit"))
    assert junit_schema.validate(root), junit_schema.error_log
    assert "\ufffd" in root.find(".//failure").text


# --- GitHub annotations ------------------------------------------------------------


def test_github_annotations_one_line_per_active_finding(report):
    lines = render(report, "github").splitlines()
    assert len(lines) == report.active().height
    assert lines[0].startswith("::error file=feeds/new.jsonl,line=1,title=Q101 too-short-body::")
    parquet = [line for line in lines if "tables/in.parquet" in line]
    assert parquet == [
        "::warning file=tables/in.parquet,title=Q201 mostly-non-letters::"
        "doc t1 (row 7): check the extraction of this page%0A> ###"
    ]
    assert any(line.startswith("::notice ") for line in lines)


def test_github_escaping_cannot_break_or_inject_commands():
    row = {
        "file": "a,b:c%.jsonl",
        "line": 4,
        "location": "line",
        "code": "Q101",
        "name": "too-short-body",
        "severity": "error",
        "doc_id": "d",
        "message": "50% done\r\n::error::injected",
        "excerpt": "line one\nline two",
    }
    line = github.annotation(row)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error file=a%2Cb%3Ac%25.jsonl,line=4,title=Q101 too-short-body::")
    assert "50%25 done%0D%0A::error::injected" in line
    assert "line one line two" in line


# --- human and JSON ----------------------------------------------------------------


def test_human_groups_by_file_and_summarises(report):
    text = render(report, "human")
    assert "\x1b[" not in text  # no colour unless a style is passed
    new_at, table_at = text.index("feeds/new.jsonl\n"), text.index("tables/in.parquet\n")
    assert new_at < text.index("Q101") < table_at
    assert "line 2" in text and "IDX001 duplicates-indexed-document" in text
    assert "row 7" in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("Checked 5 documents in 2 files: 2 errors, 1 warning, 1 info")
    assert "1 suppressed by allow-lists (Q201 1)" in last
    assert "FAILED: 3 findings at or above warning" in last


def test_human_hides_suppressed_unless_asked(report):
    assert "allow-list)" not in human.render(report)
    assert "(suppressed by the document's allow-list)" in human.render(report, show_suppressed=True)


def test_human_colours_through_the_given_style(report):
    coloured = human.render(report, style=click.style)
    assert "\x1b[31m" in coloured  # red for errors
    assert click.unstyle(coloured) == human.render(report)


def test_json_output_round_trips(report):
    data = json.loads(render(report, "json"))
    assert data["summary"] == report.summary()
    assert len(data["findings"]) == report.findings.height
    dup = next(f for f in data["findings"] if f["code"] == "IDX001")
    assert (dup["match_id"], dup["similarity"], dup["file"], dup["line"]) == (
        "SK-old-9",
        0.93,
        "feeds/new.jsonl",
        2,
    )
    assert data["rules"]["Q101"]["name"] == "too-short-body"


def test_every_format_renders_an_empty_report():
    clean = build_report(validated([{"id": "ok", "findings": []}]), codes=RULES)
    for name in FORMATS:
        assert isinstance(render(clean, name), str)


def test_unknown_format_is_a_config_error(report):
    with pytest.raises(ConfigError, match="unknown output format"):
        render(report, "yaml")


def test_junit_module_sanitises_xml():
    assert junit.xml_safe("a\x00b\x1fc\td") == "a\ufffdb\ufffdc\td"


def test_human_folds_repeats_of_one_code_on_one_document():
    repeated = validated(
        [
            {
                "id": "r",
                "findings": [("text", "Q201", "flag", i, i + 1, f"<tag{i}>") for i in range(5)]
                + [("text", "Q101", "drop", 0, 1, "x")],
            }
        ]
    )
    text = human.render(build_report(repeated, codes=RULES))
    assert text.count("Q201 mostly-non-letters") == 1
    assert "(5 times)" in text
    assert "<tag0>" in text and "<tag2>" in text and "<tag3>" not in text
    assert "… and 2 more" in text
    assert text.count("Q101 too-short-body") == 1
