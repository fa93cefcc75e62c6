"""Per-document allow-lists: known exceptions a document carries with it.

A feed sometimes has a document that trips a rule on purpose (a wire story that really is
a copy of an older one, a legal notice that is all boilerplate). Rather than switching the
rule off for everyone, the document names the codes it is allowed to break in a metadata
field, ``corpuskit_allow``: a list of codes (``["Q101", "IDX001"]``) or one comma-separated
string (``"Q101, IDX001"``). An entry may also be a code prefix (``"BP"`` allows every
boilerplate rule) or ``"*"`` (everything). Suppressed findings are not dropped: they are
kept, marked, and counted in every output format so an allow-list cannot hide problems
silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

ALLOW_COLUMN = "corpuskit_allow"
ALLOW_EVERYTHING = "*"


def allowed_codes(frame: pl.DataFrame, column: str = ALLOW_COLUMN) -> pl.Series:
    """The allow-list of each document as a ``list[str]`` series (empty where none).

    Accepts a list column of strings or a string column of comma-separated codes; anything
    else (numbers, structs) is read through its string form. Entries are stripped and
    upper-cased; empty entries are ignored.
    """
    if column not in frame.columns:
        return pl.Series(column, [[] for _ in range(frame.height)], dtype=pl.List(pl.String()))
    values = frame.get_column(column)
    if isinstance(values.dtype, pl.List):
        lists = values.cast(pl.List(pl.String()))
    else:
        lists = values.cast(pl.String()).str.split(",")
    cleaned = lists.list.eval(
        pl.element().str.strip_chars().str.to_uppercase().filter(pl.element().str.len_chars() > 0)
    )
    return cleaned.fill_null([]).alias(column)


def is_allowed(code: str, allow: Iterable[str]) -> bool:
    """True when ``code`` is named by an allow-list entry (exact code, prefix or ``*``)."""
    upper = code.upper()
    return any(entry == ALLOW_EVERYTHING or upper.startswith(entry) for entry in allow)


def suppressed_mask(codes: pl.Series, allow_lists: pl.Series) -> pl.Series:
    """Row-wise: is ``codes[i]`` allowed by ``allow_lists[i]``?"""
    return pl.Series(
        "suppressed",
        [
            bool(allow) and is_allowed(code, allow)
            for code, allow in zip(codes.to_list(), allow_lists.to_list(), strict=True)
        ],
        dtype=pl.Boolean(),
    )
