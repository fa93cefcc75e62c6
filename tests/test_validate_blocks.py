"""Line-by-line link blocks, teaser runs, and the engine's span guarantees."""

from __future__ import annotations

import polars as pl
import pytest

from corpuskit.normalize import fold_keep_punctuation
from corpuskit.validate import validate
from corpuskit.validate.lineshape import continues, headline_shape, lead_shape
from corpuskit.validate.spans import covered, widen_to_tokens

BODY = (
    "قال مسؤول في وزارة الاقتصاد إن المشروع الجديد سيكتمل خلال العام المقبل بتكلفة كبيرة.",
    "وأضاف أن الوزارة تعمل مع شركات محلية وأجنبية على تنفيذ المراحل المتبقية من الخطة.",
    "وأوضح أن المرحلة الأولى تشمل بناء الطرق والجسور في المناطق الشمالية من البلاد.",
)
HEADLINES = (
    "ارتفاع أسعار النفط في الأسواق العالمية",
    "منتخب مصر يتأهل إلى نهائي البطولة العربية!!",
    "وزير الصحة: 8 حالات جديدة تحت العلاج",
    "«الصوامع» تبدأ صرف مستحقات مزارعي القمح",
    "هذا ما قاله السفير بعد الاجتماع",
)


def _frame(texts: list[str], sources: list[str | None] | None = None) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {
            "id": [f"d{i}" for i in range(n)],
            "title": ["عنوان"] * n,
            "text": texts,
            "source": sources or [None] * n,
            "lang": ["ar"] * n,
        },
        schema={c: pl.String for c in ("id", "title", "text", "source", "lang")},
    )


def _clean(text: str) -> tuple[str, list[dict]]:
    out = validate(_frame([text]))
    return out["text_clean"][0], out["findings"][0].to_list()


def test_shapes_are_judged_on_the_folded_line():
    for raw in (
        "\u00a0ارتفاع\u00a0أسعار النفط في الأسواق\u00a0العالمية\r",
        "ارتفـــاع أسعار النفط في الأسواق العالمية",
        "ارْتِفَاعُ أسعار النفط في الأسواق العالمية",
        "• ارتفاع أسعار النفط في الأسواق العالمية",
        "3- ارتفاع أسعار النفط في الأسواق العالمية",
    ):
        assert headline_shape(fold_keep_punctuation(raw)), raw
    for prose in (BODY[0], "قال الوزير. وأضاف أن العمل مستمر", "منصة شرفية : 120 دينار"):
        assert not headline_shape(fold_keep_punctuation(prose)), prose


def test_openings_and_continuations():
    assert lead_shape(fold_keep_punctuation("دبي، الإمارات (CNN)-- قالت الصين إنها حذرت سفينة."))
    assert lead_shape(fold_keep_punctuation("أعلنت الشركة، الأربعاء، عن صفقة جديدة."))
    assert continues(fold_keep_punctuation("ويشير المتحدث إلى أن العمل مستمر."))
    assert not lead_shape(fold_keep_punctuation("وأضاف المتحدث أن العمل مستمر."))


@pytest.mark.parametrize("gap", ["\n\n\n", "\n\n\n\n\n\n", "\n \u00a0\n\t\n"])
def test_trailing_headlines_go_line_by_line_after_a_blank_gap(gap):
    text = "\n".join(BODY) + gap + "\n".join(HEADLINES) + "\n"
    clean, _ = _clean(text)
    assert clean == "\n".join(BODY)


def test_with_no_header_and_no_gap_short_closing_lines_stay():
    # captions or notes closing an article look like headlines; without a header or a
    # blank gap there is not enough evidence that they are links
    text = "\n".join(BODY) + "\n" + "\n".join(HEADLINES)
    assert _clean(text)[0] == text


def test_captions_about_the_article_stay_even_after_a_gap():
    captions = [
        "مشروع الطرق والجسور في المناطق الشمالية",
        "شركات محلية تعمل على تنفيذ المشروع الجديد",
        "وزارة الاقتصاد تتابع مراحل المشروع",
    ]
    text = "\n".join(BODY) + "\n\n\n" + "\n".join(captions)
    assert _clean(text)[0] == text


