"""The dedup stage on small frames: every kind of copy, false friends, keep rule, provenance."""

from __future__ import annotations

import re

import polars as pl
import pytest
from _dedup_texts import (
    OTHER_SENTENCES,
    SENTENCES,
    article,
    cable_series,
    new_headline_and_dateline,
    orthographic_variant,
    paragraph_dropped,
    punctuation_and_spacing,
    trimmed_ending,
    unrelated_articles,
    with_diacritics_and_tatweel,
    word_edits,
)

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup import dedup

ORIGINAL = article()


def frame(texts: list[str], **columns: list) -> pl.DataFrame:
    data = {"id": [f"d{i}" for i in range(len(texts))], "text": texts}
    data.update(columns)
    return pl.DataFrame(data)


def by_id(out: pl.DataFrame) -> dict[str, dict]:
    return {row["id"]: row for row in out.iter_rows(named=True)}


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (lambda t: t, "exact"),
        (orthographic_variant, "exact"),
        (with_diacritics_and_tatweel, "exact"),
        (punctuation_and_spacing, "exact"),
        (new_headline_and_dateline, "near"),
        (trimmed_ending, "near"),
        (paragraph_dropped, "near"),
        (word_edits, "near"),
    ],
    ids=[
        "identical",
        "orthographic",
        "diacritics-tatweel",
        "punctuation",
        "dateline-credit",
        "trimmed",
        "paragraph-dropped",
        "word-edits",
    ],
)
def test_each_kind_of_copy_is_found_and_points_at_the_original(edit, kind):
    copy = edit(ORIGINAL)
    out = by_id(dedup(frame([ORIGINAL, copy, article(OTHER_SENTENCES)])))
    # The original is at least as long as every copy except the dateline one.
    kept, dropped = ("d1", "d0") if len(copy) > len(ORIGINAL) else ("d0", "d1")
    assert out[kept]["keep"] and out[kept]["dup_of"] is None
    assert not out[dropped]["keep"]
    assert out[dropped]["dup_of"] == kept
    assert out[dropped]["dup_kind"] == kind
    assert out[dropped]["cluster_id"] == out[kept]["cluster_id"] == kept
    assert 0.5 <= out[dropped]["similarity"] <= 1.0
    if kind == "exact":
        assert out[dropped]["similarity"] == 1.0
    assert out["d2"]["keep"] and out["d2"]["cluster_id"] is None


def test_dropped_copy_gets_one_drop_finding_naming_the_kept_id():
    out = dedup(frame([ORIGINAL, orthographic_variant(ORIGINAL)]))
    table = schema.findings_table(out)
    assert table.height == 1
    row = table.row(0, named=True)
    assert row["doc_id"] == "d1"
    assert row["code"] == "DUP100" and row["action"] == "drop"
    assert "d0" in row["excerpt"] and "1.00" in row["excerpt"]
    assert (row["start"], row["end"]) == (0, len(orthographic_variant(ORIGINAL)))


def test_existing_findings_are_kept_and_new_ones_appended():
    earlier = [schema.finding("text", "BP101", "strip", 0, 3, "abc")]
    df = frame([ORIGINAL, ORIGINAL]).with_columns(
        pl.Series(schema.FINDINGS, [earlier, []], dtype=schema.FINDINGS_DTYPE)
    )
    out = dedup(df)
    codes = [[f["code"] for f in fs] for fs in out[schema.FINDINGS].to_list()]
    # d0 and d1 tie on length and date: the smaller id d0 is kept.
    assert codes == [["BP101"], ["DUP100"]]


def test_false_friends_do_not_merge():
    """Different stories sharing outlet furniture (dateline, SMS block) stay apart."""
    furniture_head = "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس"
    furniture_tail = (
        "للتواصل مع الكاتب ارسل رسالة SMS تبدأ بالرمز 158 ثم مسافة ثم الرسالة "
        "إلى 88591 - Stc أو 635031 - Mobily أو 737221 - Zain"
    )
    a = "\n".join([furniture_head, article(SENTENCES[:4]), furniture_tail])
    b = "\n".join([furniture_head, article(OTHER_SENTENCES[:4]), furniture_tail])
    out = dedup(frame([a, b]))
    assert out["keep"].to_list() == [True, True]
    assert out["cluster_id"].to_list() == [None, None]


