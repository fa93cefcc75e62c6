"""The link pass reads the keys of a small run from memory and those of a large one from
its parts on disk: the outputs are the same either way."""

from __future__ import annotations

import polars as pl
from conftest import sample_copies
from polars.testing import assert_frame_equal

from corpuskit.config import Config
from corpuskit.dedup import keytable
from corpuskit.engine import LocalEngine
from corpuskit.io.datasets import find_dataset, scan_dataset
from corpuskit.pipeline import run as pipeline_run
from corpuskit.pipeline.clean import clean
from corpuskit.schema import OUTPUT_DATASETS


def _tables(out) -> dict[str, pl.DataFrame]:
    return {
        stem: scan_dataset(find_dataset(out, stem), known).collect()
        for stem, known in OUTPUT_DATASETS.items()
    }


def test_keys_read_from_parts_on_disk_give_the_outputs_of_keys_held_in_memory(
    tmp_path, monkeypatch
):
    corpus = sample_copies(tmp_path, 3)
    kinds = []

    def recorded(*args, **kwargs):
        keys = keytable.keys_of_parts(*args, **kwargs)
        kinds.append(type(keys).__name__)
        return keys

    monkeypatch.setattr(pipeline_run, "keys_of_parts", recorded)
    run = dict(config=Config(), do_validate=False, engine=LocalEngine(1), batch_rows=40)
    held = clean([corpus], tmp_path / "held", **run)
    monkeypatch.setattr(keytable, "KEYS_IN_MEMORY_BYTES", 0)
    from_parts = clean([corpus], tmp_path / "parts", **run)
    assert kinds == ["FrameKeys", "PartKeys"]
    assert held.summary["documents"]["rejected_as_duplicate"] >= 2 * 263, "copies found"
    for stem, table in _tables(tmp_path / "held").items():
        assert_frame_equal(table, _tables(tmp_path / "parts")[stem], check_row_order=True)
    assert held.summary["duplicates"] == from_parts.summary["duplicates"]
