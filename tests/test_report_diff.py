"""Word differences and highlighted spans: the text pieces the report marks up."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.report.diff import (
    GAP,
    Segment,
    context_window,
    highlight_excerpts,
    highlight_spans,
    word_diff,
)

words = st.lists(st.sampled_from(["أعلنت", "وزارة", "الصحة", "اليوم", "3", "news", "\n"]))


@settings(max_examples=40, deadline=None)
@given(words, words)
def test_each_side_of_a_diff_reassembles_its_text(a, b):
    kept, copy = " ".join(a), " ".join(b)
    left, right, truncated = word_diff(kept, copy)
    assert "".join(s.text for s in left) == kept
    assert "".join(s.text for s in right) == copy
    assert not truncated
    assert {s.tag for s in left} <= {None, "del"} and {s.tag for s in right} <= {None, "ins"}


def test_diff_marks_changed_words_only():
    left, right, _ = word_diff("افتتاح ثلاثة مستشفيات اليوم", "افتتاح 3 مستشفيات أمس")
    assert [s.text for s in left if s.tag] == ["ثلاثة", "اليوم"]
    assert [s.text for s in right if s.tag] == ["3", "أمس"]


def test_long_texts_are_cut_before_comparing():
    left, _right, truncated = word_diff("a " * 100, "b " * 100, max_tokens=50)
    assert truncated
    assert "".join(s.text for s in left) == "a " * 50


def test_spans_are_tagged_in_place():
    text = "head\nbody text\nfooter"
    segments = highlight_spans(text, [(0, 5, "BP1"), (15, 22, "BP2")])
    assert segments == [
        Segment("head\n", "BP1"),
        Segment("body text\n", None),
        Segment("footer", "BP2"),
    ]


def test_overlapping_spans_merge_and_keep_both_codes():
    segments = highlight_spans("0123456789", [(2, 6, "A"), (4, 8, "B"), (4, 5, "A")])
    assert segments == [Segment("01"), Segment("234567", "A B"), Segment("89")]


def test_offsets_outside_the_text_are_clipped():
    assert highlight_spans("abc", [(2, 99, "X"), (-5, 1, "Y")]) == [
        Segment("a", "Y"),
        Segment("b"),
        Segment("c", "X"),
    ]


def test_window_shows_only_the_context():
    text = "x" * 100 + " removed " + "y" * 100
    lo, hi = context_window(text, 101, 108, radius=10)
    assert lo <= 91 and hi >= 118
    segments = highlight_spans(text, [(101, 108, "R")], window=(lo, hi))
    assert "".join(s.text for s in segments) == text[lo:hi]
    assert Segment("removed", "R") in segments


def test_context_window_extends_to_word_boundaries():
    text = "alpha beta gamma delta epsilon"
    lo, hi = context_window(text, 11, 16, radius=3)
    assert text[lo:hi] == "beta gamma delta"


def test_changed_line_breaks_alone_are_not_marked():
    left, right, _ = word_diff("سطر أول\nسطر ثان", "سطر أول سطر ثان")
    assert not [s for s in left + right if s.tag]


def test_punctuation_is_its_own_token():
    left, right, _ = word_diff("حاجات العالم لقرون.", "حاجات العالم لقرون")
    assert [s.text for s in left if s.tag] == ["."]
    assert not [s for s in right if s.tag]


def test_short_texts_are_shown_whole():
    segments, shortened = highlight_excerpts("abc def", [(4, 7, "R")], max_chars=100)
    assert not shortened
    assert segments == [Segment("abc "), Segment("def", "R")]


def test_a_removal_deep_in_a_long_text_is_still_shown():
    text = ("كلمة " * 2000) + "اقرأ أيضا: عنوان" + (" نص" * 2000)
    start = text.index("اقرأ")
    end = start + len("اقرأ أيضا: عنوان")
    segments, shortened = highlight_excerpts(text, [(start, end, "BP1")], max_chars=1500)
    assert shortened
    assert Segment("اقرأ أيضا: عنوان", "BP1") in segments
    shown = "".join(s.text for s in segments)
    assert shown.startswith(text[:100])
    assert GAP in shown
    assert len(shown.replace(GAP, "")) <= 1500 + len(GAP)
