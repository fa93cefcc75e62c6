"""Small frames shaped like validated documents, shared by the check tests (no tests here)."""

from __future__ import annotations

import polars as pl

from corpuskit import schema
from corpuskit.codes import CodeInfo, CodeRegistry, builtin_codes


def _rule(code: str, name: str, severity: str, action: str, message: str) -> CodeInfo:
    return CodeInfo(code, name, "quality", severity, action, "", message)


# Three rules of a made-up rule set, and every code that is not a rule.
RULES = CodeRegistry(
    [
        _rule("Q101", "too-short-body", "error", "drop", "the body is too short to be an article"),
        _rule("BP101", "related-links-block", "info", "strip", "nothing to do; clean strips it"),
        _rule("Q201", "mostly-non-letters", "warning", "flag", "check the extraction of this page"),
        *builtin_codes(),
    ]
)


def validated(rows: list[dict[str, object]]) -> pl.DataFrame:
    """A validated frame from dicts with id/file/line/findings (+ any extra columns)."""
    base = {
        "title": None,
        "text": "",
        "source": None,
        "url": None,
        "date": None,
        "lang": "ar",
    }
    records = []
    for row in rows:
        record = {**base, **row}
        record["origin_file"] = record.pop("file", "new.jsonl")
        record["origin_line"] = record.pop("line", 1)
        record["findings"] = [schema.finding(*f) for f in record.get("findings", [])]
        records.append(record)
    return pl.DataFrame(records, schema_overrides={"findings": schema.FINDINGS_DTYPE})


def sample_frame() -> pl.DataFrame:
    """Three files, five documents: errors, warnings, info, a suppression, a clean one."""
    return validated(
        [
            {
                "id": "n1",
                "file": "feeds/new.jsonl",
                "line": 1,
                "title": "عنوان",
                "findings": [("text", "Q101", "drop", 0, 5, "قصير")],
            },
            {"id": "n2", "file": "feeds/new.jsonl", "line": 2, "findings": []},
            {
                "id": "n3",
                "file": "feeds/new.jsonl",
                "line": 3,
                "findings": [
                    ("text", "BP101", "strip", 10, 40, "اقرأ أيضاً:\nعنوان آخر"),
                    ("text", "Q201", "flag", 0, 3, "%%%"),
                ],
                "corpuskit_allow": "Q201",
            },
            {
                "id": "t1",
                "file": "tables/in.parquet",
                "line": 7,
                "findings": [("text", "Q201", "flag", 0, 3, "###")],
            },
            {"id": "t2", "file": "tables/in.parquet", "line": 8, "findings": []},
        ]
    )


def sample_matches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["n2", "n2", "ghost"],
            "match_id": ["SK-old-7", "SK-old-9", "x"],
            "similarity": [0.81, 0.93, 1.0],
            "match_kind": ["near", "near", "exact"],
        }
    )
