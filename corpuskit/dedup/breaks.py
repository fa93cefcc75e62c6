"""Story breaks: where a news page moves on to another story.

Newspapers put several short stories on one page, one after another, and join them
with a connective that announces another subject: «من جهة أخرى» (on the other hand),
«إلى ذلك» (besides), «في سياق آخر» (in another context), «على صعيد آخر» ... A story
published on its own is then found whole at the start of the page and looks like a
trimmed copy of it, while the page is a different document: it holds other news.

:func:`story_breaks` finds the connectives in the folded words of a batch (their hashes,
no text kept): the word positions of the first ``BREAK_SLOTS`` of each document, which
the sign pass stores as the ``breaks`` key. The pair decision reads them
(:func:`page_of`): a shorter document that ends where the longer one breaks to another
story is the opening story of a page, not a trimmed copy of it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from corpuskit.dedup.words import Words, hash_text

# Folded (أ/إ -> ا, ى -> ي, ة -> ه); a leading و (and) is allowed on the first word.
CONNECTIVES = (
    "من جهه اخري",
    "من ناحيه اخري",
    "من جهه ثانيه",
    "من جانب اخر",
    "الي ذلك",
    "في سياق اخر",
    "في سياق منفصل",
    "علي صعيد اخر",
    "في شان اخر",
)
BREAK_SLOTS = 4  # positions kept per document (uint16 each; 0 pads)
MAX_POSITION = np.iinfo(np.uint16).max
# A shorter document ends at the page's break when the break lies between these shares
# of its words (a dateline or a closing line moves it a little).
ENDS_AT = (0.85, 1.2)


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[np.ndarray, ...]]:
    """Per connective, the accepted hashes of each of its words."""
    out = []
    for phrase in CONNECTIVES:
        first, *rest = phrase.split()
        hashes = [np.array([hash_text(first), hash_text("و" + first)], dtype=np.uint32)]
        hashes += [np.array([hash_text(w)], dtype=np.uint32) for w in rest]
        out.append(tuple(hashes))
    return out


def story_breaks(tokens: Words, n_docs: int) -> np.ndarray:
    """``n_docs x BREAK_SLOTS`` uint16: the word positions (1 or more) where a connective
    of :data:`CONNECTIVES` starts, first ones first; 0 where there are fewer."""
    out = np.zeros((n_docs, BREAK_SLOTS), dtype=np.uint16)
    hashes, doc = tokens.word_hashes, tokens.word_doc
    if hashes.size == 0:
        return out
    starts = np.concatenate(([0], np.cumsum(tokens.word_counts)[:-1]))
    found = []
    for words in _phrases():
        length = len(words)
        if hashes.size < length:
            continue
        span = hashes.size - length + 1
        hit = np.isin(hashes[:span], words[0])
        for k in range(1, length):
            hit &= np.isin(hashes[k : k + span], words[k]) & (doc[k : k + span] == doc[:span])
        found.append(np.flatnonzero(hit))
    at = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
    at_doc = doc[at]
    position = at - starts[at_doc]
    keep = position > 0
    at_doc, position = at_doc[keep], np.minimum(position[keep], MAX_POSITION)
    rank = np.arange(at_doc.size) - np.searchsorted(at_doc, at_doc, side="left")
    inside = rank < BREAK_SLOTS
    out[at_doc[inside], rank[inside]] = position[inside]
    return out


def page_of(breaks_b: np.ndarray, words_a: np.ndarray) -> np.ndarray:
    """Per pair, True when the longer document ``b`` breaks to another story where the
    shorter ``a`` ends (a break between ``ENDS_AT`` shares of ``a``'s words)."""
    low, high = ENDS_AT
    positions = breaks_b.astype(np.float64)
    words = words_a.astype(np.float64)[:, None]
    near = (positions > 0) & (positions >= low * words) & (positions <= high * words)
    return near.any(axis=1)
