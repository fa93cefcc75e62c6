"""The shortcuts of the line views: each must give what the plain computation gives."""

from __future__ import annotations

import pickle
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.rules import load_ruleset
from corpuskit.validate import blocks
from corpuskit.validate.document import Doc
from corpuskit.validate.headlines import topic_words
from corpuskit.validate.lineshape import headline_shape, lead_shape, unwrap, word_count
from corpuskit.validate.spans import Line, split_lines


def _plain_split(text: str) -> list[Line]:
    """Lines found one line break at a time, made by the dataclass's own constructor."""
    lines = []
    start = 0
    for index, piece in enumerate(text.split("\n")):
        lines.append(Line(index, start, start + len(piece), piece, not piece.strip()))
        start += len(piece) + 1
    return lines


_LINE_CHARS = st.sampled_from(list("اب ت\n\r\t\u00a0\u2028\u3000x."))


@settings(max_examples=300, deadline=None)
@given(st.text(_LINE_CHARS, max_size=40))
def test_split_lines_makes_the_lines_the_constructor_makes(text):
    lines = split_lines(text)
    plain = _plain_split(text)
    assert lines == plain
    assert [hash(line) for line in lines] == [hash(line) for line in plain]
    assert [repr(line) for line in lines] == [repr(line) for line in plain]
    assert pickle.loads(pickle.dumps(lines)) == plain
    assert all(text[line.start : line.end] == line.text for line in lines)


def test_split_lines_edge_cases():
    assert split_lines("") == [Line(0, 0, 0, "", True)]
    assert split_lines("\n") == [Line(0, 0, 0, "", True), Line(1, 1, 1, "", True)]
    assert split_lines("a\r\n \u00a0") == [
        Line(0, 0, 2, "a\r", False),
        Line(1, 3, 5, " \u00a0", True),
    ]


_WORD_CHARS = st.sampled_from([*"ابتثجحًٌـa_1٣ .،-", "\u0651", "\u200c"])


@settings(max_examples=300, deadline=None)
@given(st.text(_WORD_CHARS, max_size=60))
def test_content_words_are_the_letter_runs_of_four_or_more(text):
    letters = re.compile(r"[^\W\d_]+")
    assert blocks._content_words(text) == {w for w in letters.findall(text) if len(w) >= 4}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=12))
def test_last_widest_is_the_last_position_of_the_widest_gap(gaps):
    expected = max(range(2, len(gaps)), key=lambda k: (gaps[k], k), default=0)
    assert blocks._last_widest(gaps, 2) == expected


_PARAGRAPHS = (
    "دبي، الإمارات العربية المتحدة (CNN)-- قالت الصين، الثلاثاء، إنها حذرت سفينة حربية دخلت "
    "مياهها الإقليمية قرب الجزر المتنازع عليها في البحر.",
    "وشدد المتحدث باسم وزارة الدفاع على أن بلاده تتمتع بالسيادة على الجزر وستدافع عنها بكل "
    "الوسائل المتاحة لديها.",
    "أعلنت شركة كبرى للطاقة، الأربعاء، عن صفقة لتطوير حقول نفط في سيبيريا بقيمة مليارات "
    "الدولارات مع شركاء محليين.",
    "أكد وزير الخارجية الفرنسي أن بلاده ستستضيف مؤتمرا دوليا حول المناخ في الشهر المقبل "
    "بمشاركة عشرات الدول.",
    "في 1 أكتوبر/تشرين الأول من عام 1918 دخلت القوات العربية مدينة دمشق بعد معارك طويلة "
    "مع القوات العثمانية.",
    "وعرضت اللجنة نتائج أعمالها على المجلس الذي وافق على معظم التوصيات الواردة في التقرير "
    "النهائي المقدم له.",
    "كما أشار التقرير إلى تراجع أعداد السياح القادمين إلى البلاد خلال الأشهر الماضية بنسبة "
    "كبيرة جدا.",
    "- البند الأول من الاتفاق يتعلق بتبادل الأسرى بين الطرفين خلال أسبوعين من تاريخ توقيعه رسميا.",
    "اقرأ أيضاً:",
    "ارتفاع أسعار النفط في الأسواق العالمية",
    "منتخب مصر يتأهل إلى نهائي البطولة العربية!!",
    "يذكر أن المدينة شهدت احتجاجات واسعة.",
    "",
)


def _doc(paragraphs: list[str], gaps: list[int], title: str) -> Doc:
    text = "".join(p + "\n" * (1 + g) for p, g in zip(paragraphs, gaps, strict=False))
    return Doc("d", title, text.rstrip("\n"), None, "ar")


_DOCS = st.builds(
    _doc,
    st.lists(st.sampled_from(_PARAGRAPHS), min_size=0, max_size=9),
    st.lists(st.integers(0, 3), min_size=9, max_size=9),
    st.sampled_from(["", "الصين تحذر سفينة حربية", "مؤتمر دولي حول المناخ"]),
)
_RULES = {r.detector: r for r in load_ruleset().rules if r.detector is not None}


@settings(max_examples=300, deadline=None)
@given(_DOCS)
def test_the_view_answers_what_the_line_functions_answer(doc):
    view = blocks._view(doc, _RULES["related-block"])
    for k, folded in enumerate(view.folded):
        assert folded == doc.folded(view.lines[k].index)
        assert view.is_headline(k) == headline_shape(folded, max_words=view.max_words)
        assert view.unwrapped(k) == unwrap(folded)
        assert view.words(k) == word_count(unwrap(folded))
        assert view.opens_story(k) == lead_shape(folded)
        assert view.topic(k) == topic_words(folded)
    assert view.gaps == [0] + [
        b.index - a.index - 1 for a, b in zip(view.lines, view.lines[1:], strict=False)
    ]


@settings(max_examples=300, deadline=None)
@given(_DOCS)
def test_counting_openings_first_changes_no_teaser_run(doc):
    rule = _RULES["teaser-run"]
    view = blocks._view(doc, rule)
    if len(view) < 3:
        return
    quick = blocks._opening_run(view, rule.params)
    shortcut = blocks._enough_openings
    try:
        blocks._enough_openings = lambda *_args: True
        plain = blocks._opening_run(view, rule.params)
    finally:
        blocks._enough_openings = shortcut
    assert quick == plain
