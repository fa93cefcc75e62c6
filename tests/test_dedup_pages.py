"""Pages that hold several stories: story breaks in the keys, and the page rule."""

from __future__ import annotations

import numpy as np
import polars as pl
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup import codes, dedup
from corpuskit.dedup.breaks import BREAK_SLOTS, page_of, story_breaks
from corpuskit.dedup.sign import BREAKS, sign_batch
from corpuskit.dedup.words import words

STORY = article(SENTENCES[:5])


def test_story_breaks_are_the_word_positions_of_the_connectives():
    texts = [
        "قال الوزير إن المشروع بدأ. من جهة أخرى، أعلن المدير. وإلى ذلك افتتح المعرض",
        "إلى ذلك بدأ الموسم",  # at the very start: no story before it
        "لا شيء هنا سوى خبر واحد",
        " ".join(["كلمة من جهة أخرى"] * 6),
    ]
    breaks = story_breaks(words(texts, 3), len(texts))
    assert breaks.shape == (4, BREAK_SLOTS)
    assert breaks[0].tolist() == [5, 10, 0, 0]  # «وإلى» with its conjunction counts too
    assert breaks[1].tolist() == [0, 0, 0, 0]
    assert breaks[2].tolist() == [0, 0, 0, 0]
    assert breaks[3].tolist() == [1, 5, 9, 13]  # the first BREAK_SLOTS only


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
