"""Budgets and settings shared by the fuzz harnesses (tests/hostile/test_*_fuzz.py).

A short budget runs in the default suite: ``CORPUSKIT_FUZZ_EXAMPLES`` examples per
strategy (each harness picks its default, seconds in all). The long budget runs on demand,
in the tests marked ``slow``, only when ``-m slow`` selects them or
``CORPUSKIT_FUZZ_LONG_EXAMPLES`` is set (default 3000 examples per strategy). Hypothesis
draws a fresh seed each run and prints it with any failure (``--hypothesis-seed``
replays it); no example database is written.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

LONG_VARIABLE = "CORPUSKIT_FUZZ_LONG_EXAMPLES"
LONG = int(os.environ.get(LONG_VARIABLE, "3000"))


def short_budget(default: int) -> int:
    """Examples per strategy in the default suite."""
    return int(os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", str(default)))


def fuzz_settings(examples: int, deadline_seconds: float):
    """Hypothesis settings: ``examples`` inputs, each within ``deadline_seconds``."""
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=deadline_seconds),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def require_long_budget(request: pytest.FixtureRequest) -> None:
    """Skip unless the long budget was asked for (``-m slow`` or the variable set)."""
    asked = "slow" in (request.config.option.markexpr or "")
    if not asked and LONG_VARIABLE not in os.environ:
        pytest.skip(f"long fuzz budget: run with -m slow or {LONG_VARIABLE}=N")
