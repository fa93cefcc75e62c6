"""Arabic boilerplate gold labels: where they live, how they were sampled, how they join.

The labels in ``tests/data/boilerplate_labels/*.jsonl`` hold one object per labelled line
(``id, line, sha1, label`` and, for ``mixed`` lines, ``bp_start``/``bp_end``): no corpus
text, because SaudiNewsNet is research-only. They are joined back to the article text in
the ``shared`` folder beside the repository. A line is ``text.split("\\n")[line - 1]``
(1-based), and ``sha1`` is the first 12 hex digits of the SHA-1 of that line's UTF-8, so a
changed corpus is detected instead of silently mis-scored.

The sample is reproducible: :func:`sample_ids` draws a fixed-seed stratified sample per
source plus a few articles chosen because they carry the furniture that ``SOURCE.md``
lists (so rare patterns are represented at all).
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


@dataclass(frozen=True)
class LabelledCorpus:
    """One labelled corpus: its label file, its Parquet in ``shared`` and its source column."""

    name: str
    parquet: Path
    labels: Path
    source_column: str
    per_source: int
    furniture: tuple[tuple[str, str], ...]  # (source, literal substring) picked on purpose


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
    }
    return pl.DataFrame(
        [{key: row.get(key) for key in schema} for row in rows], schema=schema, orient="row"
    )
