"""The ``dedup`` stage: frame in, frame out with cluster, provenance and keep columns.

Evidence is collected as pairs of row indices, each with its kind, then merged into
clusters (:mod:`corpuskit.dedup.clusters`):

* ``exact``: equal folded body;
* ``url``: equal canonical URL (:func:`corpuskit.dedup.keys.canonical_url`);
* ``near``: MinHash LSH candidates whose estimated Jaccard similarity reaches
  ``threshold`` (bodies of at least ``min_words`` folded words only);
* ``headline``: folded headlines matching at ``headline_threshold`` or more plus body
  similarity of at least ``headline_body_threshold`` (a lightly rewritten copy).

A headline match without body evidence links nothing; it becomes a "flag" finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup import codes
from corpuskit.dedup.clusters import choose_kept, components
from corpuskit.dedup.headline import headline_candidates
from corpuskit.dedup.keys import canonical_urls, fold_series
from corpuskit.dedup.lsh import resolve_bands
from corpuskit.dedup.minhash import estimate_similarity
from corpuskit.dedup.near import verified_near_pairs
from corpuskit.dedup.parallel import sign_texts
from corpuskit.progress import ProgressCallback

KIND_EXACT, KIND_URL, KIND_NEAR, KIND_HEADLINE = "exact", "url", "near", "headline"
_KIND_RANK = {KIND_EXACT: 0, KIND_URL: 1, KIND_NEAR: 2, KIND_HEADLINE: 3}


@dataclass
class MatchingView:
    """What dedup reads from a frame, prepared for matching."""

    ids: pl.Series
    body: pl.Series  # clean body (original characters), for lengths
    exact_keys: np.ndarray  # uint64 hash of the folded body (0: empty)
    signatures: np.ndarray  # (n, num_perm) uint32 MinHash of the folded body
    folded_titles: list[str]
    word_counts: np.ndarray
    active: np.ndarray  # bool: takes part in matching
    urls: pl.Series
    dates: pl.Series


def _column_or(frame: pl.DataFrame, preferred: str, fallback: str) -> pl.Series:
    if preferred in frame.columns:
        return frame[preferred].cast(pl.String)
    if fallback in frame.columns:
        return frame[fallback].cast(pl.String)
    return pl.Series(fallback, [None] * frame.height, dtype=pl.String)


def matching_view(frame: pl.DataFrame, options: DedupOptions, *, workers: int = 1) -> MatchingView:
    """Signatures, exact keys and word counts of the folded bodies, folded titles, and
    the rows that take part."""
    body = _column_or(frame, schema.TEXT_CLEAN, schema.TEXT)
    title = _column_or(frame, schema.TITLE_CLEAN, schema.TITLE)
    signed = sign_texts(
        body.to_list(),
        num_perm=options.num_perm,
        seed=options.seed,
        shingle_size=options.shingle_size,
        workers=workers,
    )
    active = body.is_not_null().to_numpy() & (signed.word_counts > 0)
    if schema.DROP_REASON in frame.columns:
        active &= frame[schema.DROP_REASON].is_null().to_numpy()
    return MatchingView(
        ids=frame[schema.ID].cast(pl.String),
        body=body.fill_null(""),
        exact_keys=signed.exact_keys,
        signatures=signed.signatures,
        folded_titles=fold_series(title).to_list() if options.headline else [],
        word_counts=signed.word_counts,
        active=active,
        urls=_column_or(frame, schema.URL, schema.URL),
        dates=_column_or(frame, schema.DATE, schema.DATE),
    )


def _group_pairs(keys: pl.Series, rows: np.ndarray) -> np.ndarray:
    """Pairs (first row of the group, other row) for rows sharing a non-null key."""
    table = pl.DataFrame({"key": keys.gather(rows) if rows.size else keys.head(0), "row": rows})
    table = table.drop_nulls("key")
    if table.schema["key"] == pl.String:
        table = table.filter(pl.col("key") != "")
    linked = (
        table.with_columns(first=pl.col("row").min().over("key"))
        .filter(pl.col("row") != pl.col("first"))
        .select("first", "row")
    )
    return linked.to_numpy().astype(np.int64).reshape(-1, 2)


def _bands(options: DedupOptions) -> tuple[int, int]:
    return resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)


def dedup(
    frame: pl.DataFrame,
    *,
    options: DedupOptions | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """Mark exact, same-URL, near and rewritten-headline duplicates; never drops rows.

    Adds ``cluster_id`` (the id of the cluster's kept document; null for documents in
    no cluster), ``dup_kind`` (how a dropped copy relates to the kept document),
    ``dup_of`` (the kept id), ``similarity`` (estimated Jaccard similarity of the
    copy's body to the kept body; 1.0 for exact copies), ``keep`` (False only for
    dropped copies), and appends ``DUP…`` findings to ``findings``.
    """
    options = options or DedupOptions()
    schema.require_columns(frame, (schema.ID,), "dedup")
    n = frame.height
    view = matching_view(frame, options, workers=workers)
    rows = np.flatnonzero(view.active)
    edges: list[np.ndarray] = []
    kinds: list[str] = []

    def add(pairs: np.ndarray, kind: str) -> None:
        if pairs.size:
            edges.append(pairs)
            kinds.extend([kind] * pairs.shape[0])

    if options.exact:
        exact_keys = pl.Series(view.exact_keys, dtype=pl.UInt64)
        add(_group_pairs(exact_keys, rows), KIND_EXACT)
    canon = canonical_urls(view.urls) if options.url else None
    if canon is not None:
        add(_group_pairs(canon, rows), KIND_URL)

    full_signatures = view.signatures
    long_rows = rows[view.word_counts[rows] >= options.min_words]
    if options.near:
        near_pairs, _ = verified_near_pairs(full_signatures, long_rows, options)
        add(near_pairs, KIND_NEAR)
    if progress:
        progress(n)

    flags = np.empty((0, 2), dtype=np.int64)
    flag_scores = np.empty(0)
    if options.headline:
        pairs, scores = headline_candidates(
            view.folded_titles, rows, score_cutoff=options.headline_threshold
        )
        if pairs.size:
            body_sim = estimate_similarity(
                full_signatures[pairs[:, 0]], full_signatures[pairs[:, 1]]
            )
            long_pair = (view.word_counts[pairs[:, 0]] >= options.min_words) & (
                view.word_counts[pairs[:, 1]] >= options.min_words
            )
            rewritten = long_pair & (body_sim >= options.headline_body_threshold)
            add(pairs[rewritten], KIND_HEADLINE)
            flags, flag_scores = pairs[~rewritten], scores[~rewritten]

    all_pairs = np.concatenate(edges) if edges else np.empty((0, 2), dtype=np.int64)
    # A copy linked by a headline match needs the lower body similarity; others the
    # near threshold, measured against the kept document.
    floor = np.full(n, options.threshold)
    if kinds:
        headline_edges = all_pairs[np.array(kinds) == KIND_HEADLINE]
        floor[headline_edges.ravel()] = options.headline_body_threshold
    labels, kept = _clusters_without_chains(view, all_pairs, full_signatures, canon, floor=floor)
    return _annotate(
        frame,
        view,
        labels,
        kept,
        full_signatures,
        canon,
        flags,
        flag_scores,
        options.threshold,
    )


def _clusters_without_chains(
    view: MatchingView,
    pairs: np.ndarray,
    signatures: np.ndarray,
    canon: pl.Series | None,
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
    n = view.ids.len()
    lengths = view.body.str.len_chars().to_numpy()
    labels = components(n, pairs)
    kept = choose_kept(labels, lengths, view.dates, view.ids)
    folded = view.exact_keys
    canon_arr = np.array(canon.to_list(), dtype=object) if canon is not None else None
    for _ in range(rounds):
        dropped = np.flatnonzero(kept != np.arange(n))
        if dropped.size == 0:
            break
        similarity = estimate_similarity(signatures[dropped], signatures[kept[dropped]])
        linked = folded[dropped] == folded[kept[dropped]]
        if canon_arr is not None:
            same = canon_arr[dropped] == canon_arr[kept[dropped]]
            linked |= same & (canon_arr[dropped] != None)  # noqa: E711
        weak = dropped[(similarity < floor[dropped]) & ~linked]
        if weak.size == 0:
            break
        is_weak = np.zeros(n, dtype=bool)
        is_weak[weak] = True
        inner = pairs[is_weak[pairs[:, 0]] & is_weak[pairs[:, 1]]] if pairs.size else pairs
        sub_labels = components(n, inner)
        labels = np.where(is_weak, sub_labels + labels.max() + 1, labels)
        _, labels = np.unique(labels, return_inverse=True)
        kept = choose_kept(labels, lengths, view.dates, view.ids)
    return labels, kept


def _annotate(
    frame: pl.DataFrame,
    view: MatchingView,
    labels: np.ndarray,
    kept: np.ndarray,
    signatures: np.ndarray,
    canon: pl.Series | None,
    flags: np.ndarray,
    flag_scores: np.ndarray,
    threshold: float,
) -> pl.DataFrame:
    n = frame.height
    row = np.arange(n)
    cluster_size = np.bincount(labels, minlength=n)[labels] if n else np.empty(0, np.int64)
    in_cluster = cluster_size > 1
    dropped = in_cluster & (kept != row)
    similarity = np.full(n, np.nan)
    if dropped.any():
        similarity[dropped] = estimate_similarity(
            signatures[row[dropped]], signatures[kept[dropped]]
        )

    # How each dropped copy relates to its kept document.
    folded = view.exact_keys
    kind = np.full(n, None, dtype=object)
    exact = dropped & (folded == folded[kept])
    kind[exact] = KIND_EXACT
    similarity[exact] = 1.0
    if canon is not None:
        canon_arr = np.array(canon.to_list(), dtype=object)
        same_url = dropped & ~exact & (canon_arr == canon_arr[kept]) & (canon_arr != None)  # noqa: E711
        kind[same_url] = KIND_URL
    # A copy sharing the near threshold with the kept document is a near copy; one that
    # shares less got in through a headline match (rewritten copy).
    remaining = dropped & (kind == None)  # noqa: E711
    near = similarity >= threshold
    kind[remaining & near] = KIND_NEAR
    kind[remaining & ~near] = KIND_HEADLINE

    ids = view.ids.to_numpy()
    cluster_id = np.where(in_cluster, ids[kept], None)
    dup_of = np.where(dropped, ids[kept], None)
    text_length = _column_length(frame, schema.TEXT)
    rows_dropped = np.flatnonzero(dropped)
    found = {
        "row": rows_dropped.tolist(),
        "field": ["text"] * rows_dropped.size,
        "code": [codes.DROP_CODES[kind[i]] for i in rows_dropped],
        "action": ["drop"] * rows_dropped.size,
        "start": [0] * rows_dropped.size,
        "end": text_length[rows_dropped].tolist(),
        "excerpt": [
            f"{kind[i]} duplicate of {ids[kept[i]]} (similarity {similarity[i]:.2f})"
            for i in rows_dropped
        ],
    }
    flagged_once: set[tuple[int, int]] = set()
    for (a, b), score in zip(flags, flag_scores, strict=True):
        if labels[a] == labels[b]:
            continue
        # Flag the document the keep rule would not prefer, naming the other cluster's
        # kept document; once per (document, other cluster).
        flagged, other = (int(b), int(a)) if _prefer(a, b, view) else (int(a), int(b))
        other = int(kept[other])
        if (flagged, other) in flagged_once:
            continue
        flagged_once.add((flagged, other))
        for key, value in zip(
            found,
            (
                flagged,
                "title",
                codes.HEADLINE_FLAG,
                "flag",
                0,
                _title_length(frame, flagged),
                f"headline matches {ids[other]} (score {score:.0f}) but the bodies differ",
            ),
            strict=True,
        ):
            found[key].append(value)
    merged = _append_findings(frame, found)
    columns = [
        pl.Series(schema.CLUSTER_ID, cluster_id.tolist(), dtype=pl.String),
        pl.Series(schema.DUP_KIND, kind.tolist(), dtype=pl.String),
        pl.Series(schema.DUP_OF, dup_of.tolist(), dtype=pl.String),
        pl.Series(schema.SIMILARITY, np.where(dropped, similarity, np.nan)).fill_nan(None),
        pl.Series(schema.KEEP, ~dropped, dtype=pl.Boolean),
        merged,
    ]
    return frame.with_columns(columns)


def _append_findings(frame: pl.DataFrame, found: dict[str, list]) -> pl.Series:
    """The ``findings`` column with the new findings (one row each, by ``row``) appended."""
    n = frame.height
    fields = list(schema.FINDING_STRUCT.to_schema())
    table = pl.DataFrame(found, schema={"row": pl.Int64, **schema.FINDING_STRUCT.to_schema()})
    per_row = table.group_by("row").agg(pl.struct(fields).alias("new"))
    new = (
        pl.DataFrame({"row": np.arange(n, dtype=np.int64)})
        .join(per_row, on="row", how="left", maintain_order="left")
        .select(pl.col("new").fill_null(pl.lit([], dtype=schema.FINDINGS_DTYPE)))
        .to_series()
        .cast(schema.FINDINGS_DTYPE)
    )
    if schema.FINDINGS in frame.columns:
        existing = frame[schema.FINDINGS].cast(schema.FINDINGS_DTYPE).fill_null([])
        new = pl.select(pl.concat_list(existing, new)).to_series()
    return new.alias(schema.FINDINGS)


def _column_length(frame: pl.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.zeros(frame.height, dtype=np.int64)
    return frame[name].cast(pl.String).str.len_chars().fill_null(0).to_numpy()


def _title_length(frame: pl.DataFrame, row: int) -> int:
    if schema.TITLE not in frame.columns:
        return 0
    value = frame[schema.TITLE][int(row)]
    return len(value) if isinstance(value, str) else 0


def _prefer(a: int, b: int, view: MatchingView) -> bool:
    """True when the keep rule would prefer row ``a`` over row ``b`` (for flags)."""
    labels = np.array([0, 0])
    a, b = int(a), int(b)
    body = view.body.gather([a, b]).str.len_chars().to_numpy()
    kept = choose_kept(labels, body, view.dates.gather([a, b]), view.ids.gather([a, b]))
    return int(kept[0]) == 0
