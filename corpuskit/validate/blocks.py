"""Related-link blocks and teaser runs, decided line by line from evidence.

A scraped page puts other stories around the article: a header ("مواضيع ذات صلة",
"اقرأ أيضاً:", "قد يهمك أيضا:") over a list of their headlines, a run of headlines after
the article with no header at all (the seed document's ending), or the opening sentences
of other articles after the last paragraph (teasers). None of this is all-or-nothing:
each line is judged by its own shape (:mod:`corpuskit.validate.lineshape`, on the folded
line, so no-break spaces, CR, tatweel and diacritics do not matter), by its neighbours
(one line of an unusual shape inside a run of headlines is still part of the run), by
the blank gap before the run, by its position, and by a header above it or anywhere in
the document.

* ``related-block``: the lines under a standalone header. Headline-shaped lines are
  taken one by one until the first prose paragraph; a header whose items are story
  openings (CNN's "قد يهمك أيضا:" over teasers) takes them when they run to the end of
  the article.
* ``trailing-links``: the run of headline-shaped lines that ends the article, with no
  header directly above it. Taken when the evidence says links: a header elsewhere in the
  document, a wider blank gap than the body's paragraphs have, or three or more
  headlines of news length after a paragraph that ends a sentence. A list the body
  announces with a colon, an article written in short lines, and the signature under a
  letter stay.
* ``teaser-run``: two or more trailing paragraphs that each open a news story (a dateline
  or a verb-first lead) after an article whose own paragraphs continue one another; or,
  with no dateline and no header, three or more trailing paragraphs about other stories:
  they share (almost) no topic word with the article or with one another, and open like
  stories, not like the text going on.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cached_property
from typing import Any

from corpuskit.rule_regex import compile_pattern
from corpuskit.rules import Rule
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.headlines import common_words, function_words, stems, topic_words
from corpuskit.validate.lineshape import (
    continues,
    dateline_shape,
    ends_prose,
    headline_shape,
    lead_shape,
    opening_ratios,
    opening_words,
    unwrap,
    word_count,
)
from corpuskit.validate.spans import Line

# The formula that closes a letter or a statement: what follows is a signature.
_CLOSING = re.compile(
    r"(?:السلام عليكم|وتقبلوا|تقبلوا|مع خالص|مع تحيات|تحياتي|والله ولي التوفيق|والله الموفق|"
    r"والله من وراء القصد|وبالله التوفيق|sincerely|regards)"
)


class _View:
    """The content lines of a document with their folded text and headers, and what the
    detectors ask of each line (its shape, its words), worked out once per document the
    first time a detector asks: most documents end before most lines are looked at, and
    the three detectors share what they do look at."""

    def __init__(self, doc: Doc, header: Any, max_words: int) -> None:
        self.doc = doc
        self.lines: list[Line] = doc.content_lines()
        folded_lines = doc.folded_lines
        self.folded = [folded_lines[line.index] for line in self.lines]
        self.header = [bool(header.search(f)) for f in self.folded]
        self.max_words = max_words
        n = len(self.lines)
        self._headline: list[bool | None] = [None] * n
        self._unwrapped: list[str | None] = [None] * n
        self._words: list[int | None] = [None] * n
        self._lead: list[bool | None] = [None] * n
        self._topic: list[set[str] | None] = [None] * n

    def __len__(self) -> int:
        return len(self.lines)

    def is_headline(self, k: int) -> bool:
        """Whether line ``k`` is shaped like a headline (see :func:`headline_shape`)."""
        shape = self._headline[k]
        if shape is None:
            shape = self._headline[k] = headline_shape(self.folded[k], max_words=self.max_words)
        return shape

    def unwrapped(self, k: int) -> str:
        """Line ``k`` without its list marker and its quotes (see :func:`unwrap`)."""
        text = self._unwrapped[k]
        if text is None:
            text = self._unwrapped[k] = unwrap(self.folded[k])
        return text

    def words(self, k: int) -> int:
        count = self._words[k]
        if count is None:
            count = self._words[k] = word_count(self.unwrapped(k))
        return count

    def opens_story(self, k: int) -> bool:
        """Whether line ``k`` reads like the opening of a news story (:func:`lead_shape`)."""
        lead = self._lead[k]
        if lead is None:
            lead = self._lead[k] = lead_shape(self.folded[k])
        return lead

    def topic(self, k: int) -> set[str]:
        """The :func:`topic_words` of line ``k`` (shared: never change it in place)."""
        words = self._topic[k]
        if words is None:
            words = self._topic[k] = topic_words(self.folded[k])
        return words

    @cached_property
    def wire(self) -> bool:
        """Whether the article opens with a news agency's dateline (a wire layout)."""
        return dateline_shape(self.folded[0])

    @cached_property
    def gaps(self) -> list[int]:
        """Blank lines above each content line, 0 for the first."""
        indices = [line.index for line in self.lines]
        return [0] + [b - a - 1 for a, b in itertools.pairwise(indices)]

    def hits(self, ks: list[int]) -> list[Hit]:
        return [self.doc.line_hit(self.lines[k]) for k in sorted(set(ks))]


