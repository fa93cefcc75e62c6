"""Language identification (offline, py3langid) and the wrong-language detector."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit

# Enough characters for a confident guess; identification cost grows with length.
SAMPLE_CHARS = 600


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid.langid as langid

    return langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )


def identify(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability for ``text`` (``None`` when there is no text)."""
    sample = text.strip()[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return str(lang), float(probability)


def language_mismatch(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """The text is confidently in another language than the document declares.

    ``params.expected`` (a list of codes) checks against a fixed set instead of the
    document's own ``lang``.
    """
    min_chars = int(rule.params.get("min_chars", 200))
    min_probability = float(rule.params.get("min_probability", 0.95))
    expected = [str(x) for x in rule.params.get("expected", [])] or ([doc.lang] if doc.lang else [])
    if not expected or len(doc.text.strip()) < min_chars:
        return []
    lang, probability = identify(doc.text)
    if lang is None or probability < min_probability or lang in expected:
        return []
    return [Hit("text", 0, len(doc.text))]
