"""Arabic boilerplate gold labels: where they live, how they were sampled, how they join.

The labels in ``tests/data/boilerplate_labels/*.jsonl`` hold one object per labelled line
(``id, line, sha1, label`` and, for ``mixed`` lines, ``bp_start``/``bp_end``): no corpus
text, because SaudiNewsNet is research-only. They are joined back to the article text in
the ``shared`` folder beside the repository. A line is ``text.split("\\n")[line - 1]``
(1-based), and ``sha1`` is the first 12 hex digits of the SHA-1 of that line's UTF-8, so a
changed corpus is detected instead of silently mis-scored.

Three samples, all reproducible:

- :func:`sample_ids` (the *legacy* sample, read while the current rules were written): a
  fixed-seed stratified sample per source plus a few articles chosen because they carry the
  furniture that ``SOURCE.md`` lists. All of it is ``dev``.
- :func:`fresh_sample_ids`: a second fixed-seed draw per source among the articles not yet
  labelled (and not exact text copies of a labelled one), read only to label it. It is split
  once by :func:`split_of`, a fixed hash of the id, into ``dev`` (read and tune on it) and
  ``test`` (scored, its misses never printed).
- :func:`fresh2_sample_ids`: a third fixed-seed draw per source, the same way, among the
  articles in neither earlier sample (nor exact text copies of one), split by
  :func:`split_of` like the first fresh sample.

Every label row records its article's split, so a label file alone says which lines count
for which figure; :func:`split_of` is the one place that decides it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LABELS_DIR = REPO / "tests" / "data" / "boilerplate_labels"
LABELS = ("body", "boilerplate", "mixed")
SEED = 20151
FRESH_SEED = 20269
FRESH2_SEED = 31029
SPLITS = ("dev", "test")
SPLIT_SALT = "corpuskit-boilerplate-labels-v2"


@dataclass(frozen=True)
class LabelledCorpus:
    """One labelled corpus: its label file, its Parquet in ``shared`` and its source column."""

    name: str
    parquet: Path
    labels: Path
    source_column: str
    per_source: int
    furniture: tuple[tuple[str, str], ...]  # (source, literal substring) picked on purpose
    fresh_per_source: int = 10
    fresh_extra: tuple[tuple[str, int], ...] = ()  # (source, how many) where boilerplate is rich
    fresh2_per_source: int = 8

    def fresh_count(self, source: str) -> int:
        """How many fresh articles to draw from ``source``."""
        return dict(self.fresh_extra).get(source, self.fresh_per_source)


CORPORA: tuple[LabelledCorpus, ...] = (
    LabelledCorpus(
        name="saudinewsnet",
        parquet=SHARED / "corpora" / "saudinewsnet" / "articles.parquet",
        labels=LABELS_DIR / "saudinewsnet.jsonl",
        source_column="source",
        per_source=6,
        furniture=(
            ("aawsat", "المزيد"),
            ("aawsat", "خدمة «"),
            ("almadina", "SMS"),
            ("okaz", "SMS"),
            ("aljazirah", "مقالات أخرى للكاتب"),
            ("alweeam", "[email protected]"),
            ("sabq", "[email protected]"),
            ("arriyadiyah", "تعليقات ()"),
            ("3alyoum", "Next Previous"),
        ),
    ),
    LabelledCorpus(
        name="ant_corpus",
        parquet=SHARED / "corpora" / "ant_corpus" / "articles.parquet",
        labels=LABELS_DIR / "ant_corpus.jsonl",
        source_column="outlet",
        per_source=10,
        furniture=(
            ("BBC", "اقرأ أيضاً"),
            ("BBC", "تطبيق بي بي سي عربي"),
            ("CNN", "قد يهمك"),
            ("CNN", "اقرأ أيضا"),
            ("CNN", "لا يمكنه التأكد"),
            ("France24", "للمزيد:"),
            ("France24", "أ ف ب"),
            ("Alarabia", "جميع المقالات المنشورة"),
            ("Alarabia", "نقلاً عن"),
            ("JawharaFM", "موعد يومي"),
            ("SkyNews", "سكاي نيوز عربية"),
        ),
        fresh_extra=(("BBC", 14), ("CNN", 14)),
        fresh2_per_source=12,
    ),
)


def line_sha1(line: str) -> str:
    """First 12 hex digits of the SHA-1 of ``line`` (UTF-8): detects a changed corpus."""
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def split_lines(text: str | None) -> list[str]:
    """The lines labels refer to: ``text.split("\\n")``, nothing stripped."""
    return (text or "").split("\n")


def sample_ids(corpus: LabelledCorpus, articles: pl.DataFrame) -> list[str]:
    """Fixed-seed stratified sample: ``per_source`` per source, then one per furniture pattern."""
    usable = articles.filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
    chosen: list[str] = []
    for source in sorted(usable[corpus.source_column].drop_nulls().unique().to_list()):
        group = usable.filter(pl.col(corpus.source_column) == source).sort("id")
        take = min(corpus.per_source, group.height)
        chosen.extend(group.sample(take, seed=SEED)["id"].to_list())
    for source, needle in corpus.furniture:
        pool = usable.filter(
            (pl.col(corpus.source_column) == source)
            & pl.col("text").str.contains(needle, literal=True)
            & ~pl.col("id").is_in(chosen)
        ).sort("id")
        if pool.height:
            chosen.append(pool.sample(1, seed=SEED)["id"].item())
    return chosen


def split_of(doc_id: str, *, legacy: bool) -> str:
    """``dev`` or ``test`` for one labelled article; the only place the split is decided.

    Legacy articles (:func:`sample_ids`) are ``dev``: they were read while the rules were
    written. A fresh article is ``test`` when the first byte of the SHA-256 of
    ``SPLIT_SALT + ":" + id`` is odd, else ``dev``: about half each, fixed for ever, and
    independent of the sample order or of which other articles exist.
    """
    if legacy:
        return "dev"
    digest = hashlib.sha256(f"{SPLIT_SALT}:{doc_id}".encode()).digest()
    return SPLITS[digest[0] % 2]


def _draw_unlabelled(
    corpus: LabelledCorpus,
    articles: pl.DataFrame,
    labelled: list[str],
    count_of,
    seed: int,
) -> list[str]:
    """Fixed-seed draw of ``count_of(source)`` articles per source, none of them labelled yet.

    Eligible: a non-empty text that is not the text (exactly) of an article in ``labelled``
    (a copy of a dev article must not land in test) and not a copy of an article drawn
    before it (the first of a set of copies stands for it). Nothing about the content
    chooses an article beyond that.
    """
    usable = articles.filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
    seen_texts = set(usable.filter(pl.col("id").is_in(labelled))["text"].to_list())
    pool = usable.filter(~pl.col("id").is_in(labelled)).unique(
        "text", keep="first", maintain_order=True
    )
    pool = pool.filter(~pl.col("text").is_in(sorted(seen_texts)))
    chosen: list[str] = []
    for source in sorted(pool[corpus.source_column].drop_nulls().unique().to_list()):
        group = pool.filter(pl.col(corpus.source_column) == source).sort("id")
        take = min(count_of(source), group.height)
        chosen.extend(group.sample(take, seed=seed)["id"].to_list())
    return chosen


def fresh_sample_ids(corpus: LabelledCorpus, articles: pl.DataFrame) -> list[str]:
    """Fixed-seed draw per source among articles not in :func:`sample_ids`.

    ``fresh_count(source)`` articles per source (more for the outlets whose related-link
    blocks are richest), with seed ``FRESH_SEED``; see :func:`_draw_unlabelled`.
    """
    legacy = sample_ids(corpus, articles)
    return _draw_unlabelled(corpus, articles, legacy, corpus.fresh_count, FRESH_SEED)


def fresh2_sample_ids(corpus: LabelledCorpus, articles: pl.DataFrame) -> list[str]:
    """Third fixed-seed draw: ``fresh2_per_source`` per source among articles in neither sample.

    Seed ``FRESH2_SEED``; exact text copies of an article of :func:`sample_ids` or
    :func:`fresh_sample_ids` are not eligible (see :func:`_draw_unlabelled`), so no article
    or copy of one is labelled twice. A small source gives what it has left.
    """
    earlier = sample_ids(corpus, articles) + fresh_sample_ids(corpus, articles)
    return _draw_unlabelled(
        corpus, articles, earlier, lambda _source: corpus.fresh2_per_source, FRESH2_SEED
    )


def read_labels(path: Path) -> pl.DataFrame:
    """The label file as a frame (``bp_start``/``bp_end``/``note`` null where absent)."""
    rows = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
    schema = {
        "id": pl.String,
        "line": pl.Int64,
        "sha1": pl.String,
        "label": pl.String,
        "bp_start": pl.Int64,
        "bp_end": pl.Int64,
        "note": pl.String,
        "split": pl.String,
    }
    return pl.DataFrame(
        [{key: row.get(key) for key in schema} for row in rows], schema=schema, orient="row"
    )
