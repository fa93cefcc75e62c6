"""Structural detectors by the name a rule file gives in ``detector = "..."``.

A detector is ``(doc, rule, corpus_stats) -> list[Hit]``; it reads its settings from
``rule.params``. Document detectors run on the cleaned text, after every strip rule.
"""

from __future__ import annotations

from collections.abc import Callable

from corpuskit.rules import Rule
from corpuskit.validate.chrome import later_dateline_tail, page_chrome
from corpuskit.validate.corpus import BatchEvidence, other_document_headline, repeated_line
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.encoding import mojibake
from corpuskit.validate.headlines import (
    inline_headline_run,
    link_block,
    trailing_headline_run,
)
from corpuskit.validate.language import language_mismatch
from corpuskit.validate.quality import non_letter_ratio, repetition, too_short

Detector = Callable[[Doc, Rule, BatchEvidence | None], list[Hit]]

DETECTORS: dict[str, Detector] = {
    "link-block": link_block,
    "trailing-headline-run": trailing_headline_run,
    "inline-headline-run": inline_headline_run,
    "repeated-line": repeated_line,
    "other-document-headline": other_document_headline,
    "too-short": too_short,
    "non-letter-ratio": non_letter_ratio,
    "repetition": repetition,
    "language-mismatch": language_mismatch,
    "mojibake": mojibake,
    "page-chrome": page_chrome,
    "later-dateline-tail": later_dateline_tail,
}

# Detectors that judge the whole document after cleaning (run in the second phase).
DOCUMENT_DETECTORS = frozenset(
    {"too-short", "non-letter-ratio", "repetition", "language-mismatch", "mojibake"}
)
# Detectors that need the corpus-level pass.
CORPUS_DETECTORS = frozenset({"repeated-line", "other-document-headline", "inline-headline-run"})