def test_a_block_keeps_going_past_one_odd_line():
    odd = "ولي العهد يستقبل الوفد، ويبحث معه العلاقات، والتعاون، في مجالات عدة"
    lines = [*BODY, "", "مواضيع ذات صلة", HEADLINES[0], odd, HEADLINES[1], HEADLINES[2]]
    clean, _ = _clean("\n".join(lines))
    assert clean == "\n".join(BODY)


def test_a_header_under_the_title_is_evidence_for_the_trailing_run():
    lines = ["مواضيع ذات صلة", *BODY, "", "", *HEADLINES[:2]]
    clean, _ = _clean("\n".join(lines))
    assert clean == "\n".join(BODY)


def test_a_list_the_body_announces_and_a_signature_stay():
    listed = [*BODY[:2], "وتشمل الخطة ما يلي:", *HEADLINES[:3]]
    assert _clean("\n".join(listed))[0] == "\n".join(listed)
    letter = [
        *BODY[:2],
        "والسلام عليكم ورحمة الله وبركاته.",
        "محمد بن عبدالله بن سعود آل سعود",
        "نائب رئيس مجلس إدارة الهيئة العامة للاستثمار",
        "رئيس اللجنة التنفيذية العليا للمشروعات",
    ]
    assert _clean("\n".join(letter))[0] == "\n".join(letter)


def test_the_phrase_inside_a_sentence_stays():
    text = "وقال إن المواضيع ذات صلة بالملف النووي نوقشت أمس في الاجتماع."
    assert _clean(text)[0] == text


def test_no_strip_starts_or_ends_inside_a_token():
    assert widen_to_tokens("t:@name@mail.com x", 3, 18) == (0, 18)
    assert widen_to_tokens("نص. (أ ف ب)", 4, 11) == (4, 11)
    assert widen_to_tokens("<p>قال", 0, 3) == (0, 3)
    text = "ولكم ما ترون.\n\nt:@handle_namewriter@hotmail.comللتواصل مع الكاتب ارسل رسالة SMS"
    clean, findings = _clean(text)
    assert clean == "ولكم ما ترون."
    for f in findings:
        if f["action"] == "strip" and f["start"] > 0:
            assert text[f["start"] - 1].isspace() or not text[f["start"] - 1].isalnum()


def test_overlapping_rules_give_one_finding_per_removed_span():
    texts = [
        "\n".join([*BODY, "", "اقرأ أيضاً:", *HEADLINES]),
        "The talks resumed on Friday.\nCopyright 2024 Example Media Inc. All rights reserved.",
        "\n".join([*BODY, "قد يهمك أيضا:", "أعلنت الشركة، الأربعاء، عن صفقة جديدة لتطوير الحقول."]),
    ]
    out = validate(_frame(texts))
    for findings in out["findings"].to_list():
        strips = [(f["start"], f["end"]) for f in findings if f["action"] == "strip"]
        for i, span in enumerate(strips):
            others = strips[:i] + strips[i + 1 :]
            assert not covered(span, others), (span, findings)


def test_footers_repeated_in_a_corpus_without_sources_go_and_verses_stay():
    footer = "تابعوا آخر الأخبار عبر حساب الصحيفة الرسمي"
    verse = "بسم الله الرحمن الرحيم إن مع العسر يسرا"
    texts = []
    for n in range(60):
        texts.append(f"{BODY[0]} رقم {n}.\n{BODY[1]}\n{BODY[2]} مرة {n}.\n{footer}")
    for n in range(60):
        middle = [f"{BODY[1]} {n}", verse, f"{BODY[2]} {n}"]
        head = [f"{BODY[0]} عدد {n}.", f"فقرة أولى {n}.", f"فقرة ثانية {n}."]
        tail = [f"خاتمة رقم {n}.", f"نهاية {n}.", f"آخر {n}."]
        texts.append("\n".join(head + middle + tail))
    for n in range(3000):
        texts.append(f"خبر آخر رقم {n} عن موضوع مختلف تماما في يوم {n}.")
    out = validate(_frame(texts))
    cleaned = out["text_clean"].to_list()
    assert all(footer not in t for t in cleaned[:60])
    assert all(verse in t for t in cleaned[60:120])


