"""A persistent duplicate index: files on disk that say which indexed document a new one copies.

Layout of an index folder::

    INDEX/
      manifest.json           format name and version, MinHash/LSH parameters, the parts
      part-00000.docs.parquet one row per document: id, title, url_key, exact_key, words,
                              signature (fixed-size array of num_perm uint32)
      part-00000.bands.parquet (band, key, row): the LSH band keys of that part's documents
      part-00001.…            one more pair of files per part written (a build or an add
                              writes one part per 250,000 documents)
      .lock                   the writers' lock

No corpus text is stored: a query needs the folded body of the *incoming* documents
only, then reads band keys (to find candidates), exact and URL keys, and the signatures
of the candidates. Parts are immutable; the manifest is written last, atomically, so an
interrupted build or add leaves either the old index or the new one
(:mod:`~corpuskit.dedup.index.writer`: batch-by-batch writing, the lock, ids already
indexed). Every manifest and part is checked before use
(:mod:`~corpuskit.dedup.index.manifest`): a damaged index is a
:class:`~corpuskit.errors.DedupIndexError`, never a crash. Queries use the parameters
stored in the manifest, whatever the current defaults (:mod:`~corpuskit.dedup.index.query`).

Usage::

    build_index(frame, Path("idx"), options=DedupOptions())
    add_to_index(more, Path("idx"), skip_indexed=True)
    with IndexWriter(Path("idx"), mode="add") as writer:
        for batch in batches:
            writer.add(batch)
    open_index(Path("idx")).query(new_frame)   # id, match_id, similarity, match_kind
"""

from corpuskit.dedup.index.manifest import FORMAT, MANIFEST, VERSION, IndexParameters
from corpuskit.dedup.index.query import MATCH_KINDS, QUERY_SCHEMA, DedupIndex, open_index
from corpuskit.dedup.index.writer import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_PART_DOCUMENTS,
    IndexSummary,
    IndexWriter,
    add_to_index,
    build_index,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_PART_DOCUMENTS",
    "FORMAT",
    "MANIFEST",
    "MATCH_KINDS",
    "QUERY_SCHEMA",
    "VERSION",
    "DedupIndex",
    "IndexParameters",
    "IndexSummary",
    "IndexWriter",
    "add_to_index",
    "build_index",
    "open_index",
]
