"""Link: from the keys of every document to clusters, kept copies and provenance.

Evidence is collected as pairs of rows, each with its kind, then merged into clusters
(:mod:`corpuskit.dedup.clusters`):

* ``exact``: equal folded body;
* ``url``: equal canonical URL (:func:`corpuskit.dedup.keys.canonical_url`);
* ``near``: MinHash LSH candidates (documents agreeing on every value of one band)
  whose estimated Jaccard similarity reaches ``threshold`` (bodies of at least
  ``min_words`` folded words only);
* ``headline``: folded headlines matching at ``headline_threshold`` or more plus body
  similarity of at least ``headline_body_threshold`` (a lightly rewritten copy).

A headline match without body evidence links nothing; it becomes a flag.

Only keys are read (a :class:`~corpuskit.dedup.keytable.KeyTable`): whole columns of
small keys, one LSH band at a time, and the signatures of candidate pairs. The result,
:class:`Links`, names for every document in a cluster its kept document, and for every
dropped copy how it relates to the kept one; :mod:`corpuskit.dedup.annotate` writes it
onto the documents batch by batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from corpuskit.config import DedupOptions
from corpuskit.dedup.clusters import choose_kept, components, keep_order
from corpuskit.dedup.headline import headline_pairs
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import resolve_bands
from corpuskit.dedup.sign import (
    ACTIVE,
    DATE,
    EXACT_KEY,
    ID,
    LENGTH,
    URL_KEY,
    WORDS,
)

KIND_EXACT, KIND_URL, KIND_NEAR, KIND_HEADLINE = "exact", "url", "near", "headline"

# Columns of Links.decisions: one row per document in a cluster of two or more.
DECISION_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "cluster_id": pl.String(),
    "dup_kind": pl.String(),
    "dup_of": pl.String(),
    "similarity": pl.Float64(),
    "keep": pl.Boolean(),
}
# Columns of Links.flags: a headline match without body evidence, once per document and
# other cluster.
FLAG_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "other_id": pl.String(),
    "score": pl.Float64(),
}


@dataclass
class Links:
    """The link pass's verdict: decisions and flags by global row (see the schemas)."""

    decisions: pl.DataFrame
    flags: pl.DataFrame


def _group_pairs(keys: pl.Series, rows: np.ndarray) -> np.ndarray:
    """Pairs (first row of the group, other row) for rows sharing a non-null key."""
    table = pl.DataFrame(
        {"key": keys.gather(rows) if rows.size else keys.head(0), "row": rows.astype(np.int64)}
    ).drop_nulls("key")
    linked = (
        table.with_columns(first=pl.col("row").min().over("key"))
        .filter(pl.col("row") != pl.col("first"))
        .select("first", "row")
    )
    return linked.to_numpy().astype(np.int64).reshape(-1, 2)


def _near_pairs(keys: KeyTable, rows: np.ndarray, options: DedupOptions) -> np.ndarray:
    """LSH candidates among ``rows`` whose estimated similarity reaches the threshold."""
    bands, _ = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
    pairs = keys.band_pairs(rows, bands)
    if pairs.size == 0:
        return pairs
    similarity = keys.similarity(pairs[:, 0], pairs[:, 1])
    return pairs[similarity >= options.threshold]