@pytest.mark.parametrize(
    ("inserted", "goes"),
    [
        ("منتخب البرازيل يفوز على الأرجنتين بثلاثة أهداف في مباراة ودية", True),
        ("المرحلة الأولى تشمل بناء الطرق والجسور في المناطق الشمالية من البلاد", False),
        # shorter than a lone title: it goes only when it shares no word with the article
        ("زلزال قوي يضرب جزيرة بعيدة", True),
        ("الجسور الجديدة في المناطق الشمالية", False),
    ],
)
def test_checked_alone_a_lone_title_goes_and_a_subheading_stays(inserted, goes):
    text = "\n".join([BODY[0], inserted, BODY[1], BODY[2]])
    assert _clean(text)[0] == ("\n".join(BODY) if goes else text)


def test_inserted_titles_sharing_only_small_words_with_the_line_before_go():
    before = "ويعيش الدروز في سوريا منذ قرون في مناطق جبلية."
    titles = [
        "الدروز يواجهون خطر اتساع الصراع في سوريا",
        "الصراع في سوريا: المشهد من مرتفعات الجولان",
    ]
    text = "\n".join([BODY[0], before, *titles, BODY[1], BODY[2]])
    assert _clean(text)[0] == "\n".join([BODY[0], before, BODY[1], BODY[2]])
    items = ["- في نظر الجغرافيا: أنت الجهات الأربع", "- أنت كبير رياضة الوطن قولا وفعلا"]
    listed = "\n".join([BODY[0], "- في نظر التاريخ: أنت العميد المؤسس.", *items, BODY[1]])
    assert _clean(listed)[0] == listed


def test_paragraphs_of_other_stories_under_a_trailing_header_go():
    teasers = [
        "فريق كرة السلة الوطني يستعد لخوض مباراة ودية قوية أمام نظيره الإسباني مساء غد الجمعة.",
        "آلاف السياح الأجانب يزورون المتاحف القديمة خلال موسم الصيف بحثا عن آثار الحضارات.",
    ]
    text = "\n".join([*BODY, "قد يهمك أيضا:", *teasers])
    assert _clean(text)[0] == "\n".join(BODY)
    # the article going on after a stray header stays
    going_on = [
        "وأشار إلى أن المرحلة الثانية تشمل المطارات والموانئ في المناطق الجنوبية من البلاد.",
        "وتوقع أن تبدأ الأعمال في المشروع خلال الأشهر الأولى من العام المقبل بتمويل حكومي.",
    ]
    text = "\n".join([*BODY, "للمزيد:", *going_on])
    assert _clean(text)[0] == "\n".join([*BODY, *going_on])


TITLE = "الحكومة تعلن موعد اكتمال مشروع الطرق والجسور في الشمال"
TEASERS = (
    "أعلنت وزارة الصحة، الثلاثاء، تسجيل حالات جديدة من الإنفلونزا الموسمية في عدد من المدن "
    "الساحلية خلال الأسبوع الماضي.",
    "فاز المنتخب الوطني لكرة اليد على نظيره الياباني بفارق خمسة أهداف في افتتاح البطولة "
    "القارية المقامة في العاصمة.",
    "كشفت دراسة علمية حديثة أن النوم لساعات قليلة يزيد مخاطر الإصابة بأمراض القلب لدى "
    "البالغين والمراهقين على السواء.",
)


def _clean_titled(text: str) -> str:
    frame = _frame([text]).with_columns(pl.lit(TITLE).alias("title"))
    return validate(frame)["text_clean"][0]


