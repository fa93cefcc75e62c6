"""``corpuskit rules list / explain / test``."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from corpuskit.cli.rules import explain_text, rules
from corpuskit.codes import load_code_registry
from corpuskit.dedup.codes import DUP_CODES
from corpuskit.io.codes import IO_CODES
from tests._rule_files import ADVERT_RULE


def invoke(*args: str):
    return CliRunner().invoke(rules, list(args))


def test_list_filters_by_category_and_language():
    result = invoke("list", "--category", "quality")
    assert result.exit_code == 0
    header, *lines = result.output.strip().splitlines()
    assert header.split()[:2] == ["CODE", "CATEGORY"]
    assert lines and all(line.split()[1] == "quality" for line in lines)
    english = invoke("list", "--lang", "en").output
    assert "BP101" not in english and "BP120" in english


def test_list_prints_a_header_naming_exactly_the_columns_its_help_names():
    output = invoke("list").output.splitlines()
    header = [column.lower() for column in output[0].split()]
    help_text = " ".join(invoke("list", "--help").output.split())
    named = re.search(r"under a header: ([a-z, ]+)\.", help_text)
    assert named, help_text
    assert named.group(1).split(", ") == header
    # every row has a value in every column
    assert all(len(line.split()) == len(header) for line in output[1:])


def test_list_shows_every_code_that_is_not_a_rule():
    codes = {line.split()[0] for line in invoke("list").output.splitlines()[1:]}
    assert {c.code for c in IO_CODES} | {c.code for c in DUP_CODES} <= codes
    assert {"IDX001", "DUP200", "BP101", "Q001"} <= codes


@pytest.mark.parametrize(
    ("option", "value", "valid"),
    [
        ("--category", "qualty", ["boilerplate", "duplicate", "input", "quality"]),
        ("--lang", "fr", ["any", "ar", "en"]),
    ],
)
def test_list_refuses_an_unknown_category_or_language_and_lists_the_valid_ones(
    option, value, valid
):
    result = invoke("list", option, value)
    assert result.exit_code == 2
    assert f"{option} {value!r}" in result.output
    listed = result.output.split("valid values: ")[1].strip().split(", ")
    assert set(valid) <= set(listed)


def test_an_unknown_category_suggests_the_closest():
    assert "did you mean quality?" in invoke("list", "--category", "qualty").output


def test_explain_prints_rationale_and_examples():
    result = invoke("explain", "bp101")
    assert result.exit_code == 0
    assert "related-links-header" in result.output
    assert "Why:" in result.output and "must not match" in result.output


@pytest.mark.parametrize("code", ["DUP200", "IO001", "IDX001", "dup100"])
def test_explain_answers_for_codes_that_are_not_rules(code):
    result = invoke("explain", code)
    assert result.exit_code == 0, result.output
    info = load_code_registry().get(code)
    assert info is not None and info.rule is None
    flat = " ".join(result.output.split())
    assert info.name in flat
    assert " ".join(info.rationale.split()) in flat
    assert " ".join(info.message.split()) in flat


def test_every_registered_code_has_an_explanation():
    for info in load_code_registry():
        text = explain_text(info)
        assert text.startswith(f"{info.code}  {info.name}\n")
        assert info.rationale and info.message, info.code
        why, what = text.split("\nWhy:\n")[1].split("\nWhat to do:\n")
        assert why.strip() and what.strip()


def test_explain_unknown_code_is_a_usage_error_with_the_closest_code():
    result = invoke("explain", "DUP2000")
    assert result.exit_code == 2
    assert "no code 'DUP2000'" in result.output
    assert "did you mean" in result.output and "DUP200" in result.output


def user_rule(clean: str, known_failure: bool = False) -> str:
    rule = ADVERT_RULE.replace('clean = "نص."', f'clean = "{clean}"')
    if known_failure:
        rule = rule.replace(f'clean = "{clean}"', f'clean = "{clean}"\nknown_failure = true')
    return rule


def test_test_command_runs_user_rules(tmp_path):
    (tmp_path / "ok.toml").write_text(user_rule("نص."), encoding="utf-8")
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_test_command_exits_1_on_a_failing_example(tmp_path):
    (tmp_path / "bad.toml").write_text(user_rule("wrong"), encoding="utf-8")
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 1
    assert "FAIL XX901-1" in result.output


def test_test_command_lists_known_failures_apart_with_their_count(tmp_path):
    (tmp_path / "known.toml").write_text(user_rule("wrong", known_failure=True), encoding="utf-8")
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    heading = lines.index(
        "known failures (marked known_failure in the rule file; expected to fail):"
    )
    xfails = [line for line in lines[heading + 1 :] if line.startswith("XFAIL ")]
    assert any(line.startswith("XFAIL XX901-1 advert-label: ") for line in xfails)
    assert not any(line.startswith("FAIL") for line in lines)
    summary = lines[-1]
    assert re.fullmatch(
        rf"\d+ passed, 0 failed, {len(xfails)} known failures? \(\d+ examples of \d+ rules\)",
        summary,
    )


def test_a_known_failure_that_passes_fails_the_run(tmp_path):
    (tmp_path / "fixed.toml").write_text(user_rule("نص.", known_failure=True), encoding="utf-8")
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 1
    assert "XPASS XX901-1 advert-label: marked known_failure but now passes" in result.output


def test_test_command_reports_a_broken_rule_file(tmp_path):
    (tmp_path / "broken.toml").write_text("[[rule]]\ncode = 1\n", encoding="utf-8")
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 2
