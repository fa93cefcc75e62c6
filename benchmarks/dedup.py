"""Duplicate detection benchmark: corpuskit against a plain datasketch baseline, same run.

    .venv/bin/python benchmarks/dedup.py --quick          # small run, a minute or two
    .venv/bin/python benchmarks/dedup.py                  # 10k accuracy + 10k/100k/1M scale
    .venv/bin/python benchmarks/dedup.py --scales 10000,100000 --sections scale

Sections (``--sections``, comma-separated; default all):

* ``synthetic``: copies generated from real ANT articles with the edits republishing
  makes (see ``_dedup_corpus.EDITS``), known clusters. Pairwise precision, recall, F1,
  ARI, recall per edit kind, docs/s and peak memory for corpuskit, for datasketch on the
  same folded word shingles, and for datasketch on raw whitespace tokens (what the peers
  do: no Arabic folding).
* ``tgcontest``: the 250 labelled same-story pairs (ru/en).
* ``snn``: SaudiNewsNet, unlabelled: counts, a sample of clustered pairs and of near
  misses (LSH candidates just under the threshold) for reading.
* ``headlines``: the headline matcher on ANS (Arabic, paraphrase vs contradiction) and
  MSRP (English paraphrase pairs).
* ``scale``: documents streamed from the generator; time and peak memory per size.
* ``real``: the hand-labelled whole days of SaudiNewsNet and ANT (``tests/data/dedup_labels``),
  each corpus validated and deduplicated whole as ``corpuskit clean`` does, the labelled
  days scored, per split (dev, test): pair precision, recall, ARI, recall per kind of
  copy, updates, false merges by what the pair really is, templated items falsely merged
  (see ``_dedup_real.py``). ``--real-sample FILE`` writes the fixed-seed sample of 100
  templated items of the dev days, with what each was merged with, for reading (outside
  the repository: the texts are research-only). Test days print counts only.
  ``--real-undated`` removes every date first: a corpus scraped without dates.
  ``--real-without source,title`` empties those columns first (a corpus scraped without
  them). ``--real-dates FORM`` writes every date in another form first (Arabic month names,
  day first, Unix seconds): the same instants, as another corpus would give them.
  ``--real-days saudinewsnet:2015-07-25,ant_corpus:2018-05-29`` scores only those
  labelled days (the corpora are still cleaned whole).

Every system runs in its own subprocess so its peak memory (``ru_maxrss``) is its own.
Timings on a shared machine are noisy: compare the ratio between systems of one run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _dedup_corpus import (
    ANT,
    SHARED,
    SNN,
    iter_copies,
    load_originals,
    pair_metrics,
    without_repeated_text,
)

from corpuskit.config import DedupOptions
from corpuskit.normalize import fold

THRESHOLD, NUM_PERM, SHINGLE = DedupOptions().threshold, DedupOptions().num_perm, 3


# ---------------------------------------------------------------- systems (run in a child)


def run_corpuskit_frame(frame: pl.DataFrame) -> tuple[np.ndarray, float]:
    """The dedup stage (exact + near; no URL/headline evidence) on a frame."""
    from corpuskit.dedup import dedup

    options = DedupOptions(headline=False, url=False)
    started = time.perf_counter()
    out = dedup(frame.select("id", "title", "text"), options=options)
    seconds = time.perf_counter() - started
    labels = out.select(pl.coalesce("cluster_id", "id")).to_series()
    return labels.to_numpy(), seconds


def run_corpuskit_stream(batches, expected: int = 0) -> tuple[np.ndarray, float]:
    """The streaming near-duplicate path (signatures kept, text dropped batch by batch)."""
    from corpuskit.dedup.clusters import components
    from corpuskit.dedup.near import StreamingSignatures, verified_near_pairs

    options = DedupOptions()
    stream = StreamingSignatures(options, workers=0, expected=expected)
    seconds = 0.0
    for batch in batches:
        started = time.perf_counter()
        stream.add(batch["text"])
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    rows = np.flatnonzero(stream.words >= options.min_words)
    pairs, _ = verified_near_pairs(stream.signatures, rows, options)
    labels = components(stream.count, pairs)
    return labels, seconds + time.perf_counter() - started


def _baseline_shingles(text: str, folded: bool) -> list[bytes]:
    words = (fold(text) if folded else (text or "").lower()).split()
    if len(words) < SHINGLE:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)]


def run_datasketch(batches, *, folded: bool = True) -> tuple[np.ndarray, float]:
    """Plain datasketch: MinHash per document with update_batch, MinHashLSH insert and
    query, connected components of the query results (no verification)."""
    from datasketch import MinHash, MinHashLSH

    from corpuskit.dedup.clusters import components

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches: list = []
    seconds = 0.0
    for batch in batches:
        started = time.perf_counter()
        for text in batch["text"].to_list():
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch(_baseline_shingles(text, folded))
            lsh.insert(len(sketches), m, check_duplication=False)
            sketches.append(m)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    pairs = [(i, j) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i]
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    labels = components(len(sketches), edges)
    return labels, seconds + time.perf_counter() - started


def child(args: argparse.Namespace) -> None:
    """Run one system, write its labels, print seconds and peak memory as JSON."""
    if args.corpus:
        frame = pl.read_parquet(args.corpus)
        batches = [frame]
    else:
        batches = iter_copies(
            pl.read_parquet(args.originals), n_docs=args.generate, batch_size=20_000
        )
    truth: list[pl.Series] = []

    def tracked(stream):
        for batch in stream:
            truth.append(batch["cluster"])
            yield batch.select("id", "title", "text")

    if args.run == "corpuskit" and args.corpus:
        labels, seconds = run_corpuskit_frame(batches[0])
        truth.append(batches[0]["cluster"])
    elif args.run == "corpuskit":
        labels, seconds = run_corpuskit_stream(tracked(batches), expected=args.generate)
    else:
        labels, seconds = run_datasketch(tracked(batches), folded=args.run == "datasketch")
    _, label_codes = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    np.save(args.labels, label_codes)
    if not args.corpus:
        np.save(
            args.labels + ".truth.npy",
            np.unique(pl.concat(truth).to_numpy(), return_inverse=True)[1],
        )
    peak = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "docs": len(labels), "peak_mb": peak}))


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's
    peak, which survives fork and exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spawn(
    system: str, *, corpus: Path | None = None, generate: int = 0, originals: Path | None = None
) -> tuple[dict, np.ndarray, np.ndarray | None]:
    with tempfile.TemporaryDirectory(prefix="ck-dedup-") as tmp:
        labels = str(Path(tmp) / "labels.npy")
        cmd = [sys.executable, __file__, "--run", system, "--labels", labels]
        cmd += (
            ["--corpus", str(corpus)]
            if corpus
            else ["--generate", str(generate), "--originals", str(originals)]
        )
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{system} failed:\n{done.stderr[-3000:]}")
        stats = json.loads(done.stdout.strip().splitlines()[-1])
        truth = np.load(labels + ".truth.npy") if generate else None
        return stats, np.load(labels), truth


# ---------------------------------------------------------------- sections


def _row(name: str, stats: dict, metrics: dict, base_seconds: float | None) -> str:
    rate = stats["docs"] / stats["seconds"]
    ratio = f"{base_seconds / stats['seconds']:6.1f}x" if base_seconds else "      "
    return (
        f"  {name:<22} {rate:>9,.0f} docs/s {ratio}  peak {stats['peak_mb']:>6,.0f} MB  "
        f"P {metrics['precision']:.4f}  R {metrics['recall']:.4f}  F1 {metrics['f1']:.4f}  "
        f"ARI {metrics['ari']:.4f}"
    )


FOOTER_SHARE, FOOTERS, FOOTER_WORDS = 0.2, 8, (60, 150)


def with_shared_footers(corpus: pl.DataFrame, seed: int) -> pl.DataFrame:
    """20% of the stories (every copy of them) end with one of 8 long shared footers,
    60-150 consecutive words of SaudiNewsNet articles that are not in the corpus: the
    shape of an outlet's boilerplate that no validator rule strips."""
    import random

    rng = random.Random(seed)
    pool = pl.read_parquet(SNN, columns=["text"])["text"].drop_nulls().to_list()
    footers = []
    while len(footers) < FOOTERS:
        words = rng.choice(pool).split()
        size = rng.randint(*FOOTER_WORDS)
        if len(words) > size:
            start = rng.randrange(len(words) - size)
            footers.append(" ".join(words[start : start + size]))
    stories = corpus["cluster"].unique().sort().to_list()
    chosen = rng.sample(stories, int(len(stories) * FOOTER_SHARE))
    footer_of = pl.DataFrame({"cluster": chosen, "footer": [rng.choice(footers) for _ in chosen]})
    return (
        corpus.join(footer_of, on="cluster", how="left", maintain_order="left")
        .with_columns(
            text=pl.when(pl.col("footer").is_not_null())
            .then(pl.concat_str("text", pl.lit("\n"), "footer"))
            .otherwise("text")
        )
        .drop("footer")
    )


