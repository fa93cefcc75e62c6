"""Where the link pass reads the keys of every document from: memory or parts on disk.

The link pass (:mod:`corpuskit.dedup.link`) needs whole columns of small keys (exact
keys, URL keys, word counts, one LSH band at a time) and, for candidate pairs only, the
MinHash signatures and other fixed-size arrays (sketches) of the rows concerned. A
:class:`KeyTable` gives exactly that, whether the keys of a small corpus sit in one frame
(:class:`FrameKeys`) or the keys of a large one were written batch by batch to Parquet
parts (:class:`PartKeys`), whose array columns are then copied once each into a
memory-mapped file so that gathering the arrays of candidate pairs never loads them all.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from corpuskit.dedup.lsh import band_candidate_codes, codes_of_pairs, pairs_of_codes
from corpuskit.dedup.sign import ROW, SIGNATURE, band_column
from corpuskit.io.datasets import read_file, scan_dataset

# Pairs whose signatures are gathered at once when estimating similarities.
PAIR_CHUNK = 50_000


class KeyTable:
    """The keys of every document of a corpus, by global row (0 … height-1)."""

    height: int
    num_perm: int
    # A folder for the link pass's temporary files (spilled candidate pairs); None keeps
    # everything in memory.
    scratch: Path | None = None

    def column(self, name: str) -> pl.Series:
        """One key column over every row, in row order."""
        raise NotImplementedError

    def hashes(self, name: str) -> np.ndarray:
        """A 64-bit hash of column ``name`` per row (equal values, equal hashes): the
        identity of long values, such as headlines, without holding them."""
        return self.column(name).hash(seed=0).to_numpy()

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        """The MinHash signatures of ``rows`` (``len(rows) x num_perm`` uint32)."""
        return self.array(SIGNATURE, rows)

    def array(self, name: str, rows: np.ndarray) -> np.ndarray:
        """The fixed-size uint32 array column ``name`` of ``rows`` (``len(rows) x width``)."""
        raise NotImplementedError

    def take(self, rows: np.ndarray, columns: Sequence[str]) -> pl.DataFrame:
        """``columns`` of ``rows`` (in the order of ``rows``)."""
        raise NotImplementedError

    def band_pairs(self, rows: np.ndarray, bands: int) -> np.ndarray:
        """Candidate pairs ``(a, b)``, ``a < b``, among ``rows``: documents whose LSH band
        keys agree in at least one of ``bands`` bands (grouped one band at a time)."""
        return pairs_of_codes(self.band_codes(rows, bands))

    def band_codes(self, rows: np.ndarray, bands: int) -> np.ndarray:
        """The pairs of :meth:`band_pairs` as sorted ``a << 32 | b`` codes."""
        keys = (self.column(band_column(band)).gather(rows).to_numpy() for band in range(bands))
        return band_candidate_codes(rows, keys)

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Estimated Jaccard similarity of rows ``a[i]`` and ``b[i]`` (share of equal
        minima), computed in chunks so the gathered signatures stay small."""
        out = np.empty(a.size, dtype=np.float64)
        for lo in range(0, a.size, PAIR_CHUNK):
            hi = min(lo + PAIR_CHUNK, a.size)
            out[lo:hi] = (self.signatures(a[lo:hi]) == self.signatures(b[lo:hi])).mean(axis=1)
        return out


class FrameKeys(KeyTable):
    """Keys held in one frame (the output of :func:`corpuskit.dedup.sign.sign_batch`)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        if frame.height and frame[ROW][0] != 0:
            frame = frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))
        self.frame = frame
        self.height = frame.height
        self._arrays: dict[str, np.ndarray] = {}
        self.num_perm = frame.schema[SIGNATURE].size  # type: ignore[attr-defined]

    def column(self, name: str) -> pl.Series:
        return self.frame[name]

    def array(self, name: str, rows: np.ndarray) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = self.frame[name].to_numpy()
        return self._arrays[name][rows]

    def take(self, rows: np.ndarray, columns: Sequence[str]) -> pl.DataFrame:
        return self.frame.select(columns)[rows]


class PartKeys(KeyTable):
    """Keys written as Parquet parts, in row order, and their signatures in one file.

    ``parts`` are the keys frames of consecutive batches. On first use the signatures are
    copied, part by part, into ``signature_file`` (``height x num_perm`` uint32), and
    every other array column into a file beside it; gathers read them through a memory
    map a window at a time and release its pages (:func:`_gather_mapped`), so the process
    never holds more than a window of the file.
    """

    def __init__(
        self,
        parts: Sequence[Path],
        signature_file: Path,
        *,
        num_perm: int,
        pair_finder: Callable[[Sequence[Path], int], np.ndarray] | None = None,
    ) -> None:
        self.parts = list(parts)
        self._pair_finder = pair_finder
        self.num_perm = num_perm
        self._file = Path(signature_file)
        self.scratch = self._file.parent
        self._scan = scan_dataset(self.parts) if self.parts else None
        sizes = [int(scan_dataset(p).select(pl.len()).collect().item()) for p in self.parts]
        self._starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        self.height = int(self._starts[-1])
        self._widths: dict[str, int] = {}

    def column(self, name: str) -> pl.Series:
        if self._scan is None:
            return pl.Series(name, [])
        return self._scan.select(name).collect().to_series()

    def hashes(self, name: str) -> np.ndarray:
        """As :meth:`KeyTable.hashes`, one part at a time."""
        hashed = [read_file(part, [name])[name].hash(seed=0).to_numpy() for part in self.parts]
        return np.concatenate(hashed) if hashed else np.empty(0, dtype=np.uint64)

    def take(self, rows: np.ndarray, columns: Sequence[str]) -> pl.DataFrame:
        """Read only the parts that hold ``rows`` (parts are consecutive row ranges), one
        at a time, so a take never loads a whole column of the corpus. Rows asked for in
        increasing order come back as the parts give them; others are put in order by a
        join (at millions of rows, a copy of the values or two)."""
        if self._scan is None or rows.size == 0:
            schema = self._scan.collect_schema() if self._scan is not None else {}
            return pl.DataFrame(schema={c: schema.get(c, pl.Null) for c in columns})
        in_row_order = rows.size < 2 or bool((rows[1:] > rows[:-1]).all())
        wanted = rows.astype(np.int64) if in_row_order else np.unique(rows).astype(np.int64)
        part_of = np.searchsorted(self._starts, wanted, side="right") - 1
        found = []
        for part in np.unique(part_of).tolist():
            local = wanted[part_of == part] - self._starts[part]
            table = read_file(self.parts[part], [c for c in columns if c != ROW])
            found.append(
                table[local].with_columns(pl.Series(ROW, wanted[part_of == part], dtype=pl.Int64))
            )
        looked_up = pl.concat(found, how="vertical_relaxed")
        if in_row_order:  # distinct rows in order: the parts' rows are the rows asked for
            return looked_up.select(columns)
        order = pl.DataFrame({"__order": np.arange(rows.size), ROW: rows.astype(np.int64)})
        return order.join(looked_up, on=ROW, how="left").sort("__order").select(columns)

    def band_codes(self, rows: np.ndarray, bands: int) -> np.ndarray:
        """As :meth:`KeyTable.band_codes`; with a ``pair_finder`` (an engine that groups
        band keys across a cluster) the grouping is left to it. Band keys are null
        outside the rows that take part, so its pairs are among ``rows`` already."""
        if self._pair_finder is None:
            return super().band_codes(rows, bands)
        return codes_of_pairs(self._pair_finder(self.parts, bands))

    def _array_file(self, name: str) -> Path:
        return self._file if name == SIGNATURE else self._file.with_name(f"{name}.u32")

    def _ensure_array_file(self, name: str) -> int:
        """Write the array column ``name`` to its file once; returns its width."""
        if name in self._widths:
            return self._widths[name]
        width = self.num_perm if name == SIGNATURE else 0
        with self._array_file(name).open("wb") as out:
            for part in self.parts:
                block = read_file(part, [name])[name].to_numpy()
                width = block.shape[1]
                out.write(np.ascontiguousarray(block, dtype=np.uint32).tobytes())
        self._widths[name] = width
        return width

    def array(self, name: str, rows: np.ndarray) -> np.ndarray:
        width = self._ensure_array_file(name)
        if rows.size == 0 or self.height == 0:
            return np.empty((rows.size, width), dtype=np.uint32)
        with (
            self._array_file(name).open("rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            view = np.frombuffer(mm, dtype=np.uint32).reshape(self.height, width)
            gathered = _gather_mapped(mm, view, rows)
            del view
            mm.madvise(mmap.MADV_DONTNEED)
        return gathered


# Keys parts of at most this many bytes in all (uncompressed, as their Parquet metadata
# says: 100,000 documents' keys take about 130 MB) are read into one frame and linked
# from memory: reading a column from every part for each step of the link pass, and the
# arrays through a mapped file, took about a third of the pass at 100,000 documents.
KEYS_IN_MEMORY_BYTES = 256 << 20


def keys_of_parts(
    parts: Sequence[Path],
    signature_file: Path,
    *,
    num_perm: int,
    pair_finder: Callable[[Sequence[Path], int], np.ndarray] | None = None,
) -> KeyTable:
    """The keys of a run's parts: held in memory (:class:`FrameKeys`) when they are
    small (:data:`KEYS_IN_MEMORY_BYTES`) and no ``pair_finder`` (an engine that groups
    band keys across a cluster) is given, read from the parts as needed
    (:class:`PartKeys`) otherwise."""
    small = sum(_uncompressed_bytes(part) for part in parts) <= KEYS_IN_MEMORY_BYTES
    if parts and small and pair_finder is None:
        return FrameKeys(pl.concat([read_file(part) for part in parts], how="vertical_relaxed"))
    return PartKeys(parts, signature_file, num_perm=num_perm, pair_finder=pair_finder)


def _uncompressed_bytes(part: Path) -> int:
    metadata = pq.ParquetFile(part).metadata
    return sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))


# The most of a mapped array file one gather holds at a time. The kernel maps the pages
# around each page a gather faults in (fault-around, 64 KB), so a few thousand rows
# scattered over a file of gigabytes would bring most of it into the process's resident
# memory; a larger gather reads the rows in order, one window of the file at a time,
# and releases each window's pages before the next.
GATHER_WINDOW_BYTES = 128 << 20
FAULT_AROUND_BYTES = 64 << 10


def _gather_mapped(mm: mmap.mmap, view: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``view[rows]`` (a copy) holding at most about :data:`GATHER_WINDOW_BYTES` of the
    mapped file at once."""
    row_bytes = view.shape[1] * view.itemsize
    touched = min(view.shape[0] * row_bytes, rows.size * (FAULT_AROUND_BYTES + row_bytes))
    if touched <= GATHER_WINDOW_BYTES:
        return view[rows]
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    window = ordered // max(1, GATHER_WINDOW_BYTES // row_bytes)
    bounds = np.flatnonzero(np.diff(window)) + 1
    out = np.empty((rows.size, view.shape[1]), dtype=view.dtype)
    for lo, hi in zip([0, *bounds.tolist()], [*bounds.tolist(), rows.size], strict=True):
        out[order[lo:hi]] = view[ordered[lo:hi]]
        start = int(ordered[lo]) * row_bytes // mmap.PAGESIZE * mmap.PAGESIZE
        mm.madvise(mmap.MADV_DONTNEED, start, (int(ordered[hi - 1]) + 1) * row_bytes - start)
    return out
