"""SIGKILL ``corpuskit clean`` at random points: the old output stays whole or the new one
is complete, and the next run leaves no staging folder behind.

Slow (a few minutes: 50 killed runs); CI runs it. ``CORPUSKIT_FAULT_KILLS`` sets how
many kills; the seed of the random kill times is printed so a failure can be replayed.
"""

from __future__ import annotations

import contextlib
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

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CORPUSKIT = [sys.executable, "-c", "from corpuskit.cli import main; main()"]
KILLS = int(os.environ.get("CORPUSKIT_FAULT_KILLS", "50"))

pytestmark = pytest.mark.slow


def _corpus(tmp_path: Path, tag: str) -> Path:
    lines = (SEEDS / "ant_sample.jsonl").read_text(encoding="utf-8").splitlines()
    records = []
    for line in lines[:120]:
        record = json.loads(line)
        record["id"] = f"{record['id']}-{tag}"
        records.append(json.dumps(record, ensure_ascii=False))
    path = tmp_path / f"corpus-{tag}.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    return path


def _clean(corpus: Path, out: Path) -> list[str]:
    return [*CORPUSKIT, "clean", str(corpus), "--out", str(out), "--overwrite", "-q",
            "--batch-size", "20", "--workers", "2", "--no-validate"]  # fmt: skip


def _state(out: Path) -> str | None:
    """Which corpus a complete output holds ("old"/"new"); None when there is none."""
    if not out.exists():
        return None
    ids = pl.concat(
        [pl.read_parquet(out / t, columns=["id"]) for t in ("clean.parquet", "rejected.parquet")]
    )["id"]
    assert ids.len() == 120, f"an incomplete output: {ids.len()} documents"
    tags = {i.rsplit("-", 1)[1] for i in ids}
    assert len(tags) == 1, f"a mixed output: {tags}"
    assert (out / "summary.json").is_file() and (out / "report.html").is_file()
    return tags.pop()


def _children(pid: int) -> set[int]:
    """Process ids of ``pid``'s children (Linux /proc), empty where unknown."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_sigkill_at_random_points_never_loses_or_mixes_an_output(tmp_path):
    seed = random.SystemRandom().randrange(10**6)
    print(f"kill-time seed {seed}")
    rng = random.Random(seed)
    old, new = _corpus(tmp_path, "old"), _corpus(tmp_path, "new")
    out = tmp_path / "out"
    started = time.monotonic()
    first = subprocess.run(_clean(old, out), check=False, capture_output=True)
    assert first.returncode == 0, first.stderr.decode()
    full_run = time.monotonic() - started
    outcomes = {"old": 0, "new": 0}
    workers_seen = 0
    for _ in range(KILLS):
        run = subprocess.Popen(_clean(new, out), stderr=subprocess.PIPE)
        deadline = time.monotonic() + rng.uniform(0, full_run * 1.1)
        children: set[int] = set()
        while time.monotonic() < deadline and run.poll() is None:
            children |= _children(run.pid)
            time.sleep(0.02)
        run.send_signal(signal.SIGKILL)
        _, err = run.communicate(timeout=60)
        workers_seen += len(children)
        time.sleep(0.5)
        orphans = [pid for pid in children if _alive(pid)]
        assert orphans == [], f"worker processes outlived their killed parent: {orphans}"
        assert b"BrokenPipeError" not in err
        state = _state(out)
        assert state is not None, "--out must never be missing after a kill"
        outcomes[state] += 1
        # the next run into the same folder clears what the killed one left
        again = subprocess.run(_clean(old, out), check=False, capture_output=True)
        assert again.returncode == 0, again.stderr.decode()
        assert _state(out) == "old"
        assert _leftovers(out) == [], _leftovers(out)
    print(f"{KILLS} kills: old output intact {outcomes['old']}, new output complete "
          f"{outcomes['new']}; {workers_seen} worker processes seen, none outlived its parent")  # fmt: skip