def section_synthetic(n_docs: int, work: Path, seed: int, footers: bool = False) -> None:
    variant = "with shared footers" if footers else "plain"
    print(
        f"\n## 1. synthetic copies of real ANT articles ({n_docs:,} documents, {variant}, "
        f"seed {seed})"
    )
    originals = load_originals(ANT, limit=max(1000, int(n_docs * 0.6)))
    corpus = pl.concat(list(iter_copies(originals, n_docs=n_docs, seed=seed)))
    if footers:
        corpus = with_shared_footers(corpus, seed)
    if corpus["id"].str.contains("#1").any():
        print("  (warning: some originals were reused as mixed variants)")
    path = work / "synthetic.parquet"
    corpus.write_parquet(path)
    copies = corpus.filter(pl.col("edits").list.len() > 0)
    print(
        f"  {corpus['cluster'].n_unique():,} true clusters, {copies.height:,} copies "
        f"with 1-2 edits each; originals: ANT articles of 80+ words with no copy in the pool"
    )
    truth = corpus["cluster"].to_numpy()
    results = {}
    for system in ("datasketch", "datasketch-raw", "corpuskit"):
        stats, labels, _ = spawn(system, corpus=path)
        results[system] = (stats, labels)
    base = results["datasketch"][0]["seconds"]
    print(f"  {'system':<22} {'throughput':>16} {'vs ds':>7}")
    for system, (stats, labels) in results.items():
        print(
            _row(
                system, stats, pair_metrics(truth, labels), base if system == "corpuskit" else None
            )
        )
    print("  recall per edit kind (copy in its original's cluster):")
    table = copies.select("id", "cluster", "edits")
    header = "    " + f"{'edit':<20}" + "".join(f"{s:>16}" for s in results)
    print(header)
    per_system = {}
    for system, (_, labels) in results.items():
        frame = corpus.select("id", "cluster").with_columns(pred=pl.Series(labels))
        first = frame.group_by("cluster").agg(pl.col("pred").first().alias("orig"))
        hits = table.join(frame.select("id", "pred"), on="id").join(first, on="cluster")
        per_system[system] = (
            hits.with_columns(hit=pl.col("pred") == pl.col("orig"))
            .explode("edits")
            .group_by("edits")
            .agg(pl.col("hit").mean(), pl.len())
            .sort("edits")
        )
    kinds = per_system["corpuskit"]
    for i, kind in enumerate(kinds["edits"].to_list()):
        cells = "".join(f"{per_system[s]['hit'][i]:>16.3f}" for s in results)
        print(f"    {kind:<20}{cells}   (n={kinds['len'][i]})")


