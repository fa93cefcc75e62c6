"""How fast read_corpus reads real corpora, against plain polars on the same files.

Prints, for each input format, the median wall time of ``read_corpus`` and of the
baseline (``pl.read_parquet`` / ``pl.read_ndjson`` with full schema inference, as
corpuskit needs so that a field first seen late in a file is not dropped /
``pl.read_csv`` with every column a string / a loop of ``Path.read_text``), the ratio between them, and the peak resident memory of a fresh
process doing each read (measured before this process loads any corpus, because a
child inherits its parent's high-water mark). The machine is shared, so compare
ratios, not seconds.

    .venv/bin/python benchmarks/io_read.py [--runs 5] [--text-files 5000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
from _timing import median_seconds

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpora" / "ant_corpus" / "articles.parquet"

_PEAK_RSS = """
import resource, sys
from pathlib import Path
import polars as pl
kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "corpuskit":
    from corpuskit.io import read_corpus
    read_corpus([path])
elif kind == "parquet":
    pl.read_parquet(path)
elif kind == "jsonl":
    pl.read_ndjson(path, infer_schema_length=None)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def prepare(tmp: Path, text_files: int) -> None:
    """Write the ANT corpus as JSONL, JSONL.zst and a folder of text files (in a child)."""
    code = f"""
import polars as pl, zstandard
from pathlib import Path
tmp = Path({str(tmp)!r})
frame = pl.read_parquet({str(ANT)!r})
frame.write_ndjson(tmp / "ant.jsonl")
frame.write_csv(tmp / "ant.csv")
(tmp / "ant.jsonl.zst").write_bytes(
    zstandard.ZstdCompressor().compress((tmp / "ant.jsonl").read_bytes()))
(tmp / "texts").mkdir()
for i, (title, text) in enumerate(frame.head({text_files}).select("title", "text").iter_rows()):
    (tmp / "texts" / f"{{i:06d}}.txt").write_text(f"{{title}}\\n{{text}}", encoding="utf-8")
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def peak_rss_mb(kind: str, path: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.split()[-1]) / 1024


def row(name: str, ours: float, base: float, mem: tuple[float, float] | None = None) -> None:
    line = f"{name:<28} corpuskit {ours:7.2f}s  baseline {base:7.2f}s  ratio {ours / base:5.2f}"
    if mem:
        line += f"  peak RSS {mem[0]:6.0f} MB vs {mem[1]:6.0f} MB ({mem[0] / mem[1]:.2f}x)"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--text-files", type=int, default=5000)
    args = parser.parse_args()
    if not ANT.is_file():
        sys.exit(f"needs the ANT corpus at {ANT}")
    from corpuskit.io import read_corpus

    print(f"ANT corpus: {pl.scan_parquet(ANT).select(pl.len()).collect().item():,} articles")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        prepare(tmp, args.text_files)
        jsonl, zst, texts = tmp / "ant.jsonl", tmp / "ant.jsonl.zst", tmp / "texts"
        csv = tmp / "ant.csv"
        files = sorted(texts.glob("*.txt"))
        memory = {
            "parquet": (peak_rss_mb("corpuskit", ANT), peak_rss_mb("parquet", ANT)),
            "jsonl": (peak_rss_mb("corpuskit", jsonl), peak_rss_mb("jsonl", jsonl)),
        }
        print(f"median of {args.runs} runs each")
        row(
            "parquet",
            median_seconds(lambda: read_corpus([ANT]), args.runs),
            median_seconds(lambda: pl.read_parquet(ANT), args.runs),
            memory["parquet"],
        )
        row(
            f"jsonl ({jsonl.stat().st_size / 1e6:.0f} MB)",
            median_seconds(lambda: read_corpus([jsonl]), args.runs),
            median_seconds(lambda: pl.read_ndjson(jsonl, infer_schema_length=None), args.runs),
            memory["jsonl"],
        )
        row(
            "jsonl.zst",
            median_seconds(lambda: read_corpus([zst]), args.runs),
            median_seconds(lambda: pl.read_ndjson(jsonl, infer_schema_length=None), args.runs),
        )
        row(
            f"csv ({csv.stat().st_size / 1e6:.0f} MB)",
            median_seconds(lambda: read_corpus([csv]), args.runs),
            median_seconds(lambda: pl.read_csv(csv, infer_schema=False), args.runs),
        )
        row(
            f"text folder ({len(files):,} files)",
            median_seconds(lambda: read_corpus([texts]), args.runs),
            median_seconds(lambda: [p.read_text(encoding="utf-8") for p in files], args.runs),
        )
    print(json.dumps({"note": "baseline = plain polars / Path.read_text on the same input"}))


if __name__ == "__main__":
    main()
