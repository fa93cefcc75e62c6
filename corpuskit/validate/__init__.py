"""Validation: rules and detectors -> findings, ``text_clean``, ``drop_reason``."""

from pathlib import Path

import polars as pl

from corpuskit._callable import make_callable
from corpuskit.config import Config, as_config
from corpuskit.rules import RuleSet
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
    "validate_frame",
]


def validate_frame(
    frame: pl.DataFrame,
    *,
    config: Config | str | Path | None = None,
    rules: RuleSet | None = None,
) -> pl.DataFrame:
    """Apply the rules to ``frame``: adds ``text_clean``, ``title_clean``, ``lang``,
    ``findings`` and ``drop_reason``; never drops a row. ``config`` is a Config, a TOML
    file or None; ``rules`` defaults to the built-in rules plus the config's
    ``rule_dirs``. ``corpuskit.validate(frame, ...)`` calls this."""
    return validate(frame, ruleset=rules, options=as_config(config).validate)


make_callable(__name__, validate_frame)
