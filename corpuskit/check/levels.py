"""Severity levels and the verdict of a check: does a finding make it fail?

Each finding's severity comes from the registry of codes (:mod:`corpuskit.codes`), after
the configured overrides; ``--fail-on`` names the lowest severity that fails the check.
"""

from __future__ import annotations

from corpuskit.errors import ConfigError
from corpuskit.rules import SEVERITIES

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
FAIL_ON_LEVELS = (*SEVERITIES, "never")


def check_fail_on(level: str) -> str:
    normalized = level.strip().lower()
    if normalized not in FAIL_ON_LEVELS:
        raise ConfigError(
            f"--fail-on: expected one of {', '.join(FAIL_ON_LEVELS)}, found {level!r}"
        )
    return normalized


def fails(severity: str, fail_on: str) -> bool:
    """Does a finding of ``severity`` make the check fail at threshold ``fail_on``?"""
    if fail_on == "never":
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]
