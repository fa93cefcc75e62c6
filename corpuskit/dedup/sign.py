"""Sign: the matching keys of one batch of documents, with no text kept.

Deduplication runs in three passes so that a corpus of any size can stream through it:

1. **sign** (this module), per batch, independently: fold the clean body, hash it
   (exact key), hash its canonical URL, count its words, compute its MinHash signatures
   and LSH band keys, hash its headline's words and figures, its outlet, parse its date;
2. **link** (:mod:`corpuskit.dedup.link`), once, over the keys of every batch only:
   which documents copy which, and which copy of each cluster is kept;
3. **annotate** (:mod:`corpuskit.dedup.annotate`), per batch again: the decision
   columns and ``DUP…`` findings written onto the documents.

A keys frame has one row per document, in the batch's order, with the global row number
``row`` (the batch's first row plus the position in the batch) that the link pass
returns its decisions by. Every column is fixed-width (numbers and fixed-size arrays, no
strings, except the folded headline, which is read for candidate rows only), so the link
pass can read whole columns of millions of documents:

========================  ===============================================================
``exact_key``             hash of the whole folded body (exact copies)
``url_key``               hash of the canonical URL
``words``, ``length``     folded words and characters of the body
``content_words``         words outside :mod:`~corpuskit.dedup.stopwords` (bag-of-words size)
``date``                  parsed date (UTC)
``source_key``            hash of the outlet (``source``), 0 when unknown
``signature``             MinHash (``num_perm``) of the word 3-grams: the text as written
``word_signature``        MinHash (64) of the content words: the text's vocabulary, which a
                          rewrite of one release keeps while it reorders the sentences
``lead_signature``        MinHash (16) of the 3-grams of the first 40 words: the lead, which
                          a trimmed copy keeps and an update replaces
``title_words``           the 12 smallest hashes of the headline's content words
                          (a bottom-k sketch: the whole set for most headlines)
``title``, ``title_key``  the folded headline (gathered for candidate rows only) and its hash
``title_band_NN``         LSH band keys of the headline's word set (headline matches)
``title_figures``         hash of the numbers and ordinals of the headline, 0 when none
``numbers``               the 16 smallest hashes of the numbers in the body (tolls, dates,
                          figures: what an update or another item of a template changes)
``breaks``                word positions where the body moves on to another story (a
                          connective such as «من جهة أخرى»; :mod:`corpuskit.dedup.breaks`),
                          0 where there are fewer than 4
``band_NNN``              LSH band keys of ``signature`` (near copies)
``wband_NNN``             LSH band keys of ``word_signature`` (rewrites; grouped within a
                          time window by the link pass)
========================  ===============================================================
"""

from __future__ import annotations

import numpy as np
import polars as pl
import xxhash

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup.breaks import BREAK_SLOTS, story_breaks
from corpuskit.dedup.dates import parse_dates, unread_dates
from corpuskit.dedup.figures import figures
from corpuskit.dedup.hashset import member
from corpuskit.dedup.keys import canonical_url, fold_series, outlets_of_urls
from corpuskit.dedup.lsh import band_key, resolve_bands
from corpuskit.dedup.minhash import EMPTY, signatures_from_hashes
from corpuskit.dedup.stopwords import function_word_hashes
from corpuskit.dedup.words import Words, words
from corpuskit.io.oversized import has_too_large

