"""SARIF 2.1.0, the static-analysis exchange format (GitHub code scanning reads it).

One run; ``tool.driver.rules`` describes every rule that produced a finding (name, help
text, default level); each result points at the input file and the document's line (or
row, for table files) and carries ``partialFingerprints`` built from what identifies the
problem (rule, document id, field, excerpt) rather than where it is, so a finding keeps
its identity when lines shift. Findings suppressed by a document's allow-list are kept
with a SARIF ``suppressions`` entry, which viewers count and hide.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from corpuskit.check.result import CheckReport

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "corpuskitFinding/v1"


def artifact_uri(path: str, base: Path | None = None) -> str:
    """A relative, percent-encoded URI for ``path`` (an absolute ``file:`` URI if outside)."""
    base = (base or Path.cwd()).resolve()
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(base)
        except ValueError:
            return candidate.resolve().as_uri()
    return quote(candidate.as_posix(), safe="/")


def fingerprint(row: dict[str, Any]) -> str:
    key = "\x1f".join(str(row[k] or "") for k in ("code", "doc_id", "field", "excerpt", "match_id"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def to_dict(report: CheckReport, *, base: Path | None = None) -> dict[str, Any]:
    codes = sorted(report.rules)
    rule_index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        info = report.rules[code]
        rule: dict[str, Any] = {
            "id": code,
            "name": info.name,
            "shortDescription": {"text": info.name.replace("-", " ")},
            "help": {"text": info.message},
            "defaultConfiguration": {"level": _LEVEL[info.severity]},
        }
        if info.rationale:
            rule["fullDescription"] = {"text": info.rationale}
        if info.category:
            rule["properties"] = {"category": info.category}
        rules.append(rule)
    results = [_result(row, rule_index, base) for row in report.findings.iter_rows(named=True)]
    driver: dict[str, Any] = {"name": "corpuskit", "rules": rules}
    if report.tool_version:
        driver["version"] = report.tool_version
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


def _result(row: dict[str, Any], rule_index: dict[str, int], base: Path | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(row["file"], base)}}
    if row["line"] is not None and row["line"] >= 1:
        physical["region"] = {"startLine": row["line"]}
    properties: dict[str, Any] = {
        "documentId": row["doc_id"],
        "severity": row["severity"],
        "action": row["action"],
        "locationKind": row["location"],
        "field": row["field"],
    }
    if row["excerpt"]:
        properties["excerpt"] = row["excerpt"]
    if row["match_id"] is not None:
        properties["matchId"] = row["match_id"]
        properties["similarity"] = row["similarity"]
        if row["match_kind"]:
            properties["matchKind"] = row["match_kind"]
    result: dict[str, Any] = {
        "ruleId": row["code"],
        "ruleIndex": rule_index[row["code"]],
        "level": _LEVEL[row["severity"]],
        "message": {"text": f"doc {row['doc_id']}: {row['message']}"},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"name": row["doc_id"], "kind": "object"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(row)},
        "properties": properties,
    }
    if row["suppressed"]:
        result["suppressions"] = [
            {"kind": "inSource", "justification": "listed in the document's corpuskit_allow"}
        ]
    return result


def render(report: CheckReport, *, base: Path | None = None) -> str:
    return json.dumps(to_dict(report, base=base), ensure_ascii=False, indent=2) + "\n"
