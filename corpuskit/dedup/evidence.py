"""Evidence about a pair of documents, from their keys only: what the pair decision reads.

Every measure is computed for candidate pairs in chunks, gathering the sketches of the
rows concerned (:meth:`~corpuskit.dedup.keytable.KeyTable.array`) and reading small
per-document columns whole. Pairs are oriented: ``a`` is the document with fewer
content words (the possible copy), ``b`` the longer one.

=====================  ====================================================================
``shingles``           estimated Jaccard similarity of the word 3-gram sets (as written)
``words``              estimated Jaccard similarity of the content-word sets (vocabulary)
``lead``               estimated Jaccard similarity of the leads' 3-grams (first 40 words)
``a_in_b``             share of ``a``'s content words found in ``b`` (containment, from
                       ``words`` and the two sizes: ``|A∩B| = J (|A|+|B|) / (1+J)``)
``b_in_a``             share of ``b``'s content words found in ``a``
``shingles_a_in_b``    the same for 3-grams
``size_ratio``         ``a``'s content words over ``b``'s
``title``              Jaccard similarity of the headlines' content words
``figures_differ``     both headlines carry numbers or ordinals, and they differ
``same_source``        same outlet (``sources_known``: both outlets are known)
``hours``              hours between the two dates (``MISSING_HOURS`` when one is missing)
``b_newer``            ``b`` (the longer) is dated later than ``a`` (1), earlier (-1), same
                       or unknown (0)
``a_new_numbers``      numbers of ``a``'s body that ``b`` does not have (at most 5): a new
                       toll, another date, the next flight's number
``b_new_numbers``      the same the other way; both at once is rare between copies
``shared_numbers``     numbers both bodies carry (their sketches of ``NUMBER_SLOTS``
                       numbers each): rewrites of one release keep its figures (151
                       properties, 375.5 million riyals) when their words part ways
``rare_words``         ``words`` counted only on minima that few documents of the
                       candidates share: the vocabulary of a template (the King's cable,
                       a weather bulletin, a shared footer) weighs nothing; what is left
                       is what differs between two items of one template
``rare_shared``        how many word minima the two share that are not template words
                       (not a model input; the template veto reads it)
``template``           share of word minima that are template words (generic vocabulary);
                       unknown (NaN) in a corpus of fewer than ``MIN_TEMPLATE_DOCS``
                       documents: a small batch cannot tell which words are common, and
                       the verifier then reads the typical value
=====================  ====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from corpuskit.dedup.candidates import day_numbers
from corpuskit.dedup.hashset import member
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.minhash import EMPTY
from corpuskit.dedup.sign import (
    CONTENT_WORDS,
    LEAD_SIGNATURE,
    NUMBERS,
    SIGNATURE,
    SOURCE_KEY,
    TITLE_FIGURES,
    TITLE_WORDS,
    WORD_SIGNATURE,
    WORDS,
)

FEATURES = (
    "shingles",
    "words",
    "lead",
    "a_in_b",
    "b_in_a",
    "shingles_a_in_b",
    "size_ratio",
    "title",
    "figures_differ",
    "same_source",
    "hours",
    "b_newer",
    "a_new_numbers",
    "b_new_numbers",
    "shared_numbers",
    "rare_words",
    "template",
)
MAX_NEW_NUMBERS = 5
MISSING_HOURS = 1e4
CHUNK = 50_000  # pairs whose sketches are gathered at once
# A word minimum held by more than this many candidate documents, and by more than this
# share of them, is a template word (the share matters in large corpora: a million
# documents hold an ordinary name of the news in far more than 20 of them).
TEMPLATE_DF, TEMPLATE_DF_SHARE = 20, 4e-4
# A corpus of fewer documents than this cannot tell template words from the others.
MIN_TEMPLATE_DOCS = 100


@dataclass
class DocumentColumns:
    """The small per-document columns the evidence reads, whole."""

    words: np.ndarray
    content: np.ndarray
    days: np.ndarray
    source: np.ndarray
    figures: np.ndarray

    @classmethod
    def of(cls, keys: KeyTable) -> DocumentColumns:
        return cls(  # 20 bytes per document
            keys.column(WORDS).to_numpy().astype(np.float32),
            keys.column(CONTENT_WORDS).to_numpy().astype(np.float32),
            day_numbers(keys).astype(np.float32),
            keys.column(SOURCE_KEY).to_numpy(),
            keys.column(TITLE_FIGURES).to_numpy(),
        )


def dense_codes(values: np.ndarray) -> np.ndarray:
    """Key values (64-bit hashes, 0 for none) as numbers of four bytes with the same
    equalities and the same order, 0 staying 0: the matcher only compares its body and
    URL keys, and at ten million documents each 64-bit key column held for the whole
    link pass is 80 MB."""
    distinct = np.unique(np.append(values, values.dtype.type(0)))
    codes = np.searchsorted(distinct, values)
    codes -= np.searchsorted(distinct, values.dtype.type(0))
    return codes.astype(np.int32 if distinct.size < 2**31 else np.int64)


def orient(pairs: np.ndarray, docs: DocumentColumns) -> np.ndarray:
    """Pairs as ``(a, b)`` with ``a`` the document with fewer content words (then the
    smaller row)."""
    if pairs.size == 0:
        return pairs.reshape(0, 2)
    a, b = pairs[:, 0], pairs[:, 1]
    swap = (docs.content[a] > docs.content[b]) | ((docs.content[a] == docs.content[b]) & (a > b))
    return np.where(swap[:, None], pairs[:, ::-1], pairs)


def containment(jaccard: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Share of set A found in set B, from their Jaccard similarity and sizes."""
    shared = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return np.clip(shared / np.maximum(size_a, 1.0), 0.0, 1.0)