ROW, ID, ACTIVE, WORDS, LENGTH, DATE = "row", "id", "active", "words", "length", "date"
EXACT_KEY, URL_KEY, TITLE, SIGNATURE = "exact_key", "url_key", "title", "signature"
TITLE_KEY = "title_key"
CONTENT_WORDS, SOURCE_KEY, TITLE_FIGURES = "content_words", "source_key", "title_figures"
WORD_SIGNATURE, LEAD_SIGNATURE, TITLE_WORDS = "word_signature", "lead_signature", "title_words"
NUMBERS, BREAKS = "numbers", "breaks"
DATE_UNREAD = "date_unread"  # a date given in a form not read (the run says how many)
# Columns every keys frame has besides the signatures, the sketches and the band keys.
SCALAR_COLUMNS = (
    ROW,
    ID,
    ACTIVE,
    WORDS,
    LENGTH,
    CONTENT_WORDS,
    DATE,
    EXACT_KEY,
    URL_KEY,
    SOURCE_KEY,
    TITLE,
    TITLE_KEY,
    TITLE_FIGURES,
)
WORD_PERM = 64  # permutations of the bag-of-words signature
LEAD_PERM = 16  # permutations of the lead signature
LEAD_WORDS = 40  # words of the lead
TITLE_SLOTS = 12  # headline words kept (the smallest hashes)
NUMBER_SLOTS = 16  # numbers of the body kept (the smallest hashes)

# Headline blocking: a MinHash of the folded headline's word set, in TITLE_BANDS bands of
# TITLE_ROWS values. Two headlines that rapidfuzz scores 90 or more share nearly all their
# words (word-set Jaccard about 0.7 or more), so they agree on a band with probability
# 1 - (1 - 0.7**2)**8 = 0.995; the link pass compares only headlines that agree on a band
# or are equal, and never holds every headline at once.
TITLE_BANDS, TITLE_ROWS = 8, 2
TITLE_SEED = 7


def band_column(band: int) -> str:
    """Name of the column holding band ``band``'s LSH key ("band_007")."""
    return f"band_{band:03d}"


def word_band_column(band: int) -> str:
    """Name of the column holding band ``band``'s key of the bag-of-words signature."""
    return f"wband_{band:03d}"


def title_band_column(band: int) -> str:
    """Name of the column holding band ``band`` of the headline's blocking keys."""
    return f"title_band_{band:02d}"


def _title_keys(title_tokens: Words, active: np.ndarray) -> list[pl.Series]:
    """The exact headline key and the headline band keys (null where there is no
    headline or the document takes no part)."""
    n = title_tokens.word_counts.size
    has_title = active & (title_tokens.word_counts > 0)
    columns = [_where(has_title, title_tokens.exact_keys, TITLE_KEY)]
    signatures = signatures_from_hashes(
        title_tokens.hashes,
        title_tokens.doc_index,
        n,
        num_perm=TITLE_BANDS * TITLE_ROWS,
        seed=TITLE_SEED,
    )
    banded = has_title & (title_tokens.word_counts >= 2)
    everyone = np.arange(n)
    for band in range(TITLE_BANDS):
        keys = band_key(signatures, everyone, band, TITLE_ROWS)
        columns.append(_where(banded, keys, title_band_column(band)))
    return columns


