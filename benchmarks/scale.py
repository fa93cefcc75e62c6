"""The whole ``corpuskit clean`` at growing sizes, against plain MinHash baselines.

    .venv/bin/python benchmarks/scale.py --sizes 100000,1000000
    .venv/bin/python benchmarks/scale.py --sizes 100000 --no-validate --baselines datasketch,rensa
    .venv/bin/python benchmarks/scale.py --sizes 10000000 --no-validate
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --no-validate --engine local,ray

For each size N it generates a corpus of N documents from real articles of both corpora
in ``../shared`` (ANT and SaudiNewsNet: originals, edited copies of them, and beyond the
real articles new originals mixed from thirds of three; see ``_dedup_corpus.py``), with
boilerplate added the way scraped news carries it (a related-links block of other
articles' real headlines, a dateline, an agency credit), written as a folder of Parquet
parts. Then it runs, each as its own process, as a user would:

* ``corpuskit clean CORPUS --out DIR`` (``--no-validate`` with the flag), once per engine
  of ``--engine`` (``local,ray``: both, one after the other, and the Ray run's time as a
  multiple of the local one's: Ray's overhead);
* with ``--baselines``: a plain datasketch process (MinHash per document over the same
  folded word 3-grams, ``MinHashLSH`` insert and query, connected components of the
  query results) and a rensa process (the Rust MinHash, ``RMinHash`` and
  ``RMinHashLSH``, the same shingles made in Python, the same clustering). These only
  deduplicate, so compare them with ``--no-validate``.

Printed per system: documents per second of the whole process (start to exit), the
ratio to the datasketch process of the same invocation, the peak memory summed over the
process and all its children (sampled every 0.1 s), and pairwise precision and recall of
the duplicate clusters against the generator's truth. The machine is shared: quote the
ratios, and the medians of ``--repeats``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import contextlib

from _dedup_corpus import ANT, SNN, iter_copies, pair_metrics, without_repeated_text

THRESHOLD, NUM_PERM, SHINGLE = 0.5, 128, 3
RELATED_HEADERS = ["مواضيع ذات صلة", "اقرأ أيضا:", "أخبار ذات صلة", "للمزيد:"]
BOILERPLATE_SHARE = 0.3


# ------------------------------------------------------------------ the corpus


def originals(seed: int) -> pl.DataFrame:
    """Real articles of both corpora with at least 80 words and no copy among them."""
    from corpuskit.config import DedupOptions
    from corpuskit.dedup import dedup

    frame = pl.concat(
        [
            pl.read_parquet(path, columns=["id", "title", "text"])
            for path in (ANT, SNN)
            if path.is_file()
        ]
    ).filter(pl.col("text").str.split(" ").list.len() >= 80)
    frame = without_repeated_text(frame.unique("text", keep="first", maintain_order=True))
    probe = dedup(frame, options=DedupOptions(threshold=0.3, headline=False, url=False))
    frame = frame.filter(probe["cluster_id"].is_null())
    return frame.sample(fraction=1.0, shuffle=True, seed=seed)


def _with_boilerplate(batch: pl.DataFrame, titles: list[str], rng: random.Random) -> list[str]:
    texts = []
    for text in batch["text"].to_list():
        if rng.random() < BOILERPLATE_SHARE:
            links = rng.sample(titles, rng.randint(3, 8))
            text = "\n".join([text, "", rng.choice(RELATED_HEADERS), *links, ""])
        texts.append(text)
    return texts


def generate(n: int, folder: Path, seed: int) -> Path:
    """A corpus of ``n`` documents as Parquet parts in ``folder`` (kept between runs)."""
    done = folder / "DONE"
    if done.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = originals(seed)
    titles = [t for t in pool["title"].to_list() if t and 3 <= len(t.split()) <= 15]
    for part, batch in enumerate(iter_copies(pool, n_docs=n, batch_size=50_000, seed=seed)):
        batch = batch.with_columns(
            pl.Series("text", _with_boilerplate(batch, titles, rng)),
            pl.col("cluster").alias("truth_cluster"),
        ).select("id", "title", "text", "truth_cluster")
        batch.write_parquet(folder / f"part-{part:05d}.parquet")
    done.write_text(str(n))
    return folder


# ------------------------------------------------------------------ running a process


def run_measured(cmd: list[str]) -> dict:
    """Run ``cmd``; wall seconds and the peak of the summed RSS of its process tree."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": seconds, "peak_mb": peak / 2**20, "stdout": out}


def corpuskit_cmd(corpus: Path, out: Path, args: argparse.Namespace, engine: str) -> list[str]:
    cmd = [sys.executable, "-c", "from corpuskit.cli import main; main()", "clean", str(corpus)]
    cmd += ["--out", str(out), "--overwrite", "-q", "--workers", str(args.workers)]
    cmd += ["--engine", engine]
    if args.no_validate:
        cmd.append("--no-validate")
    return cmd


