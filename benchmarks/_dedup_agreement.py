"""How far two readers of one day agree, to know what a copy label can be trusted to.

A second reader labels some pool groups of a dev day again with the guide, without seeing
the first reading (``_dedup_labelling.py pool`` into another work folder; a day's groups
may be thinned to every n-th). Their clusters are saved here, per day, as
``tests/data/dedup_labels/second_reading/CORPUS-DAY.jsonl`` (``id``, ``cluster``,
``kind``), and compared with the committed labels over the articles both readers read:

- pair precision, recall and ARI of the second reading against the first, the figures
  the matcher is scored by (so a matcher cannot be expected to agree with the labels
  more than two readers agree with each other);
- by the first reader's kind of copy: the share of its (head, copy) pairs that the
  second reader also put in one cluster;
- with ``--matcher`` (and ``--real-cache DIR``, as ``dedup.py`` takes it), the same
  figures of the matcher (its clusters of the whole corpus, default options) on the
  same articles: on dev days, which the verifier was trained on.

Usage::

    python benchmarks/_dedup_agreement.py save CORPUS DAY ANSWERS_FILE
    python benchmarks/_dedup_agreement.py report [--matcher] [--real-cache DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _copy_labels as labels
import _dedup_labelling as labelling
from _dedup_corpus import pair_metrics

SECOND = labels.LABELS_DIR / "second_reading"
KINDS = ("verbatim", "light_edit", "trimmed", "rewritten_release")


def second_path(corpus: str, day: str) -> Path:
    return SECOND / f"{corpus}-{day}.jsonl"


def rows_from_answers(corpus: str, day: str, path: Path) -> list[dict]:
    """``id, cluster, kind`` of every article a second reader answered for, checked as
    ``build`` checks a first reading (one head per cluster, known kinds and refs)."""
    members, relations, errors = labelling.parse_answers(
        path.read_text(encoding="utf-8"), str(path)
    )
    ids = [m["id"] for m in members]
    rows, _resolved, more = labelling.labels_from_answers(corpus, day, ids, members, relations)
    errors += more
    if errors:
        raise SystemExit("\n".join(errors))
    return [{"id": r["id"], "cluster": r["cluster"], "kind": r["kind"]} for r in rows]


def save(corpus: str, day: str, path: Path) -> int:
    rows = rows_from_answers(corpus, day, path)
    text = "".join(
        json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(rows, key=lambda r: r["id"])
    )
    labelling.write_atomically(second_path(corpus, day), text)
    print(f"{corpus} {day}: {len(rows)} articles of the second reading written")
    return 0


def agreement(first: list[dict], second: list[dict]) -> tuple[dict, Counter, Counter]:
    """Pair metrics of ``second`` against ``first`` over the articles ``second`` holds,
    and, per kind of the first reader's copies, (head, copy) pairs and how many of them
    the second reader put in one cluster."""
    by_id = {r["id"]: r for r in first}
    ids = [r["id"] for r in second]
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValueError(f"second reading names articles the first has not: {missing[:3]}")
    truth = np.array([by_id[i]["cluster"] for i in ids])
    predicted = np.array([r["cluster"] for r in second])
    metrics = pair_metrics(truth, predicted)
    together = {r["id"]: r["cluster"] for r in second}
    pairs, kept = Counter(), Counter()
    for i in ids:
        row = by_id[i]
        if row["kind"] is None or row["cluster"] not in together:
            continue
        pairs[row["kind"]] += 1
        kept[row["kind"]] += together[i] == together[row["cluster"]]
    return metrics, pairs, kept


def matcher_rows(corpus: str, cache: Path | None, ids: list[str]) -> list[dict]:
    """``id, cluster`` of ``ids`` as the matcher clusters the whole corpus."""
    import _dedup_real as real

    from corpuskit.config import DedupOptions

    predicted = real.predict(real.validated(corpus, cache), DedupOptions())
    cluster = dict(zip(predicted["id"].to_list(), predicted["pred"].to_list(), strict=True))
    return [{"id": i, "cluster": cluster[i], "kind": None} for i in ids]


def report(cache: Path | None = None, *, matcher: bool = False) -> int:
    files = sorted(SECOND.glob("*.jsonl"))
    if not files:
        print(f"no second readings in {SECOND}")
        return 1
    readers = {"second reader": ([], [], Counter(), Counter())}
    if matcher:
        readers["matcher"] = ([], [], Counter(), Counter())
    for path in files:
        corpus, day = path.stem.split("-", 1)
        first = labels.read_jsonl(labels.label_path(corpus, day))
        second = labels.read_jsonl(path)
        others = {"second reader": second}
        if matcher:
            others["matcher"] = matcher_rows(corpus, cache, [r["id"] for r in second])
        print(f"{corpus} {day}: {len(second)} articles read twice")
        for name, rows in others.items():
            metrics, pairs, kept = agreement(first, rows)
            firsts, seconds, total_pairs, total_kept = readers[name]
            total_pairs.update(pairs)
            total_kept.update(kept)
            # clusters are named by head ids, so days never share a name
            firsts += first
            seconds += rows
            print(f"  {name}: " + _words(metrics, pairs, kept))
    print("all days:")
    for name, (firsts, seconds, total_pairs, total_kept) in readers.items():
        metrics, _, _ = agreement(firsts, seconds)
        print(f"  {name}: " + _words(metrics, total_pairs, total_kept))
    return 0


def _words(metrics: dict, pairs: Counter, kept: Counter) -> str:
    kinds = ", ".join(f"{k} {kept[k]}/{pairs[k]}" for k in KINDS if pairs[k])
    return (
        f"pair precision {metrics['precision']:.3f}, recall {metrics['recall']:.3f}, "
        f"ARI {metrics['ari']:.3f}; first reader's copies kept together: {kinds}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save", help="save a second reading from an answers file")
    saving.add_argument("corpus", choices=sorted(labels.CORPORA))
    saving.add_argument("day")
    saving.add_argument("answers", type=Path)
    reporting = commands.add_parser(
        "report", help="agreement of every second reading with the first"
    )
    reporting.add_argument("--real-cache", type=Path, help="also score the matcher (see dedup.py)")
    reporting.add_argument("--matcher", action="store_true", help="also score the matcher")
    args = parser.parse_args()
    if args.command == "save":
        return save(args.corpus, args.day, args.answers)
    return report(args.real_cache, matcher=args.matcher or args.real_cache is not None)


if __name__ == "__main__":
    raise SystemExit(main())