def body_and_title(frame: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """The text dedup compares: the clean body and headline when validation ran, else the
    original ones (nulls where the frame has neither)."""
    return (
        _first_present(frame, (schema.TEXT_CLEAN, schema.TEXT)),
        _first_present(frame, (schema.TITLE_CLEAN, schema.TITLE)),
    )


def _first_present(frame: pl.DataFrame, names: tuple[str, ...]) -> pl.Series:
    for name in names:
        if name in frame.columns:
            return frame[name].cast(pl.String)
    return pl.Series(names[-1], [None] * frame.height, dtype=pl.String)


def url_hash(url: str | None) -> int | None:
    """A stable 64-bit key of the canonical form of ``url`` (None for no URL)."""
    canonical = canonical_url(url)
    return None if canonical is None else xxhash.xxh3_64_intdigest(canonical.encode("utf-8"))


def _text_key(text: str | None) -> int:
    """A stable non-zero 32-bit key of a short text (0 for none)."""
    if not text:
        return 0
    return xxhash.xxh32_intdigest(text.encode("utf-8")) or 1


def source_keys(sources: pl.Series) -> np.ndarray:
    """One 32-bit key per document's outlet (0 when it has none)."""
    distinct = sources.unique().to_list()
    table = {s: _text_key(s) for s in distinct}
    return np.array([table[s] for s in sources.to_list()], dtype=np.uint32)


def title_figure_keys(folded_titles: list[str]) -> np.ndarray:
    """Per headline, a key of its numbers and ordinals (0 when it has none): two headlines
    of one template whose figures differ (the 5th and the 6th relief flight) are
    different events."""
    return np.array(
        [_text_key(" ".join(sorted(figures(t)))) for t in folded_titles], dtype=np.uint32
    )


def content_mask(word_hashes: np.ndarray) -> np.ndarray:
    """True for the words that are not function words (see :mod:`.stopwords`)."""
    return ~member(word_hashes, function_word_hashes())


def bottom_k(hashes: np.ndarray, doc_index: np.ndarray, n_docs: int, k: int) -> np.ndarray:
    """Per document the ``k`` smallest distinct ``hashes`` (``n_docs x k`` uint32, ascending,
    padded with ``EMPTY``): a bottom-k sketch, the whole set when it has at most ``k``."""
    out = np.full((n_docs, k), EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return out
    order = np.lexsort((hashes, doc_index))
    h, d = hashes[order], doc_index[order]
    new = np.concatenate(([True], (h[1:] != h[:-1]) | (d[1:] != d[:-1])))
    h, d = h[new], d[new]
    first = np.searchsorted(d, d, side="left")
    rank = np.arange(d.size) - first
    keep = rank < k
    out[d[keep], rank[keep]] = h[keep]
    return out


def title_word_sketch(title_tokens: Words, n: int) -> np.ndarray:
    """The ``TITLE_SLOTS`` smallest hashes of each headline's content words."""
    content = content_mask(title_tokens.word_hashes)
    return bottom_k(
        title_tokens.word_hashes[content], title_tokens.word_doc[content], n, TITLE_SLOTS
    )


def _lead(tokens: Words, shingle_size: int) -> np.ndarray:
    """Which shingles lie in the first ``LEAD_WORDS`` words of their document."""
    return tokens.positions <= max(LEAD_WORDS - shingle_size, 0)


def sign_batch(frame: pl.DataFrame, options: DedupOptions, *, first_row: int = 0) -> pl.DataFrame:
    """The keys frame of ``frame`` (see the module docs); ``first_row`` numbers its rows.

    A document takes part in matching (``active``) when it has a body with at least one
    folded word and no validation rule dropped it. Band keys are null for documents
    that are not active or have fewer than ``options.min_words`` words: those are
    matched only exactly.
    """
    schema.require_columns(frame, (schema.ID,), "dedup")
    n = frame.height
    body, title = body_and_title(frame)
    aside = has_too_large(frame)
    if aside is not None:  # rejected whole at input: matched by nothing, not read
        body = pl.select(pl.when(~aside).then(body)).to_series()
    k = options.shingle_size
    tokens = words(body.to_list(), k)
    signatures = signatures_from_hashes(
        tokens.hashes, tokens.doc_index, n, num_perm=options.num_perm, seed=options.seed
    )
    lead = _lead(tokens, k)
    lead_signatures = signatures_from_hashes(
        tokens.hashes[lead], tokens.doc_index[lead], n, num_perm=LEAD_PERM, seed=options.seed
    )
    content = content_mask(tokens.word_hashes)
    word_signatures = signatures_from_hashes(
        tokens.word_hashes[content],
        tokens.word_doc[content],
        n,
        num_perm=WORD_PERM,
        seed=options.seed,
    )
    content_words = np.bincount(tokens.word_doc[content], minlength=n)
    active = body.is_not_null().to_numpy() & (tokens.word_counts > 0)
    if schema.DROP_REASON in frame.columns:
        active &= frame[schema.DROP_REASON].is_null().to_numpy()
    urls = frame[schema.URL].cast(pl.String) if schema.URL in frame.columns else None
    dates = frame[schema.DATE] if schema.DATE in frame.columns else pl.Series([None] * n)
    sources = (
        frame[schema.SOURCE].cast(pl.String)
        if schema.SOURCE in frame.columns
        else pl.Series([None] * n, dtype=pl.String)
    )
    if urls is not None and sources.null_count():  # the outlet a URL names
        sources = sources.fill_null(outlets_of_urls(urls))
    parsed_dates = parse_dates(dates).alias(DATE)
    folded_title = fold_series(title, parts=1).alias(TITLE)
    title_tokens = words(folded_title.fill_null("").to_list(), 1)
    columns = [
        pl.Series(ROW, np.arange(first_row, first_row + n, dtype=np.int64)),
        frame[schema.ID].cast(pl.String).alias(ID),
        pl.Series(ACTIVE, active, dtype=pl.Boolean),
        pl.Series(WORDS, tokens.word_counts, dtype=pl.Int64),
        body.str.len_chars().fill_null(0).cast(pl.Int64).alias(LENGTH),
        pl.Series(CONTENT_WORDS, content_words, dtype=pl.Int32),
        parsed_dates,
        unread_dates(dates, parsed_dates).alias(DATE_UNREAD),
        _where(tokens.exact_keys != 0, tokens.exact_keys, EXACT_KEY),
        pl.Series(
            URL_KEY,
            [url_hash(u) for u in urls.to_list()] if urls is not None else [None] * n,
            dtype=pl.UInt64,
        ),
        pl.Series(SOURCE_KEY, source_keys(sources), dtype=pl.UInt32),
        folded_title,
        *_title_keys(title_tokens, active),
        pl.Series(TITLE_FIGURES, title_figure_keys(folded_title.to_list()), dtype=pl.UInt32),
        pl.Series(SIGNATURE, signatures, dtype=pl.Array(pl.UInt32, options.num_perm)),
        pl.Series(WORD_SIGNATURE, word_signatures, dtype=pl.Array(pl.UInt32, WORD_PERM)),
        pl.Series(LEAD_SIGNATURE, lead_signatures, dtype=pl.Array(pl.UInt32, LEAD_PERM)),
        pl.Series(
            TITLE_WORDS,
            title_word_sketch(title_tokens, n),
            dtype=pl.Array(pl.UInt32, TITLE_SLOTS),
        ),
        pl.Series(
            NUMBERS,
            bottom_k(
                tokens.word_hashes[tokens.numeric],
                tokens.word_doc[tokens.numeric],
                n,
                NUMBER_SLOTS,
            ),
            dtype=pl.Array(pl.UInt32, NUMBER_SLOTS),
        ),
        pl.Series(BREAKS, story_breaks(tokens, n), dtype=pl.Array(pl.UInt16, BREAK_SLOTS)),
    ]
    banded = active & (tokens.word_counts >= options.min_words)
    bands, rows = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
    everyone = np.arange(n)
    for band in range(bands):
        keys = band_key(signatures, everyone, band, rows)
        columns.append(_where(banded, keys, band_column(band)))
    # The bag-of-words bands are grouped within a time window: undated documents need none.
    dated = banded & parsed_dates.is_not_null().to_numpy()
    word_bands, word_rows = word_band_shape(options)
    for band in range(word_bands):
        keys = band_key(word_signatures, everyone, band, word_rows, salt=1)
        columns.append(_where(dated, keys, word_band_column(band)))
    return pl.DataFrame(columns)


def word_band_shape(options: DedupOptions) -> tuple[int, int]:
    """``(bands, rows)`` of the bag-of-words LSH for ``options.rewrite_candidates``."""
    return resolve_bands(options.rewrite_candidates, WORD_PERM)


def _where(valid: np.ndarray, values: np.ndarray, name: str) -> pl.Series:
    """``values`` as a Series named ``name``, null where ``valid`` is False (set in place,
    not through a query: a batch makes dozens of these key columns)."""
    return pl.Series(name, values).set(pl.Series(~np.asarray(valid, dtype=bool)), None)
