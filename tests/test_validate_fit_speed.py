"""Folding through the tables gives what the plain functions give, on texts long enough
to take the tables and made of the characters where the two could part: whitespace of
every kind around line breaks, characters NFKC changes, marks NFKC reorders or composes,
characters that fold away and characters that case-fold into several."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.normalize import fold, fold_keep_punctuation
from corpuskit.validate.folding import _TABLE_MIN_CHARS, fold_lines, line_keys_of

TRICKY = [
    *"ابتثأإآٱىیئؤةکـًٌٍَُِّْٰٕٓٔہو٠١٢۳۴ ",
    *" \t\u00a0\u2009\u3000\u200b\u200f\ufeff\r\x0b\x1c\x1f\x85\u2028\u2029",
    *"_-.،؛:؟!\ufb50\ufe8d\ufef7\ufefb\ufdf2\u2026\u2033",
    *"ABCßΣςİ\u0345²½ﬁe\u0301\u0308\u1100\u1161\u11a8\ud800",
    "\n",
    "\n",
]
LONG_TEXT = st.lists(st.sampled_from(TRICKY), min_size=_TABLE_MIN_CHARS, max_size=600).map("".join)


@settings(max_examples=400, deadline=None)
@given(LONG_TEXT)
def test_folding_through_the_tables_equals_folding_line_by_line(text):
    lines = text.split("\n")
    folded = fold_lines(text, len(lines))
    assert folded == [fold_keep_punctuation(line) for line in lines]
    assert line_keys_of(folded) == [fold(line) for line in lines]


def test_whitespace_alone_and_at_every_edge_folds_to_empty_lines():
    for text in [" " * 300, "\n" * 300, " \n" * 150, "\u00a0\t\r" * 100 + "\n x \n"]:
        lines = text.split("\n")
        assert fold_lines(text, len(lines)) == [fold_keep_punctuation(line) for line in lines]
