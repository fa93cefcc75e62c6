"""Machine-readable output: the summary and every finding (suppressed ones marked)."""

from __future__ import annotations

import json
from typing import Any

from corpuskit.check.result import CheckReport

JSON_FORMAT_VERSION = 1


def to_dict(report: CheckReport) -> dict[str, Any]:
    """The JSON document as a dict: ``version``, ``summary``, ``rules``, ``findings``."""
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "corpuskit", "version": report.tool_version},
        "summary": report.summary(),
        "rules": {
            code: {"name": info.name, "severity": info.severity, "message": info.message}
            for code, info in sorted(report.rules.items())
        },
        "findings": report.findings.to_dicts(),
    }


def render(report: CheckReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"
