"""Scoring deduplication on real news days labelled by reading (``tests/data/dedup_labels``).

How a run is made: each corpus is cleaned WHOLE the way ``corpuskit clean`` does it
(validation with the whole corpus as evidence, then the dedup stage over every document),
and only the labelled days' articles are scored. The whole corpus rather than one day,
because that is what a user runs: the validator's corpus evidence (lines an outlet
repeats) comes from every article, and the matcher must keep a day's articles apart
from the neighbouring days' (weather of another Sunday, the next aid flight) as well as
from each other. Labels are per day, so a copy kept on another day is not scored: a
day's article dropped into another day's cluster is counted apart (``cross-day``).

Validation is the slow part and does not depend on the matcher, so :func:`validated`
caches the validated corpus (``--real-cache DIR``); the dedup stage is run fresh.

What is scored, per split (dev, test), over the labelled days' articles:

* pair precision, recall and adjusted Rand index of the copy clusters (the partition by
  ``cluster_id``; a document in no cluster is alone). A document flagged as an
  ``update`` keeps its own cluster, as the labels do;
* recall by kind: a labelled copy is found when it is in its head's cluster;
* updates (label ``update NEWER OLDER``): found when the system flags one of the two as
  an ``update`` of the other's cluster; merged as a copy when it put them in one cluster;
* false merges by what the two really are (``same_story``, ``update``, ``contains``,
  or different), counted as pairs;
* templated items (``family``): items falsely merged with an article outside their
  labelled cluster.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _copy_labels as labels_mod
from _dedup_corpus import pair_metrics

from corpuskit.config import Config, DedupOptions

KINDS = labels_mod.KINDS
VALIDATED_COLUMNS = (
    "id",
    "title",
    "text",
    "title_clean",
    "text_clean",
    "source",
    "url",
    "date",
    "drop_reason",
)
TEMPLATED_SAMPLE = 100
SAMPLE_SEED = 13


# ---------------------------------------------------------------- labels


def load_labels(split: str, corpus: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The article labels and relations of every labelled day of ``split`` (of one
    ``corpus``, or of all), with the corpus of each row."""
    rows, relations = [], []
    for name, days in labels_mod.DAYS.items():
        if corpus is not None and name != corpus:
            continue
        for day, day_split in days.items():
            if day_split != split:
                continue
            path = labels_mod.label_path(name, day)
            if not path.is_file():
                continue
            for row in labels_mod.read_jsonl(path):
                rows.append({**row, "corpus": name})
            for rel in labels_mod.read_jsonl(labels_mod.relations_path(name, day)):
                relations.append({**rel, "corpus": name, "day": day})
    label_schema = {c: pl.String for c in ("corpus", "day", "id", "cluster", "kind", "family")}
    frame = pl.DataFrame(rows).select(*label_schema) if rows else pl.DataFrame(schema=label_schema)
    rel_schema = {"corpus": pl.String, "day": pl.String, "a": pl.String, "b": pl.String}
    rel_schema["relation"] = pl.String
    rels = (
        pl.DataFrame(relations).select(*rel_schema)
        if relations
        else pl.DataFrame(schema=rel_schema)
    )
    return frame, rels


# ---------------------------------------------------------------- the run


def validated(corpus: str, cache: Path | None) -> pl.DataFrame:
    """The whole corpus validated as ``corpuskit clean`` validates it (the clean pipeline
    with dedup off), with ``drop_reason`` for the documents a rule dropped."""
    from corpuskit.pipeline.clean import clean

    source = labels_mod.CORPORA[corpus].parquet
    cached = cache / f"{corpus}.validated.parquet" if cache else None
    if cached is not None and cached.is_file():
        return pl.read_parquet(cached)
    with tempfile.TemporaryDirectory(prefix="ck-real-") as tmp:
        out = Path(tmp) / "out"
        clean([source], out, config=Config(), do_dedup=False)
        kept = pl.read_parquet(out / "clean.parquet")
        rejected = pl.read_parquet(out / "rejected.parquet").rename(
            {"reject_reason": "drop_reason"}
        )
        frame = pl.concat(
            [kept.with_columns(drop_reason=pl.lit(None, pl.String)), rejected],
            how="diagonal_relaxed",
        ).select(VALIDATED_COLUMNS)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(cached)
    return frame


