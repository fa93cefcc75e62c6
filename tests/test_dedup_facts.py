"""Differing facts: headlines that each name facts of their own body the other body lacks
(two items of one template with other slots) are not copies."""

from __future__ import annotations

import numpy as np
import polars as pl
from _dedup_texts import SENTENCES, article

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.evidence import FEATURES
from corpuskit.dedup.keytable import FrameKeys
from corpuskit.dedup.link import judged_candidates, matcher
from corpuskit.dedup.sign import FACT_FILTER, fact_filters, has_words, sign_batch
from corpuskit.dedup.stopwords import common_word_hashes
from corpuskit.dedup.words import hash_text

# Made-up cables of one template: only the ruler, the country and the occasion differ.
FORMULA = (
    "وأعرب الملك باسمه واسم شعب وحكومة المملكة عن أصدق التهاني وأطيب التمنيات بالصحة "
    "والسعادة ولحكومة وشعب البلد الشقيق اطراد التقدم والازدهار."
)
OMAN = (
    "بعث خادم الحرمين الشريفين برقية تهنئة للسلطان قابوس بن سعيد سلطان عمان بمناسبة "
    "ذكرى يوم النهضة لبلاده. " + FORMULA
)
EGYPT = (
    "بعث خادم الحرمين الشريفين برقية تهنئة للرئيس عبدالفتاح السيسي رئيس جمهورية مصر "
    "بمناسبة ذكرى اليوم الوطني لبلاده. " + FORMULA
)
CABLES = pl.DataFrame(
    {
        "id": ["oman", "egypt", "oman-copy"],
        "title": [
            "الملك يهنئ سلطان عمان بذكرى يوم النهضة",
            "الملك يهنئ السيسي رئيس مصر بذكرى اليوم الوطني",
            "خادم الحرمين يبعث برقية إلى قابوس",
        ],
        "text": [OMAN, EGYPT, "جدة: " + OMAN],
    }
)


def _judge(frame: pl.DataFrame, pairs: list[tuple[int, int]]) -> pl.DataFrame:
    options = DedupOptions()
    keys = FrameKeys(sign_batch(frame, options))
    rows = np.arange(frame.height)
    return matcher(keys, options, rows).judge(np.array(pairs, dtype=np.int64))


def test_the_fact_filter_holds_the_bodys_distinctive_words_and_not_the_common_ones():
    keys = sign_batch(CABLES.head(1), DedupOptions())
    filters = keys[FACT_FILTER].to_numpy()

    def held(word: str) -> bool:
        return bool(has_words(filters, np.array([[hash_text(word)]], dtype=np.uint32))[0, 0])

    assert held("قابوس") and held("عمان") and held("النهضه")
    assert not held("السيسي") and not held("مصر")
    # a word common to all news is not a fact of the story
    assert hash_text("اعلن") in common_word_hashes()
    common = sign_batch(pl.DataFrame({"id": ["x"], "text": ["أعلن"]}), DedupOptions())
    assert not common[FACT_FILTER].to_numpy().any()


def test_a_fact_filter_row_is_the_or_of_its_words_bits():
    hashes = np.array([hash_text(w) for w in ("قابوس", "عمان", "مصر")], dtype=np.uint32)
    docs = np.array([0, 0, 1])
    filters = fact_filters(hashes, docs, 3)
    both = fact_filters(hashes[:2], docs[:2], 1)[0]
    assert (filters[0] == both).all()
    assert not filters[2].any()  # a document without words
    probe = np.tile(hashes, (3, 1))
    assert has_words(filters, probe).tolist() == [
        [True, True, False],
        [False, False, True],
        [False, False, False],
    ]


def test_each_headline_names_facts_the_other_body_lacks_between_two_cables_only():
    judged = _judge(CABLES, [(0, 1), (0, 2)])
    cables = judged.row(0, named=True)
    # Oman: سلطان, عمان, النهضه; Egypt: السيسي, مصر, الوطني (and the like)
    assert cables["a_title_facts"] >= 2 and cables["b_title_facts"] >= 2
    assert cables["a_title_facts"] + cables["b_title_facts"] >= verify.FACT_WORDS
    copy = judged.row(1, named=True)
    # the copy's headline words (قابوس, برقيه) are facts of the other body too
    assert copy["a_title_facts"] == 0 and copy["b_title_facts"] == 0
    assert copy["relation"] == verify.COPY


def test_differing_facts_veto_a_copy_verdict_between_template_items_only():
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    options = DedupOptions()
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, options)), options)
    base = judged.select(*FEATURES, "sources_known", "a_title_facts", "b_title_facts")
    base = base.with_columns(shingles=pl.lit(0.4), hours=pl.lit(2.0), template=pl.lit(0.9))

    def relation(**changes: float) -> str:
        evidence = base.with_columns(**{k: pl.lit(float(v)) for k, v in changes.items()})
        return verify.decide(evidence, options)[0][0]

    assert relation() == verify.COPY  # the verifier calls it a copy
    assert relation(a_title_facts=2, b_title_facts=2) == verify.NONE
    assert relation(a_title_facts=3, b_title_facts=1) == verify.NONE
    assert relation(a_title_facts=4, b_title_facts=0) == verify.COPY  # one side only
    assert relation(a_title_facts=1, b_title_facts=2) == verify.COPY  # three words in all
    # a rewritten release: its own vocabulary, not mostly template words
    assert relation(a_title_facts=2, b_title_facts=2, template=0.7) == verify.COPY
    assert relation(a_title_facts=2, b_title_facts=2, shingles=0.8) == verify.COPY  # near