def test_templated_items_with_different_names_do_not_merge_but_their_copies_do():
    """Royal cables over months: one template, a different country in each. In a corpus
    that shows the template's words are common, only the country-specific words count,
    and they differ; a second outlet's copy of one cable (a dateline added) still merges."""
    cables = cable_series(150)
    copy = "الرياض - واس\n" + cables[3]
    out = by_id(dedup(frame([*cables, copy, *unrelated_articles(100)])))
    assert all(out[f"d{i}"]["cluster_id"] is None for i in range(len(cables)) if i != 3)
    copied = f"d{len(cables)}"
    assert out["d3"]["cluster_id"] == out[copied]["cluster_id"] == copied  # the longer one
    assert not out["d3"]["keep"] and out["d3"]["dup_kind"] == "near"


def test_short_documents_match_only_exactly():
    short = "ارتفاع أسعار النفط اليوم"
    near_short = "ارتفاع أسعار النفط أمس"
    out = by_id(dedup(frame([short, short, near_short])))
    assert out["d1"]["dup_kind"] == "exact" and out["d1"]["dup_of"] == "d0"
    assert out["d2"]["keep"] and out["d2"]["cluster_id"] is None


def test_rows_with_a_drop_reason_take_no_part():
    df = frame([ORIGINAL, ORIGINAL, ORIGINAL], drop_reason=["Q100", None, None])
    out = by_id(dedup(df))
    assert out["d0"]["cluster_id"] is None and out["d0"]["keep"]
    assert out["d2"]["dup_of"] == "d1"


def test_text_clean_is_preferred_over_text():
    """Boilerplate stripped by validators must not hide (or create) a copy."""
    junk_a = ORIGINAL + "\nاقرأ أيضا: " + " ".join(OTHER_SENTENCES[:3])
    df = frame([ORIGINAL, junk_a]).with_columns(text_clean=pl.Series([ORIGINAL, ORIGINAL]))
    out = by_id(dedup(df))
    assert out["d1"]["dup_kind"] == "exact"


def test_same_canonical_url_is_a_url_duplicate():
    other = article(OTHER_SENTENCES)
    df = frame(
        [ORIGINAL, other + " تحديث"],
        url=["http://www.example.com/news/1.html", "https://example.com/news/1.html?weekly"],
    )
    out = by_id(dedup(df))
    dropped = next(r for r in out.values() if not r["keep"])
    assert dropped["dup_kind"] == "url"


def test_keep_rule_most_complete_then_newest_then_smallest_id():
    longer = ORIGINAL + "\nوأضاف أن التشغيل سيكون على مراحل"
    texts = [ORIGINAL, ORIGINAL, longer]
    dates = ["2015-08-02 10:00:00", "2015-08-03 09:00:00", "2015-08-01 00:00:00"]
    out = by_id(dedup(frame(texts, date=dates)))
    assert out["d2"]["keep"], "the most complete body wins over a newer date"
    assert out["d0"]["dup_of"] == out["d1"]["dup_of"] == "d2"

    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=dates[:2])))
    assert out["d1"]["keep"] and out["d0"]["dup_of"] == "d1", "the newest wins a length tie"

    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=[None, None])))
    assert out["d0"]["keep"] and out["d1"]["dup_of"] == "d0", "smallest id wins a full tie"

    rfc = ["Thu, 22 Feb 2018 10:00:00 +0000", "Fri, 23 Feb 2018 10:00:00 +0000"]
    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=rfc)))
    assert out["d1"]["keep"], "RFC-822 dates are compared as dates, not strings"

    gmt = ["Fri, 23 Feb 2018 10:00:00 GMT", "Thu, 22 Feb 2018 10:00:00 +0000"]
    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=gmt)))
    assert out["d0"]["keep"], "RFC-822 dates with the zone named GMT are dates too"


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        # a Parquet datetime column read as text keeps its fractional seconds
        ("2015-08-02 10:00:00.000000", "2015-08-02 11:00:00.250000"),
        ("2015-08-02T10:00:00Z", "2015-08-02T11:00:00.5Z"),
        ("2015-08-02 12:00:00+03:00", "2015-08-02T10:00:00.123+00:00"),
        ("30/07/2015", "02/08/2015"),  # day first: 2 August, not 8 February
    ],
)
def test_the_newest_copy_is_kept_whatever_way_its_date_is_written(older, newer):
    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=[newer, older])))
    assert out["d0"]["keep"] and out["d1"]["dup_of"] == "d0"
    out = by_id(dedup(frame([ORIGINAL, ORIGINAL], date=[older, newer])))
    assert out["d1"]["keep"] and out["d0"]["dup_of"] == "d1"


