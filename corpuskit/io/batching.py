"""Cutting a stream of canonical frames into batches, and one schema for all of them.

Readers return chunks of whatever size their format gives (a Parquet record batch, a
few megabytes of JSON Lines). :func:`rebatch` regroups them into batches of at most
``batch_rows`` documents and about ``batch_bytes`` of text, greedily in input order, so
the batches depend only on the documents and the two limits (a single document larger
than ``batch_bytes`` is a batch of its own).

Files differ in their extra columns, and a column may first appear late in a file, so
each batch carries only the columns its documents have. :class:`UnionSchema` gathers
every batch's schema into the one schema of the whole read (a column's type widened to
hold all its values), and :func:`align` puts a batch into such a schema: missing columns
null, the same order, the same types.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import polars as pl

from corpuskit import schema
from corpuskit.errors import SchemaError

FRONT: tuple[str, ...] = (*schema.CANONICAL_COLUMNS, *schema.ORIGIN_COLUMNS)


def text_bytes(frame: pl.DataFrame) -> pl.Series:
    """The size of each document's text in UTF-8 bytes (0 for a null text)."""
    return frame[schema.TEXT].str.len_bytes().fill_null(0).cast(pl.Int64)


def rebatch(
    frames: Iterable[pl.DataFrame], batch_rows: int, batch_bytes: int
) -> Iterator[pl.DataFrame]:
    """Canonical frames regrouped into batches of at most ``batch_rows`` rows and
    ``batch_bytes`` bytes of text (one document alone may exceed it)."""
    pending: list[pl.DataFrame] = []
    rows = size = 0
    for frame in frames:
        sizes = text_bytes(frame).cum_sum().to_list()
        start = 0
        while start < frame.height:
            base = sizes[start - 1] if start else 0
            room_rows = batch_rows - rows
            room_bytes = batch_bytes - size
            take = 0
            limit = min(frame.height - start, room_rows)
            # the longest run from ``start`` that fits (sizes are cumulative, so bisect)
            lo, hi = 0, limit
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if sizes[start + mid - 1] - base <= room_bytes:
                    lo = mid
                else:
                    hi = mid - 1
            take = lo
            if take == 0 and rows == 0:
                take = 1  # a document larger than a whole batch goes alone
            if take:
                pending.append(frame.slice(start, take))
                rows += take
                size += sizes[start + take - 1] - base
                start += take
            if start < frame.height or rows >= batch_rows:
                yield concat(pending)
                pending, rows, size = [], 0, 0
    if pending:
        yield concat(pending)


def concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Canonical frames with different extra columns stacked into one (columns of all,
    canonical first, findings last); a column whose types cannot be reconciled is
    carried as JSON text."""
    if len(frames) == 1:
        return frames[0]
    target = UnionSchema()
    for frame in frames:
        target.add(frame.schema)
    return pl.concat([align(frame, target.schema) for frame in frames], how="vertical")


class UnionSchema:
    """The schema of every column seen so far, in canonical order (canonical and origin
    columns, then extras as they first appear, then findings), each column's type widened
    to one that holds all its values (its polars supertype; text where there is none)."""

    def __init__(self) -> None:
        self._types: dict[str, pl.DataType] = {}

    def add(self, frame_schema: pl.Schema | dict[str, pl.DataType]) -> None:
        for name, dtype in frame_schema.items():
            known = self._types.get(name)
            if known is None or known == pl.Null:
                self._types[name] = dtype
            elif known != dtype and dtype != pl.Null:
                self._types[name] = _supertype(known, dtype)

    @property
    def schema(self) -> dict[str, pl.DataType]:
        names = [n for n in FRONT if n in self._types]
        names += [n for n in self._types if n not in FRONT and n != schema.FINDINGS]
        if schema.FINDINGS in self._types:
            names.append(schema.FINDINGS)
        return {name: self._types[name] for name in names}


def _supertype(a: pl.DataType, b: pl.DataType) -> pl.DataType:
    try:
        empty = [pl.DataFrame(schema={"c": a}), pl.DataFrame(schema={"c": b})]
        return pl.concat(empty, how="vertical_relaxed").schema["c"]
    except pl.exceptions.PolarsError:
        return pl.String()


def align(frame: pl.DataFrame, target: dict[str, pl.DataType] | pl.Schema) -> pl.DataFrame:
    """``frame`` with exactly the columns of ``target``, in its order and of its types.

    Columns the frame lacks are null; a column is cast to the target type, and a nested
    value (an object or a list) in a column the target has as text becomes its JSON
    text. ``target`` must hold every column of the frame (a schema gathered with
    :class:`UnionSchema`, or ``CorpusReader.stats.columns``).
    """
    missing = [c for c in frame.columns if c not in target]
    if missing:
        raise SchemaError(f"align: the target schema lacks the frame's column(s) {missing}")
    columns = []
    for name, dtype in target.items():
        if name not in frame.columns:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
        elif frame.schema[name] == dtype:
            columns.append(pl.col(name))
        elif dtype == pl.String and frame.schema[name].is_nested():
            columns.append(_json_text(frame[name]).alias(name))
        else:
            columns.append(pl.col(name).cast(dtype))
    return frame.select(columns)


def _json_text(values: pl.Series) -> pl.Series:
    """Nested values as their JSON text (nulls stay null)."""
    texts = [None if v is None else json.dumps(_plain(v), ensure_ascii=False) for v in values]
    return pl.Series(values.name, texts, dtype=pl.String)


def _plain(value: object) -> object:
    if isinstance(value, pl.Series):
        return [_plain(v) for v in value.to_list()]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
