"""Reading corpora into the canonical frame and writing outputs atomically.

- :func:`read_corpus` reads JSON Lines (also gzip/zstd), JSON, Parquet, CSV, ``.txt``
  files and folders of any of them into the canonical frame of :mod:`corpuskit.schema`,
  with per-record input problems as ``IO`` findings.
- :class:`CorpusReader` reads the same inputs as a stream of canonical batches in
  bounded memory; :class:`UniqueIds` refuses duplicate ids across the batches, and
  :func:`align` puts a batch into the union schema of the whole read.
- :func:`write_parquet_atomic`, :func:`write_json_atomic`, :func:`write_text_atomic`
  write one file so that a crash never leaves half of it, and :func:`output_dir`
  makes a whole output folder appear at once or not at all.
"""

from corpuskit.io.atomic import (
    write_atomic,
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)
from corpuskit.io.batching import UnionSchema, align
from corpuskit.io.codes import IO_CODES, IOCode, io_code
from corpuskit.io.ids import UniqueIds
from corpuskit.io.outdir import output_dir
from corpuskit.io.read import read_corpus
from corpuskit.io.reader import CorpusReader, FileStats, ReadStats

__all__ = [
    "IO_CODES",
    "CorpusReader",
    "FileStats",
    "IOCode",
    "ReadStats",
    "UnionSchema",
    "UniqueIds",
    "align",
    "io_code",
    "output_dir",
    "read_corpus",
    "write_atomic",
    "write_json_atomic",
    "write_parquet_atomic",
    "write_text_atomic",
]
