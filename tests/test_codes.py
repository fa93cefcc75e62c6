"""The registry of every code (corpuskit.codes) and the check of select/ignore entries."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.codes import (
    CodeRegistry,
    check_rule_selection,
    code_registry,
    load_code_registry,
)
from corpuskit.config import SourceOverride, ValidateOptions, config_from_dict
from corpuskit.dedup.codes import DUP_CODES
from corpuskit.errors import ConfigError
from corpuskit.io.codes import IO_CODES
from corpuskit.rules import load_ruleset
from tests._rule_files import ADVERT_RULE
from tests.conftest import REPO


@pytest.fixture(scope="module")
def registry() -> CodeRegistry:
    return load_code_registry()


def test_every_rule_input_and_duplicate_code_is_registered_once(registry):
    rules = load_ruleset()
    expected = [r.code for r in rules] + [c.code for c in IO_CODES] + [c.code for c in DUP_CODES]
    assert len(expected) == len(set(expected))
    assert sorted(info.code for info in registry) == sorted(expected)
    assert "IDX001" in registry and "DUP200" in registry


@pytest.mark.parametrize("table", [IO_CODES, DUP_CODES], ids=["io", "dup"])
def test_non_rule_codes_come_from_their_owners_tables(registry, table):
    for entry in table:
        info = registry[entry.code]
        assert (info.name, info.action, info.severity) == (entry.name, entry.action, entry.severity)
        # the registry reads the owner's text; it keeps no copy of its own
        assert info.rationale is entry.rationale and info.message is entry.message
        assert info.rule is None and info.category in ("input", "duplicate")


def test_rules_carry_their_rule_and_every_code_says_why_and_what_to_do(registry):
    assert registry["BP101"].rule is not None and registry["BP101"].rule.code == "BP101"
    for info in registry:
        assert info.name and info.category and info.rationale and info.message, info.code
        assert info.severity in ("info", "warning", "error")
        assert info.action in ("flag", "strip", "drop")


def test_user_rule_folders_join_the_registry(tmp_path):
    (tmp_path / "ads.toml").write_text(ADVERT_RULE, encoding="utf-8")
    registry = load_code_registry([tmp_path])
    assert registry["XX901"].name == "advert-label"
    assert "custom" in registry.categories()


def test_lookup_ignores_case_and_unknown_codes_fall_back_on_their_action():
    registry = code_registry()
    assert registry.get("dup200") is registry["DUP200"]
    assert registry.get("ZZ999") is None
    fallback = registry.describe("ZZ999", "drop")
    assert (fallback.name, fallback.severity) == ("unknown-code", "error")


@pytest.mark.parametrize(
    "options",
    [
        ValidateOptions(select=("BP", "Q"), ignore=("BP301",)),
        ValidateOptions(select=("quality", "boilerplate"), ignore=("related-links-header",)),
        ValidateOptions(ignore=("IO", "DUP", "IDX001")),
        ValidateOptions(per_source={"alweeam": SourceOverride(ignore=("Q",))}),
        ValidateOptions(severity={"BP101": "error", "Q": "info", "IO": "warning"}),
    ],
)
def test_codes_prefixes_categories_and_names_are_valid(registry, options):
    check_rule_selection(options, registry)


@pytest.mark.parametrize(
    ("options", "where", "suggested"),
    [
        (ValidateOptions(select=("ZZ999",)), "[validate] select", None),
        (ValidateOptions(select=("BP1011",)), "[validate] select", "BP101"),
        (ValidateOptions(ignore=("qualty",)), "[validate] ignore", "quality"),
        (
            ValidateOptions(per_source={"okaz": SourceOverride(select=("bp101x",))}),
            "[validate] per_source.okaz select",
            "BP101",
        ),
        (ValidateOptions(severity={"BP9999": "error"}), "[validate] severity", None),
        (ValidateOptions(severity={"quality": "error"}), "[validate] severity", None),
    ],
)
def test_an_entry_that_names_no_code_is_an_error_with_the_closest(
    registry, options, where, suggested
):
    with pytest.raises(ConfigError) as raised:
        check_rule_selection(options, registry)
    message = str(raised.value)
    assert message.startswith(f"{where}: ")
    assert "names no code" in message and "corpuskit rules list" in message
    if suggested:
        assert f"did you mean {suggested}" in message


def test_a_bad_severity_level_is_an_error(registry):
    # The options refuse it as they are built; the registry check refuses it too.
    with pytest.raises(ConfigError, match="Q101"):
        check_rule_selection(ValidateOptions(severity={"Q101": "fatal"}), registry)


def _seed_record() -> dict:
    return {"id": "a", "title": "عنوان", "text": "نص قصير."}


def test_clean_refuses_a_config_that_selects_no_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_seed_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    Path("corpuskit.toml").write_text('[validate]\nselect = ["ZZ999"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(source), "--out", "out"])
    assert result.exit_code == 2, result.output
    assert "corpuskit.toml: [validate] select: 'ZZ999' names no code" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("doc", ["README.md", "docs/ci.md"])
def test_the_documented_configuration_examples_name_real_codes(registry, doc):
    text = (REPO / doc).read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", text, re.S) if "[validate]" in b]
    assert blocks, f"{doc} shows no [validate] example"
    for block in blocks:
        check_rule_selection(config_from_dict(tomllib.loads(block)).validate, registry)
