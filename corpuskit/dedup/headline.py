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

from collections.abc import Iterator

import numpy as np
from rapidfuzz import fuzz, process

from corpuskit.dedup.figures import same_figures
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import (
    codes_of_pairs,
    keyed_pair_codes,
    pairs_of_codes,
    sliced_union_of_codes,
)
from corpuskit.dedup.sign import (
    TITLE,
    TITLE_BANDS,
    TITLE_FIGURES,
    TITLE_KEY,
    title_band_column,
    title_figure_keys,
)


def score(a: str, b: str) -> float:
    """Similarity of two folded headlines, 0-100."""
    return fuzz.token_sort_ratio(a, b)


# Candidate pairs scored at once: bounds the headlines held in memory at one time.
SCORE_CHUNK = 1_000_000
# Candidate pairs of a slice whose distinct headline combinations are found at once
# (about sixty bytes a pair): the stars of large buckets (shared title words) are
# centred on their first documents, and the first slice of ten million generated
# documents held 24 million of the 56 million candidate pairs.
COMBINED_PAIRS = 2_000_000


def headline_pairs(keys: KeyTable, rows: np.ndarray, *, score_cutoff: float):
    """Pairs ``(i, j)``, ``i < j``, among ``rows`` whose headlines score >= ``score_cutoff``,
    with their scores, sorted. Candidates share the exact headline key or a headline band
    key. They are scored a slice of first documents at a time
    (:func:`~corpuskit.dedup.lsh.sliced_union_of_codes`: beyond a slice, spilled to the
    key table's scratch folder), so a corpus of templated headlines never holds all its
    candidate pairs at once. Copies repeat their headline, so many candidate pairs hold
    the same two headlines: each distinct two among :data:`COMBINED_PAIRS` pairs of a
    slice is scored once (:func:`distinct_title_pairs`), a chunk at a time, fetching
    only that chunk's headlines."""
    found = list(_matched_slices(keys, rows, score_cutoff))
    if not found:
        return np.empty((0, 2), dtype=np.int64), np.empty(0)
    return (
        np.concatenate([pairs for pairs, _ in found]).astype(np.int64),
        np.concatenate([scores for _, scores in found]),
    )


def headline_pair_codes(keys: KeyTable, rows: np.ndarray, *, score_cutoff: float) -> np.ndarray:
    """The pairs of :func:`headline_pairs`, without their scores, as sorted ``a << 32 |
    b`` codes (:func:`~corpuskit.dedup.lsh.codes_of_pairs`): eight bytes a pair where
    pairs and scores take twenty-four, at tens of millions of matches."""
    found = [codes_of_pairs(pairs) for pairs, _ in _matched_slices(keys, rows, score_cutoff)]
    return np.concatenate(found) if found else np.empty(0, dtype=np.uint64)


def _matched_slices(
    keys: KeyTable, rows: np.ndarray, score_cutoff: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The matched pairs of :func:`headline_pairs` and their scores, slice by slice (in
    order: the slices joined are sorted)."""
    if rows.size < 2:
        return

    def bands():
        for name in (TITLE_KEY, *(title_band_column(b) for b in range(TITLE_BANDS))):
            column = keys.column(name).gather(rows)
            valid = column.is_not_null().to_numpy()
            yield rows[valid], column.filter(valid).to_numpy()

    slices = sliced_union_of_codes(
        keyed_pair_codes(bands()), height=keys.height, folder=keys.scratch
    )
    title_hash = None
    for codes in slices:
        for lo in range(0, codes.size, COMBINED_PAIRS):
            candidates = pairs_of_codes(codes[lo : lo + COMBINED_PAIRS])
            if title_hash is None:
                title_hash = keys.hashes(TITLE)
            scores = _candidate_scores(keys, candidates, title_hash, score_cutoff)
            matched = scores >= score_cutoff
            if matched.any():
                yield candidates[matched], scores[matched]
        del codes


def _candidate_scores(
    keys: KeyTable, candidates: np.ndarray, title_hash: np.ndarray, score_cutoff: float
) -> np.ndarray:
    """The score of every candidate pair (0 below ``score_cutoff``), each distinct two
    headlines scored once, a chunk at a time."""
    group, firsts = distinct_title_pairs(title_hash, candidates)
    scores = np.empty(firsts.size, dtype=np.float64)
    for lo in range(0, firsts.size, SCORE_CHUNK):
        chunk = candidates[firsts[lo : lo + SCORE_CHUNK]]
        scores[lo : lo + SCORE_CHUNK] = pair_scores(
            chunk, _titles_of(keys, chunk.ravel()), score_cutoff=score_cutoff
        )
    return scores[group]


def distinct_title_pairs(
    title_hash: np.ndarray, pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(group, firsts)``: for every pair, the number of its distinct (first headline,
    second headline) combination, by the headlines' hashes; and for every combination
    the index of its first pair. Scoring ``pairs[firsts]`` and reading the scores at
    ``group`` scores every pair."""
    first_hash, second_hash = title_hash[pairs[:, 0]], title_hash[pairs[:, 1]]
    order = np.lexsort((second_hash, first_hash))  # stable: a combination's first pair leads
    first_hash, second_hash = first_hash[order], second_hash[order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = (first_hash[1:] != first_hash[:-1]) | (second_hash[1:] != second_hash[:-1])
    del first_hash, second_hash
    group = np.empty(order.size, dtype=np.int64)
    group[order] = np.cumsum(starts) - 1
    return group, order[starts]


Titles = tuple[np.ndarray, np.ndarray, np.ndarray]


def _titles_of(keys: KeyTable, rows: np.ndarray) -> Titles:
    """``(rows, titles, figure keys)``: the sorted unique ``rows``, their folded
    headlines and the keys of their figures (signed with the headline)."""
    rows = np.unique(rows)
    taken = keys.take(rows, [TITLE, TITLE_FIGURES])
    return (
        rows,
        np.array(taken[TITLE].fill_null("").to_list(), dtype=object),
        taken[TITLE_FIGURES].fill_null(0).to_numpy(),
    )


def titles_of_headlines(rows: np.ndarray, headlines: list[str]) -> Titles:
    """:data:`Titles` of folded ``headlines`` given with their sorted ``rows``."""
    return rows, np.array(headlines, dtype=object), title_figure_keys(headlines)


def pair_scores(pairs: np.ndarray, titles: Titles, *, score_cutoff: float) -> np.ndarray:
    """The score of every pair's folded headlines (``titles``: sorted rows, their
    headlines and figure keys, as :func:`_titles_of` gives); 0 when it fails the
    figures guard or scores below ``score_cutoff``. Array operations throughout:
    millions of pairs are cheap."""
    scores = np.zeros(pairs.shape[0], dtype=np.float64)
    rows, text, figure_key = titles
    a, b = np.searchsorted(rows, pairs[:, 0]), np.searchsorted(rows, pairs[:, 1])
    # The figures guard: 0 is a headline without figures.
    fa, fb = figure_key[a], figure_key[b]
    guarded = (fa == 0) | (fb == 0) | (fa == fb)
    if guarded.any():
        scores[guarded] = process.cpdist(
            text[a[guarded]],
            text[b[guarded]],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=score_cutoff,
            dtype=np.float64,
            workers=-1,  # the link pass runs alone on the driver: use every core
        )
    return np.where(scores >= score_cutoff, scores, 0.0)


__all__ = [
    "Titles",
    "distinct_title_pairs",
    "headline_pair_codes",
    "headline_pairs",
    "pair_scores",
    "same_figures",
    "score",
    "titles_of_headlines",
]