def test_similarity_is_measured_against_the_kept_document_not_the_link():
    """A chain a - b - c, each one sentence shorter than the next: c is kept (the most
    complete). a's similarity is to c, not to b that linked it."""
    c = article(SENTENCES)
    b = article(SENTENCES[:-1])
    a = article(SENTENCES[:-2])
    out = by_id(dedup(frame([a, b, c])))
    assert out["d2"]["keep"]
    assert out["d0"]["dup_of"] == out["d1"]["dup_of"] == "d2"
    assert out["d0"]["similarity"] < out["d1"]["similarity"] - 0.1


def test_output_is_independent_of_row_order_and_deterministic():
    texts = [
        ORIGINAL,
        orthographic_variant(ORIGINAL),
        trimmed_ending(ORIGINAL),
        article(OTHER_SENTENCES),
        punctuation_and_spacing(article(OTHER_SENTENCES)),
    ]
    df = frame(texts)
    first = dedup(df).sort("id")
    assert first.equals(dedup(df).sort("id"))
    shuffled = dedup(df.reverse()).sort("id")
    assert first.select(schema.DEDUP_COLUMNS, schema.KEEP).equals(
        shuffled.select(schema.DEDUP_COLUMNS, schema.KEEP)
    )


def test_output_columns_and_dtypes_follow_the_schema():
    out = dedup(frame([ORIGINAL, ORIGINAL]))
    for name, dtype in schema.DEDUP_SCHEMA.items():
        assert out.schema[name] == dtype
    assert out.schema[schema.FINDINGS] == schema.FINDINGS_DTYPE
    assert out.height == 2


def test_empty_and_null_bodies_are_left_alone():
    out = dedup(frame(["", None, "  ", ORIGINAL]))
    assert out["keep"].all()
    assert out["cluster_id"].null_count() == 4
    assert dedup(frame([])).height == 0


def test_disabled_matchers_link_nothing():
    opts = DedupOptions(exact=False, near=False, url=False, headline=False)
    out = dedup(frame([ORIGINAL, ORIGINAL]), options=opts)
    assert out["keep"].all()


def test_chains_do_not_drop_documents_that_share_little_with_the_kept_one():
    """d0 - d1 - ... - d5, each step swapping one sentence: neighbours share most of
    their text, d0 and d5 little. d0 (longest) is kept; d5 must not be its copy."""
    opening = (
        "وفي تطور لافت على صعيد الملف الصحي أعلن مسؤولون في المديرية العامة للشؤون الصحية "
        "بالمنطقة الشرقية عن خطة طوارئ موسعة تشمل تدريب الكوادر وتوفير الأجهزة الحديثة "
        "وتوسيع أقسام الإسعاف في المستشفيات الحكومية والخاصة على حد سواء"
    )
    base = [opening, *SENTENCES]
    texts = [article(base[k:] + OTHER_SENTENCES[:k]) for k in range(6)]
    assert max(range(6), key=lambda k: len(texts[k])) == 0
    out = by_id(dedup(frame(texts)))
    assert out["d0"]["keep"]
    assert out["d5"]["dup_of"] != "d0"
    dropped = [r for r in out.values() if not r["keep"]]
    assert dropped and all(r["dup_of"] == r["cluster_id"] for r in dropped)
    assert all(out[r["dup_of"]]["keep"] for r in dropped)
    floor = DedupOptions().threshold
    near = [r for r in out.values() if r["dup_kind"] == "near"]
    assert near and all(r["similarity"] >= floor for r in near)


def test_headline_match_with_different_body_is_only_flagged():
    title = "أمير منطقة عسير يدشن مهرجان أبها للتسوق في عامه السابع عشر"
    df = frame([ORIGINAL, article(OTHER_SENTENCES)], title=[title, title])
    out = dedup(df)
    assert out["keep"].all()
    table = schema.findings_table(out)
    assert table["code"].to_list() == ["DUP300"]
    assert table["action"].to_list() == ["flag"]
    assert table["field"].to_list() == ["title"]
    # the evidence in words, from the three similarities the link pass keeps per flag
    assert re.fullmatch(
        r"headline matches \S+ but the bodies are not copies: headlines share 100% of their"
        r" words; bodies: words 0\.\d\d, 3-grams 0\.\d\d",
        table["excerpt"][0],
    ), table["excerpt"][0]


def rewritten(sentences: list[str]) -> str:
    """The same release told again: the same words, in other sentences and order."""
    reworded = []
    for sentence in sentences:
        words = sentence.split()
        for i in range(0, len(words) - 1, 3):  # every third pair of neighbours swapped
            words[i], words[i + 1] = words[i + 1], words[i]
        reworded.append(" ".join(words))
    return article(reworded[::-1])