def section_tgcontest() -> None:
    path = SHARED / "corpora" / "tgcontest_story_pairs" / "pairs.parquet"
    print("\n## 2. tgcontest same-story pairs (ru/en, labelled)")
    if not path.is_file():
        print("  skipped: corpus not found")
        return
    from corpuskit.dedup import dedup
    from corpuskit.dedup.keys import fold_series
    from corpuskit.dedup.minhash import estimate_similarity, signatures

    pairs = pl.read_parquet(path)
    for name, options in (
        ("corpuskit default", DedupOptions()),
        ("corpuskit 0.3", DedupOptions(threshold=0.3)),
    ):
        same = []
        for row in pairs.iter_rows(named=True):
            frame = pl.DataFrame(
                {
                    "id": ["a", "b"],
                    "title": [row["title1"], row["title2"]],
                    "text": [row["text1"], row["text2"]],
                }
            )
            out = dedup(frame, options=options)
            same.append(
                out["cluster_id"][0] is not None and out["cluster_id"][0] == out["cluster_id"][1]
            )
        predicted, truth = np.array(same), pairs["same_story"].to_numpy()
        tp = int((predicted & truth).sum())
        print(
            f"  {name:<20} pairs merged {predicted.sum():>3} of {len(truth)}: precision "
            f"{tp / max(predicted.sum(), 1):.3f}, recall {tp / truth.sum():.3f} "
            f"(positives are same-story rewrites, not copies)"
        )
    sig1 = signatures(fold_series(pairs["text1"]).to_list())
    sig2 = signatures(fold_series(pairs["text2"]).to_list())
    sim = estimate_similarity(sig1, sig2)
    for label in (True, False):
        s = sim[pairs["same_story"].to_numpy() == label]
        print(
            f"  estimated word-3-gram Jaccard, same_story={label!s:<5}: median {np.median(s):.2f}, "
            f"90th pct {np.quantile(s, 0.9):.2f}, share >= 0.5: {(s >= 0.5).mean():.2f}"
        )


