"""The shortcuts of the fit pass give what the plain computations give.

Folding through the tables, on texts long enough to take them and made of the
characters where the two could part: whitespace of every kind around line breaks,
characters NFKC changes, marks NFKC reorders or composes, characters that fold away and
characters that case-fold into several. Counting words only up to a limit, and the
openings of a document with the sentence that is its whole first line not folded again.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.normalize import fold, fold_keep_punctuation
from corpuskit.validate.document import Doc
from corpuskit.validate.evidence import (
    _DATELINE,
    _SENTENCE,
    MAX_REPEATED_WORDS,
    MIN_LEAD_WORDS,
    _more_words_than,
    lead_keys,
)
from corpuskit.validate.folding import _TABLE_MIN_CHARS, fold_key, fold_lines, line_keys_of

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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), max_size=300).map("".join))
def test_fold_key_is_fold(text):
    assert fold_key(text) == fold(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", " ", "  ", "\t", "\u00a0", "\u3000", "\n", "x"]), max_size=120)
)
def test_counting_words_up_to_a_limit_equals_splitting_them_all(pieces):
    text = "".join(pieces)
    for limit in (0, 1, 3, MAX_REPEATED_WORDS):
        assert _more_words_than(text, limit) == (len(text.split()) > limit)


def _reference_lead_keys(doc: Doc) -> list[str]:
    """The openings of a document as :func:`lead_keys` defines them, folding every
    sentence with :func:`corpuskit.normalize.fold`."""

    def add(keys: list[str], folded: str, raw: str) -> None:
        if len(folded.split()) >= MIN_LEAD_WORDS and folded not in keys:
            keys.append(folded)
        m = _SENTENCE.match(raw)
        if m:
            sentence = fold(m.group(1))
            if len(sentence.split()) >= MIN_LEAD_WORDS and sentence not in keys:
                keys.append(sentence)

    for line in doc.lines:
        raw = line.text
        if not raw.strip():
            continue
        keys: list[str] = []
        first = fold(raw)
        add(keys, first, raw.strip())
        dateline = _DATELINE.match(raw.strip()) if "(" in raw[:100] else None
        if dateline:
            prefix = fold(dateline.group(0))
            if first.startswith(prefix):
                add(keys, first[len(prefix) :].strip(), raw.strip()[dateline.end() :])
        return keys
    return []


OPENING_PIECES = [
    "الوزير",
    "يفتتح",
    "مشروعاً",
    "جديداً",
    "في",
    "دبي،",
    "(رويترز)",
    "(CNN)--",
    "-",
    " ",
    " ",
    "\u00a0",
    "\t",
    ".",
    "؟",
    "!",
    "\n",
    "\n",
    "ـ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(OPENING_PIECES), max_size=80).map("".join))
def test_openings_equal_folding_every_sentence(text):
    doc = Doc("d", "", text, None, None)
    assert lead_keys(doc) == _reference_lead_keys(doc)
