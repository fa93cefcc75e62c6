"""Every example in every rule file is a test: ``pytest -k BP101`` runs one rule's."""

from __future__ import annotations

import pytest

from corpuskit.rules import load_ruleset
from corpuskit.validate.examples import check_example

RULESET = load_ruleset()
CASES = [
    pytest.param(rule, example, i + 1, id=f"{rule.code}-{i + 1}")
    for rule in RULESET.rules
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example", "index"), CASES)
def test_rule_example(rule, example, index):
    result = check_example(rule, example, index)
    assert result.ok, f"{rule.code} example {index} ({rule.path}): {result.detail}"