def section_snn(samples: int) -> None:
    print("\n## 3. SaudiNewsNet (unlabelled; read the samples)")
    if not SNN.is_file():
        print("  skipped: corpus not found")
        return
    from corpuskit.dedup import dedup
    from corpuskit.dedup.keys import fold_series
    from corpuskit.dedup.minhash import signatures
    from corpuskit.dedup.near import candidate_similarities

    snn = pl.read_parquet(SNN, columns=["id", "title", "text", "source", "url", "date"])
    started = time.perf_counter()
    out = dedup(snn)
    seconds = time.perf_counter() - started
    dropped = out.filter(~pl.col("keep"))
    kept_source = out.select(pl.col("id").alias("dup_of"), pl.col("source").alias("kept_source"))
    cross = dropped.join(kept_source, on="dup_of").filter(pl.col("source") != pl.col("kept_source"))
    print(
        f"  {snn.height:,} documents in {seconds:.1f} s: {dropped.height:,} dropped as copies in "
        f"{out['cluster_id'].n_unique() - 1:,} clusters; {cross.height:,} copy a different outlet"
    )
    print("  by kind:", dict(dropped.group_by("dup_kind").len().sort("dup_kind").iter_rows()))
    flags = out.select(
        pl.col("findings").list.eval(pl.element().struct.field("code") == "DUP300").list.any()
    )
    print(f"  headline-only flags: {int(flags.to_series().sum()):,} documents")
    text = dict(
        zip(snn["id"], zip(snn["source"], snn["title"], snn["text"], strict=True), strict=True)
    )

    def show(a: str, b: str, label: str) -> None:
        sa, ta, xa = text[a]
        sb, tb, xb = text[b]
        print(f"  --- {label}")
        print(f"    {a} [{sa}] {ta}\n      {' '.join(xa.split())[:160]}")
        print(f"    {b} [{sb}] {tb}\n      {' '.join(xb.split())[:160]}")

    print(f"\n  sample of dropped copies ({samples}):")
    for row in dropped.sample(min(samples, dropped.height), seed=11).iter_rows(named=True):
        show(row["id"], row["dup_of"], f"{row['dup_kind']} similarity {row['similarity']:.2f}")
    folded = fold_series(snn["text"]).to_list()
    sigs = signatures(folded)
    words = np.array([t.count(" ") + 1 if t else 0 for t in folded])
    pairs, sim = candidate_similarities(sigs, np.flatnonzero(words >= 8), DedupOptions())
    labels = out["cluster_id"].to_numpy()
    near = (sim >= 0.35) & (sim < THRESHOLD)
    missed = [
        (a, b, s)
        for (a, b), s in zip(pairs[near], sim[near], strict=True)
        if labels[a] is None or labels[a] != labels[b]
    ]
    rng = np.random.default_rng(5)
    print(
        f"\n  near misses: {len(missed):,} candidate pairs at 0.35-0.50 left apart; sample ({samples}):"
    )
    for k in rng.choice(len(missed), size=min(samples, len(missed)), replace=False):
        a, b, s = missed[k]
        show(snn["id"][int(a)], snn["id"][int(b)], f"similarity {s:.2f}")


