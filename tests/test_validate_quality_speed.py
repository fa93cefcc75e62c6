"""The shortcuts of the quality and language detectors and of the batch prefilter give
what the plain code gives.

Words cut through the character table are the words of the regular expression; the
short-text test that stops splitting early says what counting every word says; the
duplicate-line share read from the text is the share read from the document's lines;
a batch identified at once gets the languages identified one text at a time; patterns
screened together find the rows each finds alone, and the literals a pattern needs are
read past the anchors of the text's ends.
"""

from __future__ import annotations

import re
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit.validate.language as language
from corpuskit.normalize import strip_diacritics
from corpuskit.validate import prefilter
from corpuskit.validate.charclass import BMP, code_points
from corpuskit.validate.document import Doc
from corpuskit.validate.language import SAMPLE_CHARS, _plainly_in_script, identify, identify_many
from corpuskit.validate.prefilter import (
    SCREEN_MAX_PATTERNS,
    _screen_groups,
    matching_rows,
    required_literals,
)
from corpuskit.validate.quality import (
    WORD_CHAR,
    _duplicate_line_char_share,
    _fewer_words,
    _words,
)

# Letters, marks, tatweel, digits, underscores, case pairs that casefold to several
# characters or to a combining mark, odd whitespace, a lone surrogate, an emoji.
TRICKY = [
    *"ابتثأإآىةـًٌٍَُِّْٰ٠١٢ \t\u00a0\u200b\ufeff\r\x0b\x1c\x1f_-.،؛:؟!",
    *"ABCßΣςİ²½ﬁ\u2028\u0301e",
    "\n",
    "\n\n",
    "  \n",
    "\ud800",
    "\U0001f600",
]
TEXT = st.lists(st.sampled_from(TRICKY), max_size=300).map("".join)


def _reference_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", strip_diacritics(text).replace("\u0640", "").casefold())


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(0, 40))
def test_words_cut_through_the_table_are_the_regular_expression_words(text, limit):
    assert _words(text, limit) == _reference_words(text)[:limit]
    bmp_only = "".join(ch for ch in text if ord(ch) < BMP)
    assert _words(bmp_only, 1000) == _reference_words(bmp_only)


def test_no_word_character_is_whitespace():
    assert not any(chr(c).isspace() for c in range(BMP) if WORD_CHAR.table[c])


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(1, 12))
def test_fewer_words_counts_like_splitting_every_word(text, count):
    assert _fewer_words(text, count) == (len(text.split()) < count)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_duplicate_line_share_from_the_text_equals_the_share_from_the_lines(text):
    lines = [line.stripped for line in Doc("d", "", text, None, "ar").lines if not line.blank]
    total = sum(map(len, lines))
    seen: set[str] = set()
    duplicated = 0
    for line in lines:
        duplicated += len(line) if line in seen else 0
        seen.add(line)
    assert _duplicate_line_char_share(text) == (duplicated / total if total else 0.0)


def test_a_batch_where_no_text_yields_a_feature_is_identified_like_one_text_at_a_time():
    texts = ["a", "ab", None, "  "]
    with patch.object(language, "COMPILED_FROM", 0):
        assert identify_many(texts) == [identify(t or "") for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_batch_identification_equals_one_text_at_a_time(texts):
    with patch.object(language, "COMPILED_FROM", 0):  # the compiled walk, however few
        assert identify_many(texts) == [identify(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_script_shortcut_reads_the_documents_code_points_like_its_sample(text):
    doc = Doc("d", "", text, None, "ar")
    sample = code_points(text[: SAMPLE_CHARS * 2])
    for expected in (["ar"], ["en"], ["fa"]):
        assert _plainly_in_script(doc.code_points[: SAMPLE_CHARS * 2], expected) == (
            _plainly_in_script(sample, expected)
        )


# Patterns without required literals, so each is searched on every text and screened:
# flags that must stay inside their group, two patterns that name a group alike, and
# patterns kept out of screens (a word boundary, the verbose flag, a text anchor).
SCREENED = {
    "case": "(?i)ab[c]",
    "lines": "(?m)^\\d$",
    "end": "\\d$",
    "keep": "(?P<keep>\\d)\\s",
    "keep_again": "(?P<keep>\\s)\\d\\d",
    "boundary": "\\b\\d\\d",
    "verbose": "(?x) \\d \\s  # a comment",
    "anchored": "\\A\\s",
}
PIECES = st.sampled_from(["ABC", "abc", "Abc", "1", "22", " ", "\n", "x", "#"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=8).map("".join), min_size=1, max_size=12))
def test_screened_search_equals_a_full_search(texts):
    subject = pl.Series("s", texts)
    rows = list(range(len(texts)))
    found = matching_rows(subject, SCREENED, dict.fromkeys(SCREENED, rows))
    for key, pattern in SCREENED.items():
        full = subject.str.contains(pattern).to_list()
        assert found[key] == [r for r in rows if full[r]], key


def test_screens_name_no_group_twice_and_hold_a_bounded_number_of_patterns():
    keys = ["keep", "keep_again", "case", "lines", "end"] * 2
    patterns = {f"{key}{i}": SCREENED[key] for i, key in enumerate(keys)}
    groups = _screen_groups(list(patterns), patterns)
    for group in groups:
        assert len(group) <= SCREEN_MAX_PATTERNS
        assert sum(patterns[key].startswith("(?P<keep>") for key in group) <= 1
    assert sorted(key for group in groups for key in group) == sorted(patterns)


def test_a_screen_the_engine_refuses_leaves_the_rows_to_the_full_search(monkeypatch):
    monkeypatch.setattr(prefilter, "_screen_groups", lambda keys, _patterns: [keys])
    texts = ["1 22", "x", " 22", "abc"]
    subject = pl.Series("s", texts)
    patterns = {key: SCREENED[key] for key in ("keep", "keep_again", "case")}
    found = matching_rows(subject, patterns, {key: [0, 1, 2, 3] for key in patterns})
    assert found == {"keep": [0], "keep_again": [0, 2], "case": [3]}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("\\Aاضغط هنا\\z", {"اضغط هنا"}),  # the text's ends take no character
        ("(?:وسوم|سمات)[^\\n]*\\s*\\z", {"وسوم", "سمات"}),
        ("(?i)\\A[^\\n]{0,200}?https?://\\S+", {"://"}),
        ("\\\\zاب", {"\\zاب"}),  # an escaped backslash before z: a literal z
        ("[\\z]اب", None),  # not an anchor inside a class
    ],
)
def test_required_literals_read_the_text_anchors(pattern, expected):
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected
