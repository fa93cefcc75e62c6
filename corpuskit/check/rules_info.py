"""What the check says about each finding code: name, severity and what to do.

Most codes are rules from ``rules/`` and carry their own metadata. A few are not rules
in a rule file: input problems (``IO…``) reported by the reader, duplicates inside the
checked batch (``DUP…``) and matches against a persisted index (``IDX…``). For those this
module supplies the metadata, so every finding in every output format has a name, a
severity and a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corpuskit.dedup.codes import INDEX_MATCH
from corpuskit.errors import ConfigError

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
FAIL_ON_LEVELS = (*SEVERITIES, "never")

IDX_DUPLICATE = INDEX_MATCH


@dataclass(frozen=True)
class RuleInfo:
    """The metadata a finding is reported with."""

    code: str
    name: str
    severity: str
    message: str
    rationale: str = ""
    category: str = ""


BUILTIN_CODES: dict[str, RuleInfo] = {
    IDX_DUPLICATE: RuleInfo(
        code=IDX_DUPLICATE,
        name="duplicates-indexed-document",
        severity="error",
        message="drop it or mark it as an update",
        rationale=(
            "The document copies a document that is already in the corpus (exact or near "
            "copy of the body, or the same URL); ingesting it again would duplicate it."
        ),
        category="duplicate",
    ),
}

# Severity of a finding whose code has no metadata anywhere, by what `clean` would do.
_SEVERITY_BY_ACTION = {"drop": "error", "flag": "warning", "strip": "info"}
_MESSAGE_BY_ACTION = {
    "drop": "`corpuskit clean` would reject this document; fix the record or remove it",
    "flag": "review this document",
    "strip": "`corpuskit clean` removes this span; nothing to do unless the span is wrong",
}
_NAME_BY_PREFIX = {"IO": "input-problem", "DUP": "duplicates-document-in-batch"}


def fallback_info(code: str, action: str | None) -> RuleInfo:
    """Metadata for a code that neither the rule set nor the built-ins describe."""
    prefix = next((p for p in _NAME_BY_PREFIX if code.startswith(p)), None)
    return RuleInfo(
        code=code,
        name=_NAME_BY_PREFIX.get(prefix or "", "unknown-rule"),
        severity=_SEVERITY_BY_ACTION.get(action or "", "warning"),
        message=_MESSAGE_BY_ACTION.get(action or "", "review this document"),
    )


def info_from_rule(rule: Any) -> RuleInfo:
    """A :class:`RuleInfo` from a ``corpuskit.rules.Rule`` (read by attribute)."""
    return RuleInfo(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        message=rule.message,
        rationale=getattr(rule, "rationale", "") or "",
        category=getattr(rule, "category", "") or "",
    )


def check_severity_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """Upper-case codes, lower-case levels; raise ConfigError on an unknown level."""
    checked: dict[str, str] = {}
    for code, level in overrides.items():
        normalized = str(level).strip().lower()
        if normalized not in SEVERITIES:
            raise ConfigError(
                f"severity override for {code}: expected one of {', '.join(SEVERITIES)}, "
                f"found {level!r}",
                hint='write e.g. severity = { BP101 = "error" } under [validate]',
            )
        checked[str(code).strip().upper()] = normalized
    return checked


def override_for(code: str, overrides: Mapping[str, str]) -> str | None:
    """The override for ``code``: an exact code wins, else the longest matching prefix."""
    if code in overrides:
        return overrides[code]
    prefixes = [p for p in overrides if code.startswith(p)]
    return overrides[max(prefixes, key=len)] if prefixes else None


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
