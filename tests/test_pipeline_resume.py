"""A run killed part-way and resumed gives exactly the output of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import sample_copies

from corpuskit.io.datasets import find_dataset, scan_dataset
from corpuskit.io.outdir import staging_path
from corpuskit.schema import OUTPUT_DATASETS

CORPUSKIT = [sys.executable, "-c", "from corpuskit.cli import main; main()"]


def _corpus(tmp_path: Path, copies: int = 4) -> Path:  # 4 copies: 1,052 documents, 27 parts
    return sample_copies(tmp_path, copies)


def _clean(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    """A small run in many parts. Validation is left out to keep it quick: the passes,
    parts and resume logic are the same with it."""
    return subprocess.Popen(
        [*CORPUSKIT, "clean", str(corpus), "--out", str(out), "--batch-size", "40",
         "--workers", "1", "--no-validate", "-q", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def _finished_parts(out: Path) -> int:
    staging = staging_path(out)
    return sum(
        len(list((staging / folder).glob("part-*")))
        for folder in (".work/keys", "clean.parquet", "clean.jsonl")
        if (staging / folder).is_dir()
    )


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    """Each dataset, in whichever format the run wrote it."""
    tables = {}
    for stem, known in OUTPUT_DATASETS.items():
        folder = find_dataset(out, stem)
        assert folder is not None, f"{stem} missing in {out}"
        tables[folder.name] = scan_dataset(folder, known).collect()
    return tables


def _summary(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary.pop("run")
    return summary


@pytest.mark.parametrize(
    ("kill_after_parts", "fmt"),
    [(5, "parquet"), (5, "jsonl.gz"), pytest.param(30, "parquet", marks=pytest.mark.slow)],
)
def test_resume_after_sigkill_gives_the_uninterrupted_output(tmp_path, kill_after_parts, fmt):
    corpus = _corpus(tmp_path)
    reference = tmp_path / "reference"
    assert _clean(corpus, reference, "--format", fmt).wait(300) == 0

    out = tmp_path / "resumed"
    run = _clean(corpus, out, "--format", fmt)
    deadline = time.monotonic() + 300
    while _finished_parts(out) < kill_after_parts and run.poll() is None:
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.05)
    if run.poll() is not None:
        pytest.skip("the run finished before it could be killed")
    os.kill(run.pid, signal.SIGKILL)
    run.wait(30)
    assert not out.exists(), "a killed run leaves no output"
    assert staging_path(out).is_dir(), "its finished parts are kept"

    resumed = _clean(corpus, out, "--format", fmt, "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err.decode()
    assert not staging_path(out).exists()
    assert sorted(_tables(reference)) == [f"{stem}.{fmt.split('.')[0]}" for stem in
                                          sorted(OUTPUT_DATASETS)]  # fmt: skip
    for name, table in _tables(reference).items():
        again = _tables(out)[name]
        assert again.equals(table), name
        parts = sorted(p.name for p in (out / name).iterdir())
        assert parts == sorted(p.name for p in (reference / name).iterdir())
        for part in parts:
            assert (out / name / part).read_bytes() == (reference / name / part).read_bytes()
    assert _summary(out) == _summary(reference)


def test_sigterm_stops_the_run_and_a_fresh_run_clears_it(tmp_path):
    corpus = _corpus(tmp_path, copies=2)  # 526 documents, 14 parts
    out = tmp_path / "out"
    run = _clean(corpus, out)
    deadline = time.monotonic() + 300
    while _finished_parts(out) < 1 and run.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    if run.poll() is not None:
        pytest.skip("the run finished before it could be stopped")
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err.decode()[-3000:]
    assert "--resume" in err.decode()
    assert "Traceback" not in err.decode()
    assert "panicked" not in err.decode()
    assert not out.exists()
    fresh = _clean(corpus, out)
    assert fresh.wait(300) == 0
    assert not staging_path(out).exists()
    assert (out / "clean.parquet").is_dir()


def test_a_run_resumed_from_parts_without_body_measures_measures_its_outputs(tmp_path):
    """Parts written before the write pass measured bodies (a run resumed after an
    upgrade) leave no measures: the report then measures the written outputs itself
    instead of failing on the missing files."""
    from corpuskit.pipeline.clean import _bodies

    parts = [tmp_path / f"part-{i:05d}.parquet" for i in range(2)]
    assert _bodies([]) is None
    from corpuskit.report.bodies import BODY_MEASURES

    measures = {"kept": [True], "before": [3], "after": [2], "others": [1]}
    pl.DataFrame(measures, schema=BODY_MEASURES).write_parquet(parts[0])
    assert _bodies(parts) is None  # the second part has none
    assert _bodies(parts[:1]).collect()["before"].to_list() == [3]