def shared_elements(sketch_a: np.ndarray, sketch_b: np.ndarray) -> np.ndarray:
    """Per row, how many elements the two sketches (rows of distinct hashes, EMPTY-padded)
    both hold."""
    valid_a = sketch_a != EMPTY
    return ((sketch_a[:, :, None] == sketch_b[:, None, :]) & valid_a[:, :, None]).sum(axis=(1, 2))


def title_similarity(sketch_a: np.ndarray, sketch_b: np.ndarray) -> np.ndarray:
    """Jaccard similarity of headline word sketches (rows of sorted hashes, EMPTY-padded)."""
    shared = shared_elements(sketch_a, sketch_b)
    union = (sketch_a != EMPTY).sum(axis=1) + (sketch_b != EMPTY).sum(axis=1) - shared
    return np.where(union > 0, shared / np.maximum(union, 1), 0.0)


def new_elements(sketch_a: np.ndarray, sketch_b: np.ndarray) -> np.ndarray:
    """Per row, elements of bottom-k sketch A that set B lacks, as far as B's sketch can
    tell (a full sketch of B only covers values up to its largest)."""
    valid_a = sketch_a != EMPTY
    in_b = (sketch_a[:, :, None] == sketch_b[:, None, :]).any(axis=2)
    b_full = sketch_b[:, -1] != EMPTY
    comparable = valid_a & (~b_full[:, None] | (sketch_a <= sketch_b[:, -1:]))
    return (comparable & ~in_b).sum(axis=1)


