"""clean, check and index all go through one spine: the pipeline's prepare pass.

Each command is run with prepare wrapped to count its calls, and the read, validated
documents must be the same for all three (the same rules resolved once, the same
reader, the same parts).
"""

from __future__ import annotations

import importlib

import polars as pl
from conftest import SEEDS

from corpuskit.dedup.index import IndexWriter
from corpuskit.engine import LocalEngine
from corpuskit.pipeline import run

# The modules (the package re-exports functions of the same names).
clean, check, index = (
    importlib.import_module(f"corpuskit.pipeline.{name}") for name in ("clean", "check", "index")
)


def _spy(monkeypatch):
    seen: list[pl.DataFrame] = []
    real = run.prepare

    def prepare(*args, **kwargs):
        context, read = real(*args, **kwargs)
        from corpuskit.pipeline.passes import validated_part

        seen.append(pl.concat(validated_part(context, p) for p in range(len(read.rows))))
        return context, read

    for module in (clean, check, index):
        monkeypatch.setattr(module, "prepare", prepare)
    return seen


def test_clean_check_and_index_share_the_prepare_pass(tmp_path, monkeypatch):
    seen = _spy(monkeypatch)
    sample = [SEEDS / "ant_sample.jsonl"]
    engine = LocalEngine(1)
    clean.clean(sample, tmp_path / "out", engine=engine, batch_rows=100)
    check.check_paths(sample, engine=engine)
    with IndexWriter(tmp_path / "idx") as writer:
        index.index_corpus(sample, writer, engine=engine, batch_rows=100)
    assert len(seen) == 3, "each command runs the prepare pass exactly once"
    columns = ["id", "text_clean", "title_clean", "drop_reason"]
    first = seen[0].select(columns)
    for other in seen[1:]:
        assert other.select(columns).equals(first)
