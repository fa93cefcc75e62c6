"""Link blocks: lines that are headlines of other articles, not prose.

News pages append (and often insert mid-article) lists of links to other stories. Once
the page is flattened to text those links are short lines that read like headlines:
a handful of words, no sentence punctuation, nothing continuing from the line before.

Two detectors use :func:`is_headline_like`:

* ``link-block``: a standalone header ("مواضيع ذات صلة", "اقرأ أيضاً:", "Related") followed by
  headline-like lines, anywhere in the article. The items after the header go; the
  header itself is a marker rule of its own.
* ``trailing-headline-run``: a run of headline-like lines at the very end of the article
  with no header at all (the seed document's ending). Guarded so a list that the body
  introduces ("... as follows:"), an article written in short lines (a poem), and the
  signature under a letter survive: the run must be set off from the body by a wider gap
  of blank lines than the body puts between its own paragraphs.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from corpuskit.normalize import has_invisible, strip_invisible
from corpuskit.rule_regex import compile_pattern
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.lineshape import continues, headline_shape, unwrap, word_count
from corpuskit.validate.spans import Line

# Sentence punctuation: Latin and Arabic (، ؛ ؟ are U+060C, U+061B, U+061F; ۔ U+06D4).
SENTENCE_END = frozenset(".،؛,;:…۔")
_CLOSERS = "\"'”’»)]}>›“«"
_CLOSERS_AND_SPACE = _CLOSERS + " "
# Punctuation that, inside a line, shows two clauses or sentences: a headline has none.
_INTERNAL_BREAK = re.compile(r"[.!?؟؛;][\s\"”»]+\S|؛")
_BULLET = re.compile(r"^\s*(?:[-*•·▪►]|\d{1,2}[.)-])\s")
# Structured list items (credits, prices, line-ups): two or more field separators, or a
# label followed by a number ("منصة شرفية : 120 دينار").
_FIELD_SEPARATOR = re.compile(r"\s[-–—|/]\s|\s[-–—]|[-–—]\s")
_LABEL_NUMBER = re.compile(r"[:：]\s*\d")
# A line that opens with a conjunction and a reporting verb or connective continues the
# prose before it ("وأشار التقرير إلى ..."); headlines do not start that way.
_CONTINUATION = re.compile(
    r"^[\"'«“(]?(?:و|ف)(?:قال|قالت|أضاف|أضافت|أشار|أشارت|أكد|أكدت|أوضح|أوضحت|كان|كانت|في|من|على|"
    r"هو|هي|لم|لن|قد|تابع|تابعت|ذكر|ذكرت|بين|بينت|لفت|لفتت|اعتبر|اعتبرت|يأتي|تأتي|إن|أن|لكن|"
    r"بحسب|وفق|منذ|عن|إلى|مع|بعد|قبل|خلال|حيث|كما|أيضا|ثم|يذكر|يشار)\b|^(?:and|but|so|then)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def is_headline_like(
    text: str,
    *,
    min_words: int = 2,
    max_words: int = 22,
    max_chars: int = 180,
    max_commas: int = 1,
) -> bool:
    """Whether a line reads like a headline: short, no sentence punctuation, no bullet."""
    n_words = headline_words(text, max_chars=max_chars, max_commas=max_commas)
    return n_words is not None and min_words <= n_words <= max_words


def headline_words(text: str, *, max_chars: int = 180, max_commas: int = 1) -> int | None:
    """The number of words of a line shaped like a headline (every test of
    :func:`is_headline_like` but the word count), or ``None`` when it is not."""
    s = strip_invisible(text).strip()
    if not s or len(s) > max_chars or _ends_sentence(s):
        return None  # most lines: paragraphs too long, or ending with a full stop
    if s.count("،") + s.count(",") > max_commas:
        return None
    if _BULLET.match(s) or _CONTINUATION.match(s) or _INTERNAL_BREAK.search(s):
        return None
    if _LABEL_NUMBER.search(s) or len(_FIELD_SEPARATOR.findall(s)) >= 2:
        return None
    return len(_WORD.findall(s))


def _ends_sentence(s: str) -> bool:
    """Ends with sentence punctuation (closing quotes and brackets aside), or is nothing
    but closers."""
    tail = s.rstrip(_CLOSERS_AND_SPACE)
    return not tail or tail[-1] in SENTENCE_END


# The fewest words of a headline when a rule does not say (is_headline_like's default).
LOOSE_MIN_WORDS = 2


def _headline_options(params: dict[str, Any]) -> dict[str, int]:
    keys = ("min_words", "max_words", "max_chars", "max_commas")
    return {k: int(params[k]) for k in keys if k in params}


def _introduces_list(line: Line) -> bool:
    """A body line ending with a colon announces what follows (a list, a quote)."""
    tail = line.text.rstrip(_CLOSERS + " \t\r")
    return tail.endswith((":", "："))


def link_block(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Headline-like lines right after a standalone related-links header."""
    params = rule.params
    header = compile_pattern(str(params["header"]))
    max_items = int(params.get("max_items", 12))
    min_items = int(params.get("min_items", 1))
    options = _headline_options(params)
    lines = doc.lines
    hits: list[Hit] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.blank or not header.search(doc.folded(i)):
            i += 1
            continue
        items: list[Line] = []
        j = i + 1
        while j < len(lines) and len(items) < max_items:
            nxt = lines[j]
            if nxt.blank:
                j += 1
                continue
            if not is_headline_like(nxt.text, **options) or header.search(doc.folded(j)):
                break
            items.append(nxt)
            j += 1
        if len(items) >= min_items:
            hits.extend(doc.line_hit(item) for item in items)
        i = j if items else i + 1
    return hits


