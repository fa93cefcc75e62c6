"""Rules that are a regular expression: standalone markers, furniture, title prefixes.

* ``scope = "line"``, ``strip = "line"``: the pattern is searched in each line (folded
  unless ``match = "raw"``); a matching line is a finding on the whole line. Anchor the
  pattern (``^…$``) for markers that only count when they stand alone on a line. A line
  that also matches the rule's ``exclude`` pattern is not a finding.
* ``strip = "match"`` (``match = "raw"``): only the matched characters are the finding
  (a dateline or byline glued before the first sentence, a credit after the last one);
  the pattern is searched in the whole field, so it may span lines. A group named
  ``keep`` at the start or the end of the match is context: it must be there, but it is
  not part of the finding (what a lookbehind or lookahead says in other engines).
* ``params.first_lines`` / ``params.last_lines`` (line rules): only the first / last N
  non-blank lines are looked at (a byline opens an article; a signature closes it).
* ``scope = "title"``: the same, on the title.
* ``scope = "document"``: a search in the whole text; a hit is a finding on the document.

Patterns run on a linear-time engine (see :mod:`corpuskit.rule_regex`).
"""

from __future__ import annotations

from corpuskit.normalize import fold_keep_punctuation
from corpuskit.rule_regex import Pattern, inline_flags
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit

KEEP_GROUP = "keep"
# The subject name of a document's folded lines joined by line breaks.
FOLDED_LINES = "folded_lines"


def pattern_hits(doc: Doc, rule: Rule) -> list[Hit]:
    if rule.code in doc.cannot_match:
        return []
    regex = rule.compiled()
    exclude = rule.compiled_exclude()
    if rule.scope == "title":
        return _field_hits("title", doc.title, regex, exclude, rule)
    if rule.scope == "document":
        return [Hit("text", 0, len(doc.text))] if _matches(doc.text, regex, exclude) else []
    if rule.strip == "match":
        return _field_hits("text", doc.text, regex, exclude, rule)
    hits: list[Hit] = []
    for line in _candidate_lines(doc, rule):
        subject = doc.folded(line.index) if rule.match == "folded" else line.text
        if _matches(subject, regex, exclude):
            hits.append(doc.line_hit(line))
    return hits


def _matches(subject: str, regex: Pattern, exclude: Pattern | None) -> bool:
    return regex.search(subject) is not None and (exclude is None or not exclude.search(subject))


def match_spans(regex: Pattern, value: str) -> list[tuple[int, int]]:
    """Non-empty spans of every match of ``regex`` in ``value``, less any ``keep`` context."""
    has_keep = KEEP_GROUP in regex.groupindex
    spans = []
    for m in regex.finditer(value):
        start, end = m.span()
        if has_keep and m.start(KEEP_GROUP) >= 0:
            keep_start, keep_end = m.span(KEEP_GROUP)
            if keep_start == start:
                start = keep_end
            elif keep_end == end:
                end = keep_start
        if end > start:
            spans.append((start, end))
    return spans


def _field_hits(
    field: str, value: str, regex: Pattern, exclude: Pattern | None, rule: Rule
) -> list[Hit]:
    if rule.strip == "match":
        if exclude is not None and exclude.search(value):
            return []
        return [Hit(field, start, end) for start, end in match_spans(regex, value)]
    subject = fold_keep_punctuation(value) if rule.match == "folded" else value
    return [Hit(field, 0, len(value))] if _matches(subject, regex, exclude) else []


def batch_subject(rule: Rule) -> tuple[str, str] | None:
    """How a rule can be searched over whole raw fields of a batch at once:
    (field, pattern) such that a document without a match of ``pattern`` in ``field``
    cannot be a hit of the rule; ``None`` when that cannot be said from the raw text.

    Field and span rules search the raw field itself. A raw line rule's pattern is
    searched in the whole text with ``^``/``$`` at line ends: a line that matches still
    matches there (unless the pattern anchors at the text's ends with ``\\A``/``\\z``);
    a folded line rule likewise in the folded lines joined (``FOLDED_LINES``).
    """
    if rule.pattern is None:
        return None
    flags = rule.flags
    if rule.match == "raw" and rule.scope == "title":
        return "title", inline_flags(rule.pattern, flags)
    if rule.match == "raw" and (rule.scope == "document" or rule.strip == "match"):
        return "text", inline_flags(rule.pattern, flags)
    if rule.scope != "line" or "\\A" in rule.pattern or "\\z" in rule.pattern:
        return None
    lines = "text" if rule.match == "raw" else FOLDED_LINES
    return lines, inline_flags(rule.pattern, "".join(sorted(set(flags + "m"))))


def _candidate_lines(doc: Doc, rule: Rule):
    content = doc.content_lines()
    first = int(rule.params.get("first_lines", 0))
    last = int(rule.params.get("last_lines", 0))
    if not first and not last:
        return content
    chosen = {line.index: line for line in content[:first]} if first else {}
    if last:
        chosen.update({line.index: line for line in content[-last:]})
    return [chosen[i] for i in sorted(chosen)]