def _view(doc: Doc, rule: Rule) -> _View:
    params = rule.params
    key = ("blocks", params["header"], int(params["max_words"]))
    memo = doc.memo
    if key not in memo:
        memo[key] = _View(doc, compile_pattern(str(params["header"])), int(params["max_words"]))
    return memo[key]


def _tolerable(view: _View, k: int, max_words: int) -> bool:
    """A line of unusual shape that may still sit inside a run of headlines: short and
    not a paragraph of prose."""
    return not view.header[k] and view.words(k) <= max_words and not _long_prose(view, k)


def _long_prose(view: _View, k: int) -> bool:
    return view.words(k) > 30 and ends_prose(view.folded[k])


def _prose(view: _View, k: int) -> bool:
    """A sentence of prose: it continues the text, or it ends like prose and has more
    than twelve words."""
    folded = view.folded[k]
    return continues(folded) or (view.words(k) > 12 and ends_prose(folded))


def related_block(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """The lines a standalone related-links header introduces (the header is BP101's)."""
    view = _view(doc, rule)
    params = rule.params
    max_items = int(params["max_items"])
    max_teaser_words = int(params["max_teaser_words"])
    taken: list[int] = []
    n = len(view)
    for h in range(1, n):  # a header that opens the text introduces nothing below it
        if not view.header[h]:
            continue
        items: list[int] = []
        k = h + 1
        while k < n and len(items) < max_items and not view.header[k]:
            if view.is_headline(k):
                items.append(k)
            elif (
                items
                and k + 1 < n
                and view.is_headline(k + 1)
                and _tolerable(view, k, int(params["max_words"]))
            ):
                items.append(k)  # one odd line between two headlines
            else:
                break
            k += 1
        if k < n and not view.header[k] and (not items or not _prose(view, k)):
            items = (
                _block_to_end(view, h + 1, max_items, max_teaser_words, bool(items))
                or _other_stories_to_end(view, h, max_items, max_teaser_words, params)
                or items
            )
        taken += items
    return view.hits(taken)


def _other_stories_to_end(
    view: _View, header: int, max_items: int, max_words: int, params: dict
) -> list[int]:
    """The paragraphs from below a header to the end of the document, when none of them
    continues the one before and together they are about other stories (few of their
    words in the article above the header): teasers whose openings are not of a known
    shape."""
    tail = list(range(header + 1, len(view)))
    body = list(range(header))
    if len(tail) < 2 or not body or len(tail) > max_items or any(view.header[k] for k in tail):
        return []  # one paragraph after a header is as likely the article going on
    if any(view.words(k) > max_words or _goes_on(view.folded[k]) for k in tail):
        return []
    if any(view.words(k) < 12 for k in tail):
        return []  # paragraphs, not the article's own short items
    shares = _topic_shares(view, body, tail)
    limit = float(params["max_unrelated_overlap"])
    if shares and max(shares) <= 2 * limit and sum(shares) <= limit * len(shares):
        return tail
    return []


def _goes_on(folded: str) -> bool:
    """A paragraph that continues the text: a continuation opening, or a conjunction
    glued to its first word ("وعرضت", "وخاض"), which is most likely the article going on."""
    return continues(folded) or _glued_conjunction(unwrap(folded))


def _glued_conjunction(unwrapped: str) -> bool:
    """Whether the first word of a paragraph (without its list marker and quotes) is a
    conjunction glued to a word of four letters or more ("وعرضت")."""
    first = unwrapped.split(" ", 1)[0]
    return first[:1] == "و" and len(first) >= 4


def _topic_shares(view: _View, body: list[int], run: list[int]) -> list[float]:
    """For each line of ``run``, the share of its words found in the title and ``body``
    (empty when a line has no words)."""
    topic = stems(view.doc.folded_title)
    for k in body:
        topic |= stems(view.folded[k])
    shares = []
    for k in run:
        words = stems(view.folded[k])
        if not words:
            return []
        shares.append(len(words & topic) / len(words))
    return shares


def _block_to_end(
    view: _View, start: int, max_items: int, max_words: int, headlines_first: bool
) -> list[int]:
    """Every line from ``start`` to the end of the document, when they read as links:
    story openings (the first one and at least half of them shaped like one, none
    longer than a lead), or mostly headlines (two in three) with no paragraph of prose
    among them."""
    tail = list(range(start, len(view)))
    if not tail or len(tail) > max_items or any(view.header[k] for k in tail):
        return []
    if (
        not headlines_first
        and view.opens_story(tail[0])
        and all(view.words(k) <= max_words for k in tail)
        and 2 * sum(view.is_headline(k) or view.opens_story(k) for k in tail) >= len(tail)
    ):
        return tail  # story openings, most of them shaped like one
    headlines = sum(view.is_headline(k) for k in tail)
    if headlines * 3 >= 2 * len(tail) and not any(
        _prose(view, k) for k in tail if not view.is_headline(k)
    ):
        return tail
    return []


def _trailing_run(view: _View, max_odd_words: int) -> list[int]:
    """The trailing run of headline-shaped lines (content indices, top first), allowing
    one odd line in three inside it."""
    run: list[int] = []
    odd = 0
    k = len(view) - 1
    while k >= 0:
        if view.header[k]:
            if run:
                run.append(k)  # the header tops the block
            break
        if view.is_headline(k):
            run.append(k)
        elif (
            run
            and k > 0
            and view.is_headline(k - 1)
            and odd < max(1, len(run) // 3)
            and _tolerable(view, k, max_odd_words)
        ):
            run.append(k)
            odd += 1
        else:
            break
        k -= 1
    while run and not (view.is_headline(run[-1]) or view.header[run[-1]]):
        run.pop()
        odd -= 1
    run.reverse()
    return _below_widest_gap(view, run)


def _below_widest_gap(view: _View, run: list[int]) -> list[int]:
    """A link block is set off as one piece: when one blank gap inside the run is wider
    than every other (and at least two blank lines), the run starts below it."""
    if len(run) < 2:
        return run
    gaps = [view.lines[b].index - view.lines[a].index - 1 for a, b in itertools.pairwise(run)]
    widest = max(gaps)
    if widest >= 2 and gaps.count(widest) == 1:
        return run[gaps.index(widest) + 1 :]
    return run


def _usual_gap(lines: list[Line]) -> int:
    gaps = sorted(b.index - a.index - 1 for a, b in itertools.pairwise(lines))
    return gaps[len(gaps) // 2] if gaps else 0


def trailing_links(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """The run of headlines that ends the article, when the evidence says links."""
    view = _view(doc, rule)
    params = rule.params
    run = _trailing_run(view, int(params["max_words"]))
    if not run:
        return []
    top = run[0]
    if view.header[top]:
        return []  # a block under a header is BP110's
    body = list(range(top))
    if not body:
        return []
    headlines = [k for k in run if view.is_headline(k)]
    header_anywhere = any(view.header)
    min_lines = int(params["min_lines"])
    if len(headlines) < (min_lines - 1 if header_anywhere else min_lines):
        return []
    last = body[-1]
    mean_words = sum(view.words(k) for k in headlines) / len(headlines)
    news_length = mean_words >= float(params["min_mean_words"])
    announces = view.folded[last].rstrip(" \"'”»)").endswith((":", "："))
    if announces and not (header_anywhere and news_length):
        return []  # a list the body announces
    body_lines = [view.lines[k] for k in body]
    own = [k for k in body if not view.header[k]]
    shortish = sum(view.is_headline(k) and view.words(k) <= 15 for k in own)
    if own and shortish / len(own) > float(params["max_body_headline_share"]):
        return []  # an article written in short lines: a poem, a line-up
    if _CLOSING.search(view.folded[last]) or (
        len(body) > 1 and _CLOSING.search(view.folded[last - 1])
    ):
        return []  # a signature under a letter
    if header_anywhere:
        return view.hits(run)
    # No header: the lines must read as other stories, not as the article's own ending.
    if not news_length or _own_ending(view, body, headlines, params):
        return []
    # ... and be set off from the article by a gap wider than its paragraphs have.
    gap = view.lines[top].index - view.lines[last].index - 1
    if gap >= int(params["min_gap"]) and gap > _usual_gap(body_lines):
        return view.hits(run)
    return []


def _own_ending(view: _View, body: list[int], run: list[int], params: dict) -> bool:
    """The signs that a run of short lines closing an article is the article's own:
    captions and lists about its topic (they share its words), items that repeat one
    opening word ("اللاعب ...", "** ..."), or the lines of a poem (they rhyme)."""
    topic: set[str] = set()
    for k in body:
        topic |= stems(view.folded[k])
    topic |= stems(view.doc.folded_title)
    shared = 0
    for k in run:
        words = stems(view.folded[k])
        if words and len(words & topic) >= max(2, len(words) * float(params["max_topic_overlap"])):
            shared += 1
    if shared * 3 > len(run):
        return True
    firsts = Counter(_first_token(view.folded[k]) for k in run)
    if len(run) >= 3 and firsts.most_common(1)[0][1] * 2 >= len(run):
        return True
    endings = Counter(
        _LETTERS.findall(view.folded[k])[-1][-1:] for k in run if _LETTERS.findall(view.folded[k])
    )
    return len(run) >= 4 and endings.most_common(1)[0][1] * 2 > len(run) and _rhymes(view, run)


def _first_token(folded: str) -> str:
    token = folded.split(" ", 1)[0] if folded else ""
    return token if token.strip("*-•·o.>") else folded[:2]


def _rhymes(view: _View, run: list[int]) -> bool:
    """Half the lines or more end in the same two letters (a poem's rhyme)."""
    tails = Counter()
    for k in run:
        words = _LETTERS.findall(view.folded[k])
        if words:
            tails[words[-1][-2:]] += 1
    return bool(tails) and tails.most_common(1)[0][1] * 2 >= len(run)


def _content_words(folded: str) -> set[str]:
    """The words of four letters or more (a digit or ``_`` ends a word)."""
    return set(_LONG_LETTERS.findall(folded))


_LETTERS = re.compile(r"[^\W\d_]+")
# A run of four letters or more: the runs of _LETTERS that are that long, since a match
# starts where a run starts and takes it whole.
_LONG_LETTERS = re.compile(r"[^\W\d_]{4,}")


def teaser_run(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """Trailing paragraphs that open other stories (CNN's teasers): the longer of the run
    of story openings and, in an article without a dateline, the run of paragraphs about
    other stories."""
    view = _view(doc, rule)
    params = rule.params
    if len(view) < 3:
        return []
    run = _opening_run(view, params)
    if not view.wire:
        other = _other_stories_tail(view, params)
        if len(other) > len(run):
            run = other
    run = _below_set_off_gap(view, run)
    below_gap = _tail_below_gap(view, params)
    if len(below_gap) > len(run):
        run = below_gap
    return view.hits(run)


def _below_set_off_gap(view: _View, run: list[int]) -> list[int]:
    """A run of teasers is laid out as one piece after the article: when a blank gap
    inside the run is wider than every gap between the article's own paragraphs above
    it and than every later gap of the run, the paragraphs above that gap are the
    article's own and the run starts below it."""
    if len(run) < 2:
        return run
    body_gaps = view.gaps[1 : run[0] + 1]
    inside = [view.gaps[k] for k in run[1:]]
    widest = max(inside)
    at = len(inside) - 1 - inside[::-1].index(widest)
    if widest > max(body_gaps, default=0) and all(g < widest for g in inside[at + 1 :]):
        return run[at + 1 :]
    return run


def _tail_below_gap(view: _View, params: dict) -> list[int]:
    """The paragraphs after a blank gap wider than any the article leaves between its
    own paragraphs, when they are other stories. The gap is the page's layout: an
    article's closing paragraphs do not stand apart from it that way, so the run needs
    less of the other evidence than :func:`_other_stories_tail`: two paragraphs or more,
    each a sentence of eight words or more up to a teaser's length and no item of a list;
    each sharing at most ``max_gap_tail_overlap`` of its topic words with the article
    (``max_tail_overlap`` on average) and with the rest of the run, none sharing two
    words with the title (a word and its derived forms counting as one) or three with the
    lead, none opening with a connective ("من جهة ثانية") or like the text going on
    ("وواجهت ...") while sharing the article's words, and not mostly opening with one word that is
    neither a news verb nor a particle ("على", "في" open unrelated stories by chance)."""
    n = len(view)
    gaps = view.gaps
    start = _last_widest(gaps, 2)
    if not start or gaps[start] <= max(gaps[1:start], default=0):
        return []  # no gap wider than the article's own, or less than two paragraphs above it
    if any(gaps[k] >= gaps[start] for k in range(start + 1, n)):
        return []
    run = list(range(start, n))
    max_words = int(params["max_teaser_words"])
    if len(run) < int(params["min_lines"]) or len(run) > start + int(params["max_extra_lines"]):
        return []
    for k in run:
        if view.header[k] or not _GAP_TEASER_WORDS <= view.words(k) <= max_words:
            return []
        if not ends_prose(view.folded[k]) or _LIST_ITEM.match(view.lines[k].text):
            return []
        if not view.topic(k):
            return []
    words = [view.topic(j) for j in range(n)]
    title = stems(view.doc.folded_title) - common_words()
    topic = set(title)
    for j in range(start):
        topic |= words[j]
    title_prefixes = {w[:4] for w in title}
    lead_prefixes = {w[:4] for w in words[0]}
    shares = [len(words[j] & topic) / len(words[j]) for j in run]
    each = float(params["max_gap_tail_overlap"])
    if max(shares) > each or sum(shares) > float(params["max_tail_overlap"]) * len(run):
        return []
    for j in run:
        prefixes = {w[:4] for w in words[j]}
        if len(prefixes & title_prefixes) >= 2 or len(prefixes & lead_prefixes) >= 3:
            return []  # two words of the title ("اليوناني" is "اليونان") or three of the lead
        if continues(view.folded[j]):
            return []  # "من جهة ثانية ...": the article going on
    near_none = float(params["max_topic_overlap"])
    if any(
        _goes_on(view.folded[j]) and share > near_none for j, share in zip(run, shares, strict=True)
    ):
        return []  # "وواجهت ..." sharing the article's words: the article going on
    if _share_one_topic(words, run, each):
        return []
    word, count = Counter(_first_token(view.folded[j]) for j in run).most_common(1)[0]
    if (
        count > 1
        and 2 * count > len(run)
        and word not in function_words()
        and opening_ratios().get(word, 0) < _STRONG_OPENER
    ):
        return []
    return run


# A teaser after a set-off gap is a sentence of this many words at least.
_GAP_TEASER_WORDS = 8


def _last_widest(gaps: list[int], first: int) -> int:
    """The last position from ``first`` on whose gap is the widest there (0 when there
    is none)."""
    if len(gaps) <= first:
        return 0
    widest = max(gaps[first:])
    return len(gaps) - 1 - gaps[::-1].index(widest)


def _opening_run(view: _View, params: dict) -> list[int]:
    """The trailing paragraphs that each open a story, after an article whose own
    paragraphs continue one another."""
    max_words = int(params["max_teaser_words"])
    n = len(view)
    max_overlap = float(params["max_topic_overlap"])
    # What the article is about: its title and its opening paragraph (read when needed).
    article: set[str] | None = None

    def other_story(k: int) -> bool:
        nonlocal article
        folded = view.folded[k]
        if view.words(k) > max_words or continues(folded):
            return False
        if view.opens_story(k):
            return True
        if _glued_conjunction(view.unwrapped(k)):
            return False
        words = _content_words(folded)
        if not words:
            return False
        if article is None:
            article = _content_words(view.doc.folded_title) | _content_words(view.folded[0])
        return len(words & article) <= max_overlap * len(words)

    min_lines = int(params["min_lines"])
    if not _enough_openings(view, max_words, min_lines):
        return []
    run: list[int] = []
    k = n - 1
    while k > 0 and other_story(k):
        run.append(k)
        k -= 1
    wire = view.wire
    while run and not (wire or view.opens_story(run[-1])):
        run.pop()  # the run starts with a story opening (any other story after a dateline)
    leads = sum(view.opens_story(j) for j in run)
    body = list(range(n - len(run)))
    if len(body) < (1 if wire else 2) or leads < min_lines:
        return []
    if not wire and (len(run) <= min_lines or 2 * leads < len(run)):
        return []  # without a dateline: one more paragraph, half of them shaped as openings
    # The article's own paragraphs continue one another; its opening is a lead too.
    continuing = [j for j in body[1:] if not view.opens_story(j)]
    if len(body) > 2 and len(continuing) / (len(body) - 1) < float(params["min_body_continuing"]):
        return []
    if len(run) > len(body) + int(params["max_extra_lines"]):
        return []
    if not wire and not _unrelated_openings(view, body, run, params):
        return []
    return list(reversed(run))


def _enough_openings(view: _View, max_words: int, wanted: int) -> bool:
    """Whether the trailing paragraphs that may be other stories by their shape alone
    (a teaser's length at most, not continuing the text, a story opening or no
    conjunction glued to the first word) hold ``wanted`` story openings: the run of
    :func:`_opening_run` is part of them, so without as many openings it has too few,
    and the words the paragraphs share with the article need not be read."""
    found = 0
    k = len(view) - 1
    while k > 0 and found < wanted:
        folded = view.folded[k]
        if view.words(k) > max_words or continues(folded):
            break
        if view.opens_story(k):
            found += 1
        elif _glued_conjunction(view.unwrapped(k)):
            break
        k -= 1
    return found >= wanted


def _other_stories_tail(view: _View, params: dict) -> list[int]:
    """The trailing paragraphs, with no header or dateline to announce them, that are
    about other stories: the longest run at the end of the article that

    * has ``min_other_stories`` paragraphs or more (of 12 words up to a teaser's length)
      after two or more of the article's own, and at most ``max_extra_lines`` more than
      the article;
    * opens like a story: its first paragraph by a learned opening word (or, sharing no
      word with the article, by anything but a conjunction), and half of them or more (or
      none shares a word with the article or the rest); no item of a list among them, and
      no word other than a news verb opening most of them;
    * is about other things than the article: each paragraph shares at most
      ``max_tail_overlap`` of its topic words with the title and the paragraphs above
      (``max_unrelated_overlap`` on average), none shares two words with the title, and
      a paragraph that opens like the text going on ("وأضاف", "كما") shares almost none;
    * and about things other than one another: no paragraph shares more than
      ``max_tail_overlap`` of its topic words with the rest of the run (the article's own
      closing paragraphs on one side topic take up one another's words).
    """
    n = len(view)
    max_words = int(params["max_teaser_words"])
    min_run = int(params["min_other_stories"])
    extra = int(params["max_extra_lines"])
    each = float(params["max_tail_overlap"])
    mean = float(params["max_unrelated_overlap"])
    near_none = float(params["max_topic_overlap"])
    # The highest start a run may have: two paragraphs above it, and at most ``extra``
    # paragraphs more in the run than above it; lines higher up are not read.
    highest = max(2, (n - extra + 1) // 2)
    first = n
    while first > highest and _tail_paragraph(view, first - 1, max_words):
        first -= 1
    if n - first < min_run:
        return []  # no run long enough at the end: the common case, decided without topics
    if not any(view.opens_story(j) for j in range(first, n)):
        return []  # a run is taken only when one of its paragraphs opens like a story
    for k in range(n - 1, first - 1, -1):
        if not view.topic(k):
            first = k + 1  # a line with no topic word ends the run
            break
    if n - first < min_run or not any(view.opens_story(j) for j in range(first, n)):
        return []
    words = [view.topic(j) for j in range(n)]
    title = stems(view.doc.folded_title)
    anchor = (title - common_words()) | words[0]  # the title and the opening paragraph
    topic = (title - common_words()).union(*words[:first])  # the title and the text above
    for start in range(first, n - min_run + 1):
        if start > first:
            topic |= words[start - 1]
        run = list(range(start, n))
        if len(run) > start + extra:
            continue
        shares = [len(words[j] & topic) / len(words[j]) for j in run]
        if max(shares) > each or sum(shares) > mean * len(run):
            continue
        if any(len({w[:4] for w in words[j] & anchor}) >= 2 for j in run):
            continue  # two words of the title or the lead ("تونسي", "تونسيه" are one)
        if _takes_up(words[start - 1], words[start]):
            continue  # it takes up a word of the paragraph above: the article going on
        opens = [view.opens_story(j) for j in run]
        top = view.folded[start]
        if not opens[0] and (shares[0] > near_none or _goes_on(top)):
            continue
        if any(
            share > near_none and not opening and _goes_on(view.folded[j])
            for j, share, opening in zip(run, shares, opens, strict=True)
        ):
            continue
        if _share_one_topic(words, run, each):
            continue
        word, count = Counter(_first_token(view.folded[j]) for j in run).most_common(1)[0]
        if count > 1 and 2 * count > len(run) and opening_ratios().get(word, 0) < _STRONG_OPENER:
            continue  # most open with one word that is not a news verb: the article's device
        if 2 * sum(opens) >= len(run) or (
            opens[0] and max(shares) <= near_none and not _share_one_topic(words, run, near_none)
        ):
            return run  # half of them open like stories, or none has a word in common
    return []


def _tail_paragraph(view: _View, k: int, max_words: int) -> bool:
    """Whether line ``k`` may be one of the paragraphs of :func:`_other_stories_tail` as
    far as its shape tells: no header, 12 words up to a teaser's length, and not an item
    of the article's own list or timeline ("- ...", "12 - ", "1981- ")."""
    return (
        not view.header[k]
        and 12 <= view.words(k) <= max_words
        and not _LIST_ITEM.match(view.lines[k].text)
    )


# Story-opening words this much likelier to open a story than a later paragraph ("اعلن",
# "قال", "اكد") open many unrelated stories; weaker ones repeated ("بدا", a name) are an
# article's own device.
_STRONG_OPENER = 10.0
# A paragraph marked as an item: a bullet, a dash, a number or a year before the text.
_LIST_ITEM = re.compile(r"^[\s\u00a0]*(?:[-–—•·*▪►>]|\d)")


def _takes_up(above: set[str], below: set[str]) -> bool:
    """Whether a paragraph takes up a topic word of the one above it ("أمام ثلاثة
    سيناريوهات." then "يتمثل السيناريو الأول ..."), a word and its plural counting as
    one (the same first five letters)."""
    return bool({w[:5] for w in above if len(w) >= 5} & {w[:5] for w in below if len(w) >= 5})


def _share_one_topic(words: list[set[str]], run: list[int], limit: float) -> bool:
    """Whether a paragraph of ``run`` shares more than ``limit`` of its words with the
    others."""
    for j in run:
        others: set[str] = set()
        for i in run:
            if i != j:
                others |= words[i]
        if len(words[j] & others) > limit * len(words[j]):
            return True
    return False


def _unrelated_openings(view: _View, body: list[int], run: list[int], params: dict) -> bool:
    """Without a dateline to show a wire layout, teasers must look like other stories
    and nothing like the article's own structure: every one a paragraph (no subhead
    between them), no two opening with the same word (a list of decisions or a
    timeline does) unless it is a word that opens stories ("أكد", "قالت") and at most
    half of them share it, and on average no more than ``max_unrelated_overlap`` of
    their words (none more than twice that) shared with the article and its title."""
    if any(view.words(k) < 12 for k in run):
        return False
    firsts = Counter(_first_token(view.folded[k]) for k in run)
    if any(count > 1 and word not in opening_words() for word, count in firsts.items()):
        return False  # a repeated word that does not open stories: the article's own list
    if firsts.most_common(1)[0][1] * 2 > len(run):
        return False
    shares = _topic_shares(view, body, run)
    limit = float(params["max_unrelated_overlap"])
    return bool(shares) and max(shares) <= 2 * limit and sum(shares) <= limit * len(shares)