def corpuskit_labels(out: Path) -> tuple[np.ndarray, np.ndarray]:
    """Predicted and true cluster of every document of a clean output."""
    columns = ["id", "cluster_id", "truth_cluster"]
    frame = pl.concat(
        [pl.read_parquet(out / t, columns=columns) for t in ("clean.parquet", "rejected.parquet")]
    ).sort("id")
    predicted = frame.select(pl.coalesce("cluster_id", "id")).to_series().to_numpy()
    return predicted, frame["truth_cluster"].to_numpy()


# ------------------------------------------------------------------ the baselines


def _shingles(text: str) -> list[str]:
    from corpuskit.normalize import fold

    words = fold(text or "").split()
    if len(words) < SHINGLE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def baseline(system: str, corpus: Path, labels: Path) -> None:
    """One baseline process: read the corpus in batches, sketch, index, query, cluster."""
    from corpuskit.dedup.clusters import components

    ids, truth, sketches = [], [], []
    if system == "datasketch":
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    else:
        import rensa

        lsh = rensa.RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    for part in sorted(corpus.glob("*.parquet")):
        batch = pl.read_parquet(part)
        for doc_id, text, cluster in batch.select("id", "text", "truth_cluster").iter_rows():
            shingles = _shingles(text)
            if system == "datasketch":
                m = MinHash(num_perm=NUM_PERM)
                m.update_batch([s.encode("utf-8") for s in shingles])
                lsh.insert(len(sketches), m, check_duplication=False)
            else:
                m = rensa.RMinHash(num_perm=NUM_PERM, seed=1)
                m.update(shingles)
                lsh.insert(len(sketches), m)
            sketches.append(m)
            ids.append(doc_id)
            truth.append(cluster)
    pairs = []
    for i, m in enumerate(sketches):
        for j in lsh.query(m):
            if j != i:
                pairs.append((i, j))
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    found = components(len(sketches), edges)
    order = np.argsort(np.array(ids, dtype=object))
    np.save(
        labels, np.stack([found[order], np.unique(np.array(truth)[order], return_inverse=True)[1]])
    )


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--baselines", default="", help="datasketch,rensa")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--engine", default="local", help="local, ray or local,ray")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, help="generator seed (default: drawn and printed)")
    parser.add_argument("--work", type=Path, help="keep generated corpora here between runs")
    parser.add_argument("--baseline", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(args.baseline, args.corpus, args.labels)
        return
    if not ANT.is_file():
        sys.exit(f"the shared corpora are needed: {ANT} not found")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    mode = "clean --no-validate" if args.no_validate else "clean (validate + dedup)"
    print(
        f"corpuskit scale benchmark: {mode}, engine {args.engine}, workers {args.workers}, "
        f"seed {seed}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="ck-scale-") as tmp:
        work = args.work or Path(tmp)
        for n in [int(s) for s in args.sizes.split(",")]:
            corpus = generate(n, work / f"corpus-{n}-{seed}", seed)
            rows = {}
            engines = {
                "corpuskit" if engine == "local" else f"corpuskit-{engine}": engine
                for engine in args.engine.split(",")
            }
            systems = [s for s in args.baselines.split(",") if s] + list(engines)
            for system in systems:
                runs = []
                for _ in range(args.repeats):
                    out = Path(tmp) / f"out-{system}"
                    if system in engines:
                        stats = run_measured(corpuskit_cmd(corpus, out, args, engines[system]))
                        predicted, truth = corpuskit_labels(out)
                    else:
                        labels = Path(tmp) / f"{system}.npy"
                        cmd = [sys.executable, __file__, "--baseline", system]
                        stats = run_measured(
                            [*cmd, "--corpus", str(corpus), "--labels", str(labels)]
                        )
                        predicted, truth = np.load(labels)
                    runs.append((stats, pair_metrics(truth, predicted)))
                seconds = statistics.median(s["seconds"] for s, _ in runs)
                peak = max(s["peak_mb"] for s, _ in runs)
                rows[system] = (seconds, peak, runs[-1][1])
            base = rows.get("datasketch", (None,))[0]
            local = rows.get("corpuskit", (None,))[0]
            print(f"\n{n:,} documents ({corpus}):")
            for system, (seconds, peak, metrics) in rows.items():
                ratio = (
                    f"{base / seconds:5.1f}x datasketch" if base and system != "datasketch" else ""
                )
                if local and system.startswith("corpuskit-"):
                    ratio += f"  {seconds / local:4.1f}x the local engine's time"
                print(
                    f"  {system:<13} {n / seconds:>8,.0f} docs/s  {seconds:>8.1f} s  "
                    f"peak {peak:>7,.0f} MB  P {metrics['precision']:.4f} "
                    f"R {metrics['recall']:.4f}  {ratio}"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
