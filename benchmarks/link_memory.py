"""The link pass alone: its time and peak memory over the keys of a whole corpus.

The link pass runs on the driver over the keys of every document (no text), after the
workers have signed every part. This benchmark signs a corpus once into keys parts (kept
in ``--keys`` so later runs, and other checkouts, link the very same keys) and then runs
:func:`corpuskit.dedup.link.link` over them in a fresh process, sampling its resident
size every 50 ms, then writes its decisions as the pipeline does, and prints the time,
the peak, and the peak within each step of the pass (a step's peak includes what
earlier steps left allocated) with the resident size when the step returns (what it
leaves allocated, its result included; the largest of its calls).

    .venv/bin/python benchmarks/link_memory.py --corpus /tmp/scalework/corpus-1000000-4242 \\
        --keys /tmp/keys-1m
    # the same keys linked by another checkout, in the same invocation
    .venv/bin/python benchmarks/link_memory.py --keys /tmp/keys-1m --baseline DIR
    # 10M documents' keys: the 1M keys copied ten times into independent copies
    .venv/bin/python benchmarks/link_memory.py --keys /tmp/keys-10m \\
        --replicate /tmp/keys-1m --copies 10

A replicated copy offsets the rows, suffixes the ids and the headlines, and XORs every
match key (exact, URL, headline, band keys) with a per-copy salt, so documents of two
copies are never candidates of one another and each copy links as the original does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

# Run in the child: link the keys parts, sampling RSS per step of the pass.
CHILD = r"""
import functools, json, sys, threading, time
from pathlib import Path
import psutil
import corpuskit.dedup.link as link
from corpuskit.config import DedupOptions
from corpuskit.dedup.keytable import PartKeys

process = psutil.Process()
state = {"step": "read keys", "peak": {}, "left": {}}

def sample():
    while True:
        rss = process.memory_info().rss
        step = state["step"]
        state["peak"][step] = max(state["peak"].get(step, 0), rss)
        time.sleep(0.05)

threading.Thread(target=sample, daemon=True).start()

def step(name):
    real = getattr(link, name)
    @functools.wraps(real)
    def wrapped(*args, **kwargs):
        outer, state["step"] = state["step"], name
        try:
            return real(*args, **kwargs)
        finally:
            state["step"] = outer
            state["left"][name] = max(state["left"].get(name, 0), process.memory_info().rss)
    setattr(link, name, wrapped)

for name in ("candidate_pairs", "matcher", "_roundups", "_clusters_without_chains",
             "_decisions", "_update_flags", "_page_flags", "_headline_flags", "_edges",
             "_Ranking", "_decided", "_headline_matches_taken",
             # within the clustering
             "_units", "_greedy_centres", "_bridged"):
    if hasattr(link, name):
        step(name)
# the judging of candidate chunks (a method of the matcher; its calls within a named
# step stay that step's)
real_judge = link.Matcher.judge
@functools.wraps(real_judge)
def judge(self, *args, **kwargs):
    outer = state["step"]
    if outer == "link (other work)":
        state["step"] = "judging candidates"
    try:
        return real_judge(self, *args, **kwargs)
    finally:
        state["step"] = outer
link.Matcher.judge = judge
try:  # as the pipeline's link pass does
    from corpuskit.engine.memory import give_back_large_blocks
except ImportError:
    pass
else:
    give_back_large_blocks()
keys_dir, scratch = Path(sys.argv[1]), Path(sys.argv[2])
options = DedupOptions()
try:  # as the pipeline reads them: a small run's keys whole into memory
    from corpuskit.dedup.keytable import keys_of_parts as read_keys
except ImportError:  # a checkout from before that
    read_keys = PartKeys
keys = read_keys(sorted(keys_dir.glob("part-*.parquet")), scratch / "signatures.u32",
                 num_perm=options.num_perm)
state["step"] = "link (other work)"
started = time.perf_counter()
links = link.link(keys, options)
seconds = time.perf_counter() - started
# and written as the pipeline writes them for the write pass (named by id, where the
# code names documents by row)
state["step"] = "write decisions"
written = time.perf_counter()
try:
    from corpuskit.dedup.naming import write_named_links
except ImportError:
    links.decisions.write_parquet(scratch / "decisions.parquet", compression="zstd")
    links.flags.write_parquet(scratch / "flags.parquet", compression="zstd")
else:
    write_named_links(links, keys, scratch / "decisions.parquet", scratch / "flags.parquet")
