"""Finding codes the duplicate stages emit, with what each means and what to do.

``DUP…`` codes come from :func:`corpuskit.dedup.dedup` (duplicates inside the corpus being
cleaned); ``IDX…`` codes describe matches against a persistent index
(:mod:`corpuskit.dedup.index`), reported by ``corpuskit check --against INDEX``.
:mod:`corpuskit.codes` collects this table into the registry of every code.
"""

from __future__ import annotations

from dataclasses import dataclass

EXACT, URL, NEAR, REWRITTEN = "DUP100", "DUP110", "DUP200", "DUP210"
HEADLINE_FLAG = "DUP300"
INDEX_MATCH = "IDX001"

DROP_CODES: dict[str, str] = {"exact": EXACT, "url": URL, "near": NEAR, "headline": REWRITTEN}


@dataclass(frozen=True)
class DupCode:
    """One duplicate code: identifier, kebab-case name, action, severity, why, what to do."""

    code: str
    name: str
    action: str
    severity: str
    rationale: str
    message: str


DUP_CODES: tuple[DupCode, ...] = (
    DupCode(
        EXACT,
        "exact-duplicate",
        "drop",
        "warning",
        "The body is identical to the kept document once Arabic orthography, diacritics, "
        "digits, punctuation and whitespace are folded.",
        "nothing to do unless the two should differ; the finding names the kept id",
    ),
    DupCode(
        URL,
        "same-url",
        "drop",
        "warning",
        "Stored under the same article URL as the kept document (http/https, www, tracking "
        "or presentation query strings ignored).",
        "check the crawler if this is frequent; it stores one page more than once",
    ),
    DupCode(
        NEAR,
        "near-duplicate",
        "drop",
        "warning",
        "The body shares most of its word shingles with the kept document (estimated "
        "Jaccard similarity at or above the threshold): a republished copy with small edits.",
        "nothing to do for a copy; raise [dedup] threshold if distinct stories are merged",
    ),
    DupCode(
        REWRITTEN,
        "rewritten-copy",
        "drop",
        "warning",
        "Headlines match closely and the bodies overlap above the lower headline body "
        "threshold: the same story lightly rewritten by another outlet.",
        "nothing to do for a rewrite; raise [dedup] headline_threshold or "
        "headline_body_threshold if distinct stories are merged",
    ),
    DupCode(
        HEADLINE_FLAG,
        "same-headline",
        "flag",
        "info",
        "The headline matches another document's but the bodies differ: often a follow-up "
        "or a template (weather, market close).",
        "kept; review it if the corpus must not repeat headlines",
    ),
    DupCode(
        INDEX_MATCH,
        "duplicates-indexed-document",
        "drop",
        "error",
        "The document copies a document that is already in the corpus: an exact or near "
        "copy of its body, the same URL, or the same id with another body (a changed "
        "version of an indexed document). Ingesting it would duplicate it. The finding "
        "names the indexed id, how they match and the body similarity.",
        "drop it or mark it as an update",
    ),
)
