"""Real data from the shared folder beside the repository (skipped where it is absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from corpuskit.io import read_corpus

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpora" / "ant_corpus" / "articles.parquet"
SEED = SHARED / "seed" / "000_cb30d6f76c2cbe33.txt"


@pytest.mark.skipif(not ANT.is_file(), reason=f"ANT corpus not found at {ANT}")
def test_ant_corpus_reads_whole_with_its_ids() -> None:
    frame = read_corpus([ANT])
    source = pl.read_parquet(ANT, columns=["id", "outlet", "source"])
    assert frame.height == 41_686
    assert frame["id"].to_list() == source["id"].to_list()
    assert frame["id"].n_unique() == 41_686
    # "source" is the canonical source; "outlet" is carried as an extra column
    assert frame["source"].equals(source["source"])
    assert frame["outlet"].equals(source["outlet"])
    assert frame["origin_line"].to_list()[:3] == [1, 2, 3]


@pytest.mark.skipif(not SEED.is_file(), reason=f"seed document not found at {SEED}")
def test_seed_document_title_and_body_exactly(tmp_path: Path) -> None:
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    frame = read_corpus([folder])
    raw = SEED.read_text(encoding="utf-8")
    first_newline = raw.index("\n")
    assert frame["id"].item() == SEED.stem
    assert frame["title"].item() == raw[:first_newline]
    assert frame["title"].item() == "البنتاجون: “موظفو” الدولة الإسلامية يفرون من معقلها في سوريا"
    assert frame["text"].item() == raw[first_newline + 1 :]
    assert frame["text"].item().startswith("مواضيع ذات صلة\n")
    assert frame["findings"].list.len().item() == 0
