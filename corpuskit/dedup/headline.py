"""Fuzzy headline matching with rapidfuzz, blocked so it never compares all pairs.

Outlets rewrite headlines of the same story by reordering words, adding a place or an
honorific, or changing spelling (folded away before matching). The score is rapidfuzz's
``token_sort_ratio`` (0-100) over folded headlines: insensitive to word order, but
unlike ``token_set_ratio`` it does not reach 100 when one headline merely contains the
other.

Blocking: two headlines that score 90 or more share nearly all their words, so they
share at least one of their rarest words. Each headline is put in the buckets of its
``BLOCK_TOKENS`` rarest words (by document frequency across the batch); only headlines
sharing a bucket are scored, and buckets larger than ``MAX_BLOCK`` (words so common that
they identify nothing) are skipped. Identical folded headlines are always paired.

Figures guard: serial bulletins reuse one headline with new figures ("تصحيح أوضاع 400
ألف يمني" one day, "… 425 ألف …" the next; "الطائرة الإغاثية الرابعة" then "…
السادسة"; market closes, weather). When both headlines carry numbers or ordinals and
they differ, they are not a match, whatever the score.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from rapidfuzz import fuzz

BLOCK_TOKENS = 3
MAX_BLOCK = 200
MIN_TOKEN_CHARS = 2


def score(a: str, b: str) -> float:
    """Similarity of two folded headlines, 0-100."""
    return fuzz.token_sort_ratio(a, b)


_NUMBER = re.compile(r"\d+")
# Ordinals count as figures too ("الطائرة الإغاثية الرابعة" / "… السادسة"), folded.
_ORDINALS = {
    word: rank
    for rank, forms in enumerate(
        [
            ("الاول", "الاولي", "first"),
            ("الثاني", "الثانيه", "second"),
            ("الثالث", "الثالثه", "third"),
            ("الرابع", "الرابعه", "fourth"),
            ("الخامس", "الخامسه", "fifth"),
            ("السادس", "السادسه", "sixth"),
            ("السابع", "السابعه", "seventh"),
            ("الثامن", "الثامنه", "eighth"),
            ("التاسع", "التاسعه", "ninth"),
            ("العاشر", "العاشره", "tenth"),
        ],
        start=1,
    )
    for word in forms
}


def figures(headline: str) -> set[str]:
    """The numbers and ordinals (as ``#rank``) of a folded headline."""
    words = headline.split()
    return set(_NUMBER.findall(headline)) | {f"#{_ORDINALS[w]}" for w in words if w in _ORDINALS}


def same_figures(a: str, b: str) -> bool:
    """False when both folded headlines carry numbers or ordinals and they differ."""
    figures_a, figures_b = figures(a), figures(b)
    return not (figures_a and figures_b and figures_a != figures_b)


def headline_candidates(
    folded_titles: list[str], rows: np.ndarray, *, score_cutoff: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, among ``rows`` whose headlines score >= ``score_cutoff``."""
    empty = (np.empty((0, 2), dtype=np.int64), np.empty(0))
    if rows.size < 2:
        return empty
    titles = pl.DataFrame(
        {"row": rows.astype(np.int64), "title": [folded_titles[i] for i in rows]}
    ).filter(pl.col("title") != "")
    if titles.height < 2:
        return empty
    tokens = (
        titles.with_columns(token=pl.col("title").str.split(" ").list.unique())
        .explode("token")
        .filter(pl.col("token").str.len_chars() >= MIN_TOKEN_CHARS)
        .select("row", "token")
    )
    tokens = tokens.with_columns(df=pl.len().over("token"))
    blocks = (
        tokens.sort("row", "df", "token")
        .group_by("row", maintain_order=True)
        .head(BLOCK_TOKENS)
        .select("row", pl.col("token").alias("key"))
    )
    exact_keys = titles.select("row", pl.col("title").alias("key"))
    keyed = pl.concat([blocks, exact_keys.with_columns(key=pl.lit("=") + pl.col("key"))])
    keyed = keyed.with_columns(size=pl.len().over("key")).filter(
        (pl.col("size") > 1) & (pl.col("size") <= MAX_BLOCK)
    )
    pairs = (
        keyed.join(keyed.select("key", pl.col("row").alias("other")), on="key")
        .filter(pl.col("row") < pl.col("other"))
        .select("row", "other")
        .unique()
        .sort("row", "other")
        .to_numpy()
    )
    if pairs.size == 0:
        return empty
    found, scores = [], []
    for a, b in pairs:
        if not same_figures(folded_titles[a], folded_titles[b]):
            continue
        value = fuzz.token_sort_ratio(folded_titles[a], folded_titles[b], score_cutoff=score_cutoff)
        if value:
            found.append((a, b))
            scores.append(value)
    if not found:
        return empty
    return np.array(found, dtype=np.int64), np.array(scores)
