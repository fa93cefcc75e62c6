"""How fast validate runs, as ratios measured in one invocation (the machine is shared).

Prints, on a sample of a real corpus (../shared/corpora/<name>/articles.parquet):
  * documents per second with 1 worker and with 2 workers, and their ratio;
  * the cost of the corpus-level pass relative to the whole run;
and, on synthetic single documents of growing size (5 MB and 50 MB built from the
sample's text), the time ratio 50 MB / 5 MB (about 10 means linear; 100 would mean
quadratic).

Usage: python benchmarks/validate_speed.py [--corpus saudinewsnet] [--docs 6000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl
from _timing import median_seconds

from corpuskit.rules import load_ruleset
from corpuskit.validate import validate

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="saudinewsnet")
    parser.add_argument("--docs", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=50)
    args = parser.parse_args()
    path = SHARED / args.corpus / "articles.parquet"
    if not path.is_file():
        print(f"corpus not available: {path} is absent", file=sys.stderr)
        return 2
    frame = pl.read_parquet(path)
    if "outlet" in frame.columns:
        frame = frame.with_columns(pl.col("outlet").alias("source"))
    frame = frame.sample(min(args.docs, frame.height), seed=1).with_columns(
        pl.lit("ar").alias("lang")
    )
    rules = load_ruleset()
    no_corpus = load_ruleset(ignore=["BP401", "BP402"])
    validate(frame.head(50), ruleset=rules)  # warm up (language model, regex cache)

    one = median_seconds(lambda: validate(frame, ruleset=rules, workers=1), args.runs)
    two = median_seconds(lambda: validate(frame, ruleset=rules, workers=2), args.runs)
    local = median_seconds(lambda: validate(frame, ruleset=no_corpus, workers=1), args.runs)
    n = frame.height
    print(f"corpus {args.corpus}, {n} documents, median of {args.runs} runs")
    print(f"  1 worker : {n / one:8.0f} docs/s")
    print(f"  2 workers: {n / two:8.0f} docs/s   speed-up x{one / two:.2f}")
    print(f"  corpus-level rules (BP401, BP402) add {100 * (one - local) / one:.0f}% to the run")

    text = "\n".join(t for t in frame["text"].to_list() if t)
    small_chars = 5 * 1_000_000 // 2  # Arabic UTF-8 is ~2 bytes a character
    small = (text * (small_chars // max(len(text), 1) + 1))[:small_chars]
    big = small * (args.big_mb // 5)

    def one_doc(body: str) -> None:
        validate(pl.DataFrame({"id": ["big"], "text": [body], "lang": ["ar"]}), ruleset=rules)

    t_small = median_seconds(lambda: one_doc(small), 1)
    t_big = median_seconds(lambda: one_doc(big), 1)
    print(
        f"  one {len(small.encode()) / 1e6:.0f} MB document: {t_small:.1f}s; "
        f"{len(big.encode()) / 1e6:.0f} MB: {t_big:.1f}s; ratio x{t_big / t_small:.1f} "
        f"for x{len(big) / len(small):.0f} the size"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
