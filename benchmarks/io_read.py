"""How fast read_corpus reads real corpora, against plain polars on the same files;
and how the streaming reader's memory stays flat as a corpus grows.

Prints, for each input format, the median wall time of ``read_corpus`` and of the
baseline (``pl.read_parquet`` / ``pl.read_ndjson`` with full schema inference, as
corpuskit needs so that a field first seen late in a file is not dropped /
``pl.read_csv`` with every column a string / a loop of ``Path.read_text``), the ratio between them, and the peak resident memory of a fresh
process doing each read (measured before this process loads any corpus, because a
child inherits its parent's high-water mark). The machine is shared, so compare
ratios, not seconds.

    .venv/bin/python benchmarks/io_read.py [--runs 5] [--text-files 5000]

With ``--scale 100000,1000000`` it instead builds, for each size, a JSONL.zst, a
Parquet and a CSV file of that many documents (the ANT articles repeated, each copy's
ids suffixed so they stay unique) and, in a fresh process each, reads every file with
``CorpusReader`` (iterating over its batches and checking ids with ``UniqueIds``, as a
streaming consumer does) and with ``read_corpus`` (one eager frame). It prints the wall
time and the process's peak resident memory (VmHWM) of each, so the two sizes show
whether memory stays flat while the corpus grows tenfold.

    .venv/bin/python benchmarks/io_read.py --scale 100000,1000000 [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
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


_SCALE_READ = """
import sys, time
from pathlib import Path
from corpuskit.io import CorpusReader, UniqueIds, read_corpus
mode, path = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
if mode == "stream":
    reader, ids, n = CorpusReader([path]), UniqueIds(), 0
    for frame in reader.batches():
        ids.add(frame)
        n += frame.height
    ids.finish(reader.batches)
else:
    n = read_corpus([path]).height
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text()
peak_kb = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1])
print(n, seconds, peak_kb)
"""

_SCALE_BUILD = """
import sys, io
from pathlib import Path
import polars as pl, pyarrow.parquet as pq, zstandard
ant, size, tmp = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
base = pl.read_parquet(ant)
copy = 0
def copies():
    global copy
    left = size
    while left > 0:
        piece = base.head(left).with_columns(pl.col("id") + f"#{copy}")
        copy += 1
        left -= piece.height
        yield piece
parquet = None
with open(tmp / f"ant{size}.jsonl.zst", "wb") as raw, \\
        zstandard.ZstdCompressor().stream_writer(raw) as zst, \\
        open(tmp / f"ant{size}.csv", "wb") as csv:
    for k, piece in enumerate(copies()):
        buffer = io.BytesIO()
        piece.write_ndjson(buffer)
        zst.write(buffer.getvalue())
        buffer = io.BytesIO()
        piece.write_csv(buffer, include_header=k == 0)
        csv.write(buffer.getvalue())
        table = piece.to_arrow()
        if parquet is None:
            parquet = pq.ParquetWriter(tmp / f"ant{size}.parquet", table.schema)
        parquet.write_table(table, row_group_size=50_000)
parquet.close()
"""


def scale(sizes: list[int], runs: int) -> None:
    """Streaming reader against read_corpus, time and peak memory, at each size."""
    print("format     documents  stream s  stream peak MB  read_corpus s  read_corpus peak MB")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in sizes:
            subprocess.run(
                [sys.executable, "-c", _SCALE_BUILD, str(ANT), str(size), tmp_name], check=True
            )
            for suffix in ("jsonl.zst", "parquet", "csv"):
                path = tmp / f"ant{size}.{suffix}"
                figures = {}
                for mode in ("stream", "eager"):
                    results = [_scale_read(mode, path) for _ in range(runs)]
                    n = results[0][0]
                    assert n == size, f"read {n} documents of {size}"
                    figures[mode] = (
                        statistics.median(r[1] for r in results),
                        max(r[2] for r in results) / 1024,
                    )
                (s_time, s_mem), (e_time, e_mem) = figures["stream"], figures["eager"]
                print(
                    f"{suffix:<10} {size:>9,}  {s_time:8.1f}  {s_mem:14,.0f}  {e_time:13.1f}"
                    f"  {e_mem:19,.0f}   ({path.stat().st_size / 1e6:,.0f} MB file)",
                    flush=True,
                )
                path.unlink()


def _scale_read(mode: str, path: Path) -> tuple[int, float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _SCALE_READ, mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


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
    parser.add_argument("--runs", type=int, help="runs per measure (default 5; 1 with --scale)")
    parser.add_argument("--text-files", type=int, default=5000)
    parser.add_argument(
        "--scale", help="comma-separated corpus sizes: streaming reader against read_corpus"
    )
    args = parser.parse_args()
    if not ANT.is_file():
        sys.exit(f"needs the ANT corpus at {ANT}")
    if args.scale:
        scale([int(n) for n in args.scale.split(",")], args.runs or 1)
        return
    runs = args.runs or 5
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
        print(f"median of {runs} runs each")
        row(
            "parquet",
            median_seconds(lambda: read_corpus([ANT]), runs),
            median_seconds(lambda: pl.read_parquet(ANT), runs),
            memory["parquet"],
        )
        row(
            f"jsonl ({jsonl.stat().st_size / 1e6:.0f} MB)",
            median_seconds(lambda: read_corpus([jsonl]), runs),
            median_seconds(lambda: pl.read_ndjson(jsonl, infer_schema_length=None), runs),
            memory["jsonl"],
        )
        row(
            "jsonl.zst",
            median_seconds(lambda: read_corpus([zst]), runs),
            median_seconds(lambda: pl.read_ndjson(jsonl, infer_schema_length=None), runs),
        )
        row(
            f"csv ({csv.stat().st_size / 1e6:.0f} MB)",
            median_seconds(lambda: read_corpus([csv]), runs),
            median_seconds(lambda: pl.read_csv(csv, infer_schema=False), runs),
        )
        row(
            f"text folder ({len(files):,} files)",
            median_seconds(lambda: read_corpus([texts]), runs),
            median_seconds(lambda: [p.read_text(encoding="utf-8") for p in files], runs),
        )
    print(json.dumps({"note": "baseline = plain polars / Path.read_text on the same input"}))


if __name__ == "__main__":
    main()