@dataclass
class _Ranking:
    """What the keep rule reads for the rows of clusters: longest, earliest, smallest id."""

    lengths: np.ndarray  # per row (all rows)
    keys: KeyTable

    def kept(self, labels: np.ndarray) -> np.ndarray:
        """Kept row of each row's cluster (a row alone keeps itself)."""
        n = labels.size
        kept = np.arange(n, dtype=np.int64)
        size = np.bincount(labels, minlength=n)
        members = np.flatnonzero(size[labels] > 1)
        if members.size:
            extra = self.keys.take(members, [DATE, ID])
            chosen = choose_kept(labels[members], self.lengths[members], extra[DATE], extra[ID])
            kept[members] = members[chosen]
        return kept

    def prefer(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """For each pair, True when the keep rule prefers row ``a[i]`` over row ``b[i]``.

        The rows involved are ranked once in the keep rule's order (each row's date and
        id read once), however many pairs they appear in."""
        if a.size == 0:
            return np.empty(0, dtype=bool)
        rows = np.unique(np.concatenate([a, b])).astype(np.int64)
        rank = self._rank(rows)
        return rank[np.searchsorted(rows, a)] < rank[np.searchsorted(rows, b)]

    def _rank(self, rows: np.ndarray) -> np.ndarray:
        """Position of each of ``rows`` in the keep rule's order (0: kept first)."""
        extra = self.keys.take(rows, [DATE, ID])
        one_cluster = np.zeros(rows.size, dtype=np.int64)
        order = keep_order(one_cluster, self.lengths[rows], extra[DATE], extra[ID])
        rank = np.empty(rows.size, dtype=np.int64)
        rank[order] = np.arange(rows.size)
        return rank


def link(keys: KeyTable, options: DedupOptions | None = None) -> Links:
    """Clusters, kept documents and provenance of every document of ``keys``."""
    options = options or DedupOptions()
    n = keys.height
    active = keys.column(ACTIVE).to_numpy().astype(bool)
    word_counts = keys.column(WORDS).to_numpy()
    rows = np.flatnonzero(active)
    edges: list[np.ndarray] = []
    kinds: list[str] = []

    def add(pairs: np.ndarray, kind: str) -> None:
        if pairs.size:
            edges.append(pairs)
            kinds.extend([kind] * pairs.shape[0])

    exact_keys = keys.column(EXACT_KEY)
    url_keys = keys.column(URL_KEY)
    if options.exact:
        add(_group_pairs(exact_keys, rows), KIND_EXACT)
    if options.url:
        add(_group_pairs(url_keys, rows), KIND_URL)
    if options.near:
        add(_near_pairs(keys, rows[word_counts[rows] >= options.min_words], options), KIND_NEAR)

    flags = np.empty((0, 2), dtype=np.int64)
    flag_scores = np.empty(0)
    if options.headline:
        pairs, scores = headline_pairs(keys, rows, score_cutoff=options.headline_threshold)
        if pairs.size:
            body_sim = keys.similarity(pairs[:, 0], pairs[:, 1])
            long_pair = (word_counts[pairs[:, 0]] >= options.min_words) & (
                word_counts[pairs[:, 1]] >= options.min_words
            )
            rewritten = long_pair & (body_sim >= options.headline_body_threshold)
            add(pairs[rewritten], KIND_HEADLINE)
            flags, flag_scores = pairs[~rewritten], scores[~rewritten]

    all_pairs = np.concatenate(edges) if edges else np.empty((0, 2), dtype=np.int64)
    # A copy linked by a headline match needs the lower body similarity; others the
    # near threshold, measured against the kept document.
    floor = np.full(n, options.threshold)
    if kinds:
        floor[all_pairs[np.array(kinds) == KIND_HEADLINE].ravel()] = options.headline_body_threshold
    exact_arr = exact_keys.fill_null(0).to_numpy()
    url_arr = url_keys.fill_null(0).to_numpy()
    ranking = _Ranking(keys.column(LENGTH).to_numpy(), keys)
    labels, kept = _clusters_without_chains(
        keys, all_pairs, exact_arr, url_arr, ranking, floor=floor
    )
    decisions = _decisions(keys, labels, kept, exact_arr, url_arr, options.threshold)
    return Links(decisions, _flags(keys, labels, kept, flags, flag_scores, ranking))


def _same_key(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose non-null (non-zero) key equals the other row's."""
    return (values[a] == values[b]) & (values[a] != 0)


def _clusters_without_chains(
    keys: KeyTable,
    pairs: np.ndarray,
    exact_keys: np.ndarray,
    url_keys: np.ndarray,
    ranking: _Ranking,
    *,
    floor: np.ndarray,
    rounds: int = 8,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and kept row per row, with chained members split off.

    Connected components take the transitive closure: a - b - c - d can put d in a's
    cluster although the two share little (roundups, serial bulletins: relief flight four
    and relief flight six). A dropped copy must share at least its ``floor`` (the near
    threshold, or the headline body threshold for a copy linked by its headline) of
    estimated similarity with its cluster's kept document (exact and same-URL copies
    always qualify); members below it are detached and clustered again among themselves,
    using only the pairs between them.
    """
    n = keys.height
    labels = components(n, pairs)
    kept = ranking.kept(labels)
    for _ in range(rounds):
        dropped = np.flatnonzero(kept != np.arange(n))
        if dropped.size == 0:
            break
        similarity = keys.similarity(dropped, kept[dropped])
        linked = _same_key(exact_keys, dropped, kept[dropped])
        linked |= _same_key(url_keys, dropped, kept[dropped])
        weak = dropped[(similarity < floor[dropped]) & ~linked]
        if weak.size == 0:
            break
        is_weak = np.zeros(n, dtype=bool)
        is_weak[weak] = True
        inner = pairs[is_weak[pairs[:, 0]] & is_weak[pairs[:, 1]]] if pairs.size else pairs
        sub_labels = components(n, inner)
        labels = np.where(is_weak, sub_labels + labels.max() + 1, labels)
        _, labels = np.unique(labels, return_inverse=True)
        kept = ranking.kept(labels)
    return labels, kept


def _decisions(
    keys: KeyTable,
    labels: np.ndarray,
    kept: np.ndarray,
    exact_keys: np.ndarray,
    url_keys: np.ndarray,
    threshold: float,
) -> pl.DataFrame:
    """One row per document of a cluster: its cluster, whether it is kept, and for a
    dropped copy how it relates to the kept document."""
    n = labels.size
    size = np.bincount(labels, minlength=n)[labels] if n else np.empty(0, np.int64)
    members = np.flatnonzero(size > 1)
    if members.size == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    kept_of = kept[members]
    dropped = kept_of != members
    similarity = np.full(members.size, np.nan)
    if dropped.any():
        similarity[dropped] = keys.similarity(members[dropped], kept_of[dropped])
    kind = np.full(members.size, None, dtype=object)
    exact = dropped & _same_key(exact_keys, members, kept_of)
    kind[exact] = KIND_EXACT
    similarity[exact] = 1.0
    same_url = dropped & ~exact & _same_key(url_keys, members, kept_of)
    kind[same_url] = KIND_URL
    # A copy sharing the near threshold with the kept document is a near copy; one that
    # shares less got in through a headline match (rewritten copy).
    remaining = dropped & (kind == None)  # noqa: E711
    near = similarity >= threshold
    kind[remaining & near] = KIND_NEAR
    kind[remaining & ~near] = KIND_HEADLINE
    kept_ids = keys.take(kept_of, [ID])[ID]
    return pl.DataFrame(
        {
            "row": members.astype(np.int64),
            "cluster_id": kept_ids,
            "dup_kind": pl.Series(kind.tolist(), dtype=pl.String),
            "dup_of": pl.select(pl.when(pl.Series(dropped)).then(kept_ids)).to_series(),
            "similarity": pl.Series(np.where(dropped, similarity, np.nan)).fill_nan(None),
            "keep": ~dropped,
        },
        schema=DECISION_SCHEMA,
    )


def _flags(
    keys: KeyTable,
    labels: np.ndarray,
    kept: np.ndarray,
    pairs: np.ndarray,
    scores: np.ndarray,
    ranking: _Ranking,
) -> pl.DataFrame:
    """Headline matches whose bodies differ: the document the keep rule would not
    prefer is flagged, naming the other cluster's kept document; once per (document,
    other cluster)."""
    if pairs.size == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    apart = labels[pairs[:, 0]] != labels[pairs[:, 1]]
    pairs, scores = pairs[apart], scores[apart]
    a_first = ranking.prefer(pairs[:, 0], pairs[:, 1])
    flagged = np.where(a_first, pairs[:, 1], pairs[:, 0])
    other_kept = kept[np.where(a_first, pairs[:, 0], pairs[:, 1])]
    once = pl.DataFrame({"row": flagged, "other": other_kept, "score": scores}).unique(
        subset=["row", "other"], keep="first", maintain_order=True
    )
    if once.height == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    return pl.DataFrame(
        {
            "row": once["row"],
            "other_id": keys.take(once["other"].to_numpy(), [ID])[ID],
            "score": once["score"],
        },
        schema=FLAG_SCHEMA,
    )
