"""How long ``corpuskit check`` takes: 1,000 incoming documents against a 100,000-document index.

The index is built from real articles (ANT corpus and SaudiNewsNet from ../shared/corpora),
scaled up to the target size with edited variants of those articles (a sentence dropped,
a line appended), so the index holds realistic near-duplicate neighbourhoods. The
incoming batch mixes articles the index has never seen, light edits of indexed articles
(they must be found, with the right id) and exact copies.

Printed: index build time (once), then medians over ``--repeats`` runs of each phase of
the check (read, validate, index lookup, report), the check with ``--against`` beside the
same check without it (the baseline, same invocation), and how many planted copies the
lookup found with the right id. Timings on a shared machine are noisy: compare ratios.

Usage:  .venv/bin/python benchmarks/check.py [--index-size 100000] [--incoming 1000]
        [--repeats 3] [--workdir DIR] [--reuse-index]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpuskit.check import build_report
from corpuskit.codes import code_registry
from corpuskit.config import DedupOptions
from corpuskit.dedup.index import build_index, open_index
from corpuskit.errors import DedupIndexError
from corpuskit.io import read_corpus
from corpuskit.pipeline import check_paths
from corpuskit.rules import load_ruleset
from corpuskit.validate import validate

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CORPORA = [SHARED / "ant_corpus" / "articles.parquet", SHARED / "saudinewsnet" / "articles.parquet"]
COLUMNS = ["id", "title", "text", "source", "url", "date"]
MIN_CHARS = 400  # long enough that a near copy is a real near copy


def real_articles() -> pl.DataFrame:
    missing = [p for p in CORPORA if not p.is_file()]
    if missing:
        sys.exit(f"benchmark needs the shared corpora; missing: {', '.join(map(str, missing))}")
    frames = [pl.read_parquet(p, columns=COLUMNS) for p in CORPORA]
    articles = pl.concat(frames).filter(pl.col("text").str.len_chars() >= MIN_CHARS)
    return articles.unique("id", keep="first", maintain_order=True)


def edited(text: str, rng: random.Random) -> str:
    """A light edit: drop one sentence-ish line or append a credit line."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 3 and rng.random() < 0.5:
        del lines[rng.randrange(1, len(lines))]
    else:
        lines.append("المصدر: وكالات")
    return "\n".join(lines)


