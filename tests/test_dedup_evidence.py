"""The evidence of a pair from keys only: sketches, containment, numbers, the verifiers."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from _dedup_texts import SENTENCES, article

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.evidence import (
    FEATURES,
    MISSING_HOURS,
    containment,
    new_elements,
    shared_elements,
    title_similarity,
)
from corpuskit.dedup.keytable import FrameKeys
from corpuskit.dedup.link import judged_candidates
from corpuskit.dedup.minhash import EMPTY
from corpuskit.dedup.sign import NUMBERS, TITLE_WORDS, bottom_k, content_mask, sign_batch
from corpuskit.dedup.stopwords import FUNCTION_WORDS, function_word_hashes
from corpuskit.dedup.words import hash_text, words


def test_bottom_k_keeps_the_smallest_distinct_hashes_of_each_document():
    hashes = np.array([9, 3, 3, 7, 1, 5, 2], dtype=np.uint32)
    docs = np.array([0, 0, 0, 0, 1, 1, 1])
    sketch = bottom_k(hashes, docs, 3, 2)
    assert sketch[0].tolist() == [3, 7]
    assert sketch[1].tolist() == [1, 2]
    assert (sketch[2] == EMPTY).all()


def test_containment_from_jaccard_and_sizes():
    # A (10 items) inside B (40 items): Jaccard 10/40.
    assert containment(np.array([0.25]), np.array([10.0]), np.array([40.0]))[0] == 1.0
    assert abs(containment(np.array([0.25]), np.array([40.0]), np.array([10.0]))[0] - 0.25) < 1e-9


def test_new_elements_counts_what_the_other_sketch_lacks_within_its_range():
    a = np.array([[1, 4, 9, EMPTY]], dtype=np.uint32)
    b = np.array([[1, 2, 3, 5]], dtype=np.uint32)  # full: it only covers values up to 5
    assert new_elements(a, b).tolist() == [1]  # 4 is missing; 9 is beyond b's range
    assert new_elements(b, a).tolist() == [3]  # a is not full: 2, 3 and 5 are missing


def test_title_similarity_is_the_jaccard_of_the_word_sets():
    a = np.array([[1, 2, 3, EMPTY]], dtype=np.uint32)
    b = np.array([[2, 3, 4, 5]], dtype=np.uint32)
    assert title_similarity(a, b).tolist() == [2 / 5]


def test_function_words_are_left_out_of_the_bag_of_words():
    tokens = words(["في الرياض من جدة"], 1)
    kept = tokens.word_hashes[content_mask(tokens.word_hashes)]
    assert sorted(kept.tolist()) == sorted([hash_text("الرياض"), hash_text("جده")])
    assert "في" in FUNCTION_WORDS and "الرياض" not in FUNCTION_WORDS


def test_content_mask_agrees_with_set_membership_on_hashes_that_share_low_bits():
    stop = function_word_hashes()
    rng = np.random.default_rng(5)
    # function words, random hashes, and hashes sharing a function word's low 16 bits
    near_misses = (stop ^ np.uint32(1 << 20)).astype(np.uint32)
    values = np.concatenate([stop, rng.integers(0, 2**32, 5000, dtype=np.uint32), near_misses])
    assert (content_mask(values) == ~np.isin(values, stop)).all()
    assert not content_mask(stop).any() and content_mask(near_misses).all()


def test_number_sketch_holds_the_numbers_of_the_body():
    frame = pl.DataFrame({"id": ["a"], "text": ["قتل ٣ أشخاص وأصيب 12 في حريق عام 2015"]})
    keys = sign_batch(frame, DedupOptions())
    numbers = [v for v in keys[NUMBERS][0].to_list() if v != EMPTY]
    assert sorted(numbers) == sorted(hash_text(n) for n in ("3", "12", "2015"))
    assert (keys[TITLE_WORDS][0].to_numpy() == EMPTY).all()


def test_shared_elements_counts_what_both_sketches_hold():
    a = np.array([[1, 4, 9, EMPTY], [2, 3, EMPTY, EMPTY]], dtype=np.uint32)
    b = np.array([[4, 9, 10, 11], [EMPTY, EMPTY, EMPTY, EMPTY]], dtype=np.uint32)
    assert shared_elements(a, b).tolist() == [2, 0]


def test_rewrites_of_one_release_share_its_figures_and_the_why_says_so():
    release = [
        "وافقت الوزارة على نزع ملكية 151 عقارا بقيمة تعويض بلغت 375 مليون ريال لملاكها",
        "وبدء إجراءات نزع الملكية لـ 130 عقارا آخر لتنفيذ مشاريع بلدية جديدة في المناطق",
    ]
    texts = [article(release + SENTENCES), article(release[:1] + SENTENCES[:-1])]
    frame = pl.DataFrame({"id": ["a", "b"], "text": texts})
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, DedupOptions())), DedupOptions())
    row = judged.row(0, named=True)
    assert row["shared_numbers"] == 2  # 151 and 375; 130 only in the longer one
    assert row["a_new_numbers"] == 0 and row["b_new_numbers"] == 1
    sentence = verify.why(verify.why_evidence(judged))[0]
    assert sentence.endswith("one has numbers the other lacks; 2 numbers in common")
    alone = judged.with_columns(shared_numbers=pl.lit(1.0), a_new_numbers=pl.lit(0.0))
    assert verify.why(verify.why_evidence(alone))[0].endswith("; 1 number in common")


def test_every_feature_the_model_reads_is_in_the_evidence():
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, DedupOptions())), DedupOptions())
    assert judged.height == 1
    assert set(verify.load_model()["features"]) <= set(judged.columns)
    assert set(FEATURES) <= set(judged.columns)
    row = judged.row(0, named=True)
    assert row["relation"] == verify.COPY and row["a_in_b"] > 0.9 and row["size_ratio"] < 1


def test_an_undated_pair_reads_as_days_apart():
    """Without a date, a pair may be days apart: the learned verifier reads the missing
    gap as its longest (ten days), where items of one template are told from copies, and
    the rules on documents days apart do not apply to it (see ``decide``)."""
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, DedupOptions())), DedupOptions())

    def score(hours: float) -> float:
        return float(verify.learned_score(judged.with_columns(hours=pl.lit(hours)))[0])

    assert score(MISSING_HOURS) == pytest.approx(score(240.0))
    assert score(MISSING_HOURS) < score(1.0)


def test_hours_within_a_day_do_not_count_against_a_copy_and_days_apart_do():
    """An agency release is online within the hour and in the next morning's print
    edition: two versions of one day score alike whatever their hours; beyond the first
    day the gap lowers the score, a little more with every day."""
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, DedupOptions())), DedupOptions())

    def logit(hours: float) -> float:
        p = float(verify.learned_score(judged.with_columns(hours=pl.lit(hours)))[0])
        return float(np.log(p / (1 - p)))

    assert logit(0.0) == pytest.approx(logit(verify.FREE_HOURS))
    assert logit(0.5) == pytest.approx(logit(20.0))
    assert logit(48.0) < logit(24.0) - 0.5
    assert logit(240.0) < logit(48.0)
    # the slope beyond the day is GAP_SLOPE per unit of log1p(hours beyond it)
    drop = logit(verify.FREE_HOURS) - logit(verify.FREE_HOURS + 47.0)
    assert drop == pytest.approx(verify.GAP_SLOPE * np.log(48.0))


def test_both_verifiers_agree_on_a_plain_copy_and_an_unrelated_pair():
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, DedupOptions())), DedupOptions())
    assert verify.learned_score(judged)[0] >= DedupOptions().copy_score
    assert verify.rules_score(judged)[0] >= 0.5
    apart = judged.with_columns(
        shingles=pl.lit(0.01), words=pl.lit(0.05), a_in_b=pl.lit(0.1), b_in_a=pl.lit(0.1)
    )
    apart = apart.with_columns(
        shingles_a_in_b=pl.lit(0.02), rare_words=pl.lit(0.0), lead=pl.lit(0.0)
    )
    assert verify.learned_score(apart)[0] < 0.1
    assert verify.rules_score(apart)[0] < 0.5


class _WordSignatures:
    """Just enough of a key table for template counting: a word signature per row."""

    def __init__(self, signatures: np.ndarray) -> None:
        self.signatures = signatures

    def array(self, name: str, rows: np.ndarray) -> np.ndarray:
        return self.signatures[rows]


def _template_words(rows: int, holders: int) -> bool:
    """Whether a word minimum held by ``holders`` of ``rows`` documents is a template word
    (every other minimum is held by one document)."""
    from corpuskit.dedup.evidence import TemplateWords

    signatures = np.arange(2 * rows, dtype=np.uint32).reshape(rows, 2) + 100
    signatures[:holders, 0] = 7
    keys = _WordSignatures(signatures)
    template = TemplateWords(keys, np.arange(rows), rows)
    return bool(template.mask(signatures[:1])[0, 0]) and not template.mask(signatures[:1])[0, 1]


def test_template_words_are_a_share_of_the_documents_not_a_fixed_count():
    # In a small corpus a minimum that 30 documents share is a template word ...
    assert _template_words(1_000, 30)
    assert not _template_words(1_000, 10)
    # ... in a corpus of 200,000 it is an ordinary word of the news; 100 is a template.
    assert not _template_words(200_000, 30)
    assert _template_words(200_000, 100)


def test_one_outlets_versions_of_one_moment_are_not_copies():
    """Two articles of one outlet too close in time for the update rule: posted in the
    same minute while sharing less than half their 3-grams (one batch of items), or with
    other figures each (a toll revised within minutes). Another outlet's, an excerpt found
    whole in the other, or a later posting without new figures, stays a copy."""
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    options = DedupOptions()
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, options)), options)
    base = judged.select(*FEATURES, "sources_known").with_columns(
        sources_known=pl.lit(1.0),
        same_source=pl.lit(1.0),
        shingles=pl.lit(0.45),
        a_in_b=pl.lit(0.85),
        shingles_a_in_b=pl.lit(0.6),
    )

    def relation(**changes: float) -> str:
        evidence = base.with_columns(**{k: pl.lit(float(v)) for k, v in changes.items()})
        return verify.decide(evidence, options)[0][0]

    assert relation(hours=0.0) == verify.NONE  # one batch
    assert relation(hours=0.0, same_source=0.0) == verify.COPY
    # an excerpt posted with the full article: found whole in it, a copy
    assert relation(hours=0.0, a_in_b=1.0, shingles_a_in_b=0.95) == verify.COPY
    assert relation(hours=0.2) == verify.COPY  # minutes apart, no figures of its own
    figures = {"a_new_numbers": 2, "b_new_numbers": 1, "shingles": 0.7}
    assert relation(hours=0.2, **figures) == verify.NONE
    assert relation(hours=0.2, **{**figures, "shingles": 0.9}) == verify.COPY
    assert bool(verify.outlet_versions(base.with_columns(hours=pl.lit(0.0)), 0.5)[0])
    assert not verify.outlet_versions(base.with_columns(hours=pl.lit(0.0)), 0.4)[0]


def test_items_of_one_template_are_vetoed_only_when_a_date_is_missing():
    """Nearly all word minima template words and the rare ones disagreeing (the cable to
    Niger and the cable to Jamaica): dated, the score decides; undated, never a copy."""
    frame = pl.DataFrame({"id": ["a", "b"], "text": [article(SENTENCES), article(SENTENCES[:-1])]})
    options = DedupOptions()
    _, judged = judged_candidates(FrameKeys(sign_batch(frame, options)), options)
    items = judged.with_columns(template=pl.lit(0.95), rare_words=pl.lit(0.1))

    def relation(hours: float) -> str:
        return verify.decide(items.with_columns(hours=pl.lit(hours)), options)[0][0]

    assert bool(verify.template_items(items)[0])
    assert relation(2.0) == verify.COPY
    assert relation(MISSING_HOURS) == verify.NONE
    assert not verify.undated_template_items(items.with_columns(hours=pl.lit(2.0)))[0]
    assert verify.undated_template_items(items.with_columns(hours=pl.lit(MISSING_HOURS)))[0]
