"""Finding codes the duplicate stages emit, with what each means and what to do.

``DUP…`` codes come from :func:`corpuskit.dedup.dedup` (duplicates inside the corpus being
cleaned); ``IDX…`` codes describe matches against a persistent index
(:mod:`corpuskit.dedup.index`), reported by ``corpuskit check --against INDEX``.
:mod:`corpuskit.codes` collects this table into the registry of every code.
"""

from __future__ import annotations

from dataclasses import dataclass

EXACT, URL, NEAR, REWRITTEN = "DUP100", "DUP110", "DUP200", "DUP210"
TRIMMED, UPDATE, CONTAINED = "DUP220", "DUP230", "DUP240"
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
    "contained": CONTAINED,
}


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
        "The same release told again in other words: the two share most of their "
        "vocabulary, including the rare words (names, places, figures) that set one event "
        "apart from another of the same template, though fewer of their word sequences.",
        "the finding lists the evidence; raise [dedup] copy_score if distinct stories are "
        "merged, lower it to find more rewrites",
    ),
    DupCode(
        TRIMMED,
        "trimmed-copy",
        "drop",
        "warning",
        "A shortened copy: most of its words and word sequences are in the kept, longer "
        "document (the first paragraphs of a release, or the release without its "
        "background). The kept document is the most complete version.",
        "nothing to do for a shortened copy; the finding lists the evidence",
    ),
    DupCode(
        UPDATE,
        "updated-version",
        "flag",
        "info",
        "An older version of a story that a newer document, at most two days later, "
        "updates: the newer one reuses most of this text and adds news (a new lead, a new "
        "toll, later statements). Kept "
        "and flagged by default, since each may hold what the other lacks.",
        "review it; [dedup] drop_updates = true drops older versions (the finding's action "
        "is then drop)",
    ),
    DupCode(
        CONTAINED,
        "page-holds-story",
        "flag",
        "info",
        "A page that holds several stories, one of which is also published on its own: the "
        "other document is found whole in this one, which breaks to another story (a "
        "connective such as «من جهة أخرى» or «إلى ذلك») where the other ends. Not a copy: "
        "the page holds news the story lacks, so both are kept; the story is not merged "
        "into the page, so its own copies still find each other.",
        "kept; remove the story from the page, or drop the page, when the corpus must not "
        "repeat text",
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
