"""Copy-cluster gold labels of whole news days: which days, their split, the file format.

Every article of a labelled day belongs to exactly one cluster of copies (a story that
was published once is a cluster of one). The labels live in ``tests/data/dedup_labels/``
as ids and labels only, no text (SaudiNewsNet is research-only); the texts are joined
back from the corpora in the ``shared`` folder beside the repository. How the labels are
read is in ``tests/data/dedup_labels/GUIDE.md``.

Days are split into dev and test once, by :func:`split_of`, a fixed hash of the day
string. The days themselves are chosen by :func:`choose_days` from each corpus's eligible
days, before any label is read, so the split is never adjusted after the fact.

Per day there are two files:

* ``<corpus>-<day>.jsonl``: one object per article, ``{"id", "day", "split", "cluster",
  "kind", "family", "group"}``;
* ``<corpus>-<day>.relations.jsonl``: pairs ``{"a", "b", "relation", "note"?}`` with
  relation ``update`` (a is a newer version of b), ``same_story`` or ``contains``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LABELS_DIR = REPO / "tests" / "data" / "dedup_labels"

KINDS = ("verbatim", "light_edit", "trimmed", "rewritten_release")
FAMILIES = ("cable", "condolence", "execution", "weather", "market", "prayer_times", "other")
RELATIONS = ("update", "same_story", "contains")
LABEL_KEYS = ("id", "day", "split", "cluster", "kind", "family", "group")
RELATION_KEYS = {"a", "b", "relation", "note"}

SNN_MONTH = "2015-07"  # the SaudiNewsNet days are taken from July 2015
ANT_OUTLETS = ("Alarabia", "BBC", "CNN", "France24", "SkyNews")
ANT_MIN_PER_OUTLET = 10  # an ANT date is eligible when every outlet above has this many
# Dev days are read and trained on, so more of them teach the verifier more; ANT's days
# are small (about 170 articles, 15 true pairs each) and its outlets write their own
# reports, the pairs the verifier finds hardest, so ANT takes more days of each split
# (SaudiNewsNet's July has two dev days; its days hold 1,300-2,000 articles each).
DAYS_PER_SPLIT = {
    "saudinewsnet": {"dev": 7, "test": 3},
    "ant_corpus": {"dev": 11, "test": 6},
}


@dataclass(frozen=True)
class DayCorpus:
    """A corpus labelled by whole days: its Parquet, its outlet column, how a day is cut."""

    name: str
    parquet: Path
    outlet_column: str

    def day_filter(self, day: str) -> pl.Expr:
        """The rows of ``day`` (``YYYY-MM-DD``): the crawl batch (SNN) or the id's date (ANT)."""
        if self.name == "saudinewsnet":
            return pl.col("batch_file") == f"{day}.json"
        return pl.col("id").str.ends_with("-" + day.replace("-", ""))

    def load_day(self, day: str) -> pl.DataFrame:
        """``id, title, text, outlet, date`` of every article of ``day``, sorted by id."""
        frame = pl.read_parquet(self.parquet).filter(self.day_filter(day))
        return frame.select(
            "id",
            pl.col("title").fill_null(""),
            pl.col("text").fill_null(""),
            pl.col(self.outlet_column).alias("outlet"),
            pl.col("date").cast(pl.String),
        ).sort("id")


CORPORA = {
    "saudinewsnet": DayCorpus(
        "saudinewsnet", SHARED / "corpora" / "saudinewsnet" / "articles.parquet", "source"
    ),
    "ant_corpus": DayCorpus(
        "ant_corpus", SHARED / "corpora" / "ant_corpus" / "articles.parquet", "outlet"
    ),
}

# The result of ``choose_days`` on the corpora (tests re-derive it): corpus -> day -> split.
DAYS: dict[str, dict[str, str]] = {
    "saudinewsnet": {
        "2015-07-23": "test",
        "2015-07-27": "test",
        "2015-07-26": "dev",
        "2015-07-22": "dev",
        "2015-07-25": "test",
    },
    "ant_corpus": {
        "2018-05-01": "dev",
        "2018-05-05": "dev",
        "2018-05-20": "test",
        "2018-05-11": "dev",
        "2018-05-24": "test",
        "2018-05-29": "test",
        "2018-06-03": "dev",
        "2018-03-19": "dev",
        "2018-05-19": "dev",
        "2018-04-07": "dev",
        "2018-06-06": "dev",
        "2018-03-15": "dev",
        "2018-04-16": "dev",
        "2018-05-26": "dev",
        "2018-03-09": "test",
        "2018-05-25": "test",
        "2018-05-03": "test",
    },
}


def split_of(day: str) -> str:
    """``test`` when the first byte of SHA-256 of the day string is odd, else ``dev``."""
    return "test" if hashlib.sha256(day.encode("utf-8")).digest()[0] % 2 else "dev"


def choose_days(ordered: list[str], per_split: dict[str, int]) -> dict[str, str]:
    """The first ``per_split`` dev days and test days of ``ordered`` (a corpus's
    :data:`DAYS_PER_SPLIT`), in that order.

    The split is never changed to balance it: a lopsided hash just walks further down the
    preference order until each split has its days.
    """
    chosen: dict[str, str] = {}
    taken = Counter()
    for day in ordered:
        split = split_of(day)
        if taken[split] < per_split[split]:
            chosen[day] = split
            taken[split] += 1
    return chosen


