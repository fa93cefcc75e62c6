"""Fuzzing rule loading: random values and types for every key of a rule and of its
detector's parameters, random bytes as a rule file, and random damage to a valid one.

Invariant: loading gives rules or a RuleError with a message, never another exception,
within a bounded time per input; and a rule that loads runs through ``validate`` on a
small frame without error and without losing a row (no accepted rule crashes a run).

Budget: ``CORPUSKIT_FUZZ_EXAMPLES`` examples per strategy (default 60, seconds); the
``slow`` test runs ``CORPUSKIT_FUZZ_LONG_EXAMPLES`` (default 3000) of each on demand
(``-m slow`` or the variable set). Hypothesis draws a fresh seed each run and prints it
with any failure (``--hypothesis-seed`` replays it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.errors import RuleError
from corpuskit.rule_params import DETECTOR_PARAMS
from corpuskit.rules import (
    ACTIONS,
    KNOWN_DETECTORS,
    SCOPES,
    SEVERITIES,
    RuleSet,
    load_rule_file,
    parse_rule,
)
from corpuskit.validate import validate
from tests._fuzz import (
    damaged_copies,
    fuzz_settings,
    require_long_budget,
    run_long_budget,
    short_budget,
)
from tests._rule_files import ADVERT_RULE

SHORT = short_budget(60)
DEADLINE_SECONDS = 5  # per input, on a shared 2-core machine
OUTCOMES: Counter[str] = Counter()

SMALL_FRAME = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "title": ["خبر", "خبر", None, "عنوان"],
        "text": [
            "وزارة الصحة تعلن افتتاح مستشفى جديد.\nمواضيع ذات صلة\nعنوان آخر هنا",
            "إعلان\nنص قصير",
            "",
            "Related\nA headline of another story\nThe article goes on here, in prose.",
        ],
        "source": ["s", "s", None, "t"],
        "lang": ["ar", "ar", None, "en"],
    }
)

BASE = {
    "code": "XX901",
    "name": "fuzz-rule",
    "category": "custom",
    "scope": "line",
    "action": "strip",
    "severity": "info",
    "languages": ["any"],
    "rationale": "a fuzzed rule",
    "message": "none",
}

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1.5, max_value=2.5),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "any", "ar", "(a+)+$", "(?=x)", "[", r"\Z", "^x$", "(?P<keep>a)b"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
PATTERNS = st.one_of(
    st.sampled_from(["^اعلان$", "^related$", "(a+)+$", "a{2,}", "(?i)^x", "[", "(?<=a)b", ""]),
    st.text(max_size=20),
)
PLAUSIBLE = {
    "code": st.one_of(st.sampled_from(["XX901", "BP101", "xx901", "X1", ""]), st.text(max_size=8)),
    "name": st.one_of(st.sampled_from(["fuzz-rule", "Fuzz Rule", "-x", ""]), st.text(max_size=8)),
    "scope": st.sampled_from([*SCOPES, "page", ""]),
    "action": st.sampled_from([*ACTIONS, "delete", ""]),
    "severity": st.sampled_from([*SEVERITIES, "fatal", ""]),
    "languages": st.lists(st.sampled_from(["any", "ar", "en", "", "xx"]), max_size=3),
    "sources": st.lists(st.sampled_from(["s", "t", ""]), max_size=2),
    "pattern": PATTERNS,
    "exclude": PATTERNS,
    "flags": st.sampled_from(["", "i", "m", "x", "q"]),
    "match": st.sampled_from(["folded", "raw", "exact"]),
    "strip": st.sampled_from(["line", "match", "word"]),
    "detector": st.sampled_from([*sorted(KNOWN_DETECTORS), "no-such-detector"]),
    "examples": st.lists(
        st.dictionaries(
            st.sampled_from(["text", "clean", "match", "title", "known_failure", "bogus"]),
            st.one_of(st.text(max_size=20), st.booleans()),
            max_size=4,
        ),
        max_size=2,
    ),
}


def _param_values(kind: str):
    if kind == "int":
        return st.integers(-3, 60)
    if kind == "float":
        return st.floats(-0.5, 1.5)
    if kind == "bool":
        return st.booleans()
    if kind == "regex":
        return PATTERNS
    if kind == "list":
        return st.lists(st.sampled_from(["ar", "en", ""]), max_size=2)
    return st.text(max_size=8)


@st.composite
def rule_tables(draw) -> dict:
    """A parsed-TOML-shaped ``[[rule]]`` table: a valid rule with a pattern or a detector,
    some keys given plausible or random values, some removed, unknown ones added, and
    the detector's parameters (declared or misspelled) with random values."""
    table = dict(BASE)
    if draw(st.booleans()):
        table["pattern"] = "^اعلان$"
        kind = "pattern"
    else:
        kind = draw(st.sampled_from(sorted(KNOWN_DETECTORS)))
        table["detector"] = kind
    for key in draw(st.lists(st.sampled_from(sorted(PLAUSIBLE)), max_size=4, unique=True)):
        table[key] = draw(st.one_of(PLAUSIBLE[key], PLAUSIBLE[key], values))
    for key in draw(st.lists(st.sampled_from(sorted(BASE)), max_size=1)):
        table.pop(key, None)
    detector = table.get("detector")
    declared = DETECTOR_PARAMS.get(detector if isinstance(detector, str) else kind, {})
    params: dict = {}
    for name in draw(st.lists(st.sampled_from(sorted(declared) or ["x"]), max_size=3)):
        spec = declared.get(name)
        params[name] = draw(_param_values(spec.kind) if spec else values)
    if draw(st.integers(0, 9)) == 7:
        params[draw(st.text(min_size=1, max_size=8))] = draw(values)
    if params or draw(st.booleans()):
        table["params"] = draw(st.one_of(st.just(params), st.just(params), values))
    if draw(st.integers(0, 9)) == 7:
        table[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return table


def _runs(rules: list) -> None:
    out = validate(SMALL_FRAME, ruleset=RuleSet(tuple(rules)))
    assert out.height == SMALL_FRAME.height
    assert out["id"].to_list() == SMALL_FRAME["id"].to_list()


def _loads_or_refuses(strategy: str, load) -> None:
    try:
        rules = load()
    except RuleError as exc:
        assert str(exc).strip(), "a RuleError without a message"
        OUTCOMES[f"{strategy} refused"] += 1
        return
    OUTCOMES[f"{strategy} loaded"] += 1
    _runs(rules)


def _fuzz_table(table: dict) -> None:
    _loads_or_refuses("tables", lambda: [parse_rule(table, "fuzz.toml", KNOWN_DETECTORS)])


def _fuzz_bytes(tmp_path: Path, raw: bytes, strategy: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    _loads_or_refuses(strategy, lambda: load_rule_file(path, KNOWN_DETECTORS))


# The valid file with a few random bytes replaced, inserted or deleted.
DAMAGED = damaged_copies(ADVERT_RULE, b"0123456789.-=[]\"'\n #(+)$\\")


def _settings(examples: int):
    return fuzz_settings(examples, DEADLINE_SECONDS)


def test_valid_rule_file_loads_and_runs(tmp_path):
    path = tmp_path / "fuzz.toml"
    path.write_text(ADVERT_RULE, encoding="utf-8")
    rules = load_rule_file(path, KNOWN_DETECTORS)
    assert [r.code for r in rules] == ["XX901"]
    _runs(rules)


@_settings(SHORT)
@given(rule_tables())
def test_fuzz_rule_tables(table):
    _fuzz_table(table)


@_settings(SHORT)
@given(st.binary(max_size=512))
def test_fuzz_random_bytes(tmp_path, raw):
    _fuzz_bytes(tmp_path, raw, "bytes")


@_settings(SHORT)
@given(DAMAGED)
def test_fuzz_damaged_file(tmp_path, raw):
    _fuzz_bytes(tmp_path, raw, "damaged")


def _bound_cases():
    """Every numeric parameter of every detector at its lowest and highest allowed value
    (a large one where there is no upper bound): the edges random draws rarely hit."""
    for kind, declared in sorted(DETECTOR_PARAMS.items()):
        for name, spec in sorted(declared.items()):
            if spec.kind not in ("int", "float") or spec.low is None:
                continue
            high = spec.high if spec.high is not None else 10**6
            for value in (spec.low, high):
                yield pytest.param(kind, name, spec.kind, value, id=f"{kind}.{name}={value:g}")


@pytest.mark.parametrize(("kind", "name", "value_kind", "value"), list(_bound_cases()))
def test_every_parameter_at_its_bounds_runs(kind, name, value_kind, value):
    table = {k: v for k, v in BASE.items() if k != "pattern"}
    if kind == "pattern":
        table["pattern"] = "^اعلان$"
    else:
        table["detector"] = kind
    params = {name: int(value) if value_kind == "int" else float(value)}
    for other, spec in DETECTOR_PARAMS[kind].items():
        if spec.required and spec.kind == "regex":
            params[other] = "^(?:related|مواضيع ذات صلة)$"
    table["params"] = params
    rules = [parse_rule(table, "bounds.toml", KNOWN_DETECTORS)]
    _runs(rules)
    no_prose = SMALL_FRAME.with_columns(pl.lit("Home\nNews\nSport\nContact").alias("text"))
    out = validate(no_prose, ruleset=RuleSet(tuple(rules)))
    assert out["id"].to_list() == no_prose["id"].to_list()


@pytest.mark.slow
def test_fuzz_long_budget(request, tmp_path):
    require_long_budget(request)
    run_long_budget(
        DEADLINE_SECONDS,
        [
            (rule_tables(), _fuzz_table),
            (st.binary(max_size=2048), lambda raw: _fuzz_bytes(tmp_path, raw, "bytes")),
            (
                DAMAGED,
                lambda raw: _fuzz_bytes(tmp_path, raw, "damaged"),
            ),
        ],
    )


def teardown_module() -> None:
    print(f"\nrule fuzz: {sum(OUTCOMES.values())} inputs, {dict(sorted(OUTCOMES.items()))}")
