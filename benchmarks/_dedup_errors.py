"""The dev days' dedup errors, to read: false merges and missed copies with their evidence.

    .venv/bin/python benchmarks/_dedup_errors.py --real-cache DIR --out dev-errors.md

Only the DEV split can be listed (test days are scored, never read). Each corpus is
cleaned whole as in ``benchmarks/dedup.py --sections real``; then, over the dev days'
articles:

* **false merges**: a dropped article whose kept document is labelled in another
  cluster (or is an article of another day), with what the labels say the two are
  (``same_story``, ``update``, ``contains``, ``different``, ``other-day``);
* **misses**: a labelled copy not in its head's cluster, with the evidence of the pair
  (head, copy) as the matcher judges it, and whether it was a candidate at all.

Each entry gives both articles' outlet, date, headline and opening, and the evidence
(:func:`corpuskit.dedup.verify.why`, the verdict, the vetoes that fired).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _dedup_real as real

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.keytable import FrameKeys
from corpuskit.dedup.link import judged_candidates
from corpuskit.dedup.sign import sign_batch

OPENING = 300


def _vetoes(judged: pl.DataFrame, options: DedupOptions) -> list[str]:
    named = {
        "serial": verify.serial_items(judged),
        "template": verify.undated_template_items(judged),
        "follow-up": verify.follow_ups(judged),
        "outlet-versions": verify.outlet_versions(judged, options.threshold),
        "update": verify.is_update(judged),
    }
    return [
        ",".join(name for name, fired in named.items() if fired[i]) or "-"
        for i in range(judged.height)
    ]


def corpus_errors(corpus: str, frame: pl.DataFrame, options: DedupOptions) -> list[str]:
    """The error entries of one corpus's dev days, as markdown lines."""
    labels, relations = real.load_labels("dev", corpus)
    if labels.height == 0:
        return []
    predicted = real.predict(frame, options)
    keys = FrameKeys(sign_batch(frame.with_columns(findings=pl.lit(None)), options))
    matcher, judged = judged_candidates(keys, options, every_pair=True)
    ids = keys.column("id")
    row_of = dict(zip(ids.to_list(), range(ids.len()), strict=True))
    candidate = {
        tuple(sorted(p)) for p in judged.select(pl.col("a"), pl.col("b")).to_numpy().tolist()
    }
    cluster_of = dict(zip(labels["id"], labels["cluster"], strict=True))
    relation_of = {}
    for a, b, rel in relations.select("a", "b", "relation").iter_rows():
        relation_of[tuple(sorted((cluster_of[a], cluster_of[b])))] = rel
    pred = predicted.select("id", "cluster_id", "keep", "dup_kind", "pred")
    pred_of = dict(zip(pred["id"], pred["pred"], strict=True))
    dev_ids = set(labels["id"].to_list())
    wrong, missed = [], []
    for row in pred.filter(pl.col("id").is_in(list(dev_ids)) & ~pl.col("keep")).iter_rows(
        named=True
    ):
        kept = row["cluster_id"]
        if kept not in cluster_of:
            wrong.append((row["id"], kept, "other-day"))
        elif cluster_of[kept] != cluster_of[row["id"]]:
            pair = tuple(sorted((cluster_of[kept], cluster_of[row["id"]])))
            wrong.append((row["id"], kept, relation_of.get(pair, "different")))
    for i, head, kind in (
        labels.filter(pl.col("kind").is_not_null()).select("id", "cluster", "kind").iter_rows()
    ):
        if pred_of[i] != pred_of[head]:
            missed.append((i, head, kind))
    texts = real.texts(corpus, sorted({x for e in wrong + missed for x in e[:2]}))
    dates = dict(zip(frame["id"], frame["date"].cast(pl.String), strict=True))
    lines = [f"# {corpus}: {len(wrong)} false merges, {len(missed)} misses (dev)", ""]
    for title, entries in (("false merges", wrong), ("misses", missed)):
        lines += [f"## {title}", ""]
        if not entries:
            continue
        pairs = np.array([[row_of[x], row_of[y]] for x, y, _ in entries], dtype=np.int64)
        verdicts = matcher.judge(pairs)
        evidence = verify.why(verify.why_evidence(verdicts))
        vetoes = _vetoes(verdicts, options)
        for k, (x, y, what) in enumerate(entries):
            was = "candidate" if tuple(sorted((row_of[x], row_of[y]))) in candidate else "not"
            lines.append(
                f"### {x} -> {y}: {what}; verdict {verdicts['relation'][k]}, {was} a "
                f"candidate; vetoes {vetoes[k]}"
            )
            lines.append(
                f"- evidence: {evidence[k]}; template {verdicts['template'][k]:.2f}, "
                f"size ratio {verdicts['size_ratio'][k]:.2f}, b_in_a {verdicts['b_in_a'][k]:.2f}"
            )
            for side in (x, y):
                lines += side_lines(texts, side, dates.get(side))
            lines.append("")
    return lines


def side_lines(texts: dict, side: str, date: str | None = None) -> list[str]:
    """One article of an entry: id, outlet, date, headline, and its opening."""
    outlet, head, body = texts.get(side, ("?", "", ""))
    when = f" {date}" if date else ""
    return [f"- {side} [{outlet}]{when} | {head}", f"  {' '.join(body.split())[:OPENING]}"]


def write_atomic(path: Path, lines: list[str]) -> None:
    """The lines as one text file, replaced at once."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def real_parser(doc: str, out_help: str, *, out_required: bool) -> argparse.ArgumentParser:
    """The options of the dev reading scripts: the corpora cache, the output, the verifier."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--real-cache", type=Path, help="validated corpora (see dedup.py)")
    parser.add_argument("--out", type=Path, required=out_required, help=out_help)
    parser.add_argument("--verifier", default="learned", choices=("learned", "rules"))
    return parser


def main() -> None:
    args = real_parser(__doc__, "markdown file to write", out_required=True).parse_args()
    options = DedupOptions(verifier=args.verifier)
    lines = []
    for corpus in real.labels_mod.CORPORA:
        lines += corpus_errors(corpus, real.validated(corpus, args.real_cache), options)
    write_atomic(args.out, lines)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
