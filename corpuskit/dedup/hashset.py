"""Membership of many hashes in a small sorted set, without a binary search for each.

The link pass and the sign pass ask of millions of hashes whether each is in a set of a
few hundred or thousand (template words, function words, the words that open a
connective). A table of 65,536 flags, one per value of the low 16 bits of the set's
members, rules most hashes out with one array lookup; only the few it lets through are
searched in the sorted set.
"""

from __future__ import annotations

import numpy as np

_LOW_BITS = 0xFFFF


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` (unsigned integers) is in ``sorted_set`` (sorted, of the
    same type)."""
    if sorted_set.size == 0:
        return np.zeros(values.shape, dtype=bool)
    table = np.zeros(_LOW_BITS + 1, dtype=bool)
    table[sorted_set & _LOW_BITS] = True
    found = table[values & _LOW_BITS]
    maybe = np.flatnonzero(found)
    flat = values.reshape(-1)
    at = np.minimum(np.searchsorted(sorted_set, flat[maybe]), sorted_set.size - 1)
    found.reshape(-1)[maybe] = sorted_set[at] == flat[maybe]
    return found


__all__ = ["member"]
