"""The work folder of a run: numbered parts per pass, written atomically, found on resume.

Every pass of the pipeline reads and writes *parts*: part ``i`` of every pass holds the
documents of input batch ``i``. A part is written with the atomic writers, so a part
that exists is complete; a pass resumed after an interruption skips the parts it finds.
The folder lives inside the run's staging folder (``.work``) and is deleted before the
output is swapped into place.

Layout::

    .work/
      ingest.pickle               rows per part and the union of input columns (ingest done)
      input/part-00000.parquet    canonical frames as read
      validated/part-00000.parquet documents after validation
      keys/part-00000.parquet     dedup keys (no text)
      evidence.pickle             corpus statistics for validation (fit done)
      signatures.u32              every signature, for the link pass's gathers
      links/decisions.parquet     the link pass's verdict (links/flags.parquet beside it)
      summary/part-00000.pickle   the summary tables of each written part
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit.io import write_atomic, write_text_atomic
from corpuskit.io.datasets import read_file

WORK = ".work"


def part_name(index: int, suffix: str = ".parquet") -> str:
    return f"part-{index:05d}{suffix}"


@dataclass(frozen=True)
class WorkDir:
    """Paths of one run's work folder (``root``)."""

    root: Path

    @classmethod
    def inside(cls, staging: Path) -> WorkDir:
        return cls(Path(staging) / WORK)

    def part(self, kind: str, index: int, suffix: str = ".parquet") -> Path:
        return self.root / kind / part_name(index, suffix)

    def parts(self, kind: str, count: int, suffix: str = ".parquet") -> list[Path]:
        return [self.part(kind, i, suffix) for i in range(count)]

    def file(self, name: str) -> Path:
        return self.root / name

    def write_frame(self, frame: pl.DataFrame, kind: str, index: int) -> Path:
        """Write a work part atomically; lz4, because it is read back once or twice and
        then deleted (outputs are zstd)."""
        path = self.part(kind, index)
        write_atomic(path, lambda fh: frame.write_parquet(fh, compression="lz4"))
        return path

    def read_frame(self, kind: str, index: int) -> pl.DataFrame:
        return read_file(self.part(kind, index))

    def save(self, obj: Any, name: str) -> None:
        path = self.root / name
        write_atomic(path, lambda fh: pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self, name: str) -> Any:
        with (self.root / name).open("rb") as fh:
            return pickle.load(fh)

    def save_json(self, obj: Any, name: str) -> None:
        write_text_atomic(json.dumps(obj, sort_keys=True, indent=1), self.root / name)

    def load_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text(encoding="utf-8"))

    def has(self, name: str) -> bool:
        return (self.root / name).is_file()
