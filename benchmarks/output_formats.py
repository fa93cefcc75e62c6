"""What the output format costs: ``clean`` and ``corpuskit report DIR`` per ``--format``.

Cleans one corpus (its first ``--limit`` documents) into each format, then rebuilds the
report from each output folder (``write_report_from_dir``: JSON Lines parts are parsed,
Parquet parts scanned). Prints, per format, the median wall time of both against Parquet
in the same invocation, and the bytes of the three datasets. The machine is shared, so
compare ratios, not seconds.

    .venv/bin/python benchmarks/output_formats.py CORPUS [--limit 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import median_seconds

from corpuskit.config import Config, OutputOptions
from corpuskit.io import read_corpus
from corpuskit.pipeline import clean
from corpuskit.report import write_report_from_dir
from corpuskit.schema import OUTPUT_FORMATS


def _dataset_bytes(out: Path) -> int:
    return sum(
        f.stat().st_size
        for folder in out.iterdir()
        if folder.is_dir() and not folder.name.startswith(".")
        for f in folder.iterdir()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=10_000, help="documents to clean")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpuskit-format-bench-") as tmp:
        corpus = Path(tmp) / "corpus.parquet"
        frame = read_corpus([args.corpus]).head(args.limit)
        frame.drop("findings", strict=False).write_parquet(corpus)
        # One unmeasured run first: imports, worker start-up and file caches warm.
        clean([corpus], Path(tmp) / "warm-up", config=Config(workers=args.workers))
        figures = {}
        for fmt in OUTPUT_FORMATS:
            config = Config(workers=args.workers, output=OutputOptions(format=fmt))
            out = Path(tmp) / f"out-{fmt}"

            def run(config: Config = config, out: Path = out) -> None:
                clean([corpus], out, config=config, overwrite=True)

            cleaned = median_seconds(run, args.runs)
            report = median_seconds(lambda out=out: write_report_from_dir(out), args.runs)
            figures[fmt] = (cleaned, report, _dataset_bytes(out))
            shutil.rmtree(out)
        base_clean, base_report, base_bytes = figures["parquet"]
        print(f"{args.corpus}: {frame.height:,} documents, median of {args.runs} runs")
        print(
            f"  {'format':<10} {'clean':>8} {'ratio':>6} {'report':>8} {'ratio':>6} {'datasets':>10}"
        )
        for fmt, (cleaned, report, size) in figures.items():
            print(
                f"  {fmt:<10} {cleaned:7.1f}s {cleaned / base_clean:5.2f}x"
                f" {report:7.2f}s {report / base_report:5.2f}x"
                f" {size / 2**20:7.1f} MB ({size / base_bytes:.2f}x)"
            )


if __name__ == "__main__":
    main()
