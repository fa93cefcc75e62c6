"""Pages that hold several stories: story breaks in the keys, and the page rule."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup import codes, dedup
from corpuskit.dedup.breaks import BREAK_SLOTS, new_subject, page_of, story_breaks
from corpuskit.dedup.sign import BREAKS, sign_batch
from corpuskit.dedup.words import words

STORY = article(SENTENCES[:5])


def test_story_breaks_are_the_word_positions_of_the_connectives():
    texts = [
        "قال الوزير إن المشروع بدأ. من جهة أخرى، أعلن المدير. وإلى ذلك افتتح المعرض",
        "إلى ذلك بدأ الموسم",  # at the very start: no story before it
        "لا شيء هنا سوى خبر واحد",
        SENTENCES[0] + "".join(f" من جهة أخرى {s}" for s in OTHER_SENTENCES),
    ]
    breaks = story_breaks(words(texts, 3), len(texts))
    assert breaks.shape == (4, BREAK_SLOTS)
    assert breaks[0].tolist() == [5, 10, 0, 0]  # «وإلى» with its conjunction counts too
    assert breaks[1].tolist() == [0, 0, 0, 0]
    assert breaks[2].tolist() == [0, 0, 0, 0]
    lengths = [len(SENTENCES[0].split())] + [len(s.split()) + 3 for s in OTHER_SENTENCES]
    starts = np.cumsum(lengths)[: len(OTHER_SENTENCES)]
    assert breaks[3].tolist() == starts[:BREAK_SLOTS].tolist()  # the first BREAK_SLOTS only


def test_the_sign_pass_keeps_the_breaks_and_no_text():
    page = STORY + "\nومن جهة أخرى، " + article(OTHER_SENTENCES)
    keys = sign_batch(pl.DataFrame({"id": ["p"], "text": [page]}), DedupOptions())
    story_words = len(STORY.split())
    assert keys[BREAKS][0].to_list()[0] == story_words
    assert keys.schema[BREAKS] == pl.Array(pl.UInt16, BREAK_SLOTS)


def test_a_page_breaks_where_the_shorter_document_ends():
    breaks = np.array([[100, 0, 0, 0], [100, 0, 0, 0], [0, 0, 0, 0]], dtype=np.uint16)
    assert page_of(breaks, np.array([95, 60, 95])).tolist() == [True, False, False]


def _dedup(texts: dict[str, str]) -> pl.DataFrame:
    frame = pl.DataFrame({"id": list(texts), "text": list(texts.values())})
    return dedup(frame, options=DedupOptions()).sort("id")


def test_a_page_opening_with_a_story_is_flagged_not_merged():
    page = STORY + "\nومن جهة أخرى، " + article(OTHER_SENTENCES[:2])
    out = _dedup({"a-story": STORY, "b-page": page})
    assert out["keep"].all()
    flagged = out.filter(pl.col("id") == "b-page").row(0, named=True)
    assert flagged[schema.DUP_KIND] == "contained"
    assert flagged[schema.DUP_OF] == "a-story"
    assert [f["code"] for f in flagged[schema.FINDINGS]] == [codes.CONTAINED]
    assert "page that holds the whole of a-story" in flagged[schema.FINDINGS][0]["excerpt"]
    assert out.filter(pl.col("id") == "a-story")[schema.DUP_KIND].is_null().all()


def test_the_same_longer_document_without_a_break_takes_the_story_as_a_copy():
    longer = STORY + "\n" + article(OTHER_SENTENCES[:2])
    out = _dedup({"a-story": STORY, "b-longer": longer})
    dropped = out.filter(~pl.col("keep"))
    assert dropped["id"].to_list() == ["a-story"]
    assert dropped[schema.DUP_OF].to_list() == ["b-longer"]


def test_the_story_stays_with_its_own_copy_instead_of_joining_the_page():
    page = STORY + "\nومن جهة أخرى، " + article(OTHER_SENTENCES[:2])
    copy = "جدة - واس: " + STORY
    out = _dedup({"a-story": STORY, "b-page": page, "c-copy": copy})
    clusters = dict(zip(out["id"], out[schema.CLUSTER_ID], strict=True))
    assert clusters["a-story"] == clusters["c-copy"] is not None
    assert out.filter(pl.col("id") == "b-page")["keep"].all()


def test_a_connective_counts_as_a_break_only_when_the_text_moves_on_to_new_words():
    story = article(SENTENCES[:4])
    same_subject = story + "\nفي المقابل، " + article(SENTENCES[1:3])
    other_subject = story + "\nفي المقابل، " + article(OTHER_SENTENCES[:2])
    texts = [same_subject, other_subject]
    breaks = story_breaks(words(texts, 3), len(texts))
    story_words = len(story.split())
    assert breaks[0].tolist() == [0, 0, 0, 0]
    assert breaks[1].tolist() == [story_words, 0, 0, 0]


def test_new_subject_is_the_share_of_the_following_content_words_not_used_before():
    tokens = words(["وزير الصحة افتتح المستشفى الجديد في جدة إلى ذلك افتتح الوزير مدرسة"], 3)
    at = np.array([7])  # «إلى ذلك»
    novelty = new_subject(tokens, at, np.array([2]))
    # after it: افتتح (used), الوزير (new), مدرسة (new); «في» and «ذلك» are not counted
    assert novelty.tolist() == [pytest.approx(2 / 3)]


def test_a_page_that_also_holds_another_published_story_does_not_take_the_first_one():
    """No connective between the two stories; the second is published on its own too, so
    the longer document is a page of two stories, not a longer version of the first."""
    second = article(OTHER_SENTENCES[:4])
    page = STORY + "\nكما " + second
    copy = "جدة - واس: " + STORY
    texts = {"a-story": STORY, "b-page": page, "c-copy": copy, "d-second": second}
    dates = dict.fromkeys(texts, "2015-07-22 10:00:00")
    frame = pl.DataFrame(
        {"id": list(texts), "text": list(texts.values()), "date": list(dates.values())}
    )
    out = dedup(frame, options=DedupOptions()).sort("id")
    clusters = dict(zip(out["id"], out[schema.CLUSTER_ID], strict=True))
    assert clusters["a-story"] == clusters["c-copy"] is not None
    assert clusters["b-page"] != clusters["a-story"]
    assert out.filter(pl.col("id") == "b-page")["keep"].all()
    # without the second story published on its own, the page takes the story
    alone = frame.filter(pl.col("id") != "d-second")
    out = dedup(alone, options=DedupOptions())
    assert out.filter(pl.col("id") == "b-page")["keep"].all()
    assert out.filter(pl.col("id") == "a-story")[schema.DUP_OF].to_list() == ["b-page"]


def test_a_contrast_breaks_only_when_nearly_every_following_word_is_new():
    """«في المقابل» usually turns to the other side of the same story: with half of the
    following words new it is no break, where «من جهة أخرى» is; with all of them new
    (the next story of a page) it is one too."""
    story = article(SENTENCES[:4])
    half_new = article([OTHER_SENTENCES[0], SENTENCES[2]])
    texts = [
        story + "\nفي المقابل، " + half_new,
        story + "\nمن جهة أخرى، " + half_new,
        story + "\nفي المقابل، " + article(OTHER_SENTENCES[:2]),
    ]
    tokens = words(texts, 3)
    story_words = len(story.split())
    assert story_breaks(tokens, len(texts))[:, 0].tolist() == [0, story_words, story_words]
