"""Rule files: loading, the meta-checks every rule must pass, selection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpuskit.errors import RuleError
from corpuskit.rules import KNOWN_DETECTORS, builtin_rules_dir, load_rule_file, load_ruleset
from corpuskit.validate.registry import DETECTORS
from tests._rule_files import ADVERT_RULE

RULESET = load_ruleset()


def test_builtin_rules_exist():
    assert builtin_rules_dir().is_dir()
    assert len(RULESET) >= 10


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.code)
def test_rule_is_complete(rule):
    assert rule.rationale, f"{rule.code} lacks a rationale"
    assert rule.message, f"{rule.code} lacks a message (what to do)"
    assert any(e.must_match for e in rule.examples), f"{rule.code} lacks a must-match example"
    assert any(not e.must_match for e in rule.examples), (
        f"{rule.code} lacks a must-not-match example"
    )
    if rule.pattern is not None:
        re.compile(rule.pattern)
    else:
        assert rule.detector in DETECTORS


def test_codes_are_unique():
    codes = [r.code for r in RULESET.rules]
    assert len(codes) == len(set(codes))


def test_detector_names_match_the_registry():
    assert set(DETECTORS) == set(KNOWN_DETECTORS)


def _write(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "myrules"
    folder.mkdir(exist_ok=True)
    (folder / "mine.toml").write_text(body, encoding="utf-8")
    return folder


GOOD = ADVERT_RULE


def test_user_rule_folder_is_loaded(tmp_path):
    rules = load_ruleset([_write(tmp_path, GOOD)])
    assert rules.get("XX901") is not None
    assert rules.get("BP101") is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("pattern = '^اعلان$'", "pattern = '^(اعلان$'"), "does not compile"),
        (('name = "advert-label"', 'name = "Advert Label"'), "kebab-case"),
        (('action = "strip"', 'action = "delete"'), "action must be one of"),
        (("pattern = '^اعلان$'", 'detector = "no-such-detector"'), "unknown detector"),
        (('clean = "نص."', ""), "needs `clean`"),
        (('rationale = "an advert label"', 'rationale = "x"\nbogus = 1'), "unknown key"),
    ],
)
def test_invalid_rule_files_are_rejected(tmp_path, change, message):
    folder = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError, match=message):
        load_ruleset([folder])


def test_repeated_code_is_rejected(tmp_path):
    folder = _write(tmp_path, GOOD.replace("XX901", "BP101"))
    with pytest.raises(RuleError, match="defined twice"):
        load_ruleset([folder])


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RuleError, match="does not exist"):
        load_ruleset([tmp_path / "nope"])


def test_select_and_ignore_by_code_prefix_and_category():
    assert {r.code for r in load_ruleset(select=["BP101"]).rules} == {"BP101"}
    assert all(r.code.startswith("Q") for r in load_ruleset(select=["Q"]).rules)
    assert all(r.category == "quality" for r in load_ruleset(select=["quality"]).rules)
    ignored = load_ruleset(ignore=["boilerplate"])
    assert ignored.rules and all(r.category != "boilerplate" for r in ignored.rules)


def test_severity_override():
    rules = load_ruleset().with_severity({"BP101": "error"})
    assert rules.get("BP101").severity == "error"
    with pytest.raises(RuleError, match="severity"):
        load_ruleset().with_severity({"BP101": "fatal"})


def test_rule_file_parses_examples(tmp_path):
    folder = _write(tmp_path, GOOD)
    (rule,) = load_rule_file(folder / "mine.toml", KNOWN_DETECTORS)
    assert [e.must_match for e in rule.examples] == [True, False]