def section_headlines() -> None:
    from corpuskit.dedup.headline import same_figures, score

    print("\n## 4. headline matcher (token_sort_ratio over folded headlines + figures guard)")
    sets = [
        (
            "ANS (ar)",
            SHARED / "corpora" / "ans_arabic_headline_pairs" / "pairs.parquet",
            "headline",
            "claim",
            lambda f: f["label"] == "agree",
        ),
        (
            "MSRP (en)",
            SHARED / "corpora" / "msrp" / "pairs.parquet",
            "text1",
            "text2",
            lambda f: f["label"] == 1,
        ),
    ]
    for name, path, a, b, positive in sets:
        if not path.is_file():
            print(f"  {name}: skipped, corpus not found")
            continue
        frame = pl.read_parquet(path)
        truth = positive(frame).to_numpy()
        left = [fold(x or "") for x in frame[a].to_list()]
        right = [fold(x or "") for x in frame[b].to_list()]
        scores = np.array(
            [score(x, y) if same_figures(x, y) else 0.0 for x, y in zip(left, right, strict=True)]
        )
        for cutoff in (70, 80, 90, 95):
            predicted = scores >= cutoff
            tp = int((predicted & truth).sum())
            precision = tp / predicted.sum() if predicted.sum() else float("nan")
            print(
                f"  {name:<10} cutoff {cutoff}: matched {int(predicted.sum()):>5} of {len(truth):,}"
                f" pairs, precision {precision:.3f}, recall {tp / truth.sum():.3f}"
            )


def section_scale(scales: list[int], baseline_max: int, work: Path) -> None:
    print("\n## 5. scale (streamed synthetic copies; originals ANT + SaudiNewsNet, then mixes)")
    from corpuskit.dedup import dedup

    originals = pl.concat(
        [
            pl.read_parquet(ANT, columns=["id", "title", "text"]),
            pl.read_parquet(SNN, columns=["id", "title", "text"]),
        ]
    ).filter(pl.col("text").str.split(" ").list.len() >= 80)
    originals = without_repeated_text(originals)
    # As for section 1: drop originals that have a copy in the pool (threshold 0.3).
    probe = dedup(originals, options=DedupOptions(threshold=0.3, headline=False, url=False))
    originals = originals.filter(probe["cluster_id"].is_null())
    print(f"  {originals.height:,} distinct real originals; beyond them, mixes of three")
    path = work / "originals.parquet"
    originals.write_parquet(path)
    for n in scales:
        rows = []
        for system in ("datasketch", "corpuskit"):
            if system == "datasketch" and n > baseline_max:
                continue
            stats, labels, truth = spawn(system, generate=n, originals=path)
            rows.append((system, stats, pair_metrics(truth, labels)))
        base = next((s["seconds"] for name, s, _ in rows if name == "datasketch"), None)
        print(f"  {n:,} documents:")
        for system, stats, metrics in rows:
            print(
                _row(system, stats, metrics, base if system == "corpuskit" else None)
                + f"  ({stats['seconds']:.1f} s)"
            )


