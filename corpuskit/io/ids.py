"""Document ids: the input's own ids verbatim, else stable readable ones; no duplicates.

A derived id is the file's label (its name without extension, with as many parent
folders as it takes to tell it apart from the other inputs) and the 1-based line or
row: ``news-2018:17``. A ``.txt`` document is a whole file, so its id is the label
alone (``politics/000123``). The same inputs always give the same ids, and two files
never give the same id. Duplicate ids, within a file or across files, are an error:
every later stage and every output refers to a document by its id.
"""

from __future__ import annotations

import polars as pl

from corpuskit import schema
from corpuskit.errors import InputError


def derived_ids(label: str, kind: str) -> pl.Expr:
    """Expression for the derived id of each row of one file (needs ``origin_line``)."""
    if kind == "txt":
        return pl.lit(label, dtype=pl.String)
    return pl.lit(f"{label}:") + pl.col(schema.ORIGIN_LINE).cast(pl.String)


def check_unique_ids(frame: pl.DataFrame) -> None:
    """Raise :class:`InputError` naming the first repeated id and two places it occurs."""
    repeated = frame.select(pl.col(schema.ID).is_duplicated().any()).item()
    if not repeated:
        return
    rows = (
        frame.select(schema.ID, schema.ORIGIN_FILE, schema.ORIGIN_LINE)
        .with_row_index("row")
        .filter(pl.col(schema.ID).is_duplicated())
        .sort("row")
    )
    first_id = rows[schema.ID][0]
    places = rows.filter(pl.col(schema.ID) == first_id).head(2)
    where = [
        f"{f}:{n}" for f, n in places.select(schema.ORIGIN_FILE, schema.ORIGIN_LINE).iter_rows()
    ]
    count = rows[schema.ID].n_unique()
    more = f" ({count} ids are repeated in all)" if count > 1 else ""
    raise InputError(
        f"duplicate document id {first_id!r} at {where[0]} and {where[1]}{more}",
        hint="ids must be unique across all inputs; fix the id column, map a unique "
        "column with --id-col, or remove the repeated records (the same file given "
        "under two names also causes this)",
    )