def trailing_headline_run(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """The run of headline-like lines that ends the article, when it looks like links."""
    params = rule.params
    min_lines = int(params.get("min_lines", 3))
    max_body_share = float(params.get("max_body_headline_share", 0.34))
    min_body_lines = int(params.get("min_body_lines", 1))
    options = _headline_options(params)
    content = doc.content_lines()
    run: list[Line] = []
    for line in reversed(content):
        if not is_headline_like(line.text, **options):
            break
        run.append(line)
    if len(run) < min_lines:
        return []
    body = content[: len(content) - len(run)]
    if len(body) < min_body_lines:
        return []
    if body and _introduces_list(body[-1]):
        return []
    # An article written in short lines (a poem, a line-up, a list) is not a link list.
    body_headline_like = sum(is_headline_like(b.text, **options) for b in body)
    if body and body_headline_like / len(body) > max_body_share:
        return []
    run.reverse()
    if bool(params.get("require_gap", True)) and body and not _set_off(body, run[0]):
        return []
    return [doc.line_hit(line) for line in run]


def _set_off(body: list[Line], first: Line) -> bool:
    """More blank lines before the run than the body's usual paragraph gap."""
    gap = first.index - body[-1].index - 1
    gaps = sorted(b.index - a.index - 1 for a, b in itertools.pairwise(body))
    usual = gaps[len(gaps) // 2] if gaps else 0
    return gap > usual


_PROSE_END = re.compile(r"[.!؟?][\"'”’»)\]]*\s*$")


def inline_headline_run(doc: Doc, rule: Rule, corpus: Any) -> list[Hit]:
    """Two or more headline-like lines between two prose paragraphs, with no header.

    Outlets insert links to other stories mid-article without announcing them. A lone
    short line between paragraphs is a subheading and stays; a run of headlines does
    not, provided the paragraph before it ends a sentence (not a colon announcing a
    list) and a prose paragraph follows. Because the same shape also occurs in prose now
    and then (dialogue, paired subheadings), the run only counts in a source where it
    is systematic: at least ``min_source_share`` of the source's documents have one.
    With fewer than ``min_source_docs`` documents of the source in view, the lack of
    that evidence proves nothing, and the lines about something else than the article
    are still taken.
    """
    min_share = float(rule.params.get("min_source_share", 0.0))
    if min_share and corpus is not None and getattr(corpus, "source_docs", None):
        source = doc.source or ""
        n_source = corpus.source_docs.get(source, 0)
        if n_source and corpus.pattern_docs.get((rule.code, source), 0) < min_share * n_source:
            if n_source < int(rule.params.get("min_source_docs", 0)):
                return _unrelated_lines(doc, rule)
            return []
    return inline_headline_candidates(doc, rule)


def _unrelated_lines(doc: Doc, rule: Rule) -> list[Hit]:
    """Without evidence of the outlet's layout (one incoming document, a small batch),
    only the lines that are about something else (see :func:`_off_topic`)."""
    short = int(rule.params.get("min_short_title_words", 4))
    hits = inline_headline_candidates(doc, rule, min_words=short, lone_min_words=short)
    return _off_topic(doc, rule, hits)


def _off_topic(doc: Doc, rule: Rule, hits: list[Hit]) -> list[Hit]:
    """The hits about something else than the article: another story's title shares at
    most ``max_shared_words`` content words with the article's title and text (none, when
    it is shorter than a lone title and not set off by blank lines), while the article's own subheadings and list items
    take up its words."""
    if not hits:
        return []
    limit = int(rule.params.get("max_shared_words", 1))
    article = _article_words(doc, {hit.line for hit in hits})
    content = doc.content_lines()
    at = {line.index: k for k, line in enumerate(content)}
    taken = {at[hit.line] for hit in hits}
    gaps = Gaps(content)
    out = []
    for hit in hits:
        text = doc.text[hit.start : hit.end]
        start = end = at[hit.line]
        while start - 1 in taken:
            start -= 1
        while end + 1 in taken:
            end += 1
        long_or_apart = len(_WORD.findall(text)) >= _LONE_TITLE_WORDS or gaps.set_off(
            start, end + 1
        )
        allowed = limit if long_or_apart else 0
        if not _item(text) and len(content_stems(doc.folded(hit.line)) & article) <= allowed:
            out.append(hit)
    return out


def _article_words(doc: Doc, leave_out: set[int]) -> set[str]:
    """The :func:`content_stems` of the title and of every content line but those of
    ``leave_out`` (line indices): what the article is about."""
    article = content_stems(doc.folded_title)
    for line in doc.content_lines():
        if line.index not in leave_out:
            article |= content_stems(doc.folded(line.index))
    return article


def _item(text: str) -> bool:
    """A line marked as an item of the article's own (a bullet, a dash, a quote mark)."""
    return bool(_BULLET.match(text)) or text.strip().startswith((">", "-", "–", "*", "•"))


def inline_headline_candidates(
    doc: Doc,
    rule: Rule,
    *,
    lone_titles: bool = True,
    min_words: int | None = None,
    lone_min_words: int | None = None,
) -> list[Hit]:
    """The runs :func:`inline_headline_run` removes, before the per-source check; with
    ``lone_titles``, also single lines that read as another story's title (the
    per-source evidence counts runs of two or more only). ``min_words`` and
    ``lone_min_words`` lower the rule's word minimum and a lone title's."""
    params = rule.params
    min_lines = int(params.get("min_lines", 2))
    max_lines = int(params.get("max_lines", 6))
    if min_words is None:
        min_words = int(params.get("min_words", 5))
    lone_words = _LONE_TITLE_WORDS if lone_min_words is None else lone_min_words
    max_body_share = float(params.get("max_body_headline_share", 0.34))
    max_words = int(params["max_words"])
    content = doc.content_lines()
    run_lines = max(1, min_lines) if not lone_titles else 1
    if not _short_lines_in_a_row(doc, content, int(params["max_chars"]), run_lines):
        return []
    counts = _headline_counts(doc, content, int(params["max_chars"]), int(params["max_commas"]))
    # "flags": headline-like with the rule's min_words; "loose": with the default minimum.
    flags = [n is not None and min_words <= n <= max_words for n in counts]
    loose = [n is not None and LOOSE_MIN_WORDS <= n <= max_words for n in counts]
    if not content or sum(loose) / len(content) > max_body_share + min_lines / len(content):
        return []
    topics = _Topics(doc, content)
    gaps = Gaps(content)

    def own_head(k: int, start: int, end: int, after: Line | None, apart: bool) -> bool:
        """A short line next to titles that is the article's section head: two words
        (unless the run is set off by blank lines), a quotation of three words or fewer
        over the paragraph ("\"ظالمة أم مظلومة\""), about the article, or taken up by the
        paragraph under the run."""
        if not apart and (
            counts[k] <= _SECTION_HEAD_WORDS
            or (counts[k] <= _SHORT_TITLE_WORDS and _QUOTED.match(content[k].text))
        ):
            return True
        if topics.shared(k, start, end):
            return True
        return after is not None and _heads_next(
            doc.folded(content[k].index), doc.folded(after.index)
        )

    hits: list[Hit] = []
    i = 1
    while i < len(content):
        if not loose[i]:
            i += 1
            continue
        j = i
        while j < len(content) and loose[j]:
            j += 1
        start, end = i, j
        before, after = content[start - 1], content[end] if end < len(content) else None
        if (
            after is None
            or loose[start - 1]
            or loose[end]
            or not _PROSE_END.search(before.text)
            or len(after.text.split()) < 8
        ):
            i = end  # not set between two paragraphs of prose: no title run, whatever it holds
            continue
        apart = gaps.set_off(start, end)
        if not apart and not any(flags[start:end]):
            i = end  # no title among the lines and not set apart: nothing to take, however trimmed
            continue
        if j - i > 1 and not flags[j - 1] and own_head(j - 1, start, end, after, apart):
            j -= 1  # a short line under titles is the article's section head ("تضارب بشأن ...")
        if j - i > 1 and not flags[i] and own_head(i, start, end, after, apart):
            i += 1  # ... and so is one over them ("حكاية خصلة شعر")
        run = content[i:j]
        flagged = sum(flags[i:j])
        if (
            (flagged or apart)
            and (
                # a run of titles, one of them allowed to be short ("هل تغيرت إيران؟"), not
                # a section head of two words ("رسائل مدروسة") and not an item
                (
                    min_lines <= j - i <= max_lines
                    and all(
                        flags[k] or (counts[k] >= _SHORT_TITLE_WORDS and not _item(content[k].text))
                        for k in range(i, j)
                    )
                    and flagged >= j - i - 1
                )
                or (
                    lone_titles
                    and j - i == 1
                    and (
                        _lone_title(
                            run[0].text, lone_words, question=not topics.shared(i, start, end)
                        )
                        # set off by blank lines and about something else: any title
                        or (
                            apart
                            and len(topics.shared(i, start, end)) <= 1
                            and not _item(run[0].text)
                        )
                    )
                    # left alone by a section head beside it: about something else, and
                    # not leading into it ("أدناه ما ينبغي ...")
                    and (
                        end - start == 1
                        or (len(topics.shared(i, start, end)) <= 1 and not _leads_on(run[0].text))
                    )
                    and after is not None
                    and not _heads_next(doc.folded(run[0].index), doc.folded(after.index))
                )
            )
            and not _own_list_or_box(doc, before, run)
        ):
            hits.extend(doc.line_hit(line) for line in run)
        i = end
    return hits


def _short_lines_in_a_row(doc: Doc, content: list[Line], max_chars: int, lines: int) -> bool:
    """Whether ``lines`` content lines in a row, with a line before and one after them,
    are short enough to read as headlines (at most ``max_chars`` characters without
    invisible characters and edge spaces, :func:`headline_words`): what every run needs.
    Most articles have no such lines and need no closer look. A text with invisible
    characters is not told this way (their removal may shorten any line)."""
    if has_invisible(doc.text):
        return True
    streak = 0
    for line in content[1:-1]:
        streak = streak + 1 if len(line.text.strip()) <= max_chars else 0
        if streak >= lines:
            return True
    return False


def _headline_counts(
    doc: Doc, content: list[Line], max_chars: int, max_commas: int
) -> list[int | None]:
    """For each content line, its words when it reads as a headline (:func:`headline_words`,
    or :func:`~corpuskit.validate.lineshape.headline_shape` on the fold for a headline with
    a colon before a number or a second clause), else ``None``; a line of reported speech
    ("يقول: ...", dialogue) is none."""
    folded_lines = doc.folded_lines
    counts: list[int | None] = []
    for line in content:
        n = headline_words(line.text, max_chars=max_chars, max_commas=max_commas)
        folded = folded_lines[line.index]
        if n is None and len(line.text) <= max_chars and headline_shape(folded):
            n = word_count(unwrap(folded))
        if n is not None and _SPEECH.match(folded):
            n = None
        counts.append(n)
    return counts


class _Topics:
    """What the lines of a document are about, worked out once a run between two
    paragraphs asks: the content words (:func:`content_stems`) of each content line, and
    around a run those of the title and of every line outside it (the article).

    The article around a run is never built as a set (that would read every line for
    every run, quadratic in a giant document): a word is in it when the title has it or
    more lines hold it than the run does."""

    def __init__(self, doc: Doc, content: list[Line]) -> None:
        self._doc = doc
        self._content = content
        self._run: tuple[int, int, Counter[str]] | None = None

    @cached_property
    def lines(self) -> list[set[str]]:
        return [content_stems(self._doc.folded(line.index)) for line in self._content]

    @cached_property
    def title(self) -> set[str]:
        return content_stems(self._doc.folded_title)

    @cached_property
    def holding(self) -> Counter[str]:
        """For each content word, how many content lines hold it."""
        counts: Counter[str] = Counter()
        for words in self.lines:
            counts.update(words)
        return counts

    def _in_run(self, start: int, end: int) -> Counter[str]:
        """For each content word, how many of the lines ``start:end`` hold it."""
        if self._run is None or self._run[:2] != (start, end):
            counts: Counter[str] = Counter()
            for words in self.lines[start:end]:
                counts.update(words)
            self._run = (start, end, counts)
        return self._run[2]

    def shared(self, k: int, start: int, end: int) -> set[str]:
        """The content words of line ``k`` that the article around ``start:end`` has."""
        holding, in_run, title = self.holding, self._in_run(start, end), self.title
        return {w for w in self.lines[k] if w in title or holding[w] > in_run[w]}


class Gaps:
    """The blank lines between consecutive content lines of a document, and the most of
    them above and below each place, so that whether a run stands apart
    (:meth:`set_off`) is known without reading every gap again for every run."""

    def __init__(self, content: list[Line]) -> None:
        self.gaps = [b.index - a.index - 1 for a, b in itertools.pairwise(content)]
        # most_before[i]: the most of gaps[:i]; most_after[i]: of gaps[i:] (-1: none)
        self.most_before = [-1, *itertools.accumulate(self.gaps, max)]
        most_after = [-1, *itertools.accumulate(reversed(self.gaps), max)]
        self.most_after = most_after[::-1]

    def set_off(self, start: int, end: int) -> bool:
        """Whether the content lines ``start:end`` stand apart: blank lines above and
        below them, more than the article leaves between every pair of its other
        consecutive paragraphs (the page laid them out as a piece of their own). Without
        two other pairs of paragraphs to compare, nothing is known."""
        gaps = self.gaps
        if start < 1 or end > len(gaps):
            return False
        others = (start - 1) + (len(gaps) - end)
        around = min(gaps[start - 1], gaps[end - 1])
        return others >= 1 and around > max(self.most_before[start - 1], self.most_after[end])


def _leads_on(text: str) -> bool:
    """A line trailing off into the next one: it ends with pause dots or a colon."""
    return text.rstrip("\"'”» \t\r").endswith(("..", "…", ":", "："))


# Reported speech: a verb of saying before a colon opens a line of dialogue, not a title.
_SPEECH = re.compile(
    r"^\W*[وف]?(?:يقول|تقول|قال|قالت|يضيف|تضيف|اضاف|اضافت|يسال|تسال|سال|سالت|يجيب|تجيب|اجاب|"
    r"اجابت|يرد|ترد|رد|ردت|يتابع|تتابع|تابع|تابعت|تساءل|تسائل|يتساءل|يتسائل|تتساءل|تتسائل)\s*[:：]"
)
# A line next to titles this short is a section head ("رسائل مدروسة").
_SECTION_HEAD_WORDS = 2
# A line quoted whole: a quotation set as a head.
_QUOTED = re.compile(r'^\s*["«“].*["»”]\s*$')


# A byline that opens a box of the article's own ("تحليل فلان", "بقلم فلان", "محررة
# الصحة لدى ...: فلانة").
_BOX_BYLINE = re.compile(
    r"^\s*(?:(?:تحليل|بقلم|كتب|كتبت|إعداد|اعداد)\s*[:：]?\s|(?:محرر|محررة|مراسل|مراسلة)\s)"
)
# A title that names another story: a question, or "place: quote" / "topic: news".
_TITLE_MARKS = re.compile(r"^\S+(?:\s+\S+){0,2}\s*[:：]\s*\S")


# A line of a run of titles this short may be a title too ("هل تغيرت إيران؟"); shorter
# ones are section heads ("رسائل مدروسة").
_SHORT_TITLE_WORDS = 3
# A lone line between paragraphs this long is another story's title, not a section head.
_LONE_TITLE_WORDS = 7
# ... and a question this long, about something else than the article, is one too,
# when it opens with the question word as titles do ("هل ...", "من هو ...", "لماذا ...");
# a question that goes on from the text ("ولذلك ... فماذا ستفعل؟") is dialogue.
_LONE_QUESTION_WORDS = 6
_ASKS = re.compile(r"^[\"'«“(]?(?:هل|ما|ماذا|لماذا|كيف|من|متى|أين|اين|كم|أي|اي|إلى أين|الى اين)\s")


def _lone_title(text: str, min_words: int = _LONE_TITLE_WORDS, *, question: bool = False) -> bool:
    """One line between two paragraphs that is another story's title rather than a
    section head: a "place: quote" title of five words or more, or a headline of seven
    words or more (section heads are a few words). A question is taken alone only when
    it is about something else (``question``: it shares no content word with the
    article), opens with its question word and has six words or more: the article's own
    section heads are often questions ("كيف كان رد فعل العالم؟"), short and on its
    subject."""
    stripped = text.strip()
    if _item(text):
        return False  # an item or a question of the article's own
    words = len(_WORD.findall(text))
    if stripped.rstrip("\"'”» !").endswith(("؟", "?")):
        return (
            question
            and words >= max(min_words, _LONE_QUESTION_WORDS)
            and bool(_ASKS.match(stripped))
        )
    return words >= min_words or (words >= 5 and bool(_TITLE_MARKS.search(stripped)))


def _heads_next(folded_title: str, folded_next: str) -> bool:
    """A section head introduces the paragraph under it, which takes up its words ("كيف
    ردت العصبة؟" over "رفض غرينبلات، مدير العصبة ..."); another story's title does not,
    and a line that continues the sentence before it is prose."""
    if continues(folded_title):
        return True
    title = stems(folded_title)
    following = stems(" ".join(folded_next.split()[:25]))
    return len(title & following) >= 2


def stems(folded: str) -> set[str]:
    """Content words without the article and its clitics (ال, وال, بال, لل), for
    comparing what two lines are about: what is left of each word, when it has three
    letters or more and is not a number."""
    words = set(_STEM.findall(folded))
    for number in [word for word in words if word.isdigit()]:
        words.discard(number)
    return words


# A word (a run of word characters) with the article it opens with, if any, taken off
# when three letters or more are left: the article with a clitic before it (وال, بال,
# فال, كال), the article alone or after «ل» (ال, لل); words shorter than three letters
# are left out.
_STEM = re.compile(r"(?:[وبفك]ال|لل|ال)?(\w{3,})")


_COMMON_WORDS = Path(__file__).with_name("models") / "common_words.json"


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The folded words so common in news that sharing them says nothing about a topic,
    learned from the corpora by benchmarks/train_common_words.py."""
    return frozenset(json.loads(_COMMON_WORDS.read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The common words that only tie a sentence together ("بعد", "علي", "التي", "خلال"):
    the short ones of :func:`common_words` and a few longer particles. Sharing one says
    nothing about a topic; sharing a common noun ("نسبه", "مشاركه") still does, a little."""
    return frozenset(w for w in common_words() if len(w) <= 3) | _LONG_PARTICLES


_LONG_PARTICLES = frozenset(
    [
        "التي",
        "الذي",
        "والتي",
        "خلال",
        "بينما",
        "عندما",
        "ايضا",
        "هناك",
        "عليه",
        "عليها",
        "منها",
        "فيها",
        "فيما",
        "حتي",
    ]
)


def content_stems(folded: str) -> set[str]:
    """The :func:`stems` of a folded line without the :func:`function_words`."""
    return stems(folded) - function_words()


def topic_words(folded: str) -> set[str]:
    """The :func:`stems` of a folded line that say what it is about: the common words of
    the language ("علي", "خلال", "رييس", "حكومه") taken out."""
    return stems(folded) - common_words()


def _own_list_or_box(doc: Doc, before: Line, run: list[Line]) -> bool:
    """The run belongs to the article: items of a list whose previous item stands
    before it (marked the same way, or sharing content words, not just "في" and "من"),
    or the heading and byline of its own box."""
    if any(_BOX_BYLINE.match(line.text) for line in run):
        return True
    if any(_item(line.text) for line in run):
        return True  # a numbered or bulleted head of the article's own ("3- فلان مهندس")
    if _item(before.text) and all(_item(line.text) for line in run):
        return True  # the list goes on, marked as before
    if len(_WORD.findall(before.text)) > 20:
        return False  # a paragraph, not the previous item of a list
    previous = stems(doc.folded(before.index))
    for line in run:
        words = stems(doc.folded(line.index))
        if len(words & previous) >= max(3, len(words) // 2):
            return True
    return False
