"""What an index stores of a document: its keys and signature, never its text.

:func:`document_table` signs a canonical frame (the cleaned body when there is one) into
one row per document: ``id, title, url_key, exact_key, words, signature``;
:func:`band_table` gives the LSH band keys of the documents long enough for near
matching, as ``(band, key, row)`` with ``row`` numbered across the whole index.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from corpuskit import schema
from corpuskit.dedup.index.manifest import IndexParameters
from corpuskit.dedup.keys import canonical_urls
from corpuskit.dedup.lsh import band_keys
from corpuskit.dedup.parallel import sign_texts


def indexable(frame: pl.DataFrame) -> pl.DataFrame:
    """The documents an index takes: all but those a validation rule dropped."""
    schema.require_columns(frame, (schema.ID,), "index")
    if schema.DROP_REASON in frame.columns:
        frame = frame.filter(pl.col(schema.DROP_REASON).is_null())
    return frame


def document_table(frame: pl.DataFrame, params: IndexParameters) -> tuple[pl.DataFrame, np.ndarray]:
    """Keys and signatures of ``frame``'s documents (no text), and the signature matrix."""
    schema.require_columns(frame, (schema.ID,), "index")
    body_col = schema.TEXT_CLEAN if schema.TEXT_CLEAN in frame.columns else schema.TEXT
    title_col = schema.TITLE_CLEAN if schema.TITLE_CLEAN in frame.columns else schema.TITLE
    schema.require_columns(frame, (body_col,), "index")
    signed = sign_texts(
        frame[body_col].cast(pl.String).to_list(),
        num_perm=params.num_perm,
        seed=params.seed,
        shingle_size=params.shingle_size,
        workers=0,
    )
    exact = pl.Series(signed.exact_keys, dtype=pl.UInt64)
    urls = frame[schema.URL] if schema.URL in frame.columns else pl.Series([None] * frame.height)
    titles = (
        frame[title_col].cast(pl.String)
        if title_col in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.String)
    )
    table = pl.DataFrame(
        {
            "id": frame[schema.ID].cast(pl.String),
            "title": titles,
            "url_key": canonical_urls(urls.cast(pl.String)),
            "exact_key": pl.select(pl.when(exact != 0).then(exact)).to_series(),
            "words": signed.word_counts.astype(np.int32),
            "signature": pl.Series(signed.signatures, dtype=pl.Array(pl.UInt32, params.num_perm)),
        }
    )
    return table, signed.signatures


def band_table(
    signatures: np.ndarray, words: np.ndarray, params: IndexParameters, row_offset: int
) -> pl.DataFrame:
    """``(band, key, row)`` for every band of every document of at least ``min_words``."""
    rows = np.flatnonzero(words >= params.min_words)
    keys = band_keys(signatures[rows], params.bands, params.rows)
    return pl.DataFrame(
        {
            "band": np.tile(np.arange(params.bands, dtype=np.int16), rows.size),
            "key": keys.reshape(-1),
            "row": np.repeat(rows.astype(np.int64) + row_offset, params.bands),
        }
    ).sort("band", "key")
