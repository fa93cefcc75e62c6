"""Validation: rules and detectors -> findings, ``text_clean``, ``drop_reason``."""

from pathlib import Path

import polars as pl

from corpuskit._callable import make_callable
from corpuskit.config import Config, as_config
from corpuskit.rules import RuleSet
from corpuskit.validate.engine import (
    apply_batch,
    apply_findings,
    finish_evidence,
    fit_batch,
    validate,
)
from corpuskit.validate.evidence import CorpusPartial, Evidence, merge_partials
from corpuskit.validate.plan import ValidationPlan

__all__ = [
    "CorpusPartial",
    "Evidence",
    "ValidationPlan",
    "apply_batch",
    "apply_findings",
    "finish_evidence",
    "fit_batch",
    "merge_partials",
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
