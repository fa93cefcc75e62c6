"""Fuzzing configuration loading: random values and types for every declared key, random
bytes, and random damage to a valid file.

Invariant: loading gives a Config or a ConfigError with a message, never another
exception, within a bounded time per input; and a Config that loads runs the dedup stage
on a small frame without error (no accepted value crashes a stage).

Budget: ``CORPUSKIT_FUZZ_EXAMPLES`` examples per strategy (default 60, a few seconds);
the ``slow`` tests run ``CORPUSKIT_FUZZ_LONG_EXAMPLES`` (default 3000) each. Hypothesis
draws a fresh seed each run and prints it with any failure (``--hypothesis-seed`` replays).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.config import config_from_dict, load_config, option_rows
from corpuskit.dedup import dedup
from corpuskit.errors import ConfigError
from tests._fuzz import LONG, fuzz_settings, require_long_budget, short_budget

SHORT = short_budget(60)
DEADLINE_SECONDS = 5  # per input, on a shared 2-core machine
OUTCOMES: Counter[str] = Counter()

VALID = """workers = 1
[input]
text_col = "content"
strict = false
[validate]
select = ["BP", "Q"]
ignore = ["BP310"]
[validate.per_source.alweeam]
ignore = ["Q"]
[validate.severity]
BP101 = "error"
[dedup]
threshold = 0.6
num_perm = 64
bands = 16
rows = 4
min_words = 5
"""

SMALL_FRAME = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "title": ["خبر", "خبر", "آخر", None],
        "text": [
            "وزارة الصحة تعلن افتتاح مستشفى جديد في المدينة اليوم بحضور الوزير والمسؤولين",
            "وزارة الصحة تعلن افتتاح مستشفى جديد في المدينة اليوم بحضور الوزير",
            "كلمة",
            "",
        ],
        "url": ["http://x.com/1", "https://x.com/1", None, None],
    }
)

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=1100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1.5, max_value=101),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["BP", "Q", "error", "info", "content", "", " ", "ZZ999"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
DECLARED = {key: declared for key, declared, _ in option_rows()}
CODES = st.sampled_from(["BP", "BP101", "Q", "IDX", "boilerplate", "", "ZZ999", "bp 1"])


def plausible(declared):
    """Values near what the option accepts: its kind, around and on its bounds."""
    kind = declared.kind.expected
    low = -3 if declared.low is None else declared.low
    high = low + 100 if declared.high is None else declared.high
    if kind.startswith("an integer"):
        return st.integers(int(low) - 2, int(high) + 2)
    if kind.startswith("a number"):
        return st.one_of(st.floats(low - 0.5, high + 0.5), st.sampled_from([low, high]))
    if kind.startswith("true"):
        return st.booleans()
    if kind.startswith("a column"):
        return st.text(max_size=10)
    if kind.startswith("a list"):
        return st.lists(CODES, max_size=4)
    if "severity" in kind:
        return st.dictionaries(CODES, st.sampled_from(["info", "warning", "error", "fatal"]))
    return values


@st.composite
def config_tables(draw) -> dict:
    """A parsed-TOML-shaped dict: random declared keys (and sometimes unknown ones) with
    random values of random types, nested in their sections."""
    data: dict = {}
    for key in draw(st.lists(st.sampled_from(sorted(DECLARED)), max_size=6, unique=True)):
        path = key.replace("<source>", draw(st.sampled_from(["alweeam", "x y", ""]))).split(".")
        table = data
        for part in path[:-1]:
            existing = table.get(part)
            table = (
                table.setdefault(part, {}) if existing is None or isinstance(existing, dict) else {}
            )
        near_valid = plausible(DECLARED[key])
        table[path[-1]] = draw(st.one_of(near_valid, near_valid, near_valid, values))
    if draw(st.integers(0, 9)) == 7:  # sometimes a key no section has
        data[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return data


def _loads_or_refuses(strategy: str, load) -> None:
    try:
        config = load()
    except ConfigError as exc:
        assert str(exc).strip(), "a ConfigError without a message"
        OUTCOMES[f"{strategy} refused"] += 1
        return
    OUTCOMES[f"{strategy} loaded"] += 1
    out = dedup(SMALL_FRAME, options=config.dedup)
    assert out.height == SMALL_FRAME.height


def _fuzz_tables(data: dict) -> None:
    _loads_or_refuses("tables", lambda: config_from_dict(data, "fuzz.toml"))


def _fuzz_bytes(tmp_path: Path, raw: bytes, strategy: str) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(raw)
    _loads_or_refuses(strategy, lambda: load_config(path))


@st.composite
def damaged_files(draw) -> bytes:
    """The valid file with a few random bytes replaced, inserted or deleted."""
    raw = bytearray(VALID.encode())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.sampled_from([*b"0123456789.-=[]\"'\n #x", 0, 0xFF, 0xC3]))
        if how == "replace":
            raw[at] = byte
        elif how == "insert":
            raw.insert(at, byte)
        else:
            del raw[at]
    return bytes(raw)


def _settings(examples: int):
    return fuzz_settings(examples, DEADLINE_SECONDS)


def test_valid_sample_loads(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(VALID, encoding="utf-8")
    assert load_config(path).dedup.bands == 16


@_settings(SHORT)
@given(config_tables())
def test_fuzz_random_values_per_key(data):
    _fuzz_tables(data)


@_settings(SHORT)
@given(st.binary(max_size=512))
def test_fuzz_random_bytes(tmp_path, raw):
    _fuzz_bytes(tmp_path, raw, "bytes")


@_settings(SHORT)
@given(damaged_files())
def test_fuzz_damaged_file(tmp_path, raw):
    _fuzz_bytes(tmp_path, raw, "damaged")


@pytest.mark.slow
def test_fuzz_long_budget(request, tmp_path):
    require_long_budget(request)

    @_settings(LONG)
    @given(config_tables())
    def tables(data):
        _fuzz_tables(data)

    @_settings(LONG)
    @given(st.binary(max_size=2048))
    def random_bytes(raw):
        _fuzz_bytes(tmp_path, raw, "bytes")

    @_settings(LONG)
    @given(damaged_files())
    def damaged(raw):
        _fuzz_bytes(tmp_path, raw, "damaged")

    tables()
    random_bytes()
    damaged()


def teardown_module() -> None:
    print(f"\nconfig fuzz: {sum(OUTCOMES.values())} inputs, {dict(sorted(OUTCOMES.items()))}")
