"""The Python API in corpuskit/__init__.py: frames in, frames out, files as the CLI does."""

from __future__ import annotations

import json

import polars as pl
import pytest
from conftest import SEEDS

import corpuskit
from corpuskit.config import Config, DedupOptions
from corpuskit.errors import InputError


def test_the_api_names_are_callable_and_the_subpackages_still_importable():
    import corpuskit.dedup.minhash as minhash
    import corpuskit.validate.engine as engine

    assert callable(minhash.signatures) and callable(engine.validate)
    for name in corpuskit.__all__[1:]:
        assert callable(getattr(corpuskit, name)), name


def test_read_clean_and_open_an_index_from_python(tmp_path):
    sample = SEEDS / "ant_sample.jsonl"
    frame = corpuskit.read([sample])
    assert frame.height == sample.read_bytes().count(b"\n")
    assert {"id", "title", "text", "origin_file", "origin_line"} <= set(frame.columns)

    result = corpuskit.clean([sample], tmp_path / "out", workers=1)
    kept = pl.read_parquet(tmp_path / "out" / "clean.parquet")
    rejected = pl.read_parquet(tmp_path / "out" / "rejected.parquet")
    assert kept.height + rejected.height == frame.height == result.summary["documents"]["in"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["documents"]["kept"] == (
        kept.height
    )
    with pytest.raises(InputError, match="no such file"):
        corpuskit.clean([tmp_path / "missing.jsonl"], tmp_path / "other")


def test_validate_and_dedup_take_a_config_object_or_file(tmp_path):
    text = " ".join(f"كلمة{i}" for i in range(60))
    frame = pl.DataFrame(
        {
            "id": ["a", "b"],
            "title": ["عنوان أول", "عنوان ثان"],
            "text": [text, text + " " + " ".join(f"زيادة{i}" for i in range(10))],
        }
    )
    strict = tmp_path / "strict.toml"
    strict.write_text("[dedup]\nthreshold = 0.95\n", encoding="utf-8")
    loose = corpuskit.dedup(frame, config=Config(dedup=DedupOptions(threshold=0.5)))
    assert loose["keep"].to_list().count(False) == 1
    assert corpuskit.dedup(frame, config=strict)["keep"].to_list() == [True, True]
    rules = corpuskit.load_rules(select=["Q"])
    assert rules.rules and all(r.code.startswith("Q") for r in rules.rules)
    validated = corpuskit.validate(frame, rules=rules)
    assert validated["text_clean"].to_list() == frame["text"].to_list()
