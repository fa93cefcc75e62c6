"""corpuskit's datasets (folders of parts) in Parquet or JSON Lines, read and written by
exact path.

A dataset is a folder named like a file, ``clean.parquet/`` or ``clean.jsonl/``, holding
one part per input batch: ``part-00000.parquet``, or ``part-00000.jsonl`` (also
``.jsonl.gz`` and ``.jsonl.zst``), one JSON object per document and line. A Parquet
folder reads as one table in polars, pyarrow, pandas, DuckDB and Hugging Face datasets;
a JSON Lines folder is what pipelines that take JSON Lines read part by part.

polars reads a path with ``*``, ``?`` or ``[`` as a glob pattern, so an output folder
called ``run[2]`` would not be found. Every part is therefore listed here with pathlib
and handed to polars with globbing off (Parquet) or with those characters escaped
(JSON Lines, whose reader always globs).

JSON Lines carries no types: a column that is null in one part and a list in the next
would be read as two different types. A JSON Lines dataset is therefore read part by
part, with the types the caller knows (corpuskit's own columns), the others inferred from
each whole part, and the parts put together with their common types.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import polars as pl
import zstandard

from corpuskit.errors import InputError
from corpuskit.io.atomic import write_atomic
from corpuskit.schema import OUTPUT_FORMATS

Writer = Callable[[pl.DataFrame, IO[bytes]], None]


# zstd at level 1: twice as fast to write as polars' default level 3 on news text, for
# files about 8% larger (measured on a 2,710-document part: 86 ms / 6.1 MB against
# 175 ms / 5.7 MB).
PARQUET_ZSTD_LEVEL = 1


def _parquet(frame: pl.DataFrame, fh: IO[bytes]) -> None:
    frame.write_parquet(fh, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL)


def _jsonl(compression: Literal["uncompressed", "gzip", "zstd"]) -> Writer:
    """JSON Lines, compressed by polars itself (gzip several times faster than Python's
    at a similar size); the same rows give the same bytes (no time stamp, no file name,
    whatever the number of threads)."""

    def write(frame: pl.DataFrame, fh: IO[bytes]) -> None:
        frame.write_ndjson(fh, compression=compression, check_extension=False)

    return write


@dataclass(frozen=True)
class DatasetFormat:
    """How the parts of a dataset are stored: ``name`` (as ``--format`` takes it, and how
    each part's file name ends), the suffix of the dataset's folder, and the writer."""

    name: str
    folder_suffix: str
    write: Writer

    @property
    def part_suffix(self) -> str:
        return f".{self.name}"

    @property
    def is_jsonl(self) -> bool:
        return self.folder_suffix == ".jsonl"


FORMATS: dict[str, DatasetFormat] = {
    "parquet": DatasetFormat("parquet", ".parquet", _parquet),
    "jsonl": DatasetFormat("jsonl", ".jsonl", _jsonl("uncompressed")),
    "jsonl.gz": DatasetFormat("jsonl.gz", ".jsonl", _jsonl("gzip")),
    "jsonl.zst": DatasetFormat("jsonl.zst", ".jsonl", _jsonl("zstd")),
}
if tuple(FORMATS) != OUTPUT_FORMATS:  # the config's choices and the writers are one list
    raise AssertionError(f"formats {tuple(FORMATS)} != schema.OUTPUT_FORMATS {OUTPUT_FORMATS}")
_FOLDER_SUFFIXES = tuple(dict.fromkeys(f.folder_suffix for f in FORMATS.values()))


def dataset_format(name: str) -> DatasetFormat:
    return FORMATS[name]


def _holds_bytes(dtype: pl.DataType) -> bool:
    if dtype == pl.Binary:
        return True
    if isinstance(dtype, pl.Struct):
        return any(_holds_bytes(f.dtype) for f in dtype.fields)
    inner = getattr(dtype, "inner", None)
    return inner is not None and _holds_bytes(inner)


def check_writable(columns: Mapping[str, pl.DataType], fmt: DatasetFormat) -> None:
    """Refuse, before a run writes anything, columns the format cannot store: JSON has no
    raw bytes (a Parquet input's binary column, also inside lists and structs)."""
    if not fmt.is_jsonl:
        return
    binary = [name for name, dtype in columns.items() if _holds_bytes(dtype)]
    if binary:
        raise InputError(
            f"the input column(s) {', '.join(map(repr, binary))} hold raw bytes, which "
            f"JSON Lines (--format {fmt.name}) cannot store",
            hint="write Parquet (--format parquet), or drop or encode those columns first",
        )


def dataset_folder(out: Path, stem: str, fmt: DatasetFormat) -> Path:
    """``out/clean.parquet`` or ``out/clean.jsonl``: where dataset ``stem`` is written."""
    return Path(out) / f"{stem}{fmt.folder_suffix}"


def write_dataset_part(frame: pl.DataFrame, path: Path, fmt: DatasetFormat) -> None:
    """Write one part of a dataset atomically (``path`` ends with ``fmt.part_suffix``)."""
    write_atomic(path, lambda fh: fmt.write(frame, fh))


def find_dataset(out: Path, stem: str) -> Path | None:
    """The folder of dataset ``stem`` in an output folder, in whichever format it was
    written (None when there is none). Two formats side by side are refused."""
    found = [p for p in (Path(out) / f"{stem}{s}" for s in _FOLDER_SUFFIXES) if p.exists()]
    if len(found) > 1:
        raise InputError(
            f"{out} holds {stem} in two formats: {', '.join(p.name for p in found)}",
            hint="keep one of them, or run `corpuskit clean` again into a new --out",
        )
    return found[0] if found else None


def _part_suffixes(folder: Path) -> tuple[str, ...]:
    if folder.name.endswith(".jsonl"):
        return tuple(f.part_suffix for f in FORMATS.values() if f.is_jsonl)
    return (".parquet",)


def dataset_files(path: Path) -> list[Path]:
    """The part files of ``path``: the parts of a folder (sorted), or the file itself."""
    path = Path(path)
    if path.is_dir():
        suffixes = _part_suffixes(path)
        return sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.name.endswith(suffixes) and not p.name.startswith(".")
        )
    return [path]


def _is_jsonl(file: Path) -> bool:
    return file.name.endswith(tuple(f.part_suffix for f in FORMATS.values() if f.is_jsonl))


def _is_empty_jsonl(file: Path) -> bool:
    """A part without documents (a compressed empty file still has a few bytes)."""
    if file.name.endswith(".gz"):
        with gzip.open(file, "rb") as fh:
            return not fh.read(1)
    if file.name.endswith(".zst"):
        with file.open("rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as fh:
            return not fh.read(1)
    return file.stat().st_size == 0


def _literal(path: Path) -> str:
    """``path`` as a glob pattern that matches only itself: ``run[2]`` -> ``run[[]2[]]``."""
    return re.sub(r"([][*?])", r"[\1]", str(path))


def _scan_jsonl_part(file: Path, known: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    """One part: the known columns with their types, the others as the whole part shows."""
    pattern = _literal(file)
    inferred = pl.scan_ndjson(pattern, infer_schema_length=None).collect_schema()
    types = {name: known.get(name, dtype) for name, dtype in inferred.items()}
    return pl.scan_ndjson(pattern, schema=types)


def _scan_jsonl(files: Sequence[Path], known: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    parts = [_scan_jsonl_part(f, known) for f in files if not _is_empty_jsonl(f)]
    if not parts:
        return pl.LazyFrame(schema=dict(known))
    return pl.concat(parts, how="diagonal_relaxed")


def scan_dataset(
    path: Path | Sequence[Path], known: Mapping[str, pl.DataType] | None = None
) -> pl.LazyFrame:
    """A lazy scan of a dataset folder, a file, or a list of them, by exact path.

    ``known``: the types of columns the caller knows, for JSON Lines (which has none);
    also the columns of a JSON Lines dataset without documents."""
    files = (
        [f for p in path for f in dataset_files(p)]
        if isinstance(path, Sequence) and not isinstance(path, str)
        else dataset_files(Path(path))
    )
    if files and all(_is_jsonl(f) for f in files):
        return _scan_jsonl(files, known or {})
    if not files and isinstance(path, Path) and path.name.endswith(".jsonl"):
        return pl.LazyFrame(schema=dict(known or {}))
    return pl.scan_parquet([str(f) for f in files], glob=False)


def read_file(path: Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """One Parquet file by exact path."""
    return pl.read_parquet(path, columns=list(columns) if columns else None, glob=False)
