"""Set membership by hashing equals a plain ``np.isin``."""

from __future__ import annotations

import numpy as np
import pytest

from corpuskit.dedup.hashset import member


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize("seed", range(3))
def test_member_equals_isin(dtype, seed):
    rng = np.random.default_rng(seed)
    high = np.iinfo(dtype).max
    members = np.unique(rng.integers(0, high, size=300, dtype=dtype, endpoint=True))
    # values one bit away from a member, members, others
    near = (members[:50] ^ dtype(1 << 20)).astype(dtype)
    values = np.concatenate(
        [near, members[::3], rng.integers(0, high, size=5_000, dtype=dtype, endpoint=True)]
    )
    rng.shuffle(values)
    assert np.array_equal(member(values, members), np.isin(values, members))
    grid = values[:4_800].reshape(60, 80)  # a 2-D block (signature slots) keeps its shape
    assert np.array_equal(member(grid, members), np.isin(grid, members))


def test_an_empty_set_holds_nothing():
    values = np.arange(10, dtype=np.uint64)
    assert not member(values, np.empty(0, dtype=np.uint64)).any()
