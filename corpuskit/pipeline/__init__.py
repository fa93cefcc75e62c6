"""The pipeline: the one spine for ``clean``, ``check`` and ``index``.

read -> validate -> dedup -> split -> write, as passes over parts of the corpus that an
engine runs (:mod:`corpuskit.engine`). Stages only add columns; rows leave the frame in
exactly one place, :func:`~corpuskit.pipeline.passes.split`, which sends every document
to either ``clean`` or ``rejected`` (with its reason), so nothing is ever lost silently.

* :func:`clean`: ingest, validate, sign, link, annotate, write the outputs;
* :func:`check_paths`: the same up to validation (and linking within the batch), then
  findings for CI and an optional index lookup; writes nothing;
* :func:`index_corpus`: the same up to validation, then keys into a persistent index.

A test (``tests/test_pipeline_spine.py``) keeps the three on :func:`run.prepare`.
"""

from corpuskit.pipeline.check import check_paths
from corpuskit.pipeline.clean import DEFAULT_OUT, CleanResult, clean, seed_inputs
from corpuskit.pipeline.index import IndexRun, index_corpus
from corpuskit.pipeline.passes import split
from corpuskit.pipeline.run import BATCH_ROWS

__all__ = [
    "BATCH_ROWS",
    "DEFAULT_OUT",
    "CleanResult",
    "IndexRun",
    "check_paths",
    "clean",
    "index_corpus",
    "seed_inputs",
    "split",
]
