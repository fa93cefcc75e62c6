"""Asking an index which indexed document each incoming one copies.

:meth:`DedupIndex.query` returns one row per incoming document that matches, with the
indexed ``match_id``, the estimated ``similarity`` of the two folded bodies (the Jaccard
similarity of their word-shingle sets, from the MinHash signatures) and ``match_kind``:

* ``exact``: the same folded body (similarity 1.0);
* ``url``: the same canonical URL; the similarity says how much of the body is shared
  (a same-URL match with body similarity 0.41 is an edited or replaced article);
* ``near``: band keys shared and a similarity of at least the index's threshold;
* ``id``: the incoming document's own id is already indexed, with a different body (an
  updated version of an indexed article); the similarity compares the two versions.

A document is never reported as a copy of itself: a match whose ``match_id`` is the
incoming id is left out, and an incoming document identical to its indexed version (same
id, same folded body) gets no row at all. When a document matches several indexed ones,
the strongest kind wins (exact, url, near, id), then the highest similarity, then the
smallest indexed id.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from corpuskit.dedup.index.manifest import (
    IndexParameters,
    Manifest,
    Part,
    collect,
    corrupted,
    read_manifest,
    read_part,
)
from corpuskit.dedup.index.tables import document_table
from corpuskit.dedup.lsh import band_keys
from corpuskit.dedup.minhash import estimate_similarity

MATCH_KINDS = ("exact", "url", "near", "id")
QUERY_SCHEMA = {
    "id": pl.String,
    "match_id": pl.String,
    "similarity": pl.Float64,
    "match_kind": pl.String,
}
_PAIRS_SCHEMA = {"q": pl.UInt32, "row": pl.Int64, "match_kind": pl.String}


class DedupIndex:
    """An opened index; :meth:`query` says which indexed document each new one copies."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = path
        self.manifest = manifest

    @property
    def parameters(self) -> IndexParameters:
        return self.manifest.parameters

    @property
    def parts(self) -> tuple[Part, ...]:
        return self.manifest.parts

    @property
    def documents(self) -> int:
        return self.manifest.documents

    def _collect(self, lazy: pl.LazyFrame) -> pl.DataFrame:
        return collect(self.path, lazy)

    def query(self, frame: pl.DataFrame) -> pl.DataFrame:
        """One row per incoming document that matches an indexed one (see the module docs).

        Columns ``id, match_id, similarity, match_kind``, in the order of ``frame``."""
        if frame.height == 0 or not self.parts:
            return pl.DataFrame(schema=QUERY_SCHEMA)
        docs, signatures = document_table(frame, self.parameters)
        incoming = docs.select("id", "exact_key", "url_key", "words").with_row_index("q")
        found = [self._part_matches(part, incoming, signatures) for part in self.parts]
        found = [m for m in found if m.height]
        if not found:
            return pl.DataFrame(schema=QUERY_SCHEMA)
        rank = pl.col("match_kind").replace_strict({k: i for i, k in enumerate(MATCH_KINDS)})
        best = (
            pl.concat(found)
            .with_columns(rank=rank)
            .sort(["q", "rank", "similarity", "match_id"], descending=[False, False, True, False])
            .group_by("q", maintain_order=True)
            .first()
        )
        return (
            best.join(incoming.select("q", "id"), on="q")
            .sort("q")
            .select("id", "match_id", "similarity", "match_kind")
            .cast(QUERY_SCHEMA)
        )

    def _part_matches(
        self, part: Part, incoming: pl.DataFrame, signatures: np.ndarray
    ) -> pl.DataFrame:
        """Matches of ``incoming`` in one part: ``q, match_id, similarity, match_kind``."""
        stored = self._collect(
            read_part(self.path, part.docs, ["id", "exact_key", "url_key"])
            .lazy()
            .with_row_index("row", offset=part.row_offset)
            .with_columns(pl.col("row").cast(pl.Int64))
        )
        if stored["id"].null_count():
            raise corrupted(self.path, f"{part.docs} has documents without an id")
        pairs = [self._near_pairs(part, incoming, signatures)]
        for key, kind in (("exact_key", "exact"), ("url_key", "url"), ("id", "id")):
            hits = incoming.drop_nulls(key).join(stored.drop_nulls(key).select(key, "row"), on=key)
            pairs.append(hits.select("q", "row", match_kind=pl.lit(kind)))
        pairs = (
            pl.concat([p.cast(_PAIRS_SCHEMA) for p in pairs])
            .unique(maintain_order=True)
            .join(stored.select("row", pl.col("id").alias("match_id"), "exact_key"), on="row")
            .join(incoming.select("q", "id", pl.col("exact_key").alias("own_key")), on="q")
        )
        is_self = pl.col("match_id") == pl.col("id")
        same_version = pl.col("exact_key").eq_missing(pl.col("own_key"))
        pairs = pairs.filter(
            pl.when(pl.col("match_kind") == "id").then(~same_version).otherwise(~is_self)
        )
        if pairs.height == 0:
            return pl.DataFrame()
        theirs = self._signatures(part, pairs["row"].to_numpy() - part.row_offset)
        similarity = estimate_similarity(signatures[pairs["q"].to_numpy()], theirs)
        return (
            pairs.with_columns(similarity=pl.Series(similarity, dtype=pl.Float64))
            .filter(
                (pl.col("match_kind") != "near")
                | (pl.col("similarity") >= self.parameters.threshold)
            )
            .select("q", "match_id", "similarity", "match_kind")
        )

    def _near_pairs(
        self, part: Part, incoming: pl.DataFrame, signatures: np.ndarray
    ) -> pl.DataFrame:
        """Candidates sharing a band key: ``q, row, match_kind="near"``."""
        params = self.parameters
        long_rows = np.flatnonzero(incoming["words"].to_numpy() >= params.min_words)
        if long_rows.size == 0:
            return pl.DataFrame(schema=_PAIRS_SCHEMA)
        keys = band_keys(signatures[long_rows], params.bands, params.rows)
        probe = pl.DataFrame(
            {
                "band": np.tile(np.arange(params.bands, dtype=np.int16), long_rows.size),
                "key": keys.reshape(-1),
                "q": np.repeat(long_rows.astype(np.uint32), params.bands),
            }
        )
        candidates = self._collect(
            read_part(self.path, part.bands, ["band", "key", "row"])
            .lazy()
            .join(probe.lazy(), on=["band", "key"])
            .select("q", "row")
            .unique()
        )
        outside = (candidates["row"] < part.row_offset) | (
            candidates["row"] >= part.row_offset + part.documents
        )
        if outside.any():
            raise corrupted(self.path, f"{part.bands} refers to documents outside its part")
        return candidates.with_columns(match_kind=pl.lit("near"))

    def _signatures(self, part: Part, local_rows: np.ndarray) -> np.ndarray:
        """The stored signatures of ``local_rows`` of ``part`` (one row per entry)."""
        wanted = np.unique(local_rows)
        stored = self._collect(
            read_part(self.path, part.docs, ["signature"])
            .lazy()
            .with_row_index("local")
            .filter(pl.col("local").is_in(wanted.tolist()))
        )
        matrix = stored["signature"].to_numpy() if stored["signature"].null_count() == 0 else None
        if matrix is None or matrix.dtype != np.uint32 or len(matrix) != wanted.size:
            raise corrupted(self.path, f"{part.docs} holds damaged signatures")
        return matrix[np.searchsorted(wanted, local_rows)]


def open_index(path: Path) -> DedupIndex:
    """Open the index folder at ``path``; :class:`~corpuskit.errors.DedupIndexError` if it
    is missing, damaged in any way, or written by an incompatible version."""
    path = Path(path)
    return DedupIndex(path, read_manifest(path))
