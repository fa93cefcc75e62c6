"""How long the summary and the HTML report take, and how big report.html gets.

Reads an output folder of ``corpuskit clean`` (clean/rejected/findings Parquet) and
prints, for the folder as is and for copies scaled up k times (every document repeated
with a new id, so the corpus grows but the report's samples stay the same size):

* the median wall time of the baseline (``pl.read_parquet`` of the three files),
* ``build_summary`` and ``render_report`` on the frames in memory (what ``clean`` does),
* ``write_report_from_dir`` (what ``corpuskit report DIR`` does: lazy scans),
* each as a ratio to the baseline, and the size of report.html.

The machine is shared, so compare ratios, not seconds.

    .venv/bin/python benchmarks/report.py OUT_DIR [--runs 3] [--scale 1,4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import median_seconds

from corpuskit.report import (
    build_summary,
    render_report,
    write_report_from_dir,
)

FILES = ("clean.parquet", "rejected.parquet", "findings.parquet")


def scaled_folder(source: Path, factor: int, target: Path) -> Path:
    """The run in ``source`` with every document repeated ``factor`` times under new ids."""
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        frame = pl.read_parquet(source / name)
        id_cols = [c for c in ("id", "doc_id", "dup_of", "cluster_id") if c in frame.columns]
        copies = [
            frame.with_columns(
                [(pl.col(c) + pl.lit(f"~{k}") if k else pl.col(c)).alias(c) for c in id_cols]
            )
            for k in range(factor)
        ]
        pl.concat(copies).write_parquet(target / name)
    return target


def measure(folder: Path, runs: int) -> dict[str, float]:
    def read_all() -> tuple[pl.DataFrame, ...]:
        return tuple(pl.read_parquet(folder / name) for name in FILES)

    clean, rejected, findings = read_all()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run={})
    out_file = folder / "bench-report.html"
    figures = {
        "documents": clean.height + rejected.height,
        "read parquet (baseline)": median_seconds(read_all, runs),
        "build_summary": median_seconds(
            lambda: build_summary(clean=clean, rejected=rejected, findings=findings, run={}),
            runs,
        ),
        "render_report": median_seconds(
            lambda: render_report(
                clean=clean, rejected=rejected, findings=findings, summary=summary
            ),
            runs,
        ),
        "write_report_from_dir": median_seconds(
            lambda: write_report_from_dir(folder, out_file), runs
        ),
    }
    figures["report bytes"] = out_file.stat().st_size
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="an output folder of corpuskit clean")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="1,4", help="comma-separated scale factors")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpuskit-report-bench-") as tmp:
        for factor in (int(f) for f in args.scale.split(",")):
            folder = args.out_dir
            if factor != 1:
                folder = scaled_folder(args.out_dir, factor, Path(tmp) / f"x{factor}")
            figures = measure(folder, args.runs)
            base = figures["read parquet (baseline)"]
            print(f"\n{args.out_dir} x{factor}: {figures['documents']:,} documents")
            for name in ("read parquet (baseline)", "build_summary", "render_report"):
                print(f"  {name:<26} {figures[name]:8.2f} s  {figures[name] / base:6.2f}x")
            name = "write_report_from_dir"
            print(f"  {name:<26} {figures[name]:8.2f} s  {figures[name] / base:6.2f}x")
            print(f"  report.html                {figures['report bytes'] / 1024:8.0f} KB")


if __name__ == "__main__":
    main()