print(json.dumps({
    "documents": keys.height, "seconds": seconds,
    "write_seconds": time.perf_counter() - written,
    "peak_mb": max(state["peak"].values()) / 2**20,
    "steps": {k: v / 2**20 for k, v in state["peak"].items()},
    "left": {k: v / 2**20 for k, v in state["left"].items()},
    "decisions": links.decisions.height, "flags": links.flags.height,
}))
"""


def sign_corpus(corpus: Path, keys_dir: Path, batch_rows: int) -> None:
    """Keys parts of ``corpus``, as the prepare pass writes them with ``--no-validate``."""
    from corpuskit.config import DedupOptions
    from corpuskit.dedup.sign import sign_batch
    from corpuskit.io import CorpusReader

    keys_dir.mkdir(parents=True, exist_ok=True)
    reader = CorpusReader([corpus], batch_rows=batch_rows)
    first = 0
    for part, batch in enumerate(reader.batches()):
        keys = sign_batch(batch, DedupOptions(), first_row=first)
        keys.write_parquet(keys_dir / f"part-{part:05d}.parquet")
        first += batch.height
        print(f"  signed {first:,} documents", end="\r", file=sys.stderr)
    (keys_dir / "DONE").write_text(str(first))
    print(file=sys.stderr)


MATCH_KEYS = ("exact_key", "url_key", "title_key", "title_figures")
BAND_PREFIXES = ("band_", "wband_", "title_band_")


def replicate_keys(source: Path, keys_dir: Path, copies: int) -> None:
    """``copies`` independent copies of the keys parts of ``source`` in ``keys_dir``."""
    import polars as pl

    parts = sorted(source.glob("part-*.parquet"))
    height = int((source / "DONE").read_text())
    keys_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for copy in range(copies):
        salt = (0x9E3779B97F4A7C15 * (copy + 1)) & 0xFFFFFFFFFFFFFFFF
        for part in parts:
            frame = pl.read_parquet(part)
            if copy:
                frame = frame.with_columns(
                    pl.col("row") + copy * height,
                    pl.col("id") + f"~{copy}",
                    pl.col("title") + f" ~{copy}",
                    *(
                        pl.when(pl.col(name) == 0)
                        .then(pl.col(name))
                        .otherwise(
                            pl.col(name)
                            .cast(pl.UInt64)
                            .xor(pl.lit(salt, dtype=pl.UInt64))
                            .cast(dtype, wrap_numerical=True)
                        )
                        .alias(name)
                        for name, dtype in frame.schema.items()
                        if name in MATCH_KEYS or name.startswith(BAND_PREFIXES)
                    ),
                )
            frame.write_parquet(keys_dir / f"part-{written:05d}.parquet")
            written += 1
        print(f"  copy {copy + 1} of {copies} written", end="\r", file=sys.stderr)
    (keys_dir / "DONE").write_text(str(height * copies))
    print(file=sys.stderr)


def link_in_child(checkout: Path, keys_dir: Path) -> dict:
    scratch = keys_dir.parent / f".{keys_dir.name}-scratch-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(keys_dir), str(scratch)],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        for f in scratch.iterdir():
            f.unlink()
        scratch.rmdir()
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, result: dict) -> None:
    print(
        f"{label:10s} {result['documents']:,} documents: link {result['seconds']:.1f} s, "
        f"written in {result.get('write_seconds', 0):.1f} s, "
        f"peak {result['peak_mb']:,.0f} MB; {result['decisions']:,} decisions, "
        f"{result['flags']:,} flags"
    )
    left = result.get("left", {})
    for name, mb in sorted(result["steps"].items(), key=lambda kv: -kv[1]):
        after = f", {left[name]:,.0f} MB when it ends" if name in left else ""
        print(f"    {name:28s} peak {mb:,.0f} MB{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="sign this corpus into --keys first")
    parser.add_argument("--keys", type=Path, required=True, help="folder of keys parts")
    parser.add_argument("--batch-rows", type=int, default=5_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to link the same keys")
    parser.add_argument("--rounds", type=int, default=1, help="alternated runs of each")
    parser.add_argument("--replicate", type=Path, help="copy these signed keys into --keys")
    parser.add_argument("--copies", type=int, default=10, help="copies made by --replicate")
    args = parser.parse_args()
    if not (args.keys / "DONE").is_file():
        if args.replicate is not None:
            if not (args.replicate / "DONE").is_file():
                parser.error(f"{args.replicate} holds no signed keys to replicate")
            replicate_keys(args.replicate, args.keys, args.copies)
        elif args.corpus is None:
            parser.error(f"{args.keys} holds no signed keys: give --corpus to sign one")
        else:
            sign_corpus(args.corpus, args.keys, args.batch_rows)
    for _ in range(args.rounds):
        show("this code", link_in_child(HERE, args.keys))
        if args.baseline:
            show("baseline", link_in_child(args.baseline.resolve(), args.keys))


if __name__ == "__main__":
    main()
