"""Reading corpuskit's own Parquet files and datasets (folders of parts) by exact path.

polars reads a path with ``*``, ``?`` or ``[`` as a glob pattern, so an output folder
called ``run[2]`` would not be found. Every part is therefore listed here with pathlib
and handed to polars with globbing off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl


def dataset_files(path: Path) -> list[Path]:
    """The Parquet files of ``path``: the parts of a folder (sorted), or the file itself."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.glob("*.parquet") if p.is_file())
    return [path]


def scan_dataset(path: Path | Sequence[Path]) -> pl.LazyFrame:
    """A lazy scan of a dataset folder, a file, or a list of files, by exact path."""
    files = (
        [f for p in path for f in dataset_files(p)]
        if isinstance(path, Sequence) and not isinstance(path, str)
        else dataset_files(Path(path))
    )
    return pl.scan_parquet([str(f) for f in files], glob=False)


def read_file(path: Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """One Parquet file by exact path."""
    return pl.read_parquet(path, columns=list(columns) if columns else None, glob=False)