def eligible_days(corpus: str) -> list[str]:
    """A corpus's candidate days in order of preference (see GUIDE.md, "The days").

    SaudiNewsNet: the July 2015 crawl batches, fewest articles first (moderate days are
    preferred: every article is read). ANT: the dates on which each multi-source outlet
    has at least :data:`ANT_MIN_PER_OUTLET` articles, in the order of SHA-256 of the date.
    """
    if corpus == "saudinewsnet":
        sizes = (
            pl.read_parquet(CORPORA[corpus].parquet, columns=["batch_file"])
            .with_columns(pl.col("batch_file").str.strip_suffix(".json").alias("day"))
            .filter(pl.col("day").str.starts_with(SNN_MONTH))
            .group_by("day")
            .len()
            .sort("len", "day")
        )
        return sizes["day"].to_list()
    counts = (
        pl.read_parquet(CORPORA[corpus].parquet, columns=["id", "outlet"])
        .with_columns(pl.col("id").str.extract(r"-(\d{8})$").alias("date"))
        .filter(pl.col("outlet").is_in(ANT_OUTLETS))
        .group_by("date", "outlet")
        .len()
    )
    per_date = counts.group_by("date").agg(pl.len().alias("outlets"), pl.col("len").min())
    dates = per_date.filter(
        (pl.col("outlets") == len(ANT_OUTLETS)) & (pl.col("len") >= ANT_MIN_PER_OUTLET)
    )["date"].to_list()
    days = [f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in dates]
    return sorted(days, key=lambda day: hashlib.sha256(day.encode("utf-8")).hexdigest())


def label_path(corpus: str, day: str) -> Path:
    """The per-article label file of one day."""
    return LABELS_DIR / f"{corpus}-{day}.jsonl"


def relations_path(corpus: str, day: str) -> Path:
    """The relations file of one day."""
    return LABELS_DIR / f"{corpus}-{day}.relations.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    """The objects of a JSON-lines file (blank lines skipped)."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def problems(
    corpus: str, day: str, labels: list[dict], relations: list[dict], ids: list[str]
) -> list[str]:
    """Everything wrong with one day's labels, as messages (empty when they are valid).

    Every article of the day is labelled exactly once; a cluster is named by one of its
    members (the most complete one, which has no kind) and every other member has a kind;
    families and relations use the fixed vocabularies and refer to labelled ids.
    """
    found: list[str] = []
    expected_split = DAYS.get(corpus, {}).get(day)
    counts = Counter(row.get("id") for row in labels)
    for row in labels:
        where = f"{corpus} {day} id {row.get('id')}"
        if set(row) != set(LABEL_KEYS):
            found.append(f"{where}: keys {sorted(row)}, expected {list(LABEL_KEYS)}")
            continue
        if row["day"] != day or row["split"] != expected_split:
            found.append(
                f"{where}: day/split {row['day']}/{row['split']}, expected {day}/{expected_split}"
            )
        if row["kind"] is not None and row["kind"] not in KINDS:
            found.append(f"{where}: kind {row['kind']!r} is not one of {KINDS}")
        if row["family"] is not None and row["family"] not in FAMILIES:
            found.append(f"{where}: family {row['family']!r} is not one of {FAMILIES}")
    found += [f"{corpus} {day}: {i} labelled {n} times" for i, n in counts.items() if n > 1]
    missing = sorted(set(ids) - set(counts))
    extra = sorted(set(counts) - set(ids))
    if missing:
        found.append(f"{corpus} {day}: {len(missing)} articles unlabelled, e.g. {missing[:3]}")
    if extra:
        found.append(f"{corpus} {day}: {len(extra)} labelled ids not in the day, e.g. {extra[:3]}")
    by_id = {row.get("id"): row for row in labels}
    clusters: dict[str, list[dict]] = {}
    for row in labels:
        clusters.setdefault(row.get("cluster"), []).append(row)
    for name, members in clusters.items():
        head = by_id.get(name)
        if head is None or head.get("cluster") != name:
            found.append(f"{corpus} {day}: cluster {name!r} is not named by one of its members")
            continue
        if head.get("kind") is not None:
            found.append(
                f"{corpus} {day}: cluster head {name} has kind {head['kind']!r}, expected none"
            )
        for row in members:
            if row is not head and row.get("kind") is None:
                found.append(f"{corpus} {day}: {row['id']} is a copy in {name} without a kind")
    for pair in relations:
        where = f"{corpus} {day} relation {pair}"
        if not {"a", "b", "relation"} <= set(pair) or not set(pair) <= RELATION_KEYS:
            found.append(f"{where}: keys must be a, b, relation and optionally note")
            continue
        if pair["relation"] not in RELATIONS:
            found.append(f"{where}: relation is not one of {RELATIONS}")
        for side in ("a", "b"):
            if pair[side] not in by_id:
                found.append(f"{where}: {side} is not a labelled id of the day")
        if (
            pair["a"] in by_id
            and pair["b"] in by_id
            and by_id[pair["a"]]["cluster"] == by_id[pair["b"]]["cluster"]
        ):
            found.append(f"{where}: both sides are in one cluster (copies carry no relation)")
    return found
