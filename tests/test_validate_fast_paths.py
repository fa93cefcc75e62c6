"""The fast paths of validate give exactly what the plain functions give.

Folding through the character table, counting through class tables, identifying
languages for a batch at once, bounding the repetition filters before counting n-grams,
and searching a whole batch before a document's lines: each is checked against the
plain computation it replaces.
"""

from __future__ import annotations

import re
from collections import Counter
from unittest.mock import patch

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import corpuskit.validate.language as language
from corpuskit.normalize import fold, fold_keep_punctuation, strip_diacritics
from corpuskit.rules import load_ruleset
from corpuskit.validate import validate
from corpuskit.validate.charclass import LETTER, SPACE, CharClass
from corpuskit.validate.document import Doc
from corpuskit.validate.folding import fold_lines, line_keys_of
from corpuskit.validate.language import SAMPLE_CHARS, identify, identify_many
from corpuskit.validate.quality import (
    _duplicated_ngram_share,
    _Tokens,
    _top_ngram_share,
    repetition,
)
from tests._rule_files import raw_strip_rule
from tests.conftest import SEEDS

# Letters that fold, marks, invisible and odd whitespace, digits of three scripts,
# case pairs that casefold differently, a lone surrogate and a character beyond the BMP.
TRICKY = [
    *"ابتثأإآٱىیئؤةکـًٌٍَُِّْٰ٠١٢۳۴ \t\u00a0\u200b\u200f\ufeff\r\x0b\x1c\x1f_-.،؛:؟!",
    *"ABCßΣς²½ﬁ\u2028\u0301e",
    "\n",
    "\ud800",
    "\U0001f600",
]
TEXT = st.lists(st.sampled_from(TRICKY), max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_folding_every_line_at_once_equals_folding_line_by_line(text):
    lines = text.split("\n")
    folded = fold_lines(text, len(lines))
    assert folded == [fold_keep_punctuation(line) for line in lines]
    assert line_keys_of(folded) == [fold(line) for line in lines]


ARABIC = CharClass(r"[\u0600-\u06ff]")


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_class_tables_count_like_the_regular_expressions(text):
    assert LETTER.count_in(text) == len(re.findall(r"[^\W\d_]", text))
    assert SPACE.count_in(text) == len(re.findall(r"\s", text))
    assert ARABIC.count_in(text) == len(re.findall(r"[\u0600-\u06ff]", text))


def test_batch_language_identification_equals_one_text_at_a_time():
    sample = pl.read_ndjson(SEEDS / "ant_sample.jsonl")["text"].to_list()[:40]
    texts = [*sample, "", "   ", "123", None, "The talks resume on Friday.", "ΣΊΣΥΦΟΣ", "\ud800ab"]
    with patch.object(language, "COMPILED_FROM", 0):  # the compiled walk, however few
        assert identify_many(texts) == [identify(t or "") for t in texts]


def test_a_large_batch_is_walked_compiled_with_the_same_answers(monkeypatch):
    sample = pl.read_ndjson(SEEDS / "ant_sample.jsonl")["text"].to_list()
    texts = [f"{text[k:]} {k}" for k in range(0, 60, 7) for text in sample]
    texts = texts[: language.COMPILED_FROM + 10]
    assert len(texts) >= language.COMPILED_FROM
    expected = [identify(t) for t in texts]
    walked = []
    original = language._walk
    monkeypatch.setattr(language, "_walk", lambda *a: walked.append(1) or original(*a))
    assert identify_many(texts) == expected
    assert walked == [1]


def test_the_identifier_scores_like_the_stock_py3langid_model():
    import py3langid.langid as langid

    stock = langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )
    sample = pl.read_ndjson(SEEDS / "ant_sample.jsonl")["text"].to_list()[:40]
    texts = [*sample, "The talks resume on Friday.", "Les pourparlers reprennent.", "ΣΊΣΥΦΟΣ"]
    expected = []
    for text in texts:
        lang, probability = stock.classify(text.strip()[:SAMPLE_CHARS])
        expected.append((str(lang), float(probability)))
    assert identify_many(texts) == expected
    with patch.object(language, "COMPILED_FROM", 0):
        assert identify_many(texts) == expected