def section_real(
    cache: Path | None,
    sample_file: Path | None,
    verifiers: list[str],
    splits: list[str],
    *,
    undated: bool = False,
    date_form: str | None = None,
    without: tuple[str, ...] = (),
    days: tuple[str, ...] = (),
) -> None:
    import _dedup_real as real

    print("\n## 6. real days labelled by reading (whole corpora cleaned, labelled days scored)")
    if not all(c.parquet.is_file() for c in real.labels_mod.CORPORA.values()):
        print("  skipped: corpora not found")
        return
    frames = {corpus: real.validated(corpus, cache) for corpus in real.labels_mod.CORPORA}
    if undated:  # a corpus scraped without dates: the same articles, every date removed
        print("  every date removed (--real-undated)")
        frames = {
            corpus: frame.with_columns(pl.lit(None, dtype=frame.schema["date"]).alias("date"))
            for corpus, frame in frames.items()
        }
    if without:  # a corpus scraped without these columns
        print(f"  columns emptied (--real-without): {', '.join(without)}")
        frames = {
            corpus: frame.with_columns(
                pl.lit(None, dtype=frame.schema[name]).alias(name)
                for name in frame.columns
                if name in without or name.removesuffix("_clean") in without
            )
            for corpus, frame in frames.items()
        }
    if date_form:  # the same instants, written as another corpus would write them
        print(f"  every date rewritten as {DATE_FORMS[date_form][0]} (--real-dates {date_form})")
        frames = {
            corpus: frame.with_columns(_rewritten_dates(frame["date"], date_form))
            for corpus, frame in frames.items()
        }
    for verifier in verifiers:
        print(f"  verifier {verifier}:")
        _real_run(real, frames, DedupOptions(verifier=verifier), sample_file, splits, days)


# --real-dates: how a corpus might write its dates (an example, and the polars format;
# {month} is the Arabic name of the month)
DATE_FORMS = {
    "arabic": ("الأربعاء 22 يوليو 2015 - 10:30", "الأربعاء %d {month} %Y - %H:%M"),
    "levantine": ("22 تموز 2015 10:30", "%d {month} %Y %H:%M"),
    "day-first": ("22/07/2015 10:30", "%d/%m/%Y %H:%M"),
    "day": ("2015-07-22", "%Y-%m-%d"),
    "unix": ("1437561000", None),
    "hijri": ("الأربعاء 6 شوال 1436 هـ 10:30", "hijri"),
}


LEVANTINE_MONTHS = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)  # fmt: skip


def _hijri_dates(parsed: pl.Series) -> pl.Series:
    """The dates on the arithmetic Islamic calendar, written as Saudi outlets write a
    Hijri date (the inverse of the reading in ``corpuskit.dedup.dates``)."""
    from corpuskit.dedup.dates import HIJRI_EPOCH_JDN, HIJRI_MONTHS, hijri_julian_day

    def first_day(year: int, month: int) -> int:  # the Julian day number of the 1st
        return hijri_julian_day(year, month, 1)

    names = {month: spellings[0] for month, spellings in HIJRI_MONTHS.items()}
    out = []
    for stamp in parsed.to_list():
        if stamp is None:
            out.append(None)
            continue
        jdn = stamp.toordinal() + 1721425  # the Julian day number of the Gregorian day
        year = (30 * (jdn - HIJRI_EPOCH_JDN) + 10646) // 10631
        month = min(12, math.ceil((jdn - 29 - first_day(year, 1) + 1) / 29.5) + 1)
        day = jdn - first_day(year, month) + 1
        out.append(f"{day} {names[month]} {year} هـ {stamp:%H:%M}")
    return pl.Series("date", out, dtype=pl.String)


