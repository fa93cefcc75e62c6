"""Validation: rules and detectors -> findings, ``text_clean``, ``drop_reason``."""

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
]
