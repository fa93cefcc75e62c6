"""Which parts of the longer document of a pair the shorter one covers (keys only).

A page of a newspaper often holds several stories one after another. The shorter
article of a pair can then be found whole at the start of the page and look like a
trimmed copy of it, although the page goes on with other news. A trimmed copy differs:
what the longer version adds is the rest of the *same* story, whose words (the names,
the places, the subject) recur in the part both share.

Both read the ``spread`` key of :mod:`corpuskit.dedup.sign`: a consistent sample of
each document's content words in reading order, with the block of ``SPREAD_BLOCK``
words each lies in. For a pair ``(a, b)`` (``a`` the shorter):

=================  ==================================================================
``covered``        share of ``b``'s sampled words that ``a`` holds
``rest``           share of ``b``'s sampled words that lie in blocks ``a`` does not
                   cover (fewer than ``COVERED_BLOCK`` of the block's words in ``a``)
``rest_shared``    of the sampled words seen in those uncovered blocks, the share that
                   link them to the shared part (``a`` holds them, or they occur in a
                   covered block too): the same story goes on and its names recur;
                   near 0 when the rest of ``b`` is other news. NaN when ``b`` has no
                   uncovered block
=================  ==================================================================
"""

from __future__ import annotations

import numpy as np

from corpuskit.dedup.minhash import EMPTY
from corpuskit.dedup.sign import BLOCK_BITS, SPREAD_BITS, SPREAD_BLOCKS

COVERED_BLOCK = 0.5  # a block of b is covered when a holds this share of its sampled words


def coverage(spread_a: np.ndarray, spread_b: np.ndarray) -> dict[str, np.ndarray]:
    """``covered``, ``rest`` and ``rest_shared`` (see the module docs) per row of two
    ``pairs x SPREAD_SLOTS`` spread samples."""
    valid_a, valid_b = spread_a != EMPTY, spread_b != EMPTY
    word_a = np.where(valid_a, spread_a & ~SPREAD_BITS, EMPTY)
    word_b = spread_b & ~SPREAD_BITS
    held = (word_b[:, :, None] == word_a[:, None, :]).any(axis=2) & valid_b
    first = (spread_b & BLOCK_BITS).astype(np.int64)
    last = ((spread_b >> np.uint32(4)) & BLOCK_BITS).astype(np.int64)
    rows = np.broadcast_to(np.arange(spread_b.shape[0])[:, None], first.shape)
    per_block = np.zeros((spread_b.shape[0], SPREAD_BLOCKS))
    held_block = np.zeros_like(per_block)
    np.add.at(per_block, (rows[valid_b], first[valid_b]), 1.0)
    np.add.at(held_block, (rows[held], first[held]), 1.0)
    uncovered_block = held_block < COVERED_BLOCK * per_block
    in_rest = uncovered_block[rows, first] & valid_b
    # Words of the shared part that come back in a block a does not cover.
    recur = ~in_rest & valid_b & uncovered_block[rows, last] & (last > first)
    total = valid_b.sum(axis=1)
    rest = in_rest.sum(axis=1)
    seen_in_rest = rest + recur.sum(axis=1)
    linked = (held & in_rest).sum(axis=1) + recur.sum(axis=1)
    return {
        "covered": held.sum(axis=1) / np.maximum(total, 1),
        "rest": rest / np.maximum(total, 1),
        "rest_shared": np.where(rest > 0, linked / np.maximum(seen_in_rest, 1), np.nan),
    }
