"""Sign: the matching keys of one batch of documents, with no text kept.

Deduplication runs in three passes so that a corpus of any size can stream through it:

1. **sign** (this module), per batch, independently: fold the clean body, hash it
   (exact key), hash its canonical URL, count its words, compute its MinHash signature
   and LSH band keys, fold its headline, parse its date;
2. **link** (:mod:`corpuskit.dedup.link`), once, over the keys of every batch only:
   which documents copy which, and which copy of each cluster is kept;
3. **annotate** (:mod:`corpuskit.dedup.annotate`), per batch again: the decision
   columns and ``DUP…`` findings written onto the documents.

A keys frame has one row per document, in the batch's order, with the global row number
``row`` (the batch's first row plus the position in the batch) that the link pass
returns its decisions by.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import xxhash

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup.clusters import parse_dates
from corpuskit.dedup.keys import canonical_url, fold_series
from corpuskit.dedup.lsh import band_key, resolve_bands
from corpuskit.dedup.minhash import signatures_from_hashes
from corpuskit.dedup.words import words

ROW, ID, ACTIVE, WORDS, LENGTH, DATE = "row", "id", "active", "words", "length", "date"
EXACT_KEY, URL_KEY, TITLE, SIGNATURE = "exact_key", "url_key", "title", "signature"
TITLE_KEY = "title_key"
# Columns every keys frame has besides the signature and the band keys.
SCALAR_COLUMNS = (ROW, ID, ACTIVE, WORDS, LENGTH, DATE, EXACT_KEY, URL_KEY, TITLE, TITLE_KEY)

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


def title_band_column(band: int) -> str:
    """Name of the column holding band ``band`` of the headline's blocking keys."""
    return f"title_band_{band:02d}"


def _title_keys(folded_titles: pl.Series, active: np.ndarray) -> list[pl.Series]:
    """The exact headline key and the headline band keys (null where there is no
    headline or the document takes no part)."""
    n = folded_titles.len()
    titles = folded_titles.fill_null("").to_list()
    tokens = words(titles, 1)
    has_title = active & (tokens.word_counts > 0)
    columns = [_where(has_title, tokens.exact_keys, TITLE_KEY)]
    signatures = signatures_from_hashes(
        tokens.hashes, tokens.doc_index, n, num_perm=TITLE_BANDS * TITLE_ROWS, seed=TITLE_SEED
    )
    banded = has_title & (tokens.word_counts >= 2)
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
    tokens = words(body.to_list(), options.shingle_size)
    signatures = signatures_from_hashes(
        tokens.hashes, tokens.doc_index, n, num_perm=options.num_perm, seed=options.seed
    )
    active = body.is_not_null().to_numpy() & (tokens.word_counts > 0)
    if schema.DROP_REASON in frame.columns:
        active &= frame[schema.DROP_REASON].is_null().to_numpy()
    urls = frame[schema.URL].cast(pl.String) if schema.URL in frame.columns else None
    dates = frame[schema.DATE] if schema.DATE in frame.columns else pl.Series([None] * n)
    folded_title = fold_series(title, parts=1).alias(TITLE)
    columns = [
        pl.Series(ROW, np.arange(first_row, first_row + n, dtype=np.int64)),
        frame[schema.ID].cast(pl.String).alias(ID),
        pl.Series(ACTIVE, active, dtype=pl.Boolean),
        pl.Series(WORDS, tokens.word_counts, dtype=pl.Int64),
        body.str.len_chars().fill_null(0).cast(pl.Int64).alias(LENGTH),
        parse_dates(dates).alias(DATE),
        _where(tokens.exact_keys != 0, tokens.exact_keys, EXACT_KEY),
        pl.Series(
            URL_KEY,
            [url_hash(u) for u in urls.to_list()] if urls is not None else [None] * n,
            dtype=pl.UInt64,
        ),
        folded_title,
        pl.Series(SIGNATURE, signatures, dtype=pl.Array(pl.UInt32, options.num_perm)),
        *_title_keys(folded_title, active),
    ]
    banded = active & (tokens.word_counts >= options.min_words)
    bands, rows = resolve_bands(options.threshold, options.num_perm, options.bands, options.rows)
    everyone = np.arange(n)
    for band in range(bands):
        keys = band_key(signatures, everyone, band, rows)
        columns.append(_where(banded, keys, band_column(band)))
    return pl.DataFrame(columns)


def _where(valid: np.ndarray, values: np.ndarray, name: str) -> pl.Series:
    """``values`` as a Series named ``name``, null where ``valid`` is False."""
    series = pl.Series(name, values)
    return pl.select(pl.when(pl.Series(valid)).then(series)).to_series().alias(name)
