"""The contract every layer shares: canonical document columns and the findings table.

A corpus inside corpuskit is a polars frame with the canonical columns below plus any
extra columns the user had, carried through untouched. Original ``text`` and ``title``
are never modified: cleaning adds ``text_clean`` (and ``title_clean``), and every
removal is recorded as a finding.

Validators attach their findings to each document as a list-of-struct column
(``findings``), so a validation stage stays ``frame -> frame`` and can run over any
batch independently. :func:`findings_table` turns that column into the one long table
(``doc_id, field, code, action, start, end, excerpt``) that the CLI, the CI output and
the report all read.
"""

from __future__ import annotations

import polars as pl

from corpuskit.errors import SchemaError

# Canonical document columns, in output order.
ID, TITLE, TEXT, SOURCE, URL, DATE, LANG = "id", "title", "text", "source", "url", "date", "lang"
CANONICAL_COLUMNS: tuple[str, ...] = (ID, TITLE, TEXT, SOURCE, URL, DATE, LANG)

# Where each document came from, for messages and CI findings ("file.jsonl:17").
ORIGIN_FILE, ORIGIN_LINE = "origin_file", "origin_line"
ORIGIN_COLUMNS: tuple[str, ...] = (ORIGIN_FILE, ORIGIN_LINE)

# Columns added by the stages.
TEXT_CLEAN, TITLE_CLEAN = "text_clean", "title_clean"
FINDINGS = "findings"
DROP_REASON = "drop_reason"  # code of the first rule whose action is "drop", else null
CLUSTER_ID, DUP_KIND, DUP_OF, SIMILARITY, KEEP, DUP_WHY = (
    "cluster_id",
    "dup_kind",
    "dup_of",
    "similarity",
    "keep",
    "dup_why",
)
DEDUP_COLUMNS: tuple[str, ...] = (CLUSTER_ID, DUP_KIND, DUP_OF, SIMILARITY, DUP_WHY)
REJECT_REASON = "reject_reason"

CANONICAL_SCHEMA: dict[str, pl.DataType] = {name: pl.String() for name in CANONICAL_COLUMNS}
ORIGIN_SCHEMA: dict[str, pl.DataType] = {ORIGIN_FILE: pl.String(), ORIGIN_LINE: pl.Int64()}

# One finding: which field of which document, which rule, what it did, where.
# start/end are character offsets (Python str indices) into the ORIGINAL field text.
FINDING_STRUCT = pl.Struct(
    {
        "field": pl.String(),
        "code": pl.String(),
        "action": pl.String(),
        "start": pl.Int64(),
        "end": pl.Int64(),
        "excerpt": pl.String(),
    }
)
FINDINGS_DTYPE = pl.List(FINDING_STRUCT)
FINDINGS_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "field": pl.String(),
    "code": pl.String(),
    "action": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "excerpt": pl.String(),
}
ACTIONS = ("flag", "strip", "drop")
FIELDS = ("text", "title")

DEDUP_SCHEMA: dict[str, pl.DataType] = {
    CLUSTER_ID: pl.String(),
    DUP_KIND: pl.String(),
    DUP_OF: pl.String(),
    SIMILARITY: pl.Float64(),
    KEEP: pl.Boolean(),
    DUP_WHY: pl.String(),
}


# The datasets ``clean`` writes, each a folder of parts, and the columns corpuskit itself
# puts in them (the documents' own extra columns come after). JSON Lines does not carry
# types, so a JSON Lines dataset is read back with these.
DOCUMENT_OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    **CANONICAL_SCHEMA,
    **ORIGIN_SCHEMA,
    TEXT_CLEAN: pl.String(),
    TITLE_CLEAN: pl.String(),
    **{name: DEDUP_SCHEMA[name] for name in DEDUP_COLUMNS},
    REJECT_REASON: pl.String(),
}
OUTPUT_DATASETS: dict[str, dict[str, pl.DataType]] = {
    "clean": DOCUMENT_OUTPUT_SCHEMA,
    "rejected": DOCUMENT_OUTPUT_SCHEMA,
    "findings": FINDINGS_TABLE_SCHEMA,
}
# The formats they are written in: Parquet, or JSON Lines plain or compressed. The name is
# also how each part's file name ends (``clean.jsonl/part-00000.jsonl.zst``).
OUTPUT_FORMATS: tuple[str, ...] = ("parquet", "jsonl", "jsonl.gz", "jsonl.zst")


def finding(
    field: str, code: str, action: str, start: int, end: int, excerpt: str
) -> dict[str, object]:
    """One finding as the dict that goes into a document's ``findings`` list."""
    return {
        "field": field,
        "code": code,
        "action": action,
        "start": start,
        "end": end,
        "excerpt": excerpt,
    }


def concat_findings(first: pl.Series, second: pl.Series) -> pl.Series:
    """Row by row, the findings of ``first`` followed by those of ``second`` (two
    ``findings`` columns of one batch; a missing list counts as empty).

    The same as polars' ``concat_list``, which is slow on lists of structs (it builds
    each row's list value by value): here both columns are laid out as one long table
    of (row, finding), which a stable sort and a grouping put back into lists.
    """
    if first.len() != second.len():
        raise ValueError(f"{first.len()} rows of findings against {second.len()}")
    n = first.len()
    parts = [
        pl.DataFrame({"f": column.cast(FINDINGS_DTYPE)})
        .with_row_index("row")
        .filter(pl.col("f").list.len() > 0)
        .explode("f")
        for column in (first, second)
    ]
    grouped = (
        pl.concat(parts)
        .sort("row", maintain_order=True)
        .group_by("row", maintain_order=True)
        .agg(pl.col("f"))
    )
    return (
        pl.DataFrame({"row": pl.int_range(n, dtype=pl.UInt32, eager=True)})
        .join(grouped, on="row", how="left", maintain_order="left")
        .select(pl.col("f").fill_null(pl.lit([], dtype=FINDINGS_DTYPE)).cast(FINDINGS_DTYPE))
        .to_series()
        .alias(first.name)
    )


def require_columns(
    frame: pl.DataFrame | pl.LazyFrame, columns: tuple[str, ...], stage: str
) -> None:
    """Raise :class:`SchemaError` naming the stage when ``frame`` lacks any of ``columns``."""
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    missing = [c for c in columns if c not in names]
    if missing:
        raise SchemaError(
            f"{stage} needs column(s) {', '.join(missing)}; the frame has {', '.join(names)}"
        )


def empty_findings_table() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS_TABLE_SCHEMA)


def findings_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Explode the per-document ``findings`` column into the long findings table."""
    if FINDINGS not in frame.columns or frame.height == 0:
        return empty_findings_table()
    table = (
        frame.select(pl.col(ID).alias("doc_id"), pl.col(FINDINGS))
        .explode(FINDINGS)
        .drop_nulls(FINDINGS)
        .unnest(FINDINGS)
    )
    if table.height == 0:
        return empty_findings_table()
    return table.select(list(FINDINGS_TABLE_SCHEMA)).cast(FINDINGS_TABLE_SCHEMA)
