"""Documents too large to read: rejected whole at input, never read by the later stages.

A news article runs to a few thousand characters; a body of millions is a dump of a
site, a feed glued into one record or a runaway extraction. The rules and the matcher
hold several arrays per character of a document (a 15 MB body takes about 1.5 GB to
validate), so one such record would decide a worker's memory whatever the part size.
The reader gives it an ``IO004`` drop finding (:data:`~corpuskit.io.codes.TOO_LARGE`);
validation and signing leave it as it is (:func:`too_large`), and it lands in the
rejected output with its text, so nothing is lost. In strict mode it stops the run.
"""

from __future__ import annotations

import polars as pl

from corpuskit import schema
from corpuskit.errors import InputError
from corpuskit.io.codes import TOO_LARGE
from corpuskit.io.rawpart import append_findings, io_finding


def too_large_findings(frame: pl.DataFrame, max_chars: int, *, strict: bool) -> pl.DataFrame:
    """Give each document whose body has more than ``max_chars`` characters an
    ``IO004`` drop finding (0: no limit); in ``strict`` mode raise for the first one."""
    if max_chars <= 0 or schema.TEXT not in frame.columns or frame.height == 0:
        return frame
    length = pl.col(schema.TEXT).cast(pl.String).str.len_chars()
    rows = (
        frame.with_row_index("__row")
        .filter(length > max_chars)
        .select("__row", schema.ORIGIN_FILE, schema.ORIGIN_LINE, length.alias("chars"))
    )
    if rows.height == 0:
        return frame
    added = {}
    for row, origin_file, origin_line, chars in rows.iter_rows():
        where = f"{origin_file}:{origin_line}"
        why = f"the body has {chars:,} characters, more than max_doc_chars {max_chars:,}"
        if strict:
            raise InputError(f"{where}: {why}", hint=TOO_LARGE.message)
        added[row] = [io_finding(TOO_LARGE, None, f"{where}: {why}") | {"end": chars}]
    return append_findings(frame, added, schema.FINDINGS)


def too_large() -> pl.Expr:
    """True for the documents the reader rejected whole as too large to read."""
    codes = pl.col(schema.FINDINGS).list.eval(pl.element().struct.field("code") == TOO_LARGE.code)
    return codes.list.any().fill_null(False)


def has_too_large(frame: pl.DataFrame) -> pl.Series | None:
    """:func:`too_large` of ``frame``'s rows, or None when it has none (the usual case)."""
    if schema.FINDINGS not in frame.columns or frame.height == 0:
        return None
    dtype = frame.schema[schema.FINDINGS]
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        return None  # no finding at all (an empty or null column)
    marked = frame.select(too_large()).to_series()
    return marked if marked.any() else None


__all__ = ["has_too_large", "too_large", "too_large_findings"]