def test_rewritten_release_is_found_and_says_why():
    """Same facts, same words, other sentences: few 3-grams shared, most vocabulary."""
    titles = [
        "وزارة الصحة تفتتح مستشفى جديدا في جدة بسعة 300 سرير",
        "بسعة 300 سرير وزاره الصحه تفتتح مستشفي جديدا في جده",
    ]
    dates = ["2015-08-01 08:00:00", "2015-08-01 11:00:00"]
    out = by_id(dedup(frame([ORIGINAL, rewritten(SENTENCES)], title=titles, date=dates)))
    dropped = out["d1"] if not out["d1"]["keep"] else out["d0"]
    assert not dropped["keep"]
    assert dropped["dup_kind"] == "rewritten"
    assert dropped["similarity"] < DedupOptions().threshold
    assert "3-grams 0.0" in dropped["dup_why"] and "words 1.00" in dropped["dup_why"]


def test_serial_bulletins_with_other_figures_are_not_merged():
    """One bulletin template, new figures in the headline and the body."""
    bulletin = (
        "أعلنت المديرية العامة للجوازات أنها أنهت حتى اليوم تصحيح أوضاع {n} ألف يمني من "
        "المقيمين في المملكة بطريقة غير نظامية في جميع مراكز التصحيح بمناطق المملكة "
        "وأوضحت أن عدد المراجعين أمس بلغ {m} مراجع وأن العمل مستمر حتى نهاية المهلة"
    )
    titles = ["تصحيح أوضاع 400 ألف يمني حتى اليوم", "تصحيح أوضاع 425 ألف يمني حتى اليوم"]
    texts = [bulletin.format(n=400, m=5300), bulletin.format(n=425, m=6100)]
    out = dedup(frame(texts, title=titles))
    assert out["keep"].all()
    assert out["cluster_id"].null_count() == 2


def test_days_apart_only_a_close_copy_is_dropped():
    """Items rewritten from the same vocabulary every day (the weather, one cable
    template) share about half their 3-grams; published days apart they stay, while the
    same pair on one day, or a lightly edited copy days apart, is a copy."""
    text = article(SENTENCES)
    half = article(SENTENCES[:6] + OTHER_SENTENCES[:2])
    same_day = ["2015-08-01 08:00:00", "2015-08-01 12:00:00"]
    days_apart = ["2015-08-01 08:00:00", "2015-08-04 08:00:00"]
    assert not dedup(frame([text, half], date=same_day))["keep"].all()
    assert dedup(frame([text, half], date=days_apart))["keep"].all()
    edited = by_id(dedup(frame([text, word_edits(text)], date=days_apart)))
    assert edited["d0"]["keep"] != edited["d1"]["keep"]


