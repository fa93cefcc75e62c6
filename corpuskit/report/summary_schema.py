"""The JSON Schema of ``summary.json`` (explained in prose in ``docs/summary-schema.md``).

Kept as data so tests, and users who load ``summary.json`` in their own tooling, can
validate a summary with any JSON Schema validator.
"""

from __future__ import annotations

from typing import Any

_COUNT = {"type": "integer", "minimum": 0}
_RATE = {"type": "number", "minimum": 0, "maximum": 1}


def _object(properties: dict[str, Any], *, extra: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": extra,
    }


def _map_of(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": value}


_RULE_COUNTS = _object({"documents": _COUNT, "findings": _COUNT})
_DROP_COUNTS = _object({"documents": _COUNT, "findings": _COUNT, "rejected": _COUNT})
_STRIP_COUNTS = _object(
    {"documents": _COUNT, "findings": _COUNT, "characters": _COUNT, "lines": _COUNT}
)

SUMMARY_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "corpuskit summary.json",
    **_object(
        {
            "schema_version": {"const": 1},
            "run": _object(
                {
                    "corpuskit_version": {"type": "string"},
                    "generated_at": {"type": "string"},
                    "inputs": {"type": "array", "items": {"type": "string"}},
                    "parameters": {"type": "object"},
                },
                extra=True,
            ),
            "documents": _object(
                {
                    "in": _COUNT,
                    "kept": _COUNT,
                    "rejected": _COUNT,
                    "rejected_by_rule": _COUNT,
                    "rejected_as_duplicate": _COUNT,
                }
            ),
            "rejected_by_reason": _map_of(_COUNT),
            "characters": _object(
                {
                    "in": _COUNT,
                    "rejected": _COUNT,
                    "kept_before_strip": _COUNT,
                    "kept_after_strip": _COUNT,
                    "stripped": _COUNT,
                    "stripped_from_kept": _COUNT,
                }
            ),
            "lines": _object({"stripped": _COUNT, "stripped_from_kept": _COUNT}),
            "stripped_by_rule": _map_of(_STRIP_COUNTS),
            "flagged_by_rule": _map_of(_RULE_COUNTS),
            "dropped_by_rule": _map_of(_DROP_COUNTS),
            "duplicates": _object(
                {
                    "clusters": _COUNT,
                    "documents_in_clusters": _COUNT,
                    "dropped": _COUNT,
                    "by_kind": _map_of(_COUNT),
                    "cluster_sizes": _map_of(_COUNT),
                    "largest": {
                        "type": "array",
                        "items": _object(
                            {
                                "cluster_id": {"type": "string"},
                                "size": _COUNT,
                                "kinds": {"type": "array", "items": {"type": "string"}},
                                "min_similarity": {"type": ["number", "null"]},
                                "why": {"type": ["string", "null"]},
                            }
                        ),
                    },
                }
            ),
            "sources": _map_of(
                _object(
                    {
                        "documents": _COUNT,
                        "kept": _COUNT,
                        "rejected": _COUNT,
                        "rejected_by_reason": _map_of(_COUNT),
                        "rejection_rate": _RATE,
                        "strip_rate": _RATE,
                        "stripped_character_share": _RATE,
                        "duplicate_rate": _RATE,
                        "top_rules": {
                            "type": "array",
                            "items": _object({"code": {"type": "string"}, "documents": _COUNT}),
                        },
                    }
                )
            ),
        }
    ),
}
