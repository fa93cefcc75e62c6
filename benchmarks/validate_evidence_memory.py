"""Memory of the validate stage's corpus evidence at scale (the fit pass only).

Repeats a real corpus N times with distinct ids (copy k's ids get a ``~k`` suffix, so
every document counts as a new one and every repeated line is seen N times as often),
fits it batch by batch as an engine would, merges the partials as they come, and
prints the size of the merged partial and of the finished evidence (in-memory frame
sizes and pickled bytes, what a worker would send), and the peak memory of the process.

Usage: python benchmarks/validate_evidence_memory.py [--corpus saudinewsnet] [--copies 32]
       [--batch 5000]
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

import polars as pl

from corpuskit.io import read_corpus
from corpuskit.validate import ValidationPlan, finish_evidence, fit_batch, merge_partials

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="saudinewsnet")
    parser.add_argument("--copies", type=int, default=32)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    path = SHARED / args.corpus / "articles.parquet"
    if not path.is_file():
        print(f"corpus not available: {path} is absent", file=sys.stderr)
        return 2
    corpus = read_corpus([path])
    plan = ValidationPlan.build()
    started = time.perf_counter()

    def batches():
        for copy in range(args.copies):
            frame = corpus.with_columns(pl.col("id") + f"~{copy}")
            for offset in range(0, frame.height, args.batch):
                yield fit_batch(frame.slice(offset, args.batch), plan)

    partial = merge_partials(batches())
    fitted = time.perf_counter() - started
    evidence = finish_evidence(partial, plan)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    frames = partial.lines.estimated_size() + partial.anchors.estimated_size()
    frames += partial.anchor_docs.estimated_size()
    anchors = evidence.anchors.estimated_size() if evidence.anchors is not None else 0
    print(f"{partial.docs:,} documents ({args.copies} x {args.corpus}), fitted in {fitted:.0f} s")
    print(
        f"  merged partial: {partial.lines.height:,} line keys, {partial.anchors.height:,} "
        f"title/opening keys; frames {_mb(frames)}, pickled {_mb(len(pickle.dumps(partial)))}"
    )
    repeated = sum(len(v) for v in evidence.repeated.values())
    print(
        f"  evidence: {repeated:,} repeated lines, "
        f"{0 if evidence.anchors is None else evidence.anchors.height:,} anchors; "
        f"frames {_mb(anchors)}, pickled {_mb(len(pickle.dumps(evidence)))}"
    )
    print(f"  peak memory of the process: {_mb(peak)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
