"""The Python API's functions (re-exported by :mod:`corpuskit`; see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from corpuskit.config import Config, OutputOptions, as_config
from corpuskit.io.location import input_path, is_remote

if TYPE_CHECKING:
    import polars as pl

    from corpuskit.dedup.index import DedupIndex
    from corpuskit.pipeline import CleanResult
    from corpuskit.rules import RuleSet

PathLike = str | Path


def read(inputs: Sequence[PathLike], *, config: Config | PathLike | None = None) -> pl.DataFrame:
    """Read files and folders (JSONL, Parquet, CSV, text folders) into one canonical frame.

    ``config`` is a :class:`~corpuskit.config.Config`, a TOML file, or None for the
    defaults; its ``[input]`` section maps column names.
    """
    from corpuskit.io import read_corpus

    return read_corpus([input_path(p) for p in inputs], options=as_config(config).input)


def load_rules(
    *folders: PathLike, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> RuleSet:
    """The built-in rules plus those in ``folders``, narrowed by ``select``/``ignore``
    (codes, code prefixes or categories)."""
    from corpuskit.rules import load_ruleset

    return load_ruleset([Path(f) for f in folders], select=select, ignore=ignore)


def clean(
    inputs: Sequence[PathLike],
    out: PathLike,
    *,
    config: Config | PathLike | None = None,
    overwrite: bool = False,
    validate: bool = True,
    dedup: bool = True,
    resume: bool = False,
    engine: str = "local",
    workers: int | None = None,
    format: str | None = None,
    work_dir: PathLike | None = None,
) -> CleanResult:
    """Clean ``inputs`` into the folder ``out`` as ``corpuskit clean`` does:
    ``clean.parquet``, ``rejected.parquet``, ``findings.parquet`` (folders of parts),
    ``summary.json`` and ``report.html``. Returns the summary and the time taken.

    ``format``: ``"parquet"`` (the default), or JSON Lines: ``"jsonl"``, ``"jsonl.gz"``,
    ``"jsonl.zst"`` (then ``clean.jsonl/part-00000.jsonl.zst``...); overrides the
    config's ``[output] format``.

    ``out`` may be a URL on object storage (``"s3://bucket/run1"``; needs
    ``corpuskit[remote]``): the run works in ``work_dir`` (default: a folder under
    ``~/.cache/corpuskit`` named by the URL) and uploads the finished output, its marker
    file last.

    Worker processes are started with ``spawn``: call this under
    ``if __name__ == "__main__":`` in a script.
    """
    from corpuskit.codes import check_rule_selection, load_code_registry
    from corpuskit.engine import make_engine
    from corpuskit.pipeline import clean as run

    settings = as_config(config)
    if workers is not None:
        settings = settings.replace(workers=workers)
    if format is not None:
        settings = settings.replace(output=OutputOptions(format=format))
    check_rule_selection(settings.validate, load_code_registry(settings.validate.rule_dirs))
    return run(
        [input_path(p) for p in inputs],
        out,
        config=settings,
        overwrite=overwrite,
        do_validate=validate,
        do_dedup=dedup,
        resume=resume,
        engine=make_engine(engine, workers=settings.workers),
        work_dir=Path(work_dir) if work_dir is not None else None,
    )


def scan_output(out: PathLike, dataset: str = "clean") -> pl.LazyFrame:
    """One dataset of a ``clean`` output folder (``"clean"``, ``"rejected"`` or
    ``"findings"``) as a lazy frame, in whichever format it was written. JSON Lines keeps
    no types: its parts are read with corpuskit's column types, so a column empty in one
    part and filled in the next is still one column.

    ``out`` may be a URL (``"s3://bucket/run1"``, needs ``corpuskit[remote]``): the output
    is read through fsspec once its marker file shows the upload finished."""
    from corpuskit.errors import InputError
    from corpuskit.io.datasets import find_dataset, scan_dataset
    from corpuskit.schema import OUTPUT_DATASETS

    if dataset not in OUTPUT_DATASETS:
        raise InputError(
            f"no dataset {dataset!r} in a corpuskit output",
            hint=f"choose one of: {', '.join(OUTPUT_DATASETS)}",
        )
    location = input_path(out)
    if is_remote(location):
        from corpuskit.io.remote_datasets import scan_remote_dataset

        return scan_remote_dataset(location, dataset, OUTPUT_DATASETS[dataset])
    folder = find_dataset(location, dataset)
    if folder is None:
        raise InputError(
            f"{out} holds no {dataset} dataset ({dataset}.parquet or {dataset}.jsonl)",
            hint="pass the folder given to `corpuskit clean --out`",
        )
    return scan_dataset(folder, OUTPUT_DATASETS[dataset])


def open_index(path: PathLike) -> DedupIndex:
    """A persisted duplicate index (``corpuskit index build``); ``.query(frame)`` says
    which indexed document each document of ``frame`` copies."""
    from corpuskit.dedup.index import open_index as run

    return run(Path(path))