def _rewritten_dates(dates: pl.Series, form: str) -> pl.Series:
    from corpuskit.dedup.dates import ARABIC_MONTHS, parse_dates

    parsed = parse_dates(dates)
    fmt = DATE_FORMS[form][1]
    if fmt is None:  # Unix seconds, as an integer column
        return parsed.dt.epoch("s").alias("date")
    if fmt == "hijri":
        return _hijri_dates(parsed)
    if "{month}" not in fmt:
        return parsed.dt.strftime(fmt).alias("date")
    names = (
        list(LEVANTINE_MONTHS)
        if form == "levantine"
        else [spellings[0] for spellings in ARABIC_MONTHS.values()]
    )
    head, _, tail = fmt.partition("{month}")
    month = (parsed.dt.month().cast(pl.Int64) - 1).replace_strict(list(range(12)), names)
    return (
        pl.select(
            pl.concat_str(
                pl.lit(parsed.dt.strftime(head)), pl.lit(month), pl.lit(parsed.dt.strftime(tail))
            )
        )
        .to_series()
        .alias("date")
    )


def _real_run(
    real,
    frames: dict,
    options: DedupOptions,
    sample_file: Path | None,
    splits: list[str],
    days: tuple[str, ...] = (),
) -> None:
    """Clean each corpus whole and score the labelled days of ``splits`` (only ``days``,
    given as ``corpus:day``, when some are given)."""
    predicted = []
    for corpus, frame in frames.items():
        started = time.perf_counter()
        predicted.append(real.predict(frame, options))
        print(
            f"  {corpus}: {frame.height:,} documents, dedup stage "
            f"{time.perf_counter() - started:.1f} s"
        )
    predicted = pl.concat(predicted)
    if sample_file is not None:
        sample_file = sample_file.with_name(
            f"{sample_file.stem}-{options.verifier}{sample_file.suffix}"
        )
    for split in splits:
        labels, relations = real.load_labels(split)
        if days:
            chosen = pl.concat_str("corpus", pl.lit(":"), "day").is_in(list(days))
            labels, relations = labels.filter(chosen), relations.filter(chosen)
            if labels.height == 0:
                continue
        result = real.score(labels, relations, predicted)
        print(f"  {split}:")
        for line in result.lines():
            print(f"    {line}")
        if split == "dev" and sample_file is not None:
            sample = real.templated_sample(labels, predicted)
            _write_templated_sample(real, sample, predicted, sample_file)
            wrong = sum(bool(item["labelled_different"]) for item in sample)
            other = sum(bool(item["other_day"]) for item in sample)
            print(
                f"    templated sample ({len(sample)} dev items, seed {real.SAMPLE_SEED}): "
                f"{wrong} merged with an article the labels call different, {other} with an "
                f"article of another day (unlabelled: read them in {sample_file})"
            )


