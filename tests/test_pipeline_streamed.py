"""The first pass runs on each part while the inputs are still being read.

Signing (a run without validation) and the fit pass (with validation) start on a part as
soon as the driver has written it. A part is signed with the columns it was read with; a
part whose columns turn out to differ from the union of all parts' is signed again, so
the keys are those of the aligned part whatever order the inputs come in.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from corpuskit.config import Config, InputOptions
from corpuskit.dedup.sign import sign_batch
from corpuskit.engine import LocalEngine
from corpuskit.errors import InputError
from corpuskit.io import align
from corpuskit.pipeline import run
from corpuskit.pipeline.passes import KEYS, apply_findings
from tests._dedup_texts import OTHER_SENTENCES, SENTENCES, article


def _mixed_inputs(folder):
    """A Parquet file with a column of its own, then JSON Lines without it."""
    pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(5)],
            "text": [article(SENTENCES) + f" {i}" for i in range(5)],
            "date": [dt.datetime(2015, 7, 22, 10, i) for i in range(5)],
            "section": ["local"] * 5,
        }
    ).write_parquet(folder / "a.parquet")
    lines = [
        {"id": f"j{i}", "text": article(OTHER_SENTENCES) + f" {i}", "url": f"http://x.sa/{i}"}
        for i in range(5)
    ]
    (folder / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    return [folder / "a.parquet", folder / "b.jsonl"]


def test_parts_signed_while_reading_have_the_keys_of_the_aligned_parts(tmp_path):
    inputs = _mixed_inputs(tmp_path)
    config = Config()
    context, read = run.prepare(
        inputs,
        tmp_path / "staging",
        config=config,
        engine=LocalEngine(2),
        do_validate=False,
        do_dedup=True,
        batch_rows=3,
    )
    assert len(read.rows) == 4 and read.documents == 10
    assert "section" in read.schema
    assert read.parts_unlike_union(), "the JSON Lines parts lack the Parquet column"
    for part, first_row in enumerate(read.first_rows):
        aligned = align(context.work.read_frame("input", part), read.schema)
        expected = sign_batch(apply_findings(aligned), config.dedup, first_row=first_row)
        assert context.work.read_frame(KEYS, part).equals(expected), part


def test_an_input_error_found_while_parts_are_signed_stops_the_run(tmp_path):
    """A malformed line in strict mode, found after earlier parts went to the workers."""
    inputs = _mixed_inputs(tmp_path)
    with (tmp_path / "b.jsonl").open("a") as fh:
        fh.write('{"id": "broken", "text": \n')
    with pytest.raises(InputError, match=r"b\.jsonl"):
        run.prepare(
            inputs,
            tmp_path / "staging",
            config=Config(input=InputOptions(strict=True)),
            engine=LocalEngine(2),
            do_validate=False,
            do_dedup=True,
            batch_rows=2,
        )


def test_a_duplicate_id_in_the_last_file_stops_the_run_after_every_part_is_read(tmp_path):
    inputs = _mixed_inputs(tmp_path)
    with (tmp_path / "b.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "p0", "text": "نص آخر"}) + "\n")
    with pytest.raises(InputError, match="p0"):
        run.prepare(
            inputs,
            tmp_path / "staging",
            config=Config(),
            engine=LocalEngine(2),
            do_validate=True,
            do_dedup=True,
            batch_rows=2,
        )


def test_summary_tables_folded_as_parts_are_written_give_the_same_summary(tmp_path, monkeypatch):
    from corpuskit.pipeline.clean import clean

    story, other = article(SENTENCES), article(OTHER_SENTENCES)
    texts = [story, other] * 6 + [article(SENTENCES[::-1]), story + " خبر"]  # copies everywhere
    pl.DataFrame({"id": [f"d{i:02d}" for i in range(len(texts))], "text": texts}).write_parquet(
        tmp_path / "in.parquet"
    )

    def summary(out: str, fold_every: int) -> dict:
        monkeypatch.setattr(run, "FOLD_EVERY", fold_every)
        result = clean(
            [tmp_path / "in.parquet"], tmp_path / out, engine=LocalEngine(1), batch_rows=2
        )
        del result.summary["run"]
        return result.summary

    once = summary("once", 10_000)
    assert once["duplicates"]["clusters"] >= 2 and once["duplicates"]["largest"][0]["size"] >= 5
    assert summary("folded", 2) == once


def test_a_large_run_starts_its_writers_after_the_link_pass_with_the_same_outputs(
    tmp_path, monkeypatch
):
    """The write pass's workers start while the driver links only in a small run; in a
    large one (here: any run, by lowering the bound) they start for the write pass
    itself, and every output table is the same."""
    import importlib

    clean_module = importlib.import_module("corpuskit.pipeline.clean")
    story, other = article(SENTENCES), article(OTHER_SENTENCES)
    texts = [story, other] * 4 + [story + " خبر", other + " جديد"]
    pl.DataFrame({"id": [f"d{i:02d}" for i in range(len(texts))], "text": texts}).write_parquet(
        tmp_path / "in.parquet"
    )
    started = []
    real_started_for = LocalEngine.started_for

    def recording(self, context):
        started.append(context)
        return real_started_for(self, context)

    monkeypatch.setattr(LocalEngine, "started_for", recording)

    def tables(out: str) -> dict[str, pl.DataFrame]:
        clean_module.clean(
            [tmp_path / "in.parquet"], tmp_path / out, engine=LocalEngine(2), batch_rows=3
        )
        return {
            stem: pl.read_parquet(tmp_path / out / f"{stem}.parquet").sort(
                "id" if stem != "findings" else "doc_id"
            )
            for stem in ("clean", "rejected", "findings")
        }

    early = tables("early")
    assert len(started) == 1
    monkeypatch.setattr(clean_module, "EARLY_WRITERS_MAX_DOCUMENTS", len(texts) - 1)
    late = tables("late")
    assert len(started) == 1, "a run above the bound starts no workers during the link pass"
    assert early["rejected"].height >= 4
    for stem, frame in early.items():
        assert late[stem].equals(frame), stem