# Openings of other stories whose first word is not a learned story opener.
UNMARKED_TEASERS = (
    "بعد غياب طويل تعود فرقة المسرح الوطني إلى جمهورها بعرض جديد عن حياة الصيادين في القرى "
    "البحرية.",
    "نصف سكان العالم لا يحصلون على خدمات صحية أساسية بحسب تقرير أممي صدر في جنيف هذا الشهر.",
)


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n\n\n\n"])
@pytest.mark.parametrize(
    "teasers",
    [TEASERS, (TEASERS[0], *UNMARKED_TEASERS, TEASERS[2]), (TEASERS[1], *UNMARKED_TEASERS)],
)
def test_trailing_openings_of_other_stories_go_without_header_or_dateline(gap, teasers):
    text = "\n".join(BODY) + gap + "\n".join(teasers)
    assert _clean_titled(text) == "\n".join(BODY)


@pytest.mark.parametrize(
    "ending",
    [
        # its own closing paragraphs take up its words
        (
            "أكد الوزير أن المشروع سيوفر آلاف فرص العمل للشباب في المناطق الشمالية خلال "
            "السنوات المقبلة.",
            "يذكر أن الحكومة أطلقت خطة لتطوير الطرق والجسور قبل ثلاثة أعوام بتمويل من "
            "صناديق عربية.",
            "«نريد أن نرى الجسور قائمة قبل نهاية العقد»، قال أحد سكان المنطقة للصحفيين "
            "بعد الاجتماع.",
        ),
        # background on a side topic: the paragraphs go on from one another
        (
            "شهدت البلاد، السبت، أمطارا غزيرة أدت إلى انهيار جسر قديم على نهر الشمال وإغلاق "
            "الطريق الدولي لساعات.",
            "وشهد الطريق الدولي، الأحد، ازدحاما كبيرا بعد إعادة فتحه أمام الشاحنات والحافلات "
            "القادمة من الحدود.",
            "وأعلنت السلطات، الاثنين، أن الجسر القديم سيهدم ويبنى مكانه جسر حديث أعرض من "
            "السابق بمسارين.",
        ),
    ],
)
def test_an_articles_own_closing_paragraphs_stay(ending):
    text = "\n".join([*BODY, *ending])
    assert _clean_titled(text) == text


def test_openings_glued_to_a_conjunction_and_linking_phrases_go_on():
    assert not lead_shape(fold_keep_punctuation("وشهد الأردن، السبت، هجوما على حافلة للدرك."))
    assert lead_shape(fold_keep_punctuation("وصلت، الأحد، مساعدات عاجلة إلى المدينة."))
    for text in ("من جانبه، قال الوزير إن العمل مستمر.", "جاء ذلك خلال اجتماع الوزير، الخميس."):
        assert continues(fold_keep_punctuation(text)), text


def test_a_run_of_inserted_titles_may_hold_one_short_title_but_not_a_section_head():
    title = "زلزال قوي يضرب جزيرة بعيدة في المحيط الهادئ"
    other = "ارتفاع أسعار الذهب في الأسواق العالمية مع تراجع الدولار"
    text = "\n".join([BODY[0], title, "هل تغيرت إيران؟", other, BODY[1], BODY[2]])
    assert _clean(text)[0] == "\n".join(BODY)
    headed = "\n".join([BODY[0], "رسائل مدروسة", title, BODY[1], BODY[2]])
    assert "رسائل مدروسة" in _clean(headed)[0]
    # titles, then the article's section head over its next paragraph (it takes up the
    # article's words): the head stays
    section = "تضارب بشأن تفاصيل المشروع"
    layout = "\n".join([BODY[0], title, other, section, BODY[1], BODY[2]])
    assert _clean(layout)[0] == "\n".join([BODY[0], section, BODY[1], BODY[2]])
    above = "\n".join([BODY[0], section, title, other, BODY[1], BODY[2]])
    assert _clean(above)[0] == "\n".join([BODY[0], section, BODY[1], BODY[2]])


@pytest.mark.parametrize(
    "ending",
    [
        # items of the article's own numbered list
        tuple(f"{n} - " + t for n, t in enumerate((TEASERS[1], *UNMARKED_TEASERS), 1)),
        # paragraphs that mostly open with one word that is not a news verb
        (
            "بدأ الناس يتحدثون عن حكايات قديمة من زمن الطفولة في القرى البعيدة عن المدن الكبيرة.",
            "قال رجل عجوز إنه لا ينسى صوت المطر على أسطح البيوت الطينية في ليالي الشتاء الطويلة.",
            "بدأ الصغار يسألون عن معنى الأمثال الشعبية التي يرددها الكبار في كل مجلس وسهرة.",
        ),
    ],
)
def test_lists_and_an_articles_repeated_device_are_not_teasers(ending):
    text = "\n".join([*BODY, *ending])
    assert _clean_titled(text) == text


