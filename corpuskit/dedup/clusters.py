"""From verified pairs to clusters, and which document of each cluster is kept.

Clusters are the connected components of the graph whose edges are the verified pairs
(exact, same canonical URL, near, or headline plus body evidence), computed with
``scipy.sparse.csgraph`` (scipy already comes with datasketch).

The keep rule is deterministic and documented: in each cluster keep the document with
the **longest clean body** (the most complete copy: nothing trimmed, no paragraph
dropped), then the **newest date** (the latest version; unparseable or missing dates
count as oldest), then the **smallest id**; a document that is an older version of
another member (an update of it is in the cluster) is never kept over the newer one.
The input order never matters.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from corpuskit.dedup.dates import parse_dates


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes given ``pairs`` (``m x 2`` node indices)."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if pairs.size == 0:
        return np.arange(n, dtype=np.int64)
    # imported here: scipy takes a fifth of the start-up of every command and worker,
    # and only the link pass needs it
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ones = np.ones(pairs.shape[0], dtype=np.int8)
    graph = coo_matrix((ones, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def _as_datetimes(dates: pl.Series) -> pl.Series:
    """Dates as UTC datetimes (see :mod:`corpuskit.dedup.dates`)."""
    if dates.len() == 0:
        return pl.Series([], dtype=pl.Datetime("us", "UTC"))
    return parse_dates(dates)


def keep_order(
    labels: np.ndarray,
    body_length: np.ndarray,
    dates: pl.Series,
    ids: pl.Series | Callable[[np.ndarray], pl.Series],
    *,
    demoted: np.ndarray | None = None,
) -> np.ndarray:
    """Row indices in the keep rule's order within each cluster (clusters in label order).

    ``ids`` may be a function giving the ids of some rows (by index): the rows are
    ordered by everything else first, and ids are read only for rows tied on it all,
    to break the ties, a group of runs of tied rows at a time (:data:`TIE_ROWS`). At
    millions of rows the id strings are most of what a sort by them holds, and few rows
    are tied. The other keys are sorted as arrays (a stable sort of one key after
    another, eight bytes a row each)."""
    n = labels.size
    stamps = _as_datetimes(dates).to_physical()
    # newest first and missing dates last: the time negated, a missing one the largest
    newest_first = np.where(
        stamps.is_null().to_numpy(), np.iinfo(np.int64).max, -stamps.fill_null(0).to_numpy()
    )
    del stamps
    longest_first = -body_length.astype(np.int64)
    demoted_last = np.zeros(n, dtype=np.int8) if demoted is None else demoted.astype(np.int8)
    keys = (newest_first, longest_first, demoted_last, labels)
    rows = np.lexsort(keys)  # the last key leads; stable, so ties keep the row order
    same = np.ones(max(n - 1, 0), dtype=bool)  # each row tied with the one before it
    for key in keys:
        ordered = key[rows]
        same &= ordered[1:] == ordered[:-1]
    del keys, newest_first, longest_first, demoted_last, ordered
    tied = np.zeros(n, dtype=bool)
    tied[1:] = same
    tied[:-1] |= same
    positions = np.flatnonzero(tied)
    del tied
    if positions.size:
        runs = np.cumsum(np.concatenate(([True], ~same)))[positions]
        del same
        for lo, hi in _groups_of_runs(runs, TIE_ROWS):
            at = rows[positions[lo:hi]]
            # ids read in row order (a reader of parts reads them part by part, with no
            # reordering of millions of strings), and only the order of the sort kept
            in_rows = np.argsort(at, kind="stable")
            at, run = at[in_rows], runs[lo:hi][in_rows]
            del in_rows
            by_id = pl.DataFrame(
                {"run": run, "id": (ids(at) if callable(ids) else ids.gather(at)).cast(pl.String)}
            ).select(pl.arg_sort_by(["run", "id"], nulls_last=True, maintain_order=True))
            rows[positions[lo:hi]] = at[by_id.to_series().to_numpy()]
    return rows.astype(np.int64, copy=False)


# Tied rows whose ids are read and sorted at once. A corpus copied many times over ties
# every document with its copies: ten million ids and their sort held together took
# hundreds of megabytes.
TIE_ROWS = 1_000_000


def _groups_of_runs(runs: np.ndarray, most: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges over ``runs`` (non-decreasing run numbers) that never split
    a run, each of at most ``most`` entries unless one run alone is longer."""
    starts = np.flatnonzero(np.concatenate(([True], runs[1:] != runs[:-1])))
    starts = np.append(starts, runs.size)  # the end, as the start of no run
    groups, lo = [], 0
    while lo < runs.size:
        # up to the last run that starts within reach; a run longer than that, alone
        hi = int(starts[np.searchsorted(starts, lo + most, side="right") - 1])
        if hi <= lo:
            hi = int(starts[np.searchsorted(starts, lo, side="right")])
        groups.append((lo, hi))
        lo = hi
    return groups


def choose_kept(
    labels: np.ndarray,
    body_length: np.ndarray,
    dates: pl.Series,
    ids: pl.Series,
    *,
    demoted: np.ndarray | None = None,
) -> np.ndarray:
    """Row index of the kept document of each row's cluster: not ``demoted``, then
    longest, newest, smallest id."""
    order = keep_order(labels, body_length, dates, ids, demoted=demoted)
    ordered_labels = labels[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = ordered_labels[1:] != ordered_labels[:-1]
    # clusters come in label order, each led by its kept row
    return order[first][np.searchsorted(ordered_labels[first], labels)]
