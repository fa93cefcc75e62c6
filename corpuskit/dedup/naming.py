"""Ids for the documents the link pass names by row.

The link pass (:mod:`corpuskit.dedup.link`) names documents by global row: a cluster by
its kept document's row (``cluster_row``), a dropped copy's original (``dup_of_row``)
and a headline match's other cluster (``other_row``) likewise. Findings and the output
columns name them by id. Every member of a cluster would repeat its kept document's id,
and at millions of documents those strings were most of what the link pass held; so
rows become ids only where the decisions are written: each id referred to is read once
(:class:`RowIds`) and the decisions are named a slice at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from corpuskit import schema
from corpuskit.io.atomic import write_atomic

if TYPE_CHECKING:
    from corpuskit.dedup.keytable import KeyTable
    from corpuskit.dedup.link import Links

# Row columns of the link pass's frames and the id columns they become.
ROW_NAMES = {"cluster_row": "cluster_id", "dup_of_row": "dup_of", "other_row": "other_id"}

# The columns the link pass holds in narrower types (four-byte rows, an enum of kinds),
# as named frames give them.
NAMED_TYPES: dict[str, pl.DataType] = {"row": pl.Int64(), "dup_kind": pl.String()}

# Rows named and written at once: a row group of the written file.
NAMED_SLICE_ROWS = 262_144


class RowIds:
    """The ids of the rows a set of link frames refers to, each read once."""

    def __init__(self, keys: KeyTable, rows: np.ndarray) -> None:
        self._rows = np.unique(rows.astype(np.int64))
        self._ids = keys.take(self._rows, [schema.ID])[schema.ID].cast(pl.String)

    @classmethod
    def of(cls, keys: KeyTable, *frames: pl.DataFrame) -> RowIds:
        """The ids of every row named in ``frames``' row columns.

        The rows are marked in a mask of the corpus's rows (a byte per document), not
        concatenated and made unique: ten million decisions and flags name thirty
        million rows, a few hundred megabytes as 64-bit integers and as much again
        sorted."""
        referred = np.zeros(keys.height, dtype=bool)
        for frame in frames:
            for column in ROW_NAMES:
                if column in frame.columns:
                    referred[frame[column].drop_nulls().to_numpy()] = True
        return cls(keys, np.flatnonzero(referred))

    def name(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with each row column replaced, in place, by the id column it
        becomes (null stays null)."""
        ids = []
        for column in ROW_NAMES:
            if column not in frame.columns:
                continue
            rows = frame[column]
            at = np.searchsorted(self._rows, rows.fill_null(0).to_numpy())
            index = pl.Series(at, dtype=pl.UInt32).set(rows.is_null(), None)
            ids.append(self._ids.gather(index).alias(column))
        named = frame.with_columns(ids).rename({s.name: ROW_NAMES[s.name] for s in ids})
        return named.cast({c: t for c, t in NAMED_TYPES.items() if c in named.columns})


def named_links(links: Links, keys: KeyTable) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The decisions and flags of ``links`` with ids in place of rows."""
    ids = RowIds.of(keys, links.decisions, links.flags)
    return ids.name(links.decisions), ids.name(links.flags)


def write_named_links(links: Links, keys: KeyTable, decisions_file: Path, flags_file: Path) -> None:
    """Write the decisions and flags of ``links``, with ids in place of rows, as Parquet
    (zstd), each atomically and named a slice at a time."""
    ids = RowIds.of(keys, links.decisions, links.flags)
    for frame, path in ((links.decisions, decisions_file), (links.flags, flags_file)):
        write_atomic(path, lambda fh, frame=frame: _write_named(ids, frame, fh))


def _write_named(ids: RowIds, frame: pl.DataFrame, fh: BinaryIO) -> None:
    arrow_schema = ids.name(frame.head(0)).to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    with pq.ParquetWriter(fh, arrow_schema, compression="zstd") as writer:
        for lo in range(0, frame.height, NAMED_SLICE_ROWS):
            named = ids.name(frame.slice(lo, NAMED_SLICE_ROWS))
            writer.write_table(
                named.to_arrow(compat_level=pl.CompatLevel.oldest()),
                row_group_size=NAMED_SLICE_ROWS,
            )
