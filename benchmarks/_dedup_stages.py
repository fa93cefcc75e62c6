"""Where the dev days' missed copies are lost: candidates, the pair decision, or clustering.

    .venv/bin/python benchmarks/_dedup_stages.py --real-cache DIR [--out misses.md]

Only the DEV split (test days are scored, never read). Each corpus is cleaned whole as in
``benchmarks/dedup.py --sections real``. A *missed true pair* is two articles labelled in
one copy cluster that end in different predicted clusters. Each is put at the first
stage that loses it:

* **candidate**: the two were never compared (no shared band of either MinHash, no
  matching headline, not one body or URL);
* **decision**: compared and judged not a copy, by what said no, in this order: a body
  below ``min_words``, a page that breaks to another story, a part of a roundup, a veto
  that overrode a passing score (serial, template when undated, follow-up,
  outlet-versions), an update verdict, more than a day apart, or the verifier's score
  below ``copy_score``;
* **cluster**: judged a copy (or one body or URL) but split by the clusters grown
  around kept documents: one side is kept and the other was taken by another kept
  document first, or both were taken by different ones, or one was left alone because
  it is not a copy of its would-be kept document.

Pairs are counted by kind: a pair (head, member) has the member's kind; a pair of two
members the stronger of their kinds (``rewritten_release`` > ``trimmed`` >
``light_edit`` > ``verbatim``). Rows ``head`` count only pairs with the head (what
``recall by kind`` scores); rows ``all`` every missed pair.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _dedup_real as real
from _dedup_errors import real_parser, side_lines, write_atomic

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.evidence import MISSING_HOURS
from corpuskit.dedup.keytable import FrameKeys
from corpuskit.dedup.link import judged_candidates
from corpuskit.dedup.sign import sign_batch

STRENGTH = {kind: i for i, kind in enumerate(real.KINDS)}
VETOES = ("serial", "template", "follow-up", "outlet-versions")


def _true_pairs(labels: pl.DataFrame) -> list[tuple[str, str, str, bool]]:
    """(x, y, kind, with_head) for every pair of one labelled cluster."""
    out = []
    kind_of = dict(zip(labels["id"], labels["kind"], strict=True))
    for head, members in (
        labels.group_by("cluster", maintain_order=True).agg(pl.col("id").sort()).iter_rows()
    ):
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                kinds = [kind_of[z] for z in (x, y) if z != head]
                kind = max(kinds, key=STRENGTH.__getitem__)
                out.append((x, y, kind, head in (x, y)))
    return out


def _decision_reason(row: dict, long_pair: bool, options: DedupOptions) -> str:
    """What said no to a compared pair (see the module docs)."""
    if not long_pair:
        return "short body"
    if row["page"]:
        return "page"
    if row.get("roundup"):
        return "roundup part"
    one = pl.DataFrame([row])
    near = row["shingles"] >= options.threshold and row["rare_words"] >= verify.NEAR_RARE
    passing = row["score"] >= options.copy_score or near
    fired = {
        "serial": verify.serial_items(one)[0],
        "template": verify.undated_template_items(one)[0],
        "follow-up": verify.follow_ups(one)[0],
        "outlet-versions": verify.outlet_versions(one, options.threshold)[0],
    }
    if passing:
        for name in VETOES:
            if fired[name]:
                return f"veto {name}"
    if row["relation"] == verify.UPDATE:
        return "update verdict"
    if passing and verify.CROSS_DAY_HOURS < row["hours"] < MISSING_HOURS:
        return "days apart"
    score = row["score"]
    band = "<0.3" if score < 0.3 else "0.3-0.5" if score < 0.5 else f"0.5-{options.copy_score:g}"
    return f"score {band}"


def _cluster_reason(x: str, y: str, pred: dict, kept_of: dict) -> str:
    """How clustering split a pair judged a copy."""
    kx, ky = kept_of.get(x), kept_of.get(y)
    alone = [z for z in (x, y) if pred[z] == z and kx != z and ky != z]
    if (kx == x) or (ky == y):
        other = y if kx == x else x
        if pred[other] == other and kept_of.get(other) is None:
            return "other side alone (not a copy of its kept one)"
        return "kept side; other taken by another kept document"
    if alone:
        return "a side alone (not a copy of its kept one)"
    return "both taken by different kept documents"


def corpus_stages(corpus: str, frame: pl.DataFrame, options: DedupOptions) -> list[dict]:
    """One record per missed true pair of the corpus's dev days."""
    labels, _ = real.load_labels("dev", corpus)
    if labels.height == 0:
        return []
    predicted = real.predict(frame, options)
    pred = dict(zip(predicted["id"], predicted["pred"], strict=True))
    kept_of = dict(zip(predicted["id"], predicted["cluster_id"], strict=True))
    kept_of = {k: v for k, v in kept_of.items() if v is not None}
    missed = [p for p in _true_pairs(labels) if pred[p[0]] != pred[p[1]]]
    if not missed:
        return []
    keys = FrameKeys(sign_batch(frame.with_columns(findings=pl.lit(None)), options))
    matcher, judged = judged_candidates(keys, options, every_pair=True)
    ids = keys.column("id")
    row_of = dict(zip(ids.to_list(), range(ids.len()), strict=True))
    judged_of = {(a, b): i for i, (a, b) in enumerate(judged.select("a", "b").iter_rows())}
    pairs = np.array([[row_of[x], row_of[y]] for x, y, *_ in missed], dtype=np.int64)
    alone = matcher.judge(pairs)  # the same pair judged on its own (not a candidate)
    crossed = np.array(
        [
            [row_of[x], row_of[kept_of.get(y, y)], row_of[y], row_of[kept_of.get(x, x)]]
            for x, y, *_ in missed
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    across = matcher.judge(crossed)  # each side against the other's kept document
    records = []
    for k, (x, y, kind, with_head) in enumerate(missed):
        a, b = int(alone["a"][k]), int(alone["b"][k])
        at = judged_of.get((a, b))
        row = judged.row(at, named=True) if at is not None else alone.row(k, named=True)
        keyed = row["same"] is not None
        detail = []
        if at is None and not keyed:
            stage = "candidate"
            reason = f"never compared (verdict alone: {row['relation']})"
        elif row["relation"] != verify.COPY and not keyed:
            stage = "decision"
            reason = _decision_reason(row, bool(matcher.long[a] & matcher.long[b]), options)
        else:
            stage = "cluster"
            reason = _cluster_reason(x, y, pred, kept_of)
            detail = [
                f"{side} against {other}'s kept: {across['relation'][2 * k + j]} "
                f"({verify.why(verify.why_evidence(across[2 * k + j]))[0]})"
                for j, (side, other) in enumerate(((x, y), (y, x)))
            ]
        records.append(
            {
                "corpus": corpus,
                "x": x,
                "y": y,
                "kind": kind,
                "with_head": with_head,
                "stage": stage,
                "reason": reason,
                "evidence": verify.why(verify.why_evidence(pl.DataFrame([row])))[0],
                "kept_x": kept_of.get(x, x),
                "kept_y": kept_of.get(y, y),
                "detail": detail,
            }
        )
    return records


def summary(records: list[dict]) -> list[str]:
    """Counts by stage, by reason and by kind, for head pairs and all pairs."""
    lines = []
    for scope, rows in (("head", [r for r in records if r["with_head"]]), ("all", records)):
        lines.append(f"missed pairs ({scope}): {len(rows)}")
        stages = Counter(r["stage"] for r in rows)
        for stage in ("candidate", "decision", "cluster"):
            by_kind = Counter(r["kind"] for r in rows if r["stage"] == stage)
            kinds = ", ".join(f"{k} {by_kind[k]}" for k in real.KINDS if by_kind[k])
            lines.append(f"  {stage}: {stages[stage]} ({kinds or '-'})")
            reasons = Counter(r["reason"] for r in rows if r["stage"] == stage)
            for reason, n in reasons.most_common():
                lines.append(f"    {n:4d}  {reason}")
    return lines


def reading(records: list[dict]) -> list[str]:
    """The missed head pairs, by stage and reason, with their evidence and openings."""
    lines = []
    heads = sorted(
        (r for r in records if r["with_head"]), key=lambda r: (r["stage"], r["reason"], r["x"])
    )
    by_corpus: dict[str, set[str]] = {}
    for r in heads:
        by_corpus.setdefault(r["corpus"], set()).update((r["x"], r["y"], r["kept_x"], r["kept_y"]))
    texts = {}
    for corpus, ids in by_corpus.items():
        texts.update(real.texts(corpus, sorted(ids)))
    for r in heads:
        lines.append(f"### {r['x']} ~ {r['y']}: {r['kind']}; {r['stage']}: {r['reason']}")
        lines.append(f"- evidence: {r['evidence']}")
        lines.append(f"- clusters: {r['x']} in {r['kept_x']}, {r['y']} in {r['kept_y']}")
        lines += [f"- {line}" for line in r["detail"]]
        for side in (r["x"], r["y"]):
            lines += side_lines(texts, side)
        lines.append("")
    return lines


def main() -> None:
    out_help = "markdown file listing the missed head pairs"
    args = real_parser(__doc__, out_help, out_required=False).parse_args()
    options = DedupOptions(verifier=args.verifier)
    records = []
    for corpus in real.labels_mod.CORPORA:
        records += corpus_stages(corpus, real.validated(corpus, args.real_cache), options)
    print("\n".join(summary(records)))
    if args.out is not None:
        write_atomic(args.out, reading(records))
        print(f"written {args.out}")


if __name__ == "__main__":
    main()