def predict(frame: pl.DataFrame, options: DedupOptions) -> pl.DataFrame:
    """The dedup stage on the whole validated corpus: one row per document with its
    copy cluster (``pred``: the cluster id, or its own id) and the dedup columns."""
    from corpuskit.dedup import dedup

    out = dedup(frame.with_columns(findings=pl.lit(None)), options=options)
    columns = ["id", "cluster_id", "dup_kind", "dup_of", "keep", "similarity"]
    columns += [c for c in ("dup_why",) if c in out.columns]
    return out.select(columns).with_columns(pred=pl.coalesce("cluster_id", "id"))


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    """The figures of one split."""

    articles: int
    precision: float
    recall: float
    ari: float
    true_pairs: int
    predicted_pairs: int
    recall_by_kind: dict[str, tuple[int, int]]
    updates: dict[str, int]
    false_merges: Counter
    templated: int
    templated_false: int
    cross_day: int

    def lines(self) -> list[str]:
        out = [
            f"articles {self.articles:,}: pair precision {self.precision:.3f}, recall "
            f"{self.recall:.3f}, ARI {self.ari:.3f} ({self.predicted_pairs:,} predicted, "
            f"{self.true_pairs:,} true pairs)"
        ]
        kinds = ", ".join(
            f"{kind} {hit / n:.2f} ({hit}/{n})" if n else f"{kind} -"
            for kind, (hit, n) in self.recall_by_kind.items()
        )
        out.append(f"recall by kind: {kinds}")
        u = self.updates
        out.append(
            f"updates: {u['labelled']} labelled; flagged as update {u['flagged']}, merged as "
            f"a copy {u['merged']}, left apart unflagged {u['apart']}; update flags raised "
            f"{u['flags']} ({u['flags_on_labelled']} on a labelled update)"
        )
        merges = ", ".join(f"{k} {v}" for k, v in sorted(self.false_merges.items()))
        out.append(f"false-merge pairs by what they are: {merges or 'none'}")
        out.append(
            f"templated items: {self.templated}, falsely merged {self.templated_false}; "
            f"articles dropped into another day's cluster: {self.cross_day}"
        )
        return out


def _pairs_of(groups: pl.DataFrame, key: str) -> set[tuple[str, str]]:
    """Unordered id pairs sharing ``key``."""
    pairs: set[tuple[str, str]] = set()
    for members in groups.group_by(key).agg(pl.col("id").sort())["id"].to_list():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b))
    return pairs


def score(labels: pl.DataFrame, relations: pl.DataFrame, predicted: pl.DataFrame) -> Score:
    """The figures of one split (see the module docs)."""
    day = labels.join(predicted, on="id", how="left")
    missing = day.filter(pl.col("pred").is_null()).height
    if missing:
        raise AssertionError(f"{missing} labelled articles have no prediction")
    # Clusters are scored per corpus and day: prefix so two days never share a key.
    day = day.with_columns(
        truth=pl.concat_str("corpus", "day", "cluster"),
        pred_key=pl.concat_str("corpus", "day", "pred"),
    )
    metrics = pair_metrics(day["truth"].to_numpy(), day["pred_key"].to_numpy())
    true_pairs = _pairs_of(day, "truth")
    pred_pairs = _pairs_of(day, "pred_key")
    pred_of = dict(zip(day["id"], day["pred"], strict=True))
    by_kind: dict[str, tuple[int, int]] = {}
    for kind in KINDS:
        members = day.filter(pl.col("kind") == kind)
        hits = sum(pred_of[m] == pred_of[h] for m, h in members.select("id", "cluster").iter_rows())
        by_kind[kind] = (hits, members.height)
    relation_of: dict[tuple[str, str], str] = {}
    cluster_of = dict(zip(day["id"], day["cluster"], strict=True))
    for a, b, rel in relations.select("a", "b", "relation").iter_rows():
        key = tuple(sorted((cluster_of[a], cluster_of[b])))
        relation_of.setdefault(key, rel)
    false = Counter()
    templated_false: set[str] = set()
    family = dict(zip(day["id"], day["family"], strict=True))
    for a, b in pred_pairs - true_pairs:
        key = tuple(sorted((cluster_of[a], cluster_of[b])))
        false[relation_of.get(key, "different")] += 1
        for side in (a, b):
            if family[side] is not None:
                templated_false.add(side)
    return Score(
        articles=day.height,
        precision=metrics["precision"],
        recall=metrics["recall"],
        ari=metrics["ari"],
        true_pairs=len(true_pairs),
        predicted_pairs=len(pred_pairs),
        recall_by_kind=by_kind,
        updates=_updates(day, relations),
        false_merges=false,
        templated=day.filter(pl.col("family").is_not_null()).height,
        templated_false=len(templated_false),
        cross_day=_cross_day(day),
    )