def test_an_outlets_follow_up_with_a_new_lead_is_not_a_copy_of_its_earlier_article():
    """The same outlet writes the next development under a new lead and reuses its earlier
    article as background: both stay. Another outlet's article with the same text and
    no lead of its own is a copy."""
    new_lead = [
        "افتتح وزير الصحة مساء اليوم المستشفى الجديد في جدة بحضور عدد من المسؤولين والأطباء",
        "وتجول الوزير في أقسام الطوارئ والعناية المركزة واطلع على أحدث الأجهزة الطبية",
        "واستقبل المستشفى في ساعاته الأولى أكثر من مئتي مراجع من سكان الأحياء المجاورة",
        "وأعلن الوزير عن تعيين مدير تنفيذي جديد للمستشفى من الكفاءات الوطنية الشابة",
        "وقالت إدارة المستشفى إن قائمة الانتظار للعمليات الجراحية ستنخفض بمقدار النصف",
    ]
    texts = [article(SENTENCES), article(new_lead + SENTENCES)]
    dates = ["2015-08-01 08:00:00", "2015-08-01 20:00:00"]
    same_outlet = dedup(frame(texts, source=["okaz", "okaz"], date=dates))
    assert same_outlet["keep"].all()
    assert same_outlet["cluster_id"].null_count() == 2
    other_outlet = by_id(dedup(frame(texts, source=["okaz", "alriyadh"], date=dates)))
    assert not other_outlet["d0"]["keep"]
    assert other_outlet["d0"]["dup_of"] == "d1"

    # a corpus without an outlet column: the outlet is the host of the URL
    okaz = ["https://www.okaz.com.sa/news/1", "https://m.okaz.com.sa/news/2"]
    assert dedup(frame(texts, url=okaz, date=dates))["keep"].all()
    other_host = ["https://www.okaz.com.sa/news/1", "https://www.alriyadh.com/2"]
    assert not by_id(dedup(frame(texts, url=other_host, date=dates)))["d0"]["keep"]


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://m.alriyadh.com/1066789", "alriyadh.com"),
        ("HTTP://WWW.Sabq.org/WbDgde", "sabq.org"),
        ("https://arabic.cnn.com/middle-east", "arabic.cnn.com"),
        ("http://editor@www2.example.org:8080/a?b=c", "example.org"),
        ("//amp.okaz.com.sa/x", "okaz.com.sa"),
        ("alriyadh.com/1066789", None),  # no scheme: a path, not a host
        ("", None),
        (None, None),
    ],
)
def test_the_outlet_a_url_names(url, outlet):
    from corpuskit.dedup.keys import outlets_of_urls

    assert outlets_of_urls(pl.Series([url], dtype=pl.String)).to_list() == [outlet]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("وصول الطائرة الإغاثية الرابعة إلى عدن", "وصول الطائرة الإغاثية السادسة إلى عدن", False),
        ("تصحيح أوضاع 400 ألف يمني", "تصحيح أوضاع ٤٢٥ ألف يمني", False),
        ("إنقاذ 26 غريقا بالشرقية", "حرس الحدود ينقذ ٢٦ غريقا", True),
        ("وصول الطائرة الإغاثية الرابعة", "وصول الطائرة الإغاثيّة الرابعة إلى عدن", True),
        ("أمير عسير يدشن المهرجان", "أمير منطقة عسير يدشن المهرجان", True),
    ],
)
def test_figures_guard_on_headlines(a, b, same):
    from corpuskit.dedup.headline import same_figures
    from corpuskit.normalize import fold

    assert same_figures(fold(a), fold(b)) is same


def fire_story() -> pl.DataFrame:
    """An outlet's first report of a fire, and its later version: a new lead with the new
    toll on top of the first report's paragraphs."""
    old = article(
        [
            "قتل 3 أشخاص وأصيب 12 آخرون في حريق اندلع بمصنع للبلاستيك في المنطقة الصناعية بجدة فجر أمس",
            *SENTENCES[1:7],
        ]
    )
    new = article(
        [
            "ارتفع عدد ضحايا حريق مصنع البلاستيك في جدة إلى 7 قتلى بعد وفاة 4 من المصابين في "
            "المستشفى اليوم وأعلن الدفاع المدني فتح تحقيق في أسباب الحريق",
            *SENTENCES[1:7],
        ]
    )
    dates = ["2015-08-01 08:00:00", "2015-08-01 16:00:00"]
    return pl.DataFrame(
        {"id": ["old", "new"], "text": [old, new], "date": dates, "source": ["okaz", "okaz"]}
    )


def test_an_update_is_flagged_on_the_older_version_and_both_are_kept():
    out = by_id(dedup(fire_story()))
    assert out["old"]["keep"] and out["new"]["keep"]
    assert out["old"]["dup_kind"] == "update" and out["old"]["dup_of"] == "new"
    assert out["new"]["dup_kind"] is None
    codes = [(f["code"], f["action"]) for f in out["old"]["findings"]]
    assert codes == [("DUP230", "flag")]


def test_a_version_more_than_two_days_later_is_not_an_update():
    """The next item of a template days later (another day's market close, the next
    relief flight) shares text and brings figures of its own, as an update does: only
    the gap tells them apart. Within two days the fire's new toll is an update; the
    same pair five days apart is neither an update nor a copy."""
    for later, flagged in (("2015-08-02 20:00:00", True), ("2015-08-06 08:00:00", False)):
        story = fire_story().with_columns(date=pl.Series(["2015-08-01 08:00:00", later]))
        out = by_id(dedup(story, options=DedupOptions(drop_updates=True)))
        assert out["new"]["keep"] and out["new"]["dup_kind"] is None
        assert out["old"]["keep"] is not flagged
        assert (out["old"]["dup_kind"] == "update") is flagged


def test_drop_updates_drops_the_older_version_in_favour_of_the_newer():
    out = by_id(dedup(fire_story(), options=DedupOptions(drop_updates=True)))
    assert out["new"]["keep"] and not out["old"]["keep"]
    assert out["old"]["dup_kind"] == "update" and out["old"]["dup_of"] == "new"
    assert [(f["code"], f["action"]) for f in out["old"]["findings"]] == [("DUP230", "drop")]
