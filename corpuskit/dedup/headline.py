"""Fuzzy headline matching with rapidfuzz, blocked so it never compares all pairs.

Outlets rewrite headlines of the same story by reordering words, adding a place or an
honorific, or changing spelling (folded away before matching). The score is rapidfuzz's
``token_sort_ratio`` (0-100) over folded headlines: insensitive to word order, but
unlike ``token_set_ratio`` it does not reach 100 when one headline merely contains the
other.

Blocking: two headlines that score 90 or more share nearly all their words. The sign
pass gives every headline an exact key and a few LSH band keys of its word set
(:data:`corpuskit.dedup.sign.TITLE_BANDS`); only headlines that are equal or agree on a
band are scored (:func:`headline_pairs`), so the link pass never compares all pairs and
never holds every headline: it reads one key column at a time and fetches the headlines
of the candidate rows only.

Figures guard (:mod:`corpuskit.dedup.figures`): when both headlines carry numbers or
ordinals and they differ, they are not a match, whatever the score.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from corpuskit.dedup.figures import figures, same_figures
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import band_candidate_pairs
from corpuskit.dedup.sign import TITLE, TITLE_BANDS, TITLE_KEY, title_band_column


def score(a: str, b: str) -> float:
    """Similarity of two folded headlines, 0-100."""
    return fuzz.token_sort_ratio(a, b)


def headline_pairs(keys: KeyTable, rows: np.ndarray, *, score_cutoff: float):
    """Pairs ``(i, j)``, ``i < j``, among ``rows`` whose headlines score >= ``score_cutoff``,
    with their scores. Candidates share the exact headline key or a headline band key."""
    empty = (np.empty((0, 2), dtype=np.int64), np.empty(0))
    if rows.size < 2:
        return empty
    found = []
    for name in (TITLE_KEY, *(title_band_column(b) for b in range(TITLE_BANDS))):
        column = keys.column(name).gather(rows)
        valid = column.is_not_null().to_numpy()
        if valid.sum() > 1:
            found.append(band_candidate_pairs(rows[valid], [column.filter(valid).to_numpy()]))
    found = [f for f in found if f.size]
    if not found:
        return empty
    pairs = np.unique(np.concatenate(found), axis=0)
    return score_pairs(pairs, _titles_of(keys, np.unique(pairs)), score_cutoff=score_cutoff)


def _titles_of(keys: KeyTable, rows: np.ndarray) -> dict[int, str]:
    taken = keys.take(rows, [TITLE])[TITLE].fill_null("").to_list()
    return dict(zip(rows.tolist(), taken, strict=True))


def score_pairs(pairs: np.ndarray, titles: dict[int, str], *, score_cutoff: float):
    """The pairs whose folded headlines (``titles`` by row) pass the figures guard and
    score >= ``score_cutoff``, with their scores."""
    empty = (np.empty((0, 2), dtype=np.int64), np.empty(0))
    # The figures guard, vectorised: each headline's set of figures as a small integer
    # (0: none), computed once per headline.
    ids: dict[frozenset[str], int] = {frozenset(): 0}
    figure_id = {row: ids.setdefault(frozenset(figures(t)), len(ids)) for row, t in titles.items()}
    fa = np.array([figure_id[a] for a in pairs[:, 0].tolist()], dtype=np.int64)
    fb = np.array([figure_id[b] for b in pairs[:, 1].tolist()], dtype=np.int64)
    pairs = pairs[(fa == 0) | (fb == 0) | (fa == fb)]
    if pairs.size == 0:
        return empty
    scores = process.cpdist(
        [titles[a] for a in pairs[:, 0].tolist()],
        [titles[b] for b in pairs[:, 1].tolist()],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=score_cutoff,
        dtype=np.float64,
        workers=-1,  # the link pass runs alone on the driver: use every core
    )
    matched = scores >= score_cutoff
    if not matched.any():
        return empty
    return pairs[matched].astype(np.int64), scores[matched]


__all__ = ["headline_pairs", "same_figures", "score", "score_pairs"]
