"""Language identification (offline, py3langid) and the wrong-language detector."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit

_LETTER = re.compile(r"[^\W\d_]")
# The script each language is written in, to skip identification when the text's letters
# are plainly in the declared language's script and no other (the common case).
_SCRIPTS = {
    "arabic": (
        re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
        {"ar"},
    ),
    "latin": (
        re.compile(r"[A-Za-z\u00c0-\u024f]"),
        {"en", "fr", "de", "es", "it", "pt", "nl", "tr", "id", "ms", "sv", "da", "no"},
    ),
}
# Enough characters for a confident guess; identification cost grows with length.
SAMPLE_CHARS = 400


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
    if _plainly_in_script(doc.text[: SAMPLE_CHARS * 2], expected):
        return []
    lang, probability = identify(doc.text)
    if lang is None or probability < min_probability or lang in expected:
        return []
    return [Hit("text", 0, len(doc.text))]


def _plainly_in_script(sample: str, expected: list[str]) -> bool:
    """Nearly all letters are in the script of an expected language that is the only
    common language of that script in news corpora (Arabic for ar; Latin for en, fr…).

    Arabic-script languages other than Arabic (Farsi, Urdu) are therefore not told
    apart from Arabic by this shortcut when ``ar`` is expected.
    """
    letters = len(_LETTER.findall(sample))
    if not letters:
        return True
    for pattern, languages in _SCRIPTS.values():
        if languages & set(expected) and len(pattern.findall(sample)) >= 0.8 * letters:
            return "ar" in expected or pattern is not _SCRIPTS["arabic"][0]
    return False