def split_corpus(
    articles: pl.DataFrame, index_size: int, incoming: int, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """(index frame, incoming frame, {incoming id: indexed id it copies})."""
    rng = random.Random(seed)
    order = list(range(articles.height))
    rng.shuffle(order)
    n_unseen = incoming // 2
    unseen = articles[order[:n_unseen]]
    base = articles[order[n_unseen:]]
    rows = base.to_dicts()
    variants = []
    while len(rows) + len(variants) < index_size:
        src = rows[rng.randrange(len(rows))]
        variants.append(
            {**src, "id": f"{src['id']}~v{len(variants)}", "text": edited(src["text"], rng)}
        )
    index_frame = pl.DataFrame(rows + variants, schema=base.schema)[:index_size]
    indexed = index_frame.filter(~pl.col("id").str.contains("~v")).to_dicts()
    copies, truth = [], {}
    for i in range(incoming - n_unseen):
        src = indexed[rng.randrange(len(indexed))]
        new_id = f"incoming-copy-{i}"
        text = src["text"] if i % 3 == 0 else edited(src["text"], rng)
        copies.append({**src, "id": new_id, "text": text, "url": None})
        truth[new_id] = src["id"]
    incoming_frame = pl.concat([unseen, pl.DataFrame(copies, schema=base.schema)])
    incoming_frame = incoming_frame.sample(fraction=1.0, shuffle=True, seed=seed)
    return index_frame, incoming_frame, truth


def usable_index(path: Path) -> bool:
    """An index at ``path`` that this corpuskit can open (else it is rebuilt)."""
    try:
        open_index(path)
    except DedupIndexError as exc:
        print(f"not reusing the index: {exc}".splitlines()[0])
        return False
    return True


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-size", type=int, default=100_000)
    parser.add_argument("--incoming", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the index and inputs here")
    parser.add_argument("--reuse-index", action="store_true", help="reuse an index in --workdir")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="corpuskit-bench-check-"))
    workdir.mkdir(parents=True, exist_ok=True)
    index_path = workdir / "corpus.idx"
    incoming_path = workdir / "incoming.jsonl"
    truth_path = workdir / "truth.json"

    articles = real_articles()
    print(f"real articles (>= {MIN_CHARS} chars, ANT + SaudiNewsNet): {articles.height:,}")
    index_frame, incoming_frame, truth = split_corpus(
        articles, args.index_size, args.incoming, args.seed
    )
    incoming_frame.write_ndjson(incoming_path)
    truth_path.write_text(json.dumps(truth), encoding="utf-8")
    if not (args.reuse_index and usable_index(index_path)):
        shutil.rmtree(index_path, ignore_errors=True)
        start = time.perf_counter()
        build_index(index_frame, index_path, options=DedupOptions())
        print(
            f"index build: {index_frame.height:,} documents in {time.perf_counter() - start:.1f} s"
        )
    print(
        f"incoming: {incoming_frame.height:,} documents "
        f"({len(truth)} copies of indexed documents, {incoming_frame.height - len(truth)} unseen)"
    )

    reps = args.repeats
    t_read, frame = median_time(lambda: read_corpus([incoming_path]), reps)
    ruleset = load_ruleset()
    t_validate, validated = median_time(lambda: validate(frame, ruleset=ruleset), reps)
    t_open, index = median_time(lambda: open_index(index_path), reps)
    t_query, matches = median_time(lambda: index.query(validated), reps)
    t_report, report = median_time(
        lambda: build_report(validated, matches=matches, codes=code_registry(ruleset)),
        reps,
    )
    # the baseline and the full check alternate, so machine load hits both alike
    without_times, with_times, full = [], [], None
    for _ in range(reps):
        t, _ = median_time(lambda: check_paths([incoming_path]), 1)
        without_times.append(t)
        t, full = median_time(lambda: check_paths([incoming_path], against=index_path), 1)
        with_times.append(t)
    t_without, t_with = statistics.median(without_times), statistics.median(with_times)

    dups = full.findings.filter(pl.col("code") == "IDX001")
    found = dict(zip(dups["doc_id"].to_list(), dups["match_id"].to_list(), strict=True))
    right = sum(1 for new_id, old_id in truth.items() if found.get(new_id) == old_id)
    variant = sum(
        1 for new_id, old_id in truth.items() if found.get(new_id, "").startswith(old_id + "~v")
    )
    missed = sum(1 for new_id in truth if new_id not in found)
    other = len(truth) - right - variant - missed
    texts = dict(zip(index_frame["id"].to_list(), index_frame["text"].to_list(), strict=True))
    other_identical = sum(
        1
        for new_id, old_id in truth.items()
        if new_id in found
        and found[new_id] != old_id
        and not found[new_id].startswith(old_id + "~v")
        and " ".join(texts.get(found[new_id], "").split()) == " ".join(texts[old_id].split())
    )
    unseen_flagged = sum(1 for doc_id in found if doc_id not in truth)

    print(f"\nmedians over {reps} runs (seconds)")
    for label, value in [
        ("read incoming", t_read),
        ("validate", t_validate),
        ("open index", t_open),
        ("index query", t_query),
        ("build report", t_report),
        ("check without --against (baseline)", t_without),
        ("check with --against", t_with),
    ]:
        print(f"  {label:<36} {value:8.2f}")
    print(f"  ratio with/without index             {t_with / t_without:8.2f}x")
    print(f"  per incoming document (with index)   {1000 * t_with / incoming_frame.height:8.2f} ms")
    print(
        f"\nplanted copies: {right}/{len(truth)} matched the copied id, {variant} an edited"
        f" variant of it in the index, {other} another indexed document ({other_identical} of them with a body identical to the"
        f" copied one: duplicates already inside the corpora), {missed} missed;"
        f" unseen articles flagged: {unseen_flagged} (real duplicates inside the corpora count here)"
    )
    print(f"findings: {report.summary()['by_code']}")
    print(f"workdir: {workdir}")


if __name__ == "__main__":
    main()
