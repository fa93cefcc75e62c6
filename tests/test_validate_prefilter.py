"""The literal prefilter of rule patterns: it may only skip texts a pattern cannot match.

Checked on crafted patterns (alternations with an empty branch, optional parts, case
folding, syntax the Rust engine reads otherwise) and on every shipped rule over the
bundled sample and the rules' own examples, against a plain ``str.contains``.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.normalize import fold_keep_punctuation
from corpuskit.rules import load_ruleset
from corpuskit.validate import ValidationPlan
from corpuskit.validate.patterns import FOLDED_LINES, batch_subject
from corpuskit.validate.prefilter import matching_rows, required_literals
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?m)^اضغط\\s+هنا$", {"اضغط"}),  # the longest required literal of a sequence
        ("(?:اقرا|طالع)\\s+ايضا", {"ايضا"}),
        ("(?:اقرا|طالع)\\s+(?:ايضا|كذلك)", {"اقرا", "طالع"}),
        ("(?:اقرا|)ايضا", {"ايضا"}),
        ("(?:اقرا|)\\d+", None),  # a branch that needs nothing
        ("(?:اقرا)?\\d+", None),  # an optional part needs nothing
        ("(?:اقرا)+\\d+", {"اقرا"}),  # ... a part that must occur once does
        ("(?i)click here", {" "}),  # Latin under (?i) matches other cases: only the space
        ("(?i)اضغط هنا", {"اضغط هنا"}),  # Arabic has no case
        ("(?i:read) المزيد", {" المزيد"}),
        ("[:：]\\s*\\d", {":", "："}),
        ("[^:]+", None),
        ("\\<word\\>", None),  # a word-edge assertion to the Rust engine
        ("[[:alpha:]]+x", None),  # a nested class to the Rust engine
        ("(", None),  # not a pattern at all
    ],
)
def test_required_literals(pattern, expected):
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected


def _shipped_searches() -> dict[str, tuple[str, str]]:
    plan = ValidationPlan.build(load_ruleset())
    return {r.code: s for r in plan.all_rules() if (s := batch_subject(r)) is not None}


def _subjects() -> dict[str, pl.Series]:
    """The sample's texts, titles and folded lines, and every rule example's text."""
    frame = pl.read_ndjson(SEEDS / "ant_sample.jsonl")
    texts = frame["text"].fill_null("").to_list()
    titles = frame["title"].fill_null("").to_list()
    for rule in load_ruleset().rules:
        for example in rule.examples:
            texts.append(example.text)
            titles.append(example.title or example.text)
    folded = ["\n".join(fold_keep_punctuation(line) for line in t.split("\n")) for t in texts]
    return {
        "text": pl.Series("text", texts),
        "title": pl.Series("title", titles),
        FOLDED_LINES: pl.Series(FOLDED_LINES, folded),
    }


def test_every_shipped_rule_finds_the_rows_a_full_search_finds():
    searches = _shipped_searches()
    assert sum(required_literals(p) is not None for _, p in searches.values()) >= 20
    for name, subject in _subjects().items():
        patterns = {code: p for code, (on, p) in searches.items() if on == name}
        every = list(range(subject.len()))
        some = every[::3]  # and on a subset of the rows, as for rules of one language
        for rows in (every, some):
            found = matching_rows(subject, patterns, dict.fromkeys(patterns, rows))
            for code, pattern in patterns.items():
                full = subject.str.contains(pattern).to_list()
                assert found[code] == [r for r in rows if full[r]], code


WORDS = st.sampled_from(["اضغط", "هنا", "اقرا", "ايضا", "click", "Here", ":", " ", "\n", "x@y.com"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=20))
def test_prefiltered_search_equals_a_full_search_on_generated_texts(texts):
    patterns = {
        "a": "(?m)^[^.]{0,20}(?:اضغط|انقر)\\s+هنا$",
        "b": "(?i)click\\s+here",
        "c": "(?:اقرا|)\\s*ايضا",
        "d": "[\\w.]+@[\\w.]+",
        "e": "(?m)^:\\s*اقرا",
    }
    subject = pl.Series("s", texts)
    rows = list(range(len(texts)))
    found = matching_rows(subject, patterns, dict.fromkeys(patterns, rows))
    for key, pattern in patterns.items():
        full = subject.str.contains(pattern).to_list()
        assert found[key] == [r for r in rows if full[r]], key
