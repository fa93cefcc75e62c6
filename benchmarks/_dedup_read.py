"""Print a random sample of a clean run's merges or page flags, for reading.

Each dropped copy is shown beside its kept document (openings and endings); each
``contained`` page flag (``DUP240``) shows the end of the story and the page around the
place where the story ends. Documents of any day that the split hash of the labels
(:func:`_copy_labels.split_of`) puts in test are left out, the labelled test days among
them (never read those). The sample is drawn with the seed given, so a reading can be
repeated::

    .venv/bin/python benchmarks/_dedup_read.py OUT_DIR --what merges --n 16 --seed 11
    .venv/bin/python benchmarks/_dedup_read.py OUT_DIR --what pages --n 12 --seed 7
    .venv/bin/python benchmarks/_dedup_read.py OUT_DIR --what updates --n 12 --seed 3

``updates`` shows each flagged older version (``DUP230``) beside the newer one that
updates it.

With ``--against OTHER_OUT`` (a run of the same corpus by other code), only the merges
one run makes and the other does not are drawn: ``added`` (OUT_DIR's dropped copies whose
kept document differs in OTHER_OUT) and ``removed`` (the other way round), each shown
from the run that makes it::

    .venv/bin/python benchmarks/_dedup_read.py NEW_OUT --against OLD_OUT --n 20 --seed 5
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _copy_labels as labels_mod

SHOWN = 300


def _day(doc_id: str) -> str:
    """The day of an id: ``snn-YYYY-MM-DD-N`` (SaudiNewsNet) or ``…-YYYYMMDD`` (ANT)."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", doc_id) or re.search(
        r"(\d{4})(\d{2})(\d{2})$", doc_id
    )
    return "-".join(found.groups()) if found else ""


def _on_a_test_day(doc_id: str | None) -> bool:
    day = _day(doc_id or "")
    return bool(day) and labels_mod.split_of(day) == "test"


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def _merges(out: Path) -> tuple[pl.DataFrame, dict[str, str]]:
    """Dropped copies of a run (``id``, ``dup_of``, ``dup_kind``, ``dup_why``) and every
    document's text."""
    kept = pl.read_parquet(out / "clean.parquet")
    rejected = pl.read_parquet(out / "rejected.parquet")
    every = pl.concat([kept, rejected], how="diagonal_relaxed")
    merges = rejected.filter(pl.col("dup_of").is_not_null())
    merges = merges.select("id", "dup_of", "dup_kind", "dup_why").sort("id")
    return merges, dict(zip(every["id"], every["text"], strict=True))


def _show_merge(row: dict, text: dict[str, str], label: str = "") -> None:
    other, own = _flat(text[row["dup_of"]]), _flat(text[row["id"]])
    print(f"== {label}{row['id']} {row['dup_kind']} of {row['dup_of']} | {row['dup_why']}")
    print(f"  kept ({len(other.split())} words): {other[:SHOWN]} … {other[-SHOWN // 2 :]}")
    print(f"  dropped ({len(own.split())} words): {own[:SHOWN]} … {own[-SHOWN // 2 :]}")


def _off_test_days(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not _on_a_test_day(r["id"]) and not _on_a_test_day(r["dup_of"])]


def changed(out: Path, against: Path, n: int, seed: int) -> None:
    """A sample of the merges one run makes and the other does not (see the module docs)."""
    new, new_text = _merges(out)
    old, old_text = _merges(against)
    pair = ["id", "dup_of"]
    added = _off_test_days(new.join(old.select(pair), on=pair, how="anti").rows(named=True))
    removed = _off_test_days(old.join(new.select(pair), on=pair, how="anti").rows(named=True))
    pool = [("added", r) for r in added] + [("removed", r) for r in removed]
    print(
        f"seed {seed}: {min(n, len(pool))} of {len(added)} added and {len(removed)} removed "
        "merges off the test-hashed days"
    )
    for label, row in random.Random(seed).sample(pool, min(n, len(pool))):
        _show_merge(row, new_text if label == "added" else old_text, f"{label}: ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder of corpuskit clean")
    parser.add_argument("--what", choices=("merges", "pages", "updates"), default="merges")
    parser.add_argument("--n", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--against", type=Path, help="another run of the same corpus: draw changed merges"
    )
    args = parser.parse_args()
    if args.against is not None:
        changed(args.out, args.against, args.n, args.seed)
        return
    kept = pl.read_parquet(args.out / "clean.parquet")
    rejected = pl.read_parquet(args.out / "rejected.parquet")
    every = pl.concat([kept, rejected], how="diagonal_relaxed")
    text = dict(zip(every["id"], every["text"], strict=True))
    flagged = {"pages": "contained", "updates": "update"}
    pool = (
        kept.filter(pl.col("dup_kind") == flagged[args.what])
        if args.what in flagged
        else rejected.filter(pl.col("dup_of").is_not_null())
    ).sort("id")
    rows = _off_test_days(pool.rows(named=True))
    print(f"seed {args.seed}: {min(args.n, len(rows))} of {len(rows)} off the test-hashed days")
    for row in random.Random(args.seed).sample(rows, min(args.n, len(rows))):
        other, own = _flat(text[row["dup_of"]]), _flat(text[row["id"]])
        print(f"== {row['id']} {row['dup_kind']} of {row['dup_of']} | {row['dup_why']}")
        if args.what == "pages":
            print(f"  story ({len(other.split())} words) ends: …{other[-SHOWN:]}")
            print(f"  page ({len(own.split())} words) opens: {own[:SHOWN]}")
            cut = len(other)
            print(f"  page where the story ends: …{own[max(0, cut - SHOWN // 2) : cut + SHOWN]}")
        elif args.what == "updates":
            print(f"  newer ({len(other.split())} words): {other[:SHOWN]} … {other[-SHOWN // 2 :]}")
            print(f"  older ({len(own.split())} words): {own[:SHOWN]} … {own[-SHOWN // 2 :]}")
        else:
            _show_merge(row, text)


if __name__ == "__main__":
    main()
