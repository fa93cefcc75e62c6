"""Check metadata for the codes that are not rule-file rules (``IO…``, ``DUP…``)."""

from __future__ import annotations

from corpuskit.check.rules_info import RuleInfo
from corpuskit.io import IO_CODES


def io_code_infos() -> dict[str, RuleInfo]:
    """Check metadata for the reader's ``IO…`` codes (they are not rule-file rules)."""
    return {
        c.code: RuleInfo(
            code=c.code,
            name=c.name,
            severity=c.severity,
            message=c.message,
            rationale=c.rationale,
            category="input",
        )
        for c in IO_CODES
    }


def dedup_code_infos() -> dict[str, RuleInfo]:
    """Check metadata for the ``DUP…`` codes of duplicates found inside the batch."""
    from corpuskit.dedup.codes import DESCRIPTIONS

    return {
        code: RuleInfo(
            code=code,
            name=name,
            severity=severity,
            message=what_to_do,
            rationale=what_to_do,
            category="duplicate",
        )
        for code, (name, _action, severity, what_to_do) in DESCRIPTIONS.items()
        if code.startswith("DUP")
    }


def known_code_infos() -> dict[str, RuleInfo]:
    """Metadata for every code that is not a rule-file rule (``IO…``, ``DUP…``)."""
    return {**io_code_infos(), **dedup_code_infos()}
