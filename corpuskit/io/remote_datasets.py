"""Reading a dataset of an output folder on object storage, through fsspec.

An upload to object storage is not atomic (:mod:`corpuskit.io.remote_out`): an output
is complete only once its marker file is there, so a folder without it is refused rather
than read half-uploaded. The parts are opened through fsspec, with the same driver and
credentials the upload used, so every scheme fsspec knows works (``memory://`` too).
Each part is fetched whole when the frame is collected; for large outputs on S3, GCS or
Azure, polars' own reader scans only the row groups a query needs:
``pl.scan_parquet("s3://bucket/run1/clean.parquet/*.parquet")``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import polars as pl

from corpuskit.errors import InputError
from corpuskit.io.datasets import _FOLDER_SUFFIXES, FORMATS
from corpuskit.io.outdir import MARKER
from corpuskit.io.stream import read_bytes


def _parts(folder: Any) -> list[Any]:
    suffixes = (
        tuple(f.part_suffix for f in FORMATS.values() if f.is_jsonl)
        if folder.name.endswith(".jsonl")
        else (".parquet",)
    )
    return sorted(
        (p for p in folder.iterdir() if p.name.endswith(suffixes) and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def _read_jsonl_part(part: Any, known: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """One JSON Lines part with the known columns' types (None when it holds nothing)."""
    data = read_bytes(part)
    if not data.strip():
        return None
    inferred = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None).schema
    types = {name: known.get(name, dtype) for name, dtype in inferred.items()}
    return pl.read_ndjson(io.BytesIO(data), schema=types)


def scan_remote_dataset(out: Any, stem: str, known: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    """Dataset ``stem`` of the finished output folder ``out`` (a ``UPath``)."""
    if not (out / MARKER).exists():
        raise InputError(
            f"{out} is not a finished corpuskit output (no {MARKER} file): a run may still "
            "be uploading it, or its upload failed",
            hint="wait for the run to finish, or run it again with --resume",
        )
    found = [out / f"{stem}{s}" for s in _FOLDER_SUFFIXES]
    found = [folder for folder in found if folder.is_dir()]
    if len(found) != 1:
        what = "two formats" if found else f"no {stem} dataset"
        raise InputError(
            f"{out} holds {what} ({stem}.parquet or {stem}.jsonl)",
            hint="pass the URL given to `corpuskit clean --out`",
        )
    parts = _parts(found[0])
    if found[0].name.endswith(".parquet"):
        if not parts:
            return pl.LazyFrame(schema=dict(known))
        fs = out.fs
        return pl.scan_parquet([fs.open(p.path, "rb") for p in parts])
    frames = [f for f in (_read_jsonl_part(p, known) for p in parts) if f is not None]
    if not frames:
        return pl.LazyFrame(schema=dict(known))
    return pl.concat(frames, how="diagonal_relaxed").lazy()


__all__ = ["scan_remote_dataset"]
