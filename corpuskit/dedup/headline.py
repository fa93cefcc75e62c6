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
from rapidfuzz import fuzz, process

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


def _figures(headline: str) -> set[str]:
    words = headline.split()
    return set(_NUMBER.findall(headline)) | {f"#{_ORDINALS[w]}" for w in words if w in _ORDINALS}


def same_figures(a: str, b: str) -> bool:
    """False when both folded headlines carry numbers or ordinals and they differ."""
    figures_a, figures_b = _figures(a), _figures(b)
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
    # The figures guard, vectorised: each headline's set of figures as a small integer
    # (0: none), computed once per headline.
    rows = np.unique(pairs)
    ids: dict[frozenset[str], int] = {frozenset(): 0}
    figure_id = np.zeros(int(rows.max()) + 1, dtype=np.int64)
    for r in rows.tolist():
        figure_id[r] = ids.setdefault(frozenset(_figures(folded_titles[r])), len(ids))
    fa, fb = figure_id[pairs[:, 0]], figure_id[pairs[:, 1]]
    pairs = pairs[(fa == 0) | (fb == 0) | (fa == fb)]
    if pairs.size == 0:
        return empty
    scores = process.cpdist(
        [folded_titles[a] for a in pairs[:, 0].tolist()],
        [folded_titles[b] for b in pairs[:, 1].tolist()],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=score_cutoff,
        dtype=np.float64,
        workers=-1,  # the link pass runs alone on the driver: use every core
    )
    matched = scores >= score_cutoff
    if not matched.any():
        return empty
    return pairs[matched].astype(np.int64), scores[matched]
