"""Body measures: the numbers per document that the report's charts are drawn from.

For every document the length of its body as read (``before``); for a kept document also
the length of its cleaned body (``after``) and how many of those characters are not
letters (``others``, for the letter share). A run measures each part as it writes it,
while the bodies are in memory, so the report reads a few numbers per document instead
of reading and scanning every body again; a report drawn from an output folder measures
the bodies written there.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from corpuskit import schema
from corpuskit.report.sections import lazy

BODY_MEASURES = {
    "kept": pl.Boolean,
    "before": pl.UInt32,
    "after": pl.UInt32,
    "others": pl.UInt32,
}


def _body(names: list[str], column: str) -> pl.Expr:
    if column not in names:
        return pl.lit("", dtype=pl.String)
    return pl.col(column).cast(pl.String()).fill_null("")


def body_measures(clean: Any, rejected: Any) -> pl.LazyFrame:
    """The :data:`BODY_MEASURES` of the kept documents (``clean``), then of the rejected
    ones (eager or lazy frames, as written to the output folder)."""
    clean, rejected = lazy(clean), lazy(rejected)
    clean_names = clean.collect_schema().names()
    cleaned = schema.TEXT_CLEAN if schema.TEXT_CLEAN in clean_names else schema.TEXT
    after = _body(clean_names, cleaned)
    kept = clean.select(
        kept=pl.lit(True),
        before=_body(clean_names, schema.TEXT).str.len_chars(),
        after=after.str.len_chars(),
        others=after.str.count_matches(r"\P{L}"),
    )
    dropped = rejected.select(
        kept=pl.lit(False),
        before=_body(rejected.collect_schema().names(), schema.TEXT).str.len_chars(),
        after=pl.lit(None, dtype=pl.UInt32),
        others=pl.lit(None, dtype=pl.UInt32),
    )
    return pl.concat([kept.cast(BODY_MEASURES), dropped.cast(BODY_MEASURES)])


__all__ = ["BODY_MEASURES", "body_measures"]
