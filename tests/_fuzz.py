"""Budgets and settings shared by the fuzz harnesses (tests/hostile/test_*_fuzz.py).

A short budget runs in the default suite: ``CORPUSKIT_FUZZ_EXAMPLES`` examples per
strategy (each harness picks its default, seconds in all). The long budget runs on demand,
in the tests marked ``slow``, only when ``-m slow`` selects them or
``CORPUSKIT_FUZZ_LONG_EXAMPLES`` is set (default 3000 examples per strategy). Hypothesis
draws a fresh seed each run and prints it with any failure (``--hypothesis-seed``
replays it); no example database is written.
"""

from __future__ import annotations

import functools
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG_VARIABLE = "CORPUSKIT_FUZZ_LONG_EXAMPLES"
LONG = int(os.environ.get(LONG_VARIABLE, "3000"))


def short_budget(default: int) -> int:
    """Examples per strategy in the default suite."""
    return int(os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", str(default)))


def fuzz_settings(examples: int, deadline_seconds: float):
    """Hypothesis settings for a ``@given`` test: ``examples`` inputs, each within
    ``deadline_seconds``.

    An input fails the deadline only when it runs over it twice in a row. Hypothesis's
    own deadline fails the test as flaky when an input is slow once and fast when run
    again, which on a shared machine is a stall of the machine, not of the input."""
    chosen = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

    def apply(test):
        test = chosen(test)
        test.hypothesis.inner_test = slow_twice(test.hypothesis.inner_test, deadline_seconds)
        return test

    return apply


def slow_twice(check, deadline_seconds: float):
    """``check``, failing when one call with the same arguments takes longer than
    ``deadline_seconds`` twice in a row."""

    @functools.wraps(check)
    def timed(*args, **kwargs):
        took = []
        for _attempt in range(2):
            started = time.perf_counter()
            check(*args, **kwargs)
            took.append(time.perf_counter() - started)
            if took[-1] <= deadline_seconds:
                return
        raise AssertionError(
            f"an input took {took[0]:.1f} s and then {took[1]:.1f} s, over the "
            f"{deadline_seconds} s deadline both times"
        )

    return timed


def require_long_budget(request: pytest.FixtureRequest) -> None:
    """Skip unless the long budget was asked for (``-m slow`` or the variable set)."""
    asked = "slow" in (request.config.option.markexpr or "")
    if not asked and LONG_VARIABLE not in os.environ:
        pytest.skip(f"long fuzz budget: run with -m slow or {LONG_VARIABLE}=N")


def run_long_budget(deadline_seconds: float, cases) -> None:
    """Run each ``(strategy, check)`` of ``cases`` on ``LONG`` inputs drawn from
    ``strategy``, each within ``deadline_seconds`` (the ``slow`` long-budget tests)."""
    for strategy, check in cases:
        fuzz_settings(LONG, deadline_seconds)(given(strategy)(check))()


@st.composite
def damaged_copies(draw, valid: str, alphabet: bytes) -> bytes:
    """``valid`` (UTF-8) with a few bytes replaced, inserted or deleted: bytes drawn from
    ``alphabet`` and NUL, 0xFF and a lone UTF-8 lead byte."""
    raw = bytearray(valid.encode())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw(st.sampled_from([*alphabet, 0, 0xFF, 0xC3]))
        if how == "replace":
            raw[at] = byte
        elif how == "insert":
            raw.insert(at, byte)
        else:
            del raw[at]
    return bytes(raw)
