"""Peak memory and wall time of test-suite runs: the default ``pytest`` must stay light.

Memory is the peak resident memory summed over the whole process tree (pytest, the
worker processes of ``clean``, the browser of the report tests), sampled every 0.2 s
from /proc. Each ``--run`` is one pytest invocation (its arguments as one string); the
first is the baseline the others are compared with.

    .venv/bin/python benchmarks/suite_memory.py
    .venv/bin/python benchmarks/suite_memory.py --run "" \\
        --run "-m slow tests/test_cli_bad_input.py::test_a_50_megabyte_document"
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.2


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in KiB."""
    children, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
            0,
        )
    return total


def measure(pytest_args: list[str]) -> tuple[float, float, int]:
    """``(seconds, peak GiB, exit code)`` of one pytest run."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(SAMPLE_SECONDS)
    return time.perf_counter() - started, peak / 1024**2, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run",
        action="append",
        help='pytest arguments of one run, as one string ("" = the default suite)',
    )
    args = parser.parse_args()
    runs = args.run if args.run else [""]
    baseline = None
    for run in runs:
        seconds, peak, code = measure(shlex.split(run))
        baseline = baseline or (seconds, peak)
        print(
            f"pytest {run or '(default)':<60} {seconds:7.1f} s  peak {peak:5.2f} GiB  "
            f"({seconds / baseline[0]:.2f}x time, {peak / baseline[1]:.2f}x memory)  exit {code}",
            flush=True,
        )


if __name__ == "__main__":
    main()
