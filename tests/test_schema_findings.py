"""Two findings columns joined row by row, as polars' concat_list would join them."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit import schema

_finding = st.builds(
    schema.finding,
    field=st.sampled_from(schema.FIELDS),
    code=st.sampled_from(["BP101", "IO201", "DUP001"]),
    action=st.sampled_from(["strip", "flag", "drop"]),
    start=st.integers(0, 500),
    end=st.integers(0, 500),
    excerpt=st.text(max_size=12),
)
_row = st.one_of(st.none(), st.lists(_finding, max_size=3))  # a missing list, or findings


def _series(rows: list) -> pl.Series:
    return pl.Series(schema.FINDINGS, rows, dtype=schema.FINDINGS_DTYPE)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_concat_findings_keeps_each_rows_findings_in_order(data):
    first = data.draw(st.lists(_row, max_size=30))
    second = data.draw(st.lists(_row, min_size=len(first), max_size=len(first)))
    joined = schema.concat_findings(_series(first), _series(second))
    assert joined.dtype == schema.FINDINGS_DTYPE
    assert joined.name == schema.FINDINGS
    assert joined.to_list() == [(a or []) + (b or []) for a, b in zip(first, second, strict=True)]


def test_concat_findings_refuses_columns_of_other_lengths():
    with pytest.raises(ValueError, match="rows of findings"):
        schema.concat_findings(_series([[]]), _series([[], []]))
