"""corpuskit: data quality and deduplication for news corpora, Arabic first.

The Python API is small and works on polars frames (frames in, frames out). A frame
needs an ``id`` and a ``text`` column; ``title``, ``source``, ``url`` and ``date`` are used
when present, and any other column is carried through untouched.

>>> import polars as pl
>>> import corpuskit
>>> story = (
...     "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة خمسمئة سرير، "
...     "ويضم المستشفى أقساما للطوارئ والعناية المركزة وجراحة القلب، وسيخدم سكان "
...     "الأحياء الشمالية من المدينة ابتداء من الشهر المقبل."
... )
>>> docs = pl.DataFrame({
...     "id": ["a", "b", "c"],
...     "title": ["افتتاح مستشفى في جدة", "مستشفى جديد بجدة", "افتتاح مستشفى في جدة"],
...     "text": [story + "\\nمواضيع ذات صلة", story, "خبر آخر لا علاقة له بالمستشفى أبدا."],
... })
>>> cleaned = corpuskit.dedup(corpuskit.validate(docs))
>>> cleaned.select("id", "keep", "dup_of").rows()
[('a', True, None), ('b', False, 'a'), ('c', True, None)]
>>> cleaned["text_clean"][0] == story
True

:func:`clean` runs the whole job on files, as ``corpuskit clean`` does; :func:`read`
reads any supported input into the canonical frame; :func:`load_rules` and
:func:`open_index` give the rule set and a persisted duplicate index.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from corpuskit.config import Config
    from corpuskit.dedup.index import DedupIndex
    from corpuskit.pipeline import CleanResult
    from corpuskit.rules import RuleSet

__version__ = "0.1.0"

# The subpackages named like two of the functions below are loaded first, so that the
# functions defined afterwards are what ``corpuskit.validate`` and ``corpuskit.dedup``
# name (a later import of a loaded submodule does not rebind the package attribute).
# Inside corpuskit, and for their other names, import from the subpackages:
# ``from corpuskit.validate import validate``.
import corpuskit.dedup
import corpuskit.validate  # noqa: F401

PathLike = str | Path


def _config(config: Config | PathLike | None) -> Config:
    from corpuskit.config import Config, load_config

    if config is None or isinstance(config, Config):
        return config or Config()
    return load_config(Path(config))


def read(inputs: Sequence[PathLike], *, config: Config | PathLike | None = None) -> pl.DataFrame:
    """Read files and folders (JSONL, Parquet, CSV, text folders) into one canonical frame.

    ``config`` is a :class:`~corpuskit.config.Config`, a TOML file, or None for the
    defaults; its ``[input]`` section maps column names.
    """
    from corpuskit.io import read_corpus

    return read_corpus([Path(p) for p in inputs], options=_config(config).input)


def load_rules(
    *folders: PathLike, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> RuleSet:
    """The built-in rules plus those in ``folders``, narrowed by ``select``/``ignore``
    (codes, code prefixes or categories)."""
    from corpuskit.rules import load_ruleset

    return load_ruleset([Path(f) for f in folders], select=select, ignore=ignore)


def validate(
    frame: pl.DataFrame,
    *,
    config: Config | PathLike | None = None,
    rules: RuleSet | None = None,
) -> pl.DataFrame:
    """Apply the rules to ``frame``: adds ``text_clean``, ``title_clean``, ``lang``,
    ``findings`` and ``drop_reason``; never drops a row. ``rules`` defaults to the
    built-in rules plus the config's ``rule_dirs``."""
    from corpuskit.validate import validate as run

    return run(frame, ruleset=rules, options=_config(config).validate)


def dedup(frame: pl.DataFrame, *, config: Config | PathLike | None = None) -> pl.DataFrame:
    """Mark exact, same-URL, near and rewritten copies: adds ``cluster_id``, ``dup_kind``,
    ``dup_of``, ``similarity`` and ``keep``; never drops a row. Run :func:`validate`
    first so that boilerplate does not count as shared text."""
    from corpuskit.dedup import dedup as run

    return run(frame, options=_config(config).dedup)


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
) -> CleanResult:
    """Clean ``inputs`` into the folder ``out`` as ``corpuskit clean`` does:
    ``clean.parquet``, ``rejected.parquet``, ``findings.parquet`` (folders of parts),
    ``summary.json`` and ``report.html``. Returns the summary and the time taken.

    Worker processes are started with ``spawn``: call this under
    ``if __name__ == "__main__":`` in a script.
    """
    from corpuskit.engine import make_engine
    from corpuskit.pipeline import clean as run

    settings = _config(config)
    if workers is not None:
        settings = settings.replace(workers=workers)
    return run(
        [Path(p) for p in inputs],
        Path(out),
        config=settings,
        overwrite=overwrite,
        do_validate=validate,
        do_dedup=dedup,
        resume=resume,
        engine=make_engine(engine, workers=settings.workers),
    )


def open_index(path: PathLike) -> DedupIndex:
    """A persisted duplicate index (``corpuskit index build``); ``.query(frame)`` says
    which indexed document each document of ``frame`` copies."""
    from corpuskit.dedup.index import open_index as run

    return run(Path(path))


__all__ = ["__version__", "clean", "dedup", "load_rules", "open_index", "read", "validate"]