class TemplateWords:
    """Which word minima are held by many candidate documents (template vocabulary).

    The bag-of-words signature's minimum in each slot is one content word of the
    document; a (slot, value) held by more than ``TEMPLATE_DF`` of the documents taking
    part in candidate pairs, and by more than ``TEMPLATE_DF_SHARE`` of them, is a word
    of a template (the King's cable, a weather bulletin), of outlet furniture or of a
    shared footer. A share and not only a count: how many documents hold a word grows
    with the corpus, so a fixed count would call the ordinary vocabulary of the news a
    template in a corpus of millions, and copies would lose their rare words. Counted over those documents,
    one chunk of rows at a time (a (slot, value) seen once in a chunk is not carried
    over, which bounds memory on large corpora).
    """

    def __init__(self, keys: KeyTable, rows: np.ndarray, corpus_docs: int) -> None:
        counts: list[pl.DataFrame] = []
        for lo in range(0, rows.size, 4 * CHUNK):
            sig = keys.array(WORD_SIGNATURE, rows[lo : lo + 4 * CHUNK])
            counts.append(_slot_value_counts(sig))
        table = (
            pl.concat(counts).group_by("key").agg(pl.col("n").sum())
            if counts
            else pl.DataFrame(schema={"key": pl.UInt64, "n": pl.UInt32})
        )
        self.min_count = max(TEMPLATE_DF, TEMPLATE_DF_SHARE * rows.size)
        frequent = table.filter(pl.col("n") > self.min_count)["key"].to_numpy()
        self.frequent = np.sort(frequent.astype(np.uint64))
        self.informative = corpus_docs >= MIN_TEMPLATE_DOCS
        # The mask of every candidate row, packed in one uint64 (64 slots), computed once.
        self._rows = rows
        self._bits = np.concatenate(
            [
                _pack(self.mask(keys.array(WORD_SIGNATURE, rows[lo : lo + 4 * CHUNK])))
                for lo in range(0, rows.size, 4 * CHUNK)
            ]
            or [np.empty(0, dtype=np.uint64)]
        )

    def mask(self, signatures: np.ndarray) -> np.ndarray:
        """True where a slot's minimum is a template word."""
        return member(_slot_keys(signatures), self.frequent)

    def row_mask(self, rows: np.ndarray, signatures: np.ndarray) -> np.ndarray:
        """:meth:`mask` of ``rows`` (whose word signatures are ``signatures``), read from
        the packed masks of the candidate rows where it can."""
        at = np.minimum(np.searchsorted(self._rows, rows), max(self._rows.size - 1, 0))
        known = (self._rows[at] == rows) if self._rows.size else np.zeros(rows.size, bool)
        out = np.empty(signatures.shape, dtype=bool)
        out[known] = _unpack(self._bits[at[known]], signatures.shape[1])
        if (~known).any():
            out[~known] = self.mask(signatures[~known])
        return out


def _pack(mask: np.ndarray) -> np.ndarray:
    """Boolean rows of at most 64 columns as one uint64 each."""
    weights = np.uint64(1) << np.arange(mask.shape[1], dtype=np.uint64)
    return (mask.astype(np.uint64) * weights[None, :]).sum(axis=1, dtype=np.uint64)


def _unpack(bits: np.ndarray, width: int) -> np.ndarray:
    weights = np.uint64(1) << np.arange(width, dtype=np.uint64)
    return (bits[:, None] & weights[None, :]) != 0


def _slot_keys(signatures: np.ndarray) -> np.ndarray:
    slots = np.arange(signatures.shape[1], dtype=np.uint64)[None, :] << np.uint64(32)
    return slots | signatures.astype(np.uint64)


def _slot_value_counts(signatures: np.ndarray) -> pl.DataFrame:
    """Counts of each (slot, value) in a block, keeping only those seen twice or more."""
    keys = _slot_keys(signatures).ravel()
    keys = keys[(keys & np.uint64(0xFFFFFFFF)) != np.uint64(EMPTY)]
    return (
        pl.DataFrame({"key": keys})
        .group_by("key")
        .agg(pl.len().cast(pl.UInt32).alias("n"))
        .filter(pl.col("n") > 1)
    )


