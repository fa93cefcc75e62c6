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
import polars as pl

from corpuskit.dedup.hashset import member
from corpuskit.dedup.stopwords import function_word_hashes
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
# Contrast connectives («in return») more often turn to the other side of the same story
# (the losing team after the winner, imports after exports) than to another story: they
# break only when nearly every following word is new (``NEW_SUBJECT_AFTER_CONTRAST``).
CONTRASTS = ("في المقابل",)
BREAK_SLOTS = 4  # positions kept per document (uint16 each; 0 pads)
MAX_POSITION = np.iinfo(np.uint16).max
# A shorter document ends at the page's break when the break lies between these shares
# of its words (a dateline or a closing line moves it a little).
ENDS_AT = (0.85, 1.2)
# A connective breaks to another story when this share of the content words of the next
# NEXT_WORDS words are new to the document. The connectives of CONNECTIVES announce
# another subject by themselves: the next item of a page often names the same minister,
# the King or the same festival again (five page flags that a test at 0.5 would drop,
# read on days off the test split, were all right), so they need none.
NEXT_WORDS, NEW_SUBJECT, NEW_SUBJECT_AFTER_CONTRAST = 30, 0.0, 0.85


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[tuple[np.ndarray, ...], float]]:
    """Per connective, the accepted hashes of each of its words, and the share of new
    words that must follow it."""
    out = []
    for phrase, needed in [(p, NEW_SUBJECT) for p in CONNECTIVES] + [
        (p, NEW_SUBJECT_AFTER_CONTRAST) for p in CONTRASTS
    ]:
        first, *rest = phrase.split()
        hashes = [np.array([hash_text(first), hash_text("و" + first)], dtype=np.uint32)]
        hashes += [np.array([hash_text(w)], dtype=np.uint32) for w in rest]
        out.append((tuple(hashes), needed))
    return out


@lru_cache(maxsize=1)
def _openers() -> np.ndarray:
    """The accepted hashes of the first word of every connective."""
    return np.unique(np.concatenate([words[0] for words, _ in _phrases()]))


def _connective_starts(tokens: Words) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Global word index where each connective of :data:`CONNECTIVES` or
    :data:`CONTRASTS` starts, its length in words, and the share of new words it needs
    (sorted by index)."""
    hashes, doc = tokens.word_hashes, tokens.word_doc
    # Connectives are rare: find the words that can open one in a single pass, then
    # test each phrase at those places only.
    candidates = np.flatnonzero(member(hashes, _openers()))
    found, lengths, needs = [], [], []
    for words, needed in _phrases():
        length = len(words)
        if hashes.size < length:
            continue
        at = candidates[candidates <= hashes.size - length]
        at = at[np.isin(hashes[at], words[0])]
        for k in range(1, length):
            at = at[np.isin(hashes[at + k], words[k]) & (doc[at + k] == doc[at])]
        found.append(at)
        lengths.append(np.full(at.size, length, dtype=np.int64))
        needs.append(np.full(at.size, needed))
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    at, length, need = np.concatenate(found), np.concatenate(lengths), np.concatenate(needs)
    at, first = np.unique(at, return_index=True)
    return at, length[first], need[first]


def new_subject(tokens: Words, at: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Per connective starting at global word ``at`` (``length`` words), the share of the
    content words among the next ``NEXT_WORDS`` words (same document) that the document
    has not used up to the connective's end: near 1 when the text moves on to another story
    (new names, places, subjects), low when it goes on with the same one («في المقابل»
    turning from exports to imports repeats the report's words). NaN when no content
    word follows."""
    hashes, doc = tokens.word_hashes, tokens.word_doc
    out = np.full(at.size, np.nan)
    if at.size == 0:
        return out
    # Only the documents holding a connective: the first place each of their words occurs.
    holds = np.zeros(int(doc[-1]) + 1, dtype=bool)
    holds[doc[at]] = True
    rows = np.flatnonzero(holds[doc])
    key = (doc[rows].astype(np.uint64) << np.uint64(32)) | hashes[rows].astype(np.uint64)
    first_seen = np.full(hashes.size, -1, dtype=np.int64)
    first_seen[rows] = (
        pl.DataFrame({"key": key, "row": rows})
        .select(pl.col("row").min().over("key"))["row"]
        .to_numpy()
    )
    stop = function_word_hashes()
    window = (at + length)[:, None] + np.arange(NEXT_WORDS)[None, :]
    inside = window < hashes.size
    window = np.minimum(window, hashes.size - 1)
    words = hashes[window]
    function_word = stop[np.minimum(np.searchsorted(stop, words), stop.size - 1)] == words
    inside &= (doc[window] == doc[at][:, None]) & ~function_word & ~tokens.numeric[window]
    seen = inside & (first_seen[window] < (at + length)[:, None])
    counted = inside.sum(axis=1)
    np.divide(counted - seen.sum(axis=1), counted, out=out, where=counted > 0)
    return out


def story_breaks(tokens: Words, n_docs: int) -> np.ndarray:
    """``n_docs x BREAK_SLOTS`` uint16: the word positions (1 or more) where a connective
    of :data:`CONNECTIVES` or :data:`CONTRASTS` starts and the text moves on to another
    subject (:func:`new_subject` at least ``NEW_SUBJECT``, or
    ``NEW_SUBJECT_AFTER_CONTRAST`` after a contrast), first ones first; 0 where there
    are fewer."""
    out = np.zeros((n_docs, BREAK_SLOTS), dtype=np.uint16)
    if tokens.word_hashes.size == 0:
        return out
    doc = tokens.word_doc
    starts = np.concatenate(([0], np.cumsum(tokens.word_counts)[:-1]))
    at, length, need = _connective_starts(tokens)
    position = at - starts[doc[at]]
    keep = position > 0
    at, length, need, position = at[keep], length[keep], need[keep], position[keep]
    tested = need > 0
    novelty = np.full(at.size, np.nan)
    novelty[tested] = new_subject(tokens, at[tested], length[tested])
    keep = ~(novelty < need)  # no content word after it: nothing says otherwise
    at_doc, position = doc[at[keep]], np.minimum(position[keep], MAX_POSITION)
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
