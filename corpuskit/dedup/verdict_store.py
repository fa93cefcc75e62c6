"""The verdicts of the clustering, on disk while the clusters are grown.

Clusters that do not chain (:func:`corpuskit.dedup.link._clusters_without_chains`) judge
every dropped document against its kept one, then revise in rounds: a document that is
not a copy of its kept one is split off and judged again, a cluster that joins another
across days is judged against the other's kept one. Each verdict carries the evidence
the decisions will word (a score, the similarities, what differs): about ninety bytes a
document, over half a gigabyte at ten million documents, held through every round
although the rounds read only which document a verdict is of and whether it failed.

:class:`VerdictStore` writes each part of the verdicts to a scratch file as it is judged
and keeps in memory only those two things and a mark per verdict of whether it still
stands. Withdrawing the verdicts of documents that move clears their marks; the standing
verdicts are read back once, a part at a time, when the rounds are over. Without a scratch
folder (keys held in memory, as in a small run) the parts stay in memory as they are.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from corpuskit.io.datasets import read_file


@dataclass
class _Part:
    dropped: np.ndarray  # the document each verdict is of
    failed: np.ndarray  # bool: the verdict did not accept the document as a copy
    standing: np.ndarray  # bool: not withdrawn since
    frame: pl.DataFrame | None  # the verdicts, where there is no scratch folder
    path: Path | None  # or where they were written


class VerdictStore:
    """Parts of verdicts (frames with a ``dropped`` column), each with which of its
    verdicts failed (see the module docs). ``n`` is the number of documents."""

    def __init__(self, folder: Path | None, n: int) -> None:
        self._folder = folder
        self._n = n
        self._parts: list[_Part] = []
        self._row_type = np.int32 if n < 2**31 else np.int64

    def add(self, frame: pl.DataFrame, failed: np.ndarray) -> None:
        """Hold the verdicts of ``frame``; ``failed`` marks those that did not accept."""
        if frame.height == 0:
            return
        dropped = frame["dropped"].to_numpy().astype(self._row_type)
        standing = np.ones(frame.height, dtype=bool)
        failed = np.asarray(failed, dtype=bool)
        if self._folder is None:
            self._parts.append(_Part(dropped, failed, standing, frame, None))
            return
        handle, name = tempfile.mkstemp(prefix="verdicts-", suffix=".parquet", dir=self._folder)
        os.close(handle)
        path = Path(name)
        self._parts.append(_Part(dropped, failed, standing, None, path))
        frame.write_parquet(path, compression="lz4")

    def extend(self, judged: Iterable[tuple[pl.DataFrame, np.ndarray]]) -> None:
        for frame, failed in judged:
            self.add(frame, failed)

    def withdraw(self, rows: np.ndarray) -> None:
        """The verdicts held of the documents ``rows`` no longer stand."""
        gone = np.zeros(self._n, dtype=bool)
        gone[rows] = True
        for part in self._parts:
            part.standing &= ~gone[part.dropped]

    def standing(self) -> tuple[np.ndarray, np.ndarray]:
        """``(dropped, failed)`` of the standing verdicts, in the order they were added."""
        dropped = [part.dropped[part.standing] for part in self._parts]
        failed = [part.failed[part.standing] for part in self._parts]
        if not dropped:
            return np.empty(0, dtype=self._row_type), np.empty(0, dtype=bool)
        return np.concatenate(dropped), np.concatenate(failed)

    def frames(self) -> Iterator[pl.DataFrame]:
        """The standing verdicts of each part in turn, in the order they were added (a
        part's file removed once read; drawn once)."""
        while self._parts:  # those not read yet stay for discard()
            part = self._parts.pop(0)
            frame = part.frame if part.path is None else read_file(part.path)
            if part.path is not None:
                part.path.unlink(missing_ok=True)
            frame = frame.filter(pl.Series(part.standing))
            if frame.height:
                yield frame

    def discard(self) -> None:
        """Remove every scratch file left (once :meth:`frames` is drawn, none is)."""
        for part in self._parts:
            if part.path is not None:
                part.path.unlink(missing_ok=True)
        self._parts = []