def _reference_repetition(tokens: list[str], total: int, p: dict) -> bool:
    """The repetition filters computed in full (n-grams counted every time)."""

    def grams(n):
        return list(zip(*(tokens[i:] for i in range(n)), strict=False))

    def top(n):
        counts = Counter(grams(n))
        gram, count = counts.most_common(1)[0]
        return (count * sum(len(t) for t in gram) / total if count >= 2 else 0.0), count

    def duplicated(n):
        g = grams(n)
        counts = Counter(g)
        covered = [False] * len(tokens)
        for i, gram in enumerate(g):
            if counts[gram] > 1:
                covered[i : i + n] = [True] * n
        return sum(len(t) for t, c in zip(tokens, covered, strict=True) if c) / total

    if top(2)[0] > p["max_top_2gram"]:
        return True
    if any(top(n)[0] > p[f"max_top_{n}gram"] for n in (3, 4)):
        return True
    return any(duplicated(n) > p[f"max_duplicate_{n}gram"] for n in (5, 7, 10))


REPETITION = load_ruleset(select=["Q004"]).rules[0]
WORDS = st.sampled_from(["في", "من", "الوزير", "قال", "اجتماع", "الرياض", "و", "مشروع"])


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, min_size=50, max_size=300), st.lists(WORDS, min_size=1, max_size=12))
def test_bounded_repetition_filters_equal_the_full_computation(words, phrase):
    # a phrase repeated a random number of times inside random words
    tokens = words + phrase * (len(words) % 7)
    rule = REPETITION
    doc = Doc("d", "", " ".join(tokens), None, "ar")
    expected = _reference_repetition(
        re.findall(r"[^\W_]+", strip_diacritics(doc.text).casefold())[:2000],
        sum(map(len, tokens)) or 1,
        rule.params,
    )
    assert bool(repetition(doc, rule, None)) == expected


# Words of one to five letters from a vocabulary big enough that a 7- or 10-gram of word
# ids needs more than one 64-bit key.
MANY_WORDS = st.integers(0, 600).map(lambda i: "ك" * (i % 5 + 1) + str(i))


@settings(max_examples=150, deadline=None)
@given(st.lists(MANY_WORDS, max_size=120), st.lists(MANY_WORDS, min_size=1, max_size=15))
def test_ngram_shares_counted_as_packed_ids_equal_counting_tuples(words, phrase):
    tokens = words[: len(words) // 2] + phrase * (len(words) % 4) + words[len(words) // 2 :]
    if not tokens:
        return
    total = sum(map(len, tokens))
    packed = _Tokens(tokens, Counter(tokens))
    for n in (2, 3, 4, 5, 7, 10):
        grams = list(zip(*(tokens[i:] for i in range(n)), strict=False))
        counts = Counter(grams)
        if grams:
            gram, count = counts.most_common(1)[0]
            top = (count * sum(map(len, gram)) / total if count >= 2 else 0.0), count
        else:
            top = 0.0, 0
        assert _top_ngram_share(packed, total, n) == top
        covered = [False] * len(tokens)
        for i, gram in enumerate(grams):
            if counts[gram] > 1:
                covered[i : i + n] = [True] * n
        expected = sum(len(t) for t, c in zip(tokens, covered, strict=True) if c) / total
        assert _duplicated_ngram_share(packed, total, n) == expected


EXCLUDE_AND_KEEP = raw_strip_rule(
    # a short "a - b" line, unless both sides end in ي
    "XX960",
    "two-sided-line",
    r"^\S+ - \S+$",
    extra=r"exclude = 'ي - \S+ي$'",
) + raw_strip_rule(
    # a tag list glued after the last sentence; the full stop stays
    "XX961",
    "tag-after-sentence",
    r"(?P<keep>[.!؟])[ \t]+وسوم:[^\n]*\z",
    extra='strip = "match"',
)


def test_exclude_and_keep_group(tmp_path):
    (tmp_path / "r.toml").write_text(EXCLUDE_AND_KEEP, encoding="utf-8")
    rules = load_ruleset([tmp_path], include_builtin=False)
    texts = [
        "الرياض - واس\nنص الخبر.",
        "الهلالي - النصراوي\nنص الخبر.",
        "انتهى الاجتماع. وسوم: الرياض اجتماع",
    ]
    frame = pl.DataFrame({"id": ["a", "b", "c"], "text": texts, "lang": "ar"})
    out = validate(frame, ruleset=rules)["text_clean"].to_list()
    assert out == ["نص الخبر.", texts[1], "انتهى الاجتماع."]
