"""Validation: rules and detectors -> findings, ``text_clean``, ``drop_reason``."""

from corpuskit.validate.corpus import CorpusStats, finish_stats, merge_stats
from corpuskit.validate.engine import (
    apply_findings,
    clean_record,
    fit_corpus_stats,
    resolve_ruleset,
    validate,
)

__all__ = [
    "CorpusStats",
    "apply_findings",
    "clean_record",
    "finish_stats",
    "fit_corpus_stats",
    "merge_stats",
    "resolve_ruleset",
    "validate",
]