def pair_evidence(
    keys: KeyTable,
    pairs: np.ndarray,
    docs: DocumentColumns,
    template: TemplateWords,
) -> pl.DataFrame:
    """The evidence (see the module docs) of oriented ``pairs``, one row each, with the
    rows ``a`` and ``b``."""
    parts = [
        _chunk_evidence(keys, pairs[lo : lo + CHUNK], docs, template)
        for lo in range(0, pairs.shape[0], CHUNK)
    ]
    if not parts:
        return pl.DataFrame(
            schema={"a": pl.Int64, "b": pl.Int64, **{f: pl.Float64 for f in FEATURES}}
        )
    return pl.concat(parts)


def _agreement(keys: KeyTable, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sig_a, sig_b = keys.array(name, a), keys.array(name, b)
    return ((sig_a == sig_b) & (sig_a != EMPTY)).mean(axis=1)


def _chunk_evidence(
    keys: KeyTable,
    pairs: np.ndarray,
    docs: DocumentColumns,
    template: TemplateWords,
) -> pl.DataFrame:
    a, b = pairs[:, 0], pairs[:, 1]
    shingles = _agreement(keys, SIGNATURE, a, b)
    lead = _agreement(keys, LEAD_SIGNATURE, a, b)
    words_a, words_b = keys.array(WORD_SIGNATURE, a), keys.array(WORD_SIGNATURE, b)
    equal = (words_a == words_b) & (words_a != EMPTY)
    words = equal.mean(axis=1)
    frequent = template.row_mask(a, words_a) | template.row_mask(b, words_b)
    rare_slots = (~frequent).sum(axis=1)
    rare_words = np.where(
        rare_slots > 0, (equal & ~frequent).sum(axis=1) / np.maximum(rare_slots, 1), 0.0
    )
    content_a, content_b = docs.content[a].astype(np.float64), docs.content[b].astype(np.float64)
    grams_a = np.maximum(docs.words[a].astype(np.float64) - 2, 1.0)
    grams_b = np.maximum(docs.words[b].astype(np.float64) - 2, 1.0)
    title = title_similarity(keys.array(TITLE_WORDS, a), keys.array(TITLE_WORDS, b))
    numbers_a, numbers_b = keys.array(NUMBERS, a), keys.array(NUMBERS, b)
    fig_a, fig_b = docs.figures[a], docs.figures[b]
    days_a, days_b = docs.days[a].astype(np.float64), docs.days[b].astype(np.float64)
    gap = np.abs(days_a - days_b) * 24.0
    return pl.DataFrame(
        {
            "a": a,
            "b": b,
            "shingles": shingles,
            "words": words,
            "lead": lead,
            "a_in_b": containment(words, content_a, content_b),
            "b_in_a": containment(words, content_b, content_a),
            "shingles_a_in_b": containment(shingles, grams_a, grams_b),
            "size_ratio": content_a / np.maximum(content_b, 1.0),
            "title": title,
            "figures_differ": ((fig_a != 0) & (fig_b != 0) & (fig_a != fig_b)).astype(np.float64),
            "same_source": ((docs.source[a] == docs.source[b]) & (docs.source[a] != 0)).astype(
                np.float64
            ),
            "sources_known": ((docs.source[a] != 0) & (docs.source[b] != 0)).astype(np.float64),
            "hours": np.where(np.isnan(gap), MISSING_HOURS, gap),
            "b_newer": np.nan_to_num(np.sign(days_b - days_a)),
            "a_new_numbers": np.minimum(new_elements(numbers_a, numbers_b), MAX_NEW_NUMBERS).astype(
                np.float64
            ),
            "b_new_numbers": np.minimum(new_elements(numbers_b, numbers_a), MAX_NEW_NUMBERS).astype(
                np.float64
            ),
            "shared_numbers": shared_elements(numbers_a, numbers_b).astype(np.float64),
            "rare_words": rare_words,
            "rare_shared": (equal & ~frequent).sum(axis=1).astype(np.float64),
            "template": frequent.mean(axis=1) if template.informative else np.nan,
        }
    )
