"""Document ids: the input's own ids verbatim, else stable readable ones; no duplicates.

A derived id is the file's label (its name without extension, with as many parent
folders as it takes to tell it apart from the other inputs) and the 1-based line or
row: ``news-2018:17``. A ``.txt`` document is a whole file, so its id is the label
alone (``politics/000123``). The same inputs always give the same ids, and two files
never give the same id. Duplicate ids, within a file or across files, are an error:
every later stage and every output refers to a document by its id.

:class:`UniqueIds` checks a corpus fed batch by batch in bounded memory: it keeps a
64-bit hash of each id (8 bytes a document, 80 MB for 10 million), finds the hashes
seen more than once when the stream ends, and only then looks at the few documents
behind them to name the repeated id and where it occurs (a hash shared by two different
ids is no duplicate).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
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
    raise _duplicate_error(rows, rows[schema.ID].n_unique())


# Seed of the id hash: fixed, so the same ids always hash the same within a version.
_SEED = 0x5EED


def id_hashes(frame: pl.DataFrame) -> np.ndarray:
    """A 64-bit hash of each document id (unsigned, in row order)."""
    return frame[schema.ID].hash(_SEED).to_numpy()


class UniqueIds:
    """Refuse duplicate ids across a stream of canonical batches, in bounded memory.

        ids = UniqueIds()
        for frame in reader.batches():
            ids.add(frame)
        ids.finish(reader.batches)   # raises InputError naming a repeated id

    ``finish`` needs a way to read the batches again (a callable returning them) only
    when two ids share a hash, to tell a real duplicate from a hash collision and to say
    where the duplicates are; a corpus without duplicates is never read twice.
    """

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self.count = 0

    def add(self, frame: pl.DataFrame) -> None:
        """Remember the ids of one batch."""
        self._hashes.append(id_hashes(frame))
        self.count += frame.height

    def repeated_hashes(self) -> np.ndarray:
        """The hashes seen more than once, sorted (empty when every id is unique)."""
        if not self._hashes:
            return np.empty(0, dtype=np.uint64)
        every = np.concatenate(self._hashes)
        every.sort()
        self._hashes = [every]
        same = every[1:] == every[:-1]
        return np.unique(every[1:][same])

    def finish(self, batches: Callable[[], Iterable[pl.DataFrame]]) -> None:
        """Raise :class:`InputError` if an id occurs twice, naming the first such id (by
        its first occurrence) and two places it occurs; ``batches`` reads the corpus
        again, in the same order, and is called only when some hashes repeat."""
        repeated = self.repeated_hashes()
        if repeated.size == 0:
            return
        suspects = pl.Series("h", repeated, dtype=pl.UInt64)
        # Rows behind the first few repeated hashes (in input order), a few per hash: the
        # first repeated id is among them, and memory stays small whatever repeats.
        kept = pl.DataFrame(schema={"h": pl.UInt64, schema.ID: pl.String, "place": pl.String})
        for frame in batches():
            hashes = pl.Series("h", id_hashes(frame), dtype=pl.UInt64)
            hit = hashes.is_in(suspects.implode())
            if not hit.any():
                continue
            rows = frame.select(
                hashes.alias("h"),
                pl.col(schema.ID),
                pl.format("{}:{}", schema.ORIGIN_FILE, schema.ORIGIN_LINE).alias("place"),
            ).filter(hit)
            kept = (
                pl.concat([kept, rows]).group_by("h", schema.ID, maintain_order=True).head(_PER_ID)
            )
            tracked = kept["h"].unique(maintain_order=True).head(_TRACKED)
            kept = kept.filter(pl.col("h").is_in(tracked.implode()))
        same = kept.filter(pl.struct("h", schema.ID).is_duplicated())
        # groups come in the order of their first row: the first is the earliest id
        if same.height:
            first_id = same[schema.ID][0]
            places = same.filter(pl.col(schema.ID) == first_id)["place"].to_list()
            raise _duplicate_message(first_id, places[0], places[1], len(repeated))


_PER_ID = 2  # places kept per repeated id: the message names two
_TRACKED = 10_000


def _duplicate_error(rows: pl.DataFrame, count: int) -> InputError:
    """The error for repeated ids; ``rows`` holds the repeated ids' rows in input order."""
    first_id = rows[schema.ID][0]
    places = rows.filter(pl.col(schema.ID) == first_id).head(2)
    where = [
        f"{f}:{n}" for f, n in places.select(schema.ORIGIN_FILE, schema.ORIGIN_LINE).iter_rows()
    ]
    return _duplicate_message(first_id, where[0], where[1], count)


def _duplicate_message(first_id: str, one: str, two: str, count: int) -> InputError:
    more = f" ({count} ids are repeated in all)" if count > 1 else ""
    return InputError(
        f"duplicate document id {first_id!r} at {one} and {two}{more}",
        hint="ids must be unique across all inputs; fix the id column, map a unique "
        "column with --id-col, or remove the repeated records (the same file given "
        "under two names also causes this)",
    )
