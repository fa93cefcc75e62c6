"""Page chrome: what surrounds the article when a whole web page was flattened to text.

A full-page text (everything visible) starts with the site's header and navigation,
ends with its footer, and has menus, share bars and "more stories" lists in between.
Those parts are runs of short lines that are not sentences; the article is the lines
that are. ``page-chrome`` keeps everything from the first prose line to the last one,
and inside that range removes only runs of ``min_run`` or more consecutive non-prose
lines (a single short line between paragraphs is a subheading and stays).

It is meant for page dumps, not for article bodies a crawler already extracted (where a
list or a line-up is body), so the built-in rule runs on English only.
"""

from __future__ import annotations

import re

from corpuskit.rule_regex import compile_pattern
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.spans import Line

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?؟…][\"'”’»)\]]*\s*$")


def is_prose(text: str, *, min_words: int = 6, long_words: int = 15) -> bool:
    """A sentence (ends like one and has a few words) or a long line."""
    n = len(_WORD.findall(text))
    return n >= long_words or (n >= min_words and bool(_SENTENCE_END.search(text)))


def page_chrome(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    p = rule.params
    min_words, long_words = int(p.get("min_words", 6)), int(p.get("long_words", 15))
    min_run = int(p.get("min_run", 3))
    content = doc.content_lines()
    prose = [is_prose(line.text, min_words=min_words, long_words=long_words) for line in content]
    if not any(prose) or sum(prose) < int(p.get("min_prose_lines", 2)):
        return []
    first = prose.index(True)
    last = len(prose) - 1 - prose[::-1].index(True)
    chrome: list[Line] = content[:first] + content[last + 1 :]
    run: list[Line] = []
    for line, is_sentence in zip(content[first : last + 1], prose[first : last + 1], strict=True):
        if is_sentence:
            if len(run) >= min_run:
                chrome.extend(run)
            run = []
        else:
            run.append(line)
    return [doc.line_hit(line) for line in sorted(chrome, key=lambda x: x.index)]


def later_dateline_tail(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """From a second outlet dateline to the end: teasers of other articles.

    An article opens with its dateline ("دبي، الإمارات العربية المتحدة (CNN)--"); a later
    line that opens with one starts the lead of ANOTHER article, and outlets that append
    teasers put them at the end. The tail is taken only when the article before it has
    ``min_lines_before`` lines and the tail is at most ``max_tail_share`` of the text (a
    caption line before the real dateline must not take the whole article with it).
    """
    p = rule.params
    dateline = compile_pattern(str(p["dateline"]))
    min_before = int(p.get("min_lines_before", 2))
    max_share = float(p.get("max_tail_share", 0.5))
    content = doc.content_lines()
    for position, line in enumerate(content):
        if position < min_before or not dateline.search(line.text):
            continue
        tail_chars = len(doc.text) - line.start
        if tail_chars > max_share * len(doc.text.rstrip()):
            return []
        return [doc.line_hit(rest) for rest in content[position:]]
    return []
