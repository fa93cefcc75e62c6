"""Annotate: the link pass's decisions written onto one batch of documents.

Adds ``cluster_id`` (the kept document's id, null outside clusters), ``dup_kind``,
``dup_of``, ``similarity``, ``keep`` (False only for dropped copies), ``dup_why`` (the
evidence that decided it) and appends one ``DUP…`` finding per dropped copy ("rewritten
copy of X: 3-grams 0.21, words 0.74 …"), per older version a newer document updates (a
``DUP230`` flag, or a drop with ``drop_updates``), per page that opens with a story
published on its own (a ``DUP240`` flag) and per headline-only match (a
``DUP300`` flag on the title).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from corpuskit import schema
from corpuskit.dedup import codes
from corpuskit.dedup.verify import headline_why, why

# How a finding names the relation of the document to ``dup_of``.
_KIND_WORDS = {
    "exact": "exact copy of",
    "url": "same article URL as",
    "near": "near copy of",
    "rewritten": "rewritten copy of",
    "trimmed": "trimmed copy of",
    "update": "older version, updated by",
    "contained": "page that holds the whole of",
}


def _lengths(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.repeat(0, pl.len(), dtype=pl.Int64)
    return pl.col(name).cast(pl.String).str.len_chars().fill_null(0).cast(pl.Int64)


def annotate_batch(
    frame: pl.DataFrame,
    decisions: pl.DataFrame,
    flags: pl.DataFrame,
    *,
    first_row: int = 0,
) -> pl.DataFrame:
    """``frame`` with the dedup columns and findings of its rows.

    ``decisions`` and ``flags`` are the link pass's, named by id
    (:mod:`corpuskit.dedup.naming`); they hold (at least) the rows of this batch,
    numbered from ``first_row``; rows outside the batch are ignored.
    """
    n = frame.height
    last_row = first_row + n
    decisions = decisions.filter(pl.col("row").is_between(first_row, last_row - 1))
    flags = flags.filter(pl.col("row").is_between(first_row, last_row - 1))
    rows = pl.DataFrame({"row": np.arange(first_row, last_row, dtype=np.int64)})
    joined = rows.join(decisions, on="row", how="left", maintain_order="left")
    joined = joined.with_columns(why(joined))
    local = (pl.col("row") - first_row).alias("local")
    text_length = frame.select(_lengths(frame, schema.TEXT)).to_series()
    title_length = frame.select(_lengths(frame, schema.TITLE)).to_series()
    copies = joined.filter(pl.col("dup_kind").is_not_null()).select(
        local,
        field=pl.lit("text"),
        code=pl.col("dup_kind").replace_strict(codes.DROP_CODES, return_dtype=pl.String),
        action=pl.when(pl.col("keep")).then(pl.lit("flag")).otherwise(pl.lit("drop")),
        start=pl.lit(0, dtype=pl.Int64),
        end=pl.lit(text_length).gather(pl.col("row") - first_row),
        excerpt=pl.format(
            "{} {}: {}",
            pl.col("dup_kind").replace_strict(_KIND_WORDS, return_dtype=pl.String),
            pl.col("dup_of"),
            pl.col("why"),
        ),
    )
    headlines = flags.select(
        local,
        field=pl.lit("title"),
        code=pl.lit(codes.HEADLINE_FLAG),
        action=pl.lit("flag"),
        start=pl.lit(0, dtype=pl.Int64),
        end=pl.lit(title_length).gather(pl.col("row") - first_row),
        excerpt=pl.format(
            "headline matches {} but the bodies are not copies: {}",
            pl.col("other_id"),
            headline_why(),
        ),
    )
    keep = joined["keep"].fill_null(True)
    columns = [
        joined["cluster_id"].alias(schema.CLUSTER_ID),
        joined["dup_kind"].alias(schema.DUP_KIND),
        joined["dup_of"].alias(schema.DUP_OF),
        joined["similarity"].alias(schema.SIMILARITY),
        keep.alias(schema.KEEP),
        joined["why"].alias(schema.DUP_WHY),
        _append_findings(frame, pl.concat([copies, headlines])),
    ]
    return frame.with_columns(columns)


def _append_findings(frame: pl.DataFrame, found: pl.DataFrame) -> pl.Series:
    """The ``findings`` column with the rows of ``found`` (``local``, the row in the
    batch, and the finding's fields) appended in the order given."""
    n = frame.height
    if schema.FINDINGS in frame.columns:
        existing = frame[schema.FINDINGS].cast(schema.FINDINGS_DTYPE).fill_null([])
    else:
        existing = pl.Series(schema.FINDINGS, [[]], dtype=schema.FINDINGS_DTYPE).new_from_index(
            0, n
        )
    if found.height == 0:
        return existing.alias(schema.FINDINGS)
    fields = list(schema.FINDING_STRUCT.to_schema())
    per_row = found.group_by("local", maintain_order=True).agg(pl.struct(fields).alias("new"))
    new = (
        pl.DataFrame({"local": np.arange(n, dtype=np.int64)})
        .join(per_row, on="local", how="left", maintain_order="left")
        .select(pl.col("new").fill_null(pl.lit([], dtype=schema.FINDINGS_DTYPE)))
        .to_series()
        .cast(schema.FINDINGS_DTYPE)
    )
    return schema.concat_findings(existing, new).alias(schema.FINDINGS)


__all__ = ["annotate_batch"]