def _updates(day: pl.DataFrame, relations: pl.DataFrame) -> dict[str, int]:
    """How the labelled updates fared, and how many update flags the system raised."""
    info = {
        row["id"]: row
        for row in day.select("id", "pred", "dup_kind", "dup_of", "cluster").iter_rows(named=True)
    }
    pred_of = {i: r["pred"] for i, r in info.items()}

    def flagged(x: str, y: str) -> bool:
        row = info[x]
        return row["dup_kind"] == "update" and pred_of.get(row["dup_of"], row["dup_of"]) in (
            pred_of[y],
            y,
        )

    counts = Counter(labelled=0, flagged=0, merged=0, apart=0)
    labelled_sides: set[str] = set()
    for a, b in relations.filter(pl.col("relation") == "update").select("a", "b").iter_rows():
        counts["labelled"] += 1
        labelled_sides.update((a, b))
        if pred_of[a] == pred_of[b]:
            counts["merged"] += 1
        elif flagged(a, b) or flagged(b, a):
            counts["flagged"] += 1
        else:
            counts["apart"] += 1
    flags = day.filter(pl.col("dup_kind") == "update")
    counts["flags"] = flags.height
    counts["flags_on_labelled"] = flags.filter(pl.col("id").is_in(list(labelled_sides))).height
    return dict(counts)


def _cross_day(day: pl.DataFrame) -> int:
    """Articles of the day whose cluster is kept by an article outside the labelled day."""
    ids = set(day["id"].to_list())
    return day.filter(
        pl.col("cluster_id").is_not_null() & ~pl.col("cluster_id").is_in(list(ids))
    ).height


# ---------------------------------------------------------------- the templated sample


def templated_sample(
    labels: pl.DataFrame, predicted: pl.DataFrame, size: int = TEMPLATED_SAMPLE
) -> list[dict]:
    """A fixed-seed sample of templated items (dev only): each with what the system merged
    it with, split into articles the labels call different (same day, other cluster) and
    articles of other days (not labelled: to be read)."""
    items = labels.filter(pl.col("family").is_not_null()).sort("corpus", "id")
    chosen = random.Random(SAMPLE_SEED).sample(items.to_dicts(), min(size, items.height))
    pred = predicted.select("id", "pred", "dup_kind", "dup_of", "similarity", "keep")
    members = pred.group_by("pred").agg(pl.col("id"))
    members_of = dict(zip(members["pred"], members["id"], strict=True))
    pred_of = dict(zip(pred["id"], pred["pred"], strict=True))
    label_cluster = dict(zip(labels["id"], labels["cluster"], strict=True))
    out = []
    for item in chosen:
        together = [m for m in members_of[pred_of[item["id"]]] if m != item["id"]]
        wrong = [m for m in together if label_cluster.get(m, item["cluster"]) != item["cluster"]]
        other_day = [m for m in together if m not in label_cluster]
        out.append(
            {**item, "merged_with": together, "labelled_different": wrong, "other_day": other_day}
        )
    return out


def texts(corpus: str, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """``id -> (outlet, title, text)`` from the shared corpus (for reading samples)."""
    frame = pl.read_parquet(labels_mod.CORPORA[corpus].parquet).filter(pl.col("id").is_in(ids))
    outlet = labels_mod.CORPORA[corpus].outlet_column
    return {
        row["id"]: (row[outlet], row["title"] or "", row["text"] or "")
        for row in frame.iter_rows(named=True)
    }
