"""How fast the validate stage runs on one core, as ratios measured in one invocation.

Prints, on a sample of a real corpus (../shared/corpora/<name>/articles.parquet, read
with corpuskit.io.read_corpus, so ``lang`` is identified as in ``clean``):
  * documents per second of the whole stage (fit + apply) in one process, and of the fit
    pass and the apply pass alone;
  * the cost of the corpus-level rules (BP401, BP402, BP130 evidence) relative to the run;
and, on synthetic single documents of growing size (5 MB and 50 MB built from the
sample's text), the time ratio 50 MB / 5 MB (about 10 means linear; 100 would mean
quadratic). ``--no-big`` skips that part.

With ``--baseline DIR`` (a checkout of an earlier corpuskit, e.g. made with
``git worktree add /tmp/before 080d0bf``), the earlier ``validate`` runs on the same
documents in a child process and both are printed in CPU seconds of the process too
(robust to other work on a shared machine), with their ratio.

Usage: python benchmarks/validate_speed.py [--corpus saudinewsnet] [--docs 5000] [--runs 3]
       [--baseline DIR] [--no-big]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from _timing import median_seconds

from corpuskit.io import read_corpus
from corpuskit.rules import load_ruleset
from corpuskit.validate import (
    ValidationPlan,
    apply_batch,
    finish_evidence,
    fit_batch,
    merge_partials,
    validate,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="saudinewsnet")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=50)
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument("--baseline", type=Path, help="checkout of an earlier corpuskit")
    args = parser.parse_args()
    path = SHARED / args.corpus / "articles.parquet"
    if not path.is_file():
        print(f"corpus not available: {path} is absent", file=sys.stderr)
        return 2
    frame = read_corpus([path]).head(args.docs)
    rules = load_ruleset()
    plan = ValidationPlan.build(rules)
    local = ValidationPlan.build(load_ruleset(ignore=["BP401", "BP402", "BP130"]))
    validate(frame.head(50), plan=plan)  # warm up (language model, fold table)

    def fitted():
        return finish_evidence(merge_partials([fit_batch(frame, plan)]), plan)

    evidence = fitted()
    whole = median_seconds(lambda: validate(frame, plan=plan), args.runs)
    fit = median_seconds(fitted, args.runs)
    apply = median_seconds(lambda: apply_batch(frame, plan, evidence), args.runs)
    no_corpus = median_seconds(lambda: validate(frame, plan=local), args.runs)
    n = frame.height
    print(f"corpus {args.corpus}, first {n} documents, one process, median of {args.runs} runs")
    print(f"  validate (fit + apply): {n / whole:8.0f} docs/s")
    print(f"  fit pass alone        : {n / fit:8.0f} docs/s")
    print(f"  apply pass alone      : {n / apply:8.0f} docs/s")
    print(f"  corpus-level rules add {100 * (whole - no_corpus) / whole:.0f}% to the run")
    if args.baseline is not None:
        ours = _cpu_seconds(lambda: validate(frame, plan=plan), args.runs)
        theirs = _baseline_cpu_seconds(args.baseline, path, n, args.runs)
        print(f"  CPU seconds, median: this code {ours:.1f} s ({n / ours:.0f} docs per CPU-s)")
        print(
            f"  {args.baseline}: {theirs:.1f} s ({n / theirs:.0f} docs per CPU-s); ratio x{theirs / ours:.2f}"
        )
    if args.no_big:
        return 0

    text = "\n".join(t for t in frame["text"].to_list() if t)
    small_chars = 5 * 1_000_000 // 2  # Arabic UTF-8 is ~2 bytes a character
    small = (text * (small_chars // max(len(text), 1) + 1))[:small_chars]
    big = small * (args.big_mb // 5)

    def one_doc(body: str) -> None:
        validate(pl.DataFrame({"id": ["big"], "text": [body], "lang": ["ar"]}), plan=plan)

    t_small = median_seconds(lambda: one_doc(small), 1)
    t_big = median_seconds(lambda: one_doc(big), 1)
    print(
        f"  one {len(small.encode()) / 1e6:.0f} MB document: {t_small:.1f}s; "
        f"{len(big.encode()) / 1e6:.0f} MB: {t_big:.1f}s; ratio x{t_big / t_small:.1f} "
        f"for x{len(big) / len(small):.0f} the size"
    )
    return 0


def _cpu_seconds(func, runs: int) -> float:
    """Median CPU time of the process (all its threads) over ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2]


_BASELINE = """
import sys, time
sys.path.insert(0, sys.argv[1])
import corpuskit
assert corpuskit.__file__.startswith(sys.argv[1]), corpuskit.__file__
from corpuskit.io import read_corpus
from corpuskit.validate import validate
frame = read_corpus([sys.argv[2]]).head(int(sys.argv[3]))
validate(frame.head(50))
times = []
for _ in range(int(sys.argv[4])):
    start = time.process_time()
    validate(frame)
    times.append(time.process_time() - start)
print(sorted(times)[len(times) // 2])
"""


def _baseline_cpu_seconds(checkout: Path, corpus: Path, n: int, runs: int) -> float:
    """The same measurement with the ``validate`` of another checkout, in a child process."""
    done = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(checkout), str(corpus), str(n), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    raise SystemExit(main())