def test_a_line_over_a_section_head_is_not_taken_for_a_lone_title():
    intro = "أدناه ما ينبغي على الفريق الفائز أن ينجزه في البطولة..."
    # the section head takes up the article's words ("المشروع")
    text = "\n".join([BODY[0], intro, "المشروع المرشح دائما", BODY[1], BODY[2]])
    assert _clean(text)[0] == text


def test_a_short_title_beside_inserted_titles_goes_when_it_is_about_something_else():
    title = "زلزال قوي يضرب جزيرة بعيدة في المحيط الهادئ"
    short = "مطلوب مغناطيس داخلي !!"
    for layout in ([title, short], [short, title]):
        text = "\n".join([BODY[0], *layout, BODY[1], BODY[2]])
        assert _clean(text)[0] == "\n".join(BODY), layout
    # a two-word line beside a title stays a section head, whatever it is about
    text = "\n".join([BODY[0], title, "رسائل مدروسة", BODY[1], BODY[2]])
    assert _clean(text)[0] == "\n".join([BODY[0], "رسائل مدروسة", BODY[1], BODY[2]])


@pytest.mark.parametrize(
    ("question", "goes"),
    [
        ("هل تؤسس قنوات التحريض التلفزيونية للتطرف وتنمي الإرهاب؟", True),
        # about the article: its own section head
        ("هل تكتمل الطرق والجسور في المناطق الشمالية؟", False),
        # short: a section head
        ("ما الخطوة التالية؟", False),
    ],
)
def test_a_lone_question_goes_only_when_long_and_about_something_else(question, goes):
    text = "\n".join([BODY[0], question, BODY[1], BODY[2]])
    assert _clean(text)[0] == ("\n".join(BODY) if goes else text)


def test_dialogue_and_the_heads_of_an_articles_own_boxes_stay():
    dialogue = [
        "ولذلك إذا أرادت زوجته أن تستدعيه في مكان عام فماذا ستفعل؟",
        'يقول: "سوف تستخدم اسم التدليل الذي اختارته له"',
    ]
    boxes = [
        ["تحليل: فلان الفلاني - مراسل الشؤون الدبلوماسية في لندن"],
        ["محررة الصحة لدى الإذاعة البريطانية: فلانة الفلانية"],
        ["3- فلان الفلاني مهندس الاتصالات", '"ليست لحية إسلامية"'],
        ['وتساءل: "من في العالم سينزعج للغاية من ذلك الأمر؟"'],
    ]
    for inserted in (dialogue, *boxes):
        text = "\n".join([BODY[0], *inserted, BODY[1], BODY[2]])
        assert _clean(text)[0] == text, inserted


# Openings of other stories that neither open like a story nor share anything: two of
# them start with the same particle by chance.
PARTICLE_TEASERS = (
    "على الرغم من مرور ربع قرن على الحرب ما زالت آثارها ماثلة في حياة سكان الأقاليم الجنوبية.",
    "على وقع تباطؤ النمو في آسيا أبدت أوساط صناعة البتروكيماويات قلقا من تراجع الطلب العالمي.",
)


@pytest.mark.parametrize("gap", ["\n\n", "\n\n\n\n"])
def test_paragraphs_below_a_gap_the_article_does_not_have_are_other_stories(gap):
    # the article's paragraphs follow one another with no blank line; the teasers stand
    # apart, two of them only, opening with no story word
    text = "\n".join(BODY) + gap + "\n".join(PARTICLE_TEASERS)
    assert _clean_titled(text) == "\n".join(BODY)
    # with the same blank line between every paragraph there is no such evidence
    spaced = "\n\n".join([*BODY, *PARTICLE_TEASERS])
    assert _clean_titled(spaced) == spaced


