"""``corpuskit rules list / explain / test``."""

from __future__ import annotations

from click.testing import CliRunner

from corpuskit.cli.rules import rules
from tests._rule_files import ADVERT_RULE


def test_list_filters_by_category_and_language():
    result = CliRunner().invoke(rules, ["list", "--category", "quality"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines and all(" quality " in line for line in lines)
    english = CliRunner().invoke(rules, ["list", "--lang", "en"]).output
    assert "BP101" not in english and "BP120" in english


def test_explain_prints_rationale_and_examples():
    result = CliRunner().invoke(rules, ["explain", "bp101"])
    assert result.exit_code == 0
    assert "related-links-header" in result.output
    assert "Why:" in result.output and "must not match" in result.output


def test_explain_unknown_code_is_a_usage_error():
    result = CliRunner().invoke(rules, ["explain", "ZZ999"])
    assert result.exit_code == 2
    assert "no rule has code" in result.output


def user_rule(clean: str) -> str:
    return ADVERT_RULE.replace('clean = "نص."', f'clean = "{clean}"')


def test_test_command_runs_user_rules(tmp_path):
    (tmp_path / "ok.toml").write_text(user_rule("نص."), encoding="utf-8")
    result = CliRunner().invoke(rules, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_test_command_exits_1_on_a_failing_example(tmp_path):
    (tmp_path / "bad.toml").write_text(user_rule("wrong"), encoding="utf-8")
    result = CliRunner().invoke(rules, ["test", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAIL XX901-1" in result.output


def test_test_command_reports_a_broken_rule_file(tmp_path):
    (tmp_path / "broken.toml").write_text("[[rule]]\ncode = 1\n", encoding="utf-8")
    result = CliRunner().invoke(rules, ["test", str(tmp_path)])
    assert result.exit_code == 2
