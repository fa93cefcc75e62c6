"""The ``dedup`` stage on one frame: sign, link and annotate in one call.

For a corpus that fits in memory (and for tests and small CI batches) this is the whole
duplicate detection: :func:`~corpuskit.dedup.sign.sign_batch` computes the keys,
:func:`~corpuskit.dedup.link.link` decides clusters over them, and
:func:`~corpuskit.dedup.annotate.annotate_batch` writes the decisions onto the rows.
The pipeline's engine runs the same three passes batch by batch for larger corpora.
"""

from __future__ import annotations

import polars as pl

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup.annotate import annotate_batch
from corpuskit.dedup.keytable import FrameKeys
from corpuskit.dedup.link import link
from corpuskit.dedup.naming import named_links
from corpuskit.dedup.sign import sign_batch
from corpuskit.progress import ProgressCallback


def dedup(
    frame: pl.DataFrame,
    *,
    options: DedupOptions | None = None,
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """Mark exact, same-URL, near and rewritten-headline duplicates; never drops rows.

    Adds ``cluster_id`` (the id of the cluster's kept document; null for documents in
    no cluster), ``dup_kind`` (how a dropped copy relates to the kept document),
    ``dup_of`` (the kept id), ``similarity`` (estimated Jaccard similarity of the
    copy's body to the kept body; 1.0 for exact copies), ``keep`` (False only for
    dropped copies), and appends ``DUP…`` findings to ``findings``.
    """
    options = options or DedupOptions()
    schema.require_columns(frame, (schema.ID,), "dedup")
    keys = sign_batch(frame, options)
    table = FrameKeys(keys)
    decisions, flags = named_links(link(table, options), table)
    if progress:
        progress(frame.height)
    return annotate_batch(frame, decisions, flags)