def test_the_articles_paragraphs_above_the_gap_do_not_join_the_teasers():
    own = "\n".join([*BODY, *UNMARKED_TEASERS])
    text = own + "\n\n\n" + "\n".join(TEASERS)
    assert _clean_titled(text) == own


def test_paragraphs_below_a_gap_that_go_on_from_the_article_stay():
    going_on = (
        "وواجهت الفرق المحلية صعوبات كبيرة في استغلال الفرص لإدراك التعادل مع إغلاق الخصم كل "
        "المنافذ المؤدية للمرمى.",
        "وتلتقي البعثة مع الفريق الأجنبي في المباراة الثانية بالمجموعة الخامسة في وقت لاحق من "
        "مساء الأحد.",
    )
    text = "\n".join(BODY) + "\n\n" + "\n".join(going_on)
    assert _clean_titled(text) == text


def test_a_paragraph_that_takes_up_a_word_of_the_one_above_goes_on():
    # "سيناريوهات" announced, then each "السيناريو" paragraph: the article's own, and the
    # teasers after them start the run
    scenarios = (
        "ورأت صحيفة محلية أن رئيس الحكومة أصبح أمام ثلاثة سيناريوهات.",
        "يتمثل السيناريو الأول في إقامة انتخابات جديدة خلال الربيع أو الصيف المقبل إذا انسحبت "
        "أحزاب الائتلاف.",
        "أما السيناريو الثاني فهو أن يعين رئيس ثان للوزراء من صفوف الحزب دون المساس بتركيبة "
        "الحكومة.",
    )
    own = "\n".join([*BODY, *scenarios])
    assert _clean_titled(own + "\n" + "\n".join(TEASERS)) == own


MORE_BODY = (
    "وبينت الوزارة أن العمل في المشروع يسير وفق الجدول الزمني المحدد رغم الظروف الجوية.",
    "وختم المسؤول بالقول إن الافتتاح الرسمي سيكون بحضور عدد من الوزراء والسفراء.",
)


@pytest.mark.parametrize("short_title", ["بنزيمة.. المعركة إنجليزية", "الإعجاب المرفوض"])
def test_a_short_line_set_off_by_blank_lines_the_article_does_not_use_is_a_title(short_title):
    # the article's paragraphs follow one another with no blank line; the page set the
    # other story's title apart
    paragraphs = [*BODY, *MORE_BODY]
    text = "\n".join(paragraphs[:2]) + f"\n\n{short_title}\n\n" + "\n".join(paragraphs[2:])
    assert [line for line in _clean(text)[0].split("\n") if line.strip()] == paragraphs
    # the same line between paragraphs with no blank line is a section head
    plain = "\n".join([*paragraphs[:2], short_title, *paragraphs[2:]])
    assert _clean(plain)[0] == plain
    # ... and so it is when the article puts a blank line between all its paragraphs
    spaced = "\n\n".join([*paragraphs[:2], short_title, *paragraphs[2:]])
    assert _clean(spaced)[0] == spaced


def test_a_quotation_set_as_a_head_under_an_inserted_title_stays():
    title = "زلزال قوي يضرب جزيرة بعيدة في المحيط الهادئ ويخلف أضرارا"
    head = '"ظالمة أم مظلومة"'
    text = "\n".join([BODY[0], title, head, BODY[1], BODY[2]])
    assert _clean(text)[0] == "\n".join([BODY[0], head, BODY[1], BODY[2]])


def test_paragraphs_below_a_gap_about_the_title_or_opening_with_a_connective_stay():
    second_story = (
        "أغلقت إدارة النقل ملف الموانئ الشمالية بعد اكتمالها لتكون رابع ميناء يعمل في المنطقة "
        "خلال الموسم المقبل."
    )
    connective = (
        "من جهة ثانية كسب فريق العاصمة مباراته الودية الثالثة أمام ضيفه بأربعة أهداف مقابل ثلاثة."
    )
    for ending in ((second_story, PARTICLE_TEASERS[0]), (PARTICLE_TEASERS[0], connective)):
        text = "\n".join(BODY) + "\n\n\n" + "\n".join(ending)
        assert _clean_titled(text) == text
