"""Finding codes the duplicate stages emit, with what each means and what to do.

``DUP…`` codes come from :func:`corpuskit.dedup.dedup` (duplicates inside the corpus being
cleaned); ``IDX…`` codes describe matches against a persistent index
(:mod:`corpuskit.dedup.index`), reported by ``corpuskit check --against INDEX``.
"""

from __future__ import annotations

EXACT, URL, NEAR, REWRITTEN = "DUP100", "DUP110", "DUP200", "DUP210"
TRIMMED, UPDATE = "DUP220", "DUP230"
HEADLINE_FLAG = "DUP300"
INDEX_MATCH = "IDX001"

# dup_kind -> the code of its finding.
DROP_CODES: dict[str, str] = {
    "exact": EXACT,
    "url": URL,
    "near": NEAR,
    "rewritten": REWRITTEN,
    "trimmed": TRIMMED,
    "update": UPDATE,
}

# code -> (name, action, severity, what it means and what to do)
DESCRIPTIONS: dict[str, tuple[str, str, str, str]] = {
    EXACT: (
        "exact-duplicate",
        "drop",
        "warning",
        "The body is identical to the kept document once Arabic orthography, diacritics, "
        "digits, punctuation and whitespace are folded. Nothing to do unless the two should "
        "differ; the kept id is in the finding.",
    ),
    URL: (
        "same-url",
        "drop",
        "warning",
        "Stored under the same article URL as the kept document (http/https, www, tracking "
        "or presentation query strings ignored). Check the crawler if this is frequent.",
    ),
    NEAR: (
        "near-duplicate",
        "drop",
        "warning",
        "The body shares most of its word shingles with the kept document (estimated "
        "Jaccard similarity at or above the threshold): a republished copy with small "
        "edits. Raise [dedup] threshold if distinct stories are merged.",
    ),
    REWRITTEN: (
        "rewritten-copy",
        "drop",
        "warning",
        "The same release told again in other words: the two share most of their "
        "vocabulary, including the rare words (names, places, figures) that set one event "
        "apart from another of the same template, though fewer of their word sequences. "
        "The finding lists the evidence; lower [dedup] copy_score to find more, raise it "
        "if distinct stories are merged.",
    ),
    TRIMMED: (
        "trimmed-copy",
        "drop",
        "warning",
        "A shortened copy: most of its words and word sequences are in the kept, longer "
        "document (the first paragraphs of a release, or the release without its "
        "background). The kept document is the most complete version.",
    ),
    UPDATE: (
        "updated-version",
        "flag",
        "info",
        "An older version of a story that a newer document updates: the newer one reuses "
        "most of this text and adds news (a new lead, a new toll, later statements). Kept "
        "and flagged by default, since each may hold what the other lacks; [dedup] "
        "drop_updates = true drops it (the finding's action is then drop).",
    ),
    HEADLINE_FLAG: (
        "same-headline",
        "flag",
        "info",
        "The headline matches another document's but the bodies differ: often a follow-up "
        "or a template (weather, market close). Kept; review if the corpus must not repeat "
        "headlines.",
    ),
    INDEX_MATCH: (
        "duplicates-indexed-document",
        "drop",
        "error",
        "The document copies a document already in the index (exact or near); the finding "
        "names the indexed id and the similarity.",
    ),
}
