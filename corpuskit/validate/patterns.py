"""Rules that are a regular expression: standalone markers, furniture, title prefixes.

* ``scope = "line"``, ``strip = "line"``: the pattern is searched in each line (folded
  unless ``match = "raw"``); a matching line is a finding on the whole line. Anchor the
  pattern (``^…$``) for markers that only count when they stand alone on a line.
* ``strip = "match"`` (``match = "raw"``): only the matched characters are the finding
  (a dateline or byline glued before the first sentence, a credit after the last one);
  the pattern is searched in the whole field, so it may span lines.
* ``params.first_lines`` / ``params.last_lines`` (line rules): only the first / last N
  non-blank lines are looked at (a byline opens an article; a signature closes it).
* ``scope = "title"``: the same, on the title.
* ``scope = "document"``: a search in the whole text; a hit is a finding on the document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpuskit.normalize import fold_keep_punctuation
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit


@lru_cache(maxsize=4096)
def _compiled(pattern: str, flags: str) -> re.Pattern[str]:
    return Rule(
        code="X000",
        name="x",
        category="x",
        scope="line",
        action="flag",
        severity="info",
        languages=("any",),
        rationale="",
        message="",
        pattern=pattern,
        flags=flags,
    ).compiled()


def pattern_hits(doc: Doc, rule: Rule) -> list[Hit]:
    regex = _compiled(rule.pattern or "", rule.flags)
    if rule.scope == "title":
        return _field_hits("title", doc.title, regex, rule)
    if rule.scope == "document":
        return [Hit("text", 0, len(doc.text))] if regex.search(doc.text) else []
    if rule.strip == "match":
        return _field_hits("text", doc.text, regex, rule)
    hits: list[Hit] = []
    for line in _candidate_lines(doc, rule):
        subject = doc.folded(line.index) if rule.match == "folded" else line.text
        if regex.search(subject):
            hits.append(doc.line_hit(line))
    return hits


def _field_hits(field: str, value: str, regex: re.Pattern[str], rule: Rule) -> list[Hit]:
    if rule.strip == "match":
        return [
            Hit(field, m.start(), m.end()) for m in regex.finditer(value) if m.end() > m.start()
        ]
    subject = fold_keep_punctuation(value) if rule.match == "folded" else value
    return [Hit(field, 0, len(value))] if regex.search(subject) else []


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