def _write_templated_sample(real, sample: list[dict], predicted: pl.DataFrame, path: Path) -> None:
    """The templated sample as a reading file: each item, its labels, what it was merged
    with and the evidence."""
    why = (
        dict(zip(predicted["id"], predicted["dup_why"], strict=True))
        if "dup_why" in predicted.columns
        else {}
    )
    rows = {r["id"]: r for r in predicted.iter_rows(named=True)}
    lines = []
    for k, item in enumerate(sample, 1):
        ids = [item["id"], *item["merged_with"]]
        shown = real.texts(item["corpus"], ids)
        lines.append(
            f"## {k}. {item['id']} family {item['family']} label cluster {item['cluster']} "
            f"kind {item['kind']}"
        )
        for i in ids:
            row = rows[i]
            outlet, title, text = shown.get(i, ("?", "", ""))
            mark = (
                "ITEM"
                if i == item["id"]
                else "LABELLED-DIFFERENT"
                if i in item["labelled_different"]
                else "OTHER-DAY"
                if i in item["other_day"]
                else "labelled-copy"
            )
            lines.append(
                f"- {mark} {i} [{outlet}] keep={row['keep']} kind={row['dup_kind']} "
                f"dup_of={row['dup_of']} sim={row['similarity']} why={why.get(i)}"
            )
            lines.append(f"  {title}")
            lines.append(f"  {' '.join(text.split())[:400]}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer samples")
    parser.add_argument("--sections", default="synthetic,tgcontest,snn,headlines,scale,real")
    parser.add_argument("--synthetic-docs", type=int, default=10_000)
    parser.add_argument(
        "--synthetic-variants", default="plain,footers", help="plain and/or footers"
    )
    parser.add_argument("--seed", type=int, help="generator seed (default: drawn and printed)")
    parser.add_argument("--scales", default="10000,100000,1000000")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=100_000,
        help="largest size the (slow) datasketch baseline runs at",
    )
    parser.add_argument("--samples", type=int, default=6)
    parser.add_argument(
        "--real-cache", type=Path, help="keep the validated corpora here between runs (real)"
    )
    parser.add_argument(
        "--real-sample", type=Path, help="write the dev templated sample here (real)"
    )
    parser.add_argument(
        "--real-verifiers", default="learned,rules", help="pair decisions to score (real)"
    )
    parser.add_argument("--real-splits", default="dev,test", help="label splits to score (real)")
    parser.add_argument(
        "--real-undated", action="store_true", help="remove every date first (real)"
    )
    parser.add_argument(
        "--real-dates",
        choices=sorted(DATE_FORMS),
        help="rewrite every date in another form first, e.g. Arabic month names (real)",
    )
    parser.add_argument(
        "--real-without",
        default="",
        help="empty these columns first, e.g. source,title (real)",
    )
    parser.add_argument(
        "--real-days",
        default="",
        help="score only these labelled days, e.g. saudinewsnet:2015-07-25 (real)",
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--originals", help=argparse.SUPPRESS)
    parser.add_argument("--labels", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        child(args)
        return
    if not ANT.is_file():
        sys.exit(f"the shared corpora are needed: {ANT} not found")
    sections = set(args.sections.split(","))
    synthetic_docs = 2_000 if args.quick else args.synthetic_docs
    scales = [2_000, 10_000] if args.quick else [int(s) for s in args.scales.split(",")]
    samples = 3 if args.quick else args.samples
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    print(
        f"corpuskit dedup benchmark: threshold {THRESHOLD}, {NUM_PERM} permutations, word "
        f"{SHINGLE}-grams of folded text; {os.cpu_count()} cores; load "
        f"{os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="ck-dedup-bench-") as tmp:
        work = Path(tmp)
        if "synthetic" in sections:
            for variant in args.synthetic_variants.split(","):
                section_synthetic(synthetic_docs, work, seed, footers=variant == "footers")
        if "tgcontest" in sections:
            section_tgcontest()
        if "snn" in sections:
            section_snn(samples)
        if "headlines" in sections:
            section_headlines()
        if "scale" in sections:
            section_scale(scales, args.baseline_max, work)
        if "real" in sections:
            section_real(
                args.real_cache,
                args.real_sample,
                args.real_verifiers.split(","),
                args.real_splits.split(","),
                undated=args.real_undated,
                date_form=args.real_dates,
                without=tuple(c for c in args.real_without.split(",") if c),
                days=tuple(d for d in args.real_days.split(",") if d),
            )


if __name__ == "__main__":
    main()
