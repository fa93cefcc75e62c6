"""The headline tests in their fast form give what they give one step at a time.

:func:`stems` takes the article off every word in one regular expression; the plain
computation walks the words one by one. :func:`headline_words` and
:func:`headline_shape` run their cheap tests first; the plain computation runs them in
the order they are explained. :func:`unwrap` looks for a list marker only on a line
that opens with a character a marker can open with.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.normalize import strip_invisible
from corpuskit.validate import headlines, lineshape
from corpuskit.validate.headlines import headline_words, stems
from corpuskit.validate.lineshape import ends_sentence, headline_shape, unwrap, word_count

_WORD = re.compile(r"\w+")


def _reference_stems(folded: str) -> set[str]:
    out = set()
    for word in _WORD.findall(folded):
        if len(word) >= 6 and word[:3] in {"وال", "بال", "فال", "كال"}:
            word = word[3:]
        elif len(word) >= 5 and word[:2] in {"لل", "ال"}:
            word = word[2:]
        if len(word) >= 3 and not word.isdigit():
            out.add(word)
    return out


def _reference_headline_words(text: str, max_chars: int = 180, max_commas: int = 1) -> int | None:
    h = headlines
    s = strip_invisible(text).strip()
    if not s or len(s) > max_chars or h._BULLET.match(s):
        return None
    if len(h._FIELD_SEPARATOR.findall(s)) >= 2 or h._LABEL_NUMBER.search(s):
        return None
    if h._CONTINUATION.match(s):
        return None
    tail = s.rstrip(h._CLOSERS + " ")
    if not tail or tail[-1] in h.SENTENCE_END:
        return None
    if h._INTERNAL_BREAK.search(s):
        return None
    if s.count("،") + s.count(",") > max_commas:
        return None
    return len(_WORD.findall(s))


def _reference_unwrap(folded: str) -> str:
    text = lineshape._MARKER.sub("", folded, count=1).strip()
    while len(text) > 2 and text[0] in lineshape._WRAP_OPEN and text[-1] in lineshape._WRAP_CLOSE:
        inner = text[1:-1].strip()
        if any(c in inner for c in lineshape._WRAP_CLOSE + lineshape._WRAP_OPEN[:3]):
            break
        text = inner
    return text


def _reference_headline_shape(folded: str, max_words: int = 24, max_chars: int = 200) -> bool:
    s = lineshape
    if len(folded) > max_chars + 8:
        return False
    text = unwrap(folded)
    if not text or len(text) > max_chars:
        return False
    if not 2 <= word_count(text) <= max_words:
        return False
    if ends_sentence(text) or s._INNER_STOP.search(text):
        return False
    if s._CONTINUATION.match(text) or s._URL_OR_MAIL.search(text):
        return False
    if s._LABEL_NUMBER.search(text) or len(s._FIELD_SEPARATOR.findall(text)) >= 1:
        return False
    return text.count("،") + text.count(",") <= 2


# The letters of the article and its clitics, other letters, digits that are and are not
# decimal, the underscore, spaces, punctuation that ends or breaks a headline, markers.
PIECES = st.sampled_from(
    [
        *"والبفكلمن",
        "ال",
        "وال",
        "لل",
        "بال",
        "كال",
        *'0123٠١٢²³_ \t\u200b.،؛:,?؟!"«»()-|/',
        "xyz",
        "ABC",
        "قال",
        "وقال",
        "1.",
        "http://",
        "a@b",
        "عنوان",
    ]
)
TEXT = st.lists(PIECES, max_size=60).map("".join)


# Markers, digits of several scripts (decimal or not), quotes and spaces before a line.
LINE_OPENINGS = st.lists(
    st.sampled_from(
        [*"-–—•*■□◄►▪▫·»«|>~+(){}[]0٣۴१²½ \t\u00a0\"'“‘.", "(1) ", "( ١٢ ) ", "3. ", "१- ", "²) "]
    )
)


@settings(max_examples=500, deadline=None)
@given(LINE_OPENINGS.map("".join), TEXT)
def test_unwrap_equals_the_marker_removal_on_every_line(opening, text):
    assert unwrap(opening + text) == _reference_unwrap(opening + text)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_stems_equal_the_word_by_word_computation(text):
    assert stems(text) == _reference_stems(text)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.integers(1, 40), st.integers(0, 3))
def test_headline_words_equal_the_tests_in_their_plain_order(text, max_chars, max_commas):
    assert headline_words(text) == _reference_headline_words(text)
    got = headline_words(text, max_chars=max_chars, max_commas=max_commas)
    assert got == _reference_headline_words(text, max_chars, max_commas)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.integers(1, 12), st.integers(1, 40))
def test_headline_shape_equals_the_tests_in_their_plain_order(text, max_words, max_chars):
    assert headline_shape(text) == _reference_headline_shape(text)
    got = headline_shape(text, max_words=max_words, max_chars=max_chars)
    assert got == _reference_headline_shape(text, max_words, max_chars)


def test_unwrap_of_lines_at_the_edges():
    lines = ["", " ", "(1) عنوان", "(٣)عنوان", "١. عنوان", "१- عنوان", " - عنوان", "²) عنوان"]
    lines += ["«عنوان»", "- «عنوان»", "12 عنوان", "--", "(عنوان)", "\t(2) عنوان"]
    assert [unwrap(line) for line in lines] == [_reference_unwrap(line) for line in lines]


def test_stems_of_words_at_the_edges():
    assert stems("") == set() == stems("   ")
    assert stems("ال الك الكت الكتب والكتب والده بالبيت للبيت") == {
        "الك",
        "الكت",
        "كتب",
        "والده",
        "بيت",
    }
    assert stems("ال123 وال123 12345 x²³ ²³⁴ __a") == {"x²³", "__a"}


_TOPIC_WORDS = st.sampled_from(["مدينة", "الرياض", "الطقس", "المطر", "السوق", "الدولار", "النفط"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_TOPIC_WORDS, min_size=1, max_size=5), min_size=2, max_size=12),
    st.lists(_TOPIC_WORDS, max_size=3),
    st.data(),
)
def test_words_shared_with_the_article_around_a_run_are_the_plain_union(lines, title, data):
    from corpuskit.validate.document import Doc

    doc = Doc("d", " ".join(title), "\n".join(" ".join(words) for words in lines), None, "ar")
    content = doc.content_lines()
    topics = headlines._Topics(doc, content)
    start = data.draw(st.integers(0, len(content) - 1))
    end = data.draw(st.integers(start + 1, len(content)))
    article = topics.title.union(
        *(topics.lines[k] for k in range(len(content)) if not start <= k < end)
    )
    for k in range(start, end):
        assert topics.shared(k, start, end) == topics.lines[k] & article


def _reference_set_off(indexes: list[int], start: int, end: int) -> bool:
    if start < 1 or end >= len(indexes):
        return False
    gaps = [b - a - 1 for a, b in itertools.pairwise(indexes)]
    own = gaps[: start - 1] + gaps[end:]
    return len(own) >= 1 and min(gaps[start - 1], gaps[end - 1]) > max(own)


@settings(max_examples=300, deadline=None)
@given(st.sets(st.integers(0, 60), min_size=1, max_size=20), st.data())
def test_a_run_set_off_by_blank_lines_is_read_from_the_gaps_once(indexes, data):
    from corpuskit.validate.spans import Line

    indexes = sorted(indexes)
    content = [Line(i, 0, 0, "x") for i in indexes]
    start = data.draw(st.integers(0, len(indexes)))
    end = data.draw(st.integers(start + 1, len(indexes) + 1))
    assert headlines.Gaps(content).set_off(start, end) == _reference_set_off(indexes, start, end)
