"""The keep rule's order: not demoted, longest, newest, smallest id, within each cluster;
ids read only to break ties give the order a sort by every key gives."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from corpuskit.dedup import clusters
from corpuskit.dedup.clusters import choose_kept, keep_order


def _rows(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 20, n)
    lengths = rng.integers(1, 4, n) * 100  # few lengths: many ties
    start = datetime(2015, 7, 1)
    dates = pl.Series(
        [
            None if rng.random() < 0.2 else start + timedelta(days=int(d))
            for d in rng.integers(0, 3, n)
        ],
        dtype=pl.Datetime("us", "UTC"),
    )
    ids = pl.Series([f"doc-{i}" for i in rng.permutation(n)])
    demoted = rng.random(n) < 0.1
    return labels, lengths, dates, ids, demoted


def _by_every_key(labels, lengths, dates, ids, demoted) -> np.ndarray:
    frame = pl.DataFrame(
        {
            "row": np.arange(labels.size),
            "label": labels,
            "demoted": demoted,
            "length": lengths,
            "date": dates,
            "id": ids,
        }
    )
    ordered = frame.sort(
        ["label", "demoted", "length", "date", "id"],
        descending=[False, False, True, True, False],
        nulls_last=True,
    )
    return ordered["row"].to_numpy()


@pytest.mark.parametrize("seed", range(5))
def test_ids_read_for_ties_only_give_the_order_of_a_sort_by_every_key(seed):
    labels, lengths, dates, ids, demoted = _rows(seed)
    asked: list[int] = []

    def ids_of(at: np.ndarray) -> pl.Series:
        asked.extend(at.tolist())
        return ids.gather(at)

    order = keep_order(labels, lengths, dates, ids_of, demoted=demoted)
    assert np.array_equal(order, _by_every_key(labels, lengths, dates, ids, demoted))
    assert np.array_equal(keep_order(labels, lengths, dates, ids, demoted=demoted), order)
    assert 0 < len(asked) < labels.size, "ids are read for the tied rows only"
    assert len(set(asked)) == len(asked)


def test_no_ids_read_when_nothing_is_tied():
    lengths = np.array([300, 100, 200])
    dates = pl.Series([None, None, None], dtype=pl.Datetime("us", "UTC"))

    def ids_of(at: np.ndarray) -> pl.Series:
        raise AssertionError(f"ids read for {at}")

    order = keep_order(np.zeros(3, dtype=np.int64), lengths, dates, ids_of)
    assert order.tolist() == [0, 2, 1]


@pytest.mark.parametrize("seed", range(3))
def test_kept_document_is_the_first_of_its_cluster_by_every_key(seed):
    labels, lengths, dates, ids, demoted = _rows(seed)
    labels = labels * 7 + 3  # labels need not be 0 … k-1
    kept = choose_kept(labels, lengths, dates, ids, demoted=demoted)
    order = _by_every_key(labels, lengths, dates, ids, demoted)
    first = {}
    for row in order:
        first.setdefault(labels[row], row)
    assert all(kept[row] == first[labels[row]] for row in range(labels.size))


@pytest.mark.parametrize("tie_rows", [1, 2, 5, 40])
def test_ties_broken_a_group_of_runs_at_a_time_give_the_same_order(monkeypatch, tie_rows):
    labels, lengths, dates, ids, demoted = _rows(7)
    whole = keep_order(labels, lengths, dates, ids, demoted=demoted)
    reads: list[int] = []

    def ids_of(at: np.ndarray) -> pl.Series:
        reads.append(at.size)
        return ids.gather(at)

    monkeypatch.setattr(clusters, "TIE_ROWS", tie_rows)
    assert np.array_equal(keep_order(labels, lengths, dates, ids_of, demoted=demoted), whole)
    assert len(reads) > 1, "the tied rows are read in more than one group"


@pytest.mark.parametrize("most", [1, 2, 3, 10])
def test_groups_of_runs_cover_every_entry_and_never_split_a_run(most):
    runs = np.array([1, 1, 1, 1, 2, 3, 3, 4, 5, 5, 5, 5, 5, 6])
    groups = clusters._groups_of_runs(runs, most)
    assert groups[0][0] == 0 and groups[-1][1] == runs.size
    assert all(hi > lo for lo, hi in groups)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(groups))
    for lo, hi in groups:
        assert lo == 0 or runs[lo] != runs[lo - 1], "a group starts where a run starts"
        assert hi - lo <= most or len(set(runs[lo:hi].tolist())) == 1
