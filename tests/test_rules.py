"""Rule files: loading, the meta-checks every rule must pass, selection."""

from __future__ import annotations

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
        assert rule.compiled().search is not None  # runs on the linear-time engine
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


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("'(?<=نص)اعلان$'", "look-around"),
        ("'^(?!نص)اعلان$'", "look-around"),
        (r"'^(ا)\1علان$'", "backreferences"),
        (r"'^اعلان\Z'", "escape"),
    ],
)
def test_pattern_the_linear_engine_cannot_run_is_rejected(tmp_path, pattern, reason):
    folder = _write(tmp_path, GOOD.replace("pattern = '^اعلان$'", f"pattern = {pattern}"))
    with pytest.raises(RuleError) as caught:
        load_ruleset([folder])
    message = str(caught.value)
    assert "mine.toml" in message and "XX901" in message and reason in message
    assert "exclude" in (caught.value.hint or "") and "\\z" in (caught.value.hint or "")


def test_exclude_needs_a_pattern_that_compiles(tmp_path):
    bad = GOOD.replace("pattern = '^اعلان$'", "pattern = '^اعلان$'\nexclude = '(?=x)'")
    with pytest.raises(RuleError, match="`exclude` does not compile"):
        load_ruleset([_write(tmp_path, bad)])


_DETECTOR_RULE = """
[[rule]]
code = "XX901"
name = "outlet-line"
category = "custom"
scope = "line"
action = "flag"
severity = "info"
languages = ["any"]
detector = "repeated-line"
rationale = "a line repeated across an outlet"
message = "look at it"
[rule.params]
PARAMS
"""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("min_doc = 5", "unknown parameter(s) min_doc"),
        ("min_share = 1.5", "min_share must be float in [0, 1]"),
        ("min_docs = 0", "min_docs must be int >= 1"),
        ('min_docs = "ten"', "min_docs must be an integer"),
        ("min_share = nan", "min_share must be a number"),
    ],
)
def test_rule_parameters_are_checked_against_the_registry(tmp_path, params, expected):
    folder = _write(tmp_path, _DETECTOR_RULE.replace("PARAMS", params))
    with pytest.raises(RuleError) as caught:
        load_ruleset([folder])
    assert "mine.toml" in str(caught.value) and "XX901" in str(caught.value)
    assert expected in str(caught.value)


def test_unknown_parameter_suggests_the_closest_valid_one(tmp_path):
    folder = _write(tmp_path, _DETECTOR_RULE.replace("PARAMS", "min_doc = 5"))
    with pytest.raises(RuleError) as caught:
        load_ruleset([folder])
    hint = caught.value.hint or ""
    assert "did you mean 'min_docs'" in hint and "min_source_docs" in hint


def test_detector_regex_parameters_run_on_the_linear_engine(tmp_path):
    rule = _DETECTOR_RULE.replace('"repeated-line"', '"link-block"')
    folder = _write(tmp_path, rule.replace("PARAMS", "header = '^(?=x)y$'"))
    with pytest.raises(RuleError, match=r"params\.header"):
        load_ruleset([folder])
    folder = _write(tmp_path, rule.replace("PARAMS", "max_items = 3"))
    with pytest.raises(RuleError, match="missing parameter header"):
        load_ruleset([folder])


def test_defaults_are_filled_in_from_the_registry(tmp_path):
    folder = _write(tmp_path, _DETECTOR_RULE.replace("PARAMS", "min_docs = 3"))
    rule = load_ruleset([folder]).get("XX901")
    assert rule.params == {
        "min_source_docs": 50,
        "min_docs": 3,
        "min_share": 0.02,
        "min_prefix_share": 0.1,
    }
