"""The outcome of a check: findings, checked documents, verdict and counts.

A :class:`CheckReport` is what every output format renders and what decides the exit
code: 0 when no active (not allow-listed) finding is at or above ``fail_on``, else 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from corpuskit.check.levels import SEVERITY_RANK, check_fail_on, fails
from corpuskit.check.run import checked_documents, describe_codes, run_check
from corpuskit.check.suppress import ALLOW_COLUMN
from corpuskit.codes import CodeInfo, CodeRegistry, code_registry, override_for, severity_overrides


@dataclass(frozen=True)
class CheckReport:
    """Everything a formatter needs: findings, the checked documents, code metadata."""

    findings: pl.DataFrame
    documents: pl.DataFrame
    fail_on: str = "error"
    # The registry's entry of every code found, with the effective (overridden) severity.
    rules: dict[str, CodeInfo] = field(default_factory=dict)
    tool_version: str = ""

    def active(self) -> pl.DataFrame:
        """Findings that count (not suppressed by a document's allow-list)."""
        return self.findings.filter(~pl.col("suppressed"))

    def failing(self) -> pl.DataFrame:
        """Active findings at or above the ``fail_on`` severity."""
        active = self.active()
        mask = [fails(s, self.fail_on) for s in active.get_column("severity").to_list()]
        return active.filter(pl.Series(mask, dtype=pl.Boolean()))

    @property
    def exit_code(self) -> int:
        """0 when nothing at or above ``fail_on`` was found, else 1."""
        return 1 if self.failing().height > 0 else 0

    def summary(self) -> dict[str, Any]:
        """Counts for machines and for the last line of the human output."""
        active = self.active()
        suppressed = self.findings.filter(pl.col("suppressed"))
        by_severity = {s: 0 for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.get, reverse=True)}
        for severity, n in active.group_by("severity").len().iter_rows():
            by_severity[severity] = n
        return {
            "documents": self.documents.height,
            "files": self.documents.get_column("file").n_unique(),
            "documents_with_findings": active.get_column("doc_id").n_unique(),
            "findings": active.height,
            "by_severity": by_severity,
            "by_code": _counts(active, "code"),
            "suppressed": suppressed.height,
            "suppressed_by_code": _counts(suppressed, "code"),
            "fail_on": self.fail_on,
            "failing": self.failing().height,
            "exit_code": self.exit_code,
        }


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    counted = frame.group_by(column).len().sort(["len", column], descending=[True, False])
    return {key: n for key, n in counted.iter_rows()}


def build_report(
    validated: pl.DataFrame,
    *,
    matches: pl.DataFrame | None = None,
    codes: CodeRegistry | None = None,
    severity: Mapping[str, str] | None = None,
    ignore: Sequence[str] = (),
    fail_on: str = "error",
    allow_column: str = ALLOW_COLUMN,
    tool_version: str = "",
) -> CheckReport:
    """Run :func:`run_check` and bundle the result for the formatters."""
    codes = codes if codes is not None else code_registry()
    findings = run_check(
        validated,
        matches=matches,
        codes=codes,
        severity=severity,
        ignore=ignore,
        allow_column=allow_column,
    )
    return report_from(
        findings,
        checked_documents(validated),
        codes=codes,
        severity=severity,
        fail_on=fail_on,
        tool_version=tool_version,
    )


def report_from(
    findings: pl.DataFrame,
    documents: pl.DataFrame,
    *,
    codes: CodeRegistry | None = None,
    severity: Mapping[str, str] | None = None,
    fail_on: str = "error",
    tool_version: str = "",
) -> CheckReport:
    """The report of findings and documents checked part by part (:func:`run_check`'s
    findings and :func:`checked_documents` of every part, concatenated)."""
    level = check_fail_on(fail_on)
    codes = codes if codes is not None else code_registry()
    rules = describe_codes(findings, codes) if findings.height else {}
    # the report's code metadata carries the effective (overridden) severity
    overrides = severity_overrides(severity or {})
    rules = {
        code: replace(info, severity=override_for(code, overrides) or info.severity)
        for code, info in rules.items()
    }
    return CheckReport(
        findings=findings,
        documents=documents,
        fail_on=level,
        rules=rules,
        tool_version=tool_version,
    )
