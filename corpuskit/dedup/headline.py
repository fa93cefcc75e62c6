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
from corpuskit.dedup.lsh import keyed_candidate_pairs
from corpuskit.dedup.sign import TITLE, TITLE_BANDS, TITLE_KEY, title_band_column


def score(a: str, b: str) -> float:
    """Similarity of two folded headlines, 0-100."""
    return fuzz.token_sort_ratio(a, b)


# Candidate pairs scored at once: bounds the headlines held in memory at one time.
SCORE_CHUNK = 1_000_000


def headline_pairs(keys: KeyTable, rows: np.ndarray, *, score_cutoff: float):
    """Pairs ``(i, j)``, ``i < j``, among ``rows`` whose headlines score >= ``score_cutoff``,
    with their scores. Candidates share the exact headline key or a headline band key;
    they are scored a chunk at a time, fetching only that chunk's headlines."""
    empty = (np.empty((0, 2), dtype=np.int64), np.empty(0))
    if rows.size < 2:
        return empty

    def bands():
        for name in (TITLE_KEY, *(title_band_column(b) for b in range(TITLE_BANDS))):
            column = keys.column(name).gather(rows)
            valid = column.is_not_null().to_numpy()
            yield rows[valid], column.filter(valid).to_numpy()

    candidates = keyed_candidate_pairs(bands())
    found, scores = [], []
    for lo in range(0, candidates.shape[0], SCORE_CHUNK):
        chunk = candidates[lo : lo + SCORE_CHUNK]
        pairs, chunk_scores = score_pairs(
            chunk, _titles_of(keys, chunk.ravel()), score_cutoff=score_cutoff
        )
        found.append(pairs)
        scores.append(chunk_scores)
    if not found:
        return empty
    return np.concatenate(found), np.concatenate(scores)


def _titles_of(keys: KeyTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, titles)``: the sorted unique ``rows`` and their folded headlines."""
    rows = np.unique(rows)
    taken = keys.take(rows, [TITLE])[TITLE].fill_null("").to_list()
    return rows, np.array(taken, dtype=object)


def score_pairs(pairs: np.ndarray, titles: tuple[np.ndarray, np.ndarray], *, score_cutoff: float):
    """The pairs whose folded headlines (``titles``: sorted rows and their headlines, as
    :func:`_titles_of` gives) pass the figures guard and score >= ``score_cutoff``, with
    their scores. Array operations throughout: millions of pairs are cheap."""
    empty = (np.empty((0, 2), dtype=np.int64), np.empty(0))
    rows, text = titles
    a, b = np.searchsorted(rows, pairs[:, 0]), np.searchsorted(rows, pairs[:, 1])
    # The figures guard: each headline's set of figures as a small integer (0: none).
    ids: dict[frozenset[str], int] = {frozenset(): 0}
    figure_id = np.fromiter(
        (ids.setdefault(frozenset(figures(t)), len(ids)) for t in text.tolist()),
        dtype=np.int64,
        count=text.size,
    )
    fa, fb = figure_id[a], figure_id[b]
    keep = (fa == 0) | (fb == 0) | (fa == fb)
    pairs, a, b = pairs[keep], a[keep], b[keep]
    if pairs.size == 0:
        return empty
    scores = process.cpdist(
        text[a],
        text[b],
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
