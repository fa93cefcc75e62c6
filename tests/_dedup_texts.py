"""Small Arabic news-like texts and the edits republishing makes, for the dedup tests."""

from __future__ import annotations

import random

SENTENCES = [
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمائة سرير",
    "وقال المتحدث الرسمي باسم الوزارة إن المشروع يأتي ضمن خطة شاملة لتطوير الخدمات الصحية",
    "وأضاف أن المستشفى سيضم أقساما متخصصة في أمراض القلب والأورام وجراحة الأطفال",
    "وأشار إلى أن العمل في المشروع بدأ قبل ثلاث سنوات بتكلفة بلغت مليار ريال",
    "ومن المتوقع أن يستقبل المستشفى أول المرضى مطلع الشهر المقبل بعد اكتمال التجهيزات",
    "وأكد أن الوزارة تعمل على استقطاب الكفاءات الطبية الوطنية للعمل في المنشآت الجديدة",
    "كما أوضح أن الخطة تشمل إنشاء مراكز للرعاية الأولية في المحافظات الصغيرة",
    "ولفت إلى أن عدد المستفيدين من الخدمات الصحية في المنطقة تضاعف خلال الأعوام الأخيرة",
]

OTHER_SENTENCES = [
    "شهدت أسواق الأسهم الخليجية تراجعا ملحوظا في تعاملات الأسبوع الماضي وسط مخاوف المستثمرين",
    "وانخفض المؤشر العام للسوق بنسبة اثنين في المئة مع تراجع أسهم المصارف والبتروكيماويات",
    "ويرى محللون أن تقلبات أسعار النفط العالمية تلقي بظلالها على أداء الأسواق المحلية",
    "وتوقع خبراء أن تستعيد الأسواق توازنها مع إعلان نتائج الشركات للربع الثالث",
    "وكانت هيئة السوق المالية قد أقرت حزمة من الإجراءات لتعزيز الشفافية وحماية المستثمرين",
    "وبلغت قيمة التداولات الإجمالية نحو خمسة مليارات ريال موزعة على أكثر من مئة شركة",
]


def article(sentences: list[str] = SENTENCES) -> str:
    """Sentences as an article: one paragraph per sentence."""
    return "\n".join(s + "." for s in sentences)


def orthographic_variant(text: str) -> str:
    """The spelling habits of another outlet: ة→ه, ى→ي, bare alef for hamza forms."""
    return (
        text.replace("ة", "ه")
        .replace("ى", "ي")
        .replace("أ", "ا")
        .replace("إ", "ا")
        .replace("آ", "ا")
    )


def with_diacritics_and_tatweel(text: str) -> str:
    """Diacritics on some letters and tatweel stretching some words."""
    out = []
    for i, word in enumerate(text.split(" ")):
        if i % 3 == 0 and len(word) > 3:
            word = word[:2] + "\u0640\u0640" + word[2:]
        if i % 4 == 1:
            word = word[:1] + "\u064e" + word[1:]
        out.append(word)
    return " ".join(out)


def new_headline_and_dateline(text: str) -> str:
    return "جدة - واس\n" + text + "\n(تصوير: محمد العلي)"


def trimmed_ending(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:-2])


def paragraph_dropped(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:3] + lines[4:])


def punctuation_and_spacing(text: str) -> str:
    return text.replace(" و", "  و").replace(".", " .").replace("،", " ، ")


def word_edits(text: str, seed: int = 0) -> str:
    """Two words replaced, as an editor's light touch."""
    rng = random.Random(seed)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), 2):
        words[i] = "جدا"
    return " ".join(words)


CABLE = (
    "بعث خادم الحرمين الشريفين برقية تهنئة إلى {leader} رئيس {country} بمناسبة ذكرى "
    "{event} لبلاده وأعرب فيها عن أصدق التهاني وأطيب التمنيات بالصحة والسعادة "
    "ولشعب {country} الشقيق المزيد من التقدم والازدهار"
)


def cable(country: str, leader: str, event: str) -> str:
    """One item of a templated series: the King's congratulation cable to a country."""
    return CABLE.format(country=country, leader=leader, event=event)


_SYLLABLES = ["با", "تو", "كي", "لا", "مو", "ري", "سا", "نو", "دي", "غو", "فا", "شي"]


def invented_names(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct made-up names of three syllables (places and people of a test)."""
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < n:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(3))
        if name not in names:
            names.append(name)
    return names


def cable_series(n: int) -> list[str]:
    """``n`` items of the cable template, each to another (made-up) country and leader."""
    names = invented_names(2 * n, seed=1)
    countries, leaders = names[:n], names[n:]
    events = ["الاستقلال", "العيد الوطني", "اليوم الوطني"]
    return [
        cable(country, f"الرئيس {leader}", events[i % 3])
        for i, (country, leader) in enumerate(zip(countries, leaders, strict=True))
    ]


def unrelated_articles(n: int, seed: int = 0) -> list[str]:
    """``n`` articles sharing no sentence: words of the sample sentences shuffled."""
    rng = random.Random(seed)
    vocabulary = sorted({w for s in SENTENCES + OTHER_SENTENCES for w in s.split()})
    return [" ".join(rng.choice(vocabulary) for _ in range(60)) for _ in range(n)]
