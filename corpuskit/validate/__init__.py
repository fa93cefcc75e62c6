"""Validation: rules and detectors -> findings, ``text_clean``, ``drop_reason``."""

from corpuskit.validate.engine import apply_findings, clean_record, validate

__all__ = ["apply_findings", "clean_record", "validate"]
