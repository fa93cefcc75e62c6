"""SIGKILL ``corpuskit index build`` and ``index add`` at random points: the index is
either the old one, intact, or the new one, complete; the next run leaves nothing behind.

Slow (minutes: 50 kills of each); CI runs it. ``CORPUSKIT_FAULT_KILLS`` sets the count,
and the seed of the kill times is printed so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from corpuskit.dedup.index import open_index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CORPUSKIT = [sys.executable, "-c", "from corpuskit.cli import main; main()"]
KILLS = int(os.environ.get("CORPUSKIT_FAULT_KILLS", "50"))

pytestmark = pytest.mark.slow


def _corpus(tmp_path: Path, tag: str, lines: slice) -> Path:
    records = []
    for line in (SEEDS / "ant_sample.jsonl").read_text(encoding="utf-8").splitlines()[lines]:
        record = json.loads(line)
        record["id"] = f"{record['id']}-{tag}"
        records.append(json.dumps(record, ensure_ascii=False))
    path = tmp_path / f"{tag}.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    return path


def _indexed_ids(index: Path) -> set[str]:
    opened = open_index(index)  # raises if the index is damaged
    tables = [pl.read_parquet(index / part.docs, columns=["id"]) for part in opened.parts]
    return set(pl.concat(tables)["id"]) if tables else set()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def _kill_at_random(cmd: list[str], rng: random.Random, full_run: float) -> None:
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, full_run * 1.1))
    run.send_signal(signal.SIGKILL)
    run.wait(60)


def test_killed_index_add_keeps_the_old_index_or_adds_everything(tmp_path):
    seed = random.SystemRandom().randrange(10**6)
    print(f"kill-time seed {seed}")
    rng = random.Random(seed)
    base, extra = (
        _corpus(tmp_path, "base", slice(0, 60)),
        _corpus(tmp_path, "extra", slice(60, 120)),
    )
    index = tmp_path / "idx"
    build = [*CORPUSKIT, "index", "build", str(base), "--out", str(index), "-q", "--no-validate"]
    assert subprocess.run(build, check=False).returncode == 0
    old = _indexed_ids(index)
    add = [*CORPUSKIT, "index", "add", str(extra), "--index", str(index), "-q", "--no-validate"]
    started = time.monotonic()
    assert subprocess.run([*add, "--lock-timeout", "30"], check=False).returncode == 0
    full_run = time.monotonic() - started
    new = _indexed_ids(index)
    assert new > old
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILLS):
        subprocess.run(["rm", "-rf", str(index)], check=True)
        assert subprocess.run(build, check=False).returncode == 0
        _kill_at_random(add, rng, full_run)
        ids = _indexed_ids(index)
        assert ids in (old, new), "an index must hold the old documents or all the new ones"
        outcomes["old" if ids == old else "new"] += 1
        # the next add finishes the job and cleans up after the killed one
        again = subprocess.run([*add, "--skip-indexed"], check=False, capture_output=True)
        assert again.returncode == 0, again.stderr.decode()
        assert _indexed_ids(index) == new
        assert _leftovers(index) == []
    print(f"{KILLS} killed adds: old index intact {outcomes['old']}, "
          f"new index complete {outcomes['new']}")  # fmt: skip


def test_killed_index_build_is_no_index_or_a_complete_one(tmp_path):
    seed = random.SystemRandom().randrange(10**6)
    print(f"kill-time seed {seed}")
    rng = random.Random(seed)
    corpus = _corpus(tmp_path, "base", slice(0, 120))
    index = tmp_path / "idx"
    build = [*CORPUSKIT, "index", "build", str(corpus), "--out", str(index), "-q", "--no-validate"]
    started = time.monotonic()
    assert subprocess.run(build, check=False).returncode == 0
    full_run = time.monotonic() - started
    complete = _indexed_ids(index)
    outcomes = {"none": 0, "complete": 0}
    for _ in range(KILLS):
        subprocess.run(["rm", "-rf", str(index)], check=True)
        _kill_at_random(build, rng, full_run)
        try:
            ids = _indexed_ids(index)
        except Exception:  # no usable index: the build did not finish
            ids = None
        assert ids in (None, complete)
        outcomes["none" if ids is None else "complete"] += 1
        if ids is None:
            again = subprocess.run(build, check=False, capture_output=True)
            assert again.returncode == 0, again.stderr.decode()
            assert _indexed_ids(index) == complete
        assert _leftovers(index) == []
    print(f"{KILLS} killed builds: no index {outcomes['none']}, complete {outcomes['complete']}")
