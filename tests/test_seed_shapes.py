"""The seed-shape generator builds what each shape claims, and the same seed rebuilds it.

Everything here runs on made-up text (no corpus needed): the shapes are pure functions of
their parts and a seeded random generator.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from _benchmark_modules import load_benchmark_module

REPO = Path(__file__).resolve().parents[1]


shapes = load_benchmark_module("_shapes")
seed_shapes = load_benchmark_module("seed_shapes")

PARAGRAPHS = tuple(
    f"قال المتحدث باسم الهيئة في بيان رقم {n} إن العمل في المشروع يسير وفق الخطة المعلنة."
    for n in range(1, 6)
)
TITLES = tuple(f"افتتاح معرض الكتاب في المدينة رقم {n} بحضور كبير" for n in range(1, 40))
LEADS = tuple(
    f"أعلنت الوزارة اليوم عن خطة جديدة لتطوير الطرق في المنطقة رقم {n} خلال العام."
    for n in range(8)
)
MARKED = ("«الزعيم» يعود إلى الصدارة", "إطلاق iPhone جديد في 2018", "CNN: تقرير عن الطقس")
DIACRITICS = re.compile("[\u064b-\u0652]")


def parts(seed: int) -> shapes.Parts:
    rng = random.Random(seed)
    return shapes.Parts(
        rng=rng,
        title="عنوان الخبر",
        paragraphs=PARAGRAPHS,
        headlines=tuple(rng.sample(TITLES, rng.randint(3, 15))),
        leads=LEADS[:5],
        marked=MARKED,
    )


def texts(lines, label):
    return [text for text, lab in lines if lab == label]


def headlines_of(lines):
    """Boilerplate lines that are not a header line."""
    headers = set(shapes.HEADERS.values()) | set(shapes.TATWEEL_HEADERS)
    headers |= set(shapes.DIACRITIC_HEADERS)
    return [t for t in texts(lines, shapes.BOILERPLATE) if t.strip(" \u00a0\r") not in headers]


def ends(lines):
    bp = [n for n, (_, lab) in enumerate(lines) if lab == shapes.BOILERPLATE]
    body = [n for n, (_, lab) in enumerate(lines) if lab == shapes.BODY]
    return bp, body


def gap_before_block(lines):
    """The lines between the last paragraph and the first boilerplate line after it."""
    bp, body = ends(lines)
    return lines[max(body) + 1 : min(n for n in bp if n > max(body))]


def is_mid_article(lines):
    bp, body = ends(lines)
    return min(body) < min(bp) and max(bp) < max(body)


CLAIMS = {
    "seed": lambda ls: (
        ls[0] == (shapes.SEED_HEADER, shapes.BOILERPLATE) and ls[1][1] == shapes.BODY
    ),
    "header-top:iqra-aydan": lambda ls: ls[0] == ("اقرأ أيضاً:", shapes.BOILERPLATE),
    "header-tatweel": lambda ls: any("ـ" in t for t in texts(ls, shapes.BOILERPLATE)),
    "header-diacritics": lambda ls: any(
        DIACRITICS.search(t) for t in texts(ls, shapes.BOILERPLATE)
    ),
    "no-header": lambda ls: not set(texts(ls, shapes.BOILERPLATE)) & set(shapes.HEADERS.values()),
    "gap-0": lambda ls: gap_before_block(ls) == [],
    "gap-1": lambda ls: len(gap_before_block(ls)) == 1,
    "gap-many": lambda ls: len(gap_before_block(ls)) >= 15,
    "gap-spaces": lambda ls: all(t and not t.strip() for t in texts(ls, shapes.BLANK)),
    "mid-article-header": lambda ls: (
        is_mid_article(ls) and texts(ls, shapes.BOILERPLATE)[0] in shapes.HEADERS.values()
    ),
    "mid-article-bare": lambda ls: (
        is_mid_article(ls) and all(t in TITLES for t in texts(ls, shapes.BOILERPLATE))
    ),
    "mid-article-inline": lambda ls: (
        is_mid_article(ls)
        and len(texts(ls, shapes.BOILERPLATE)) == 1
        and re.match(r"^(للمزيد: |قد يهمك[|/] |اقرأ أيضا\.\.\. )", texts(ls, shapes.BOILERPLATE)[0])
    ),
    "iqra-parens": lambda ls: all(
        re.fullmatch(r"اقرأ: \(.+\)", t) for t in texts(ls, shapes.BOILERPLATE)
    ),
    "leading-spaces": lambda ls: all(t.startswith(" ") for t, lab in ls if lab != shapes.BLANK),
    "nbsp": lambda ls: all(t.startswith("\u00a0") for t, lab in ls if lab != shapes.BLANK),
    "crlf": lambda ls: all(t.endswith("\r") for t, _ in ls),
    "headline-punct": lambda ls: all(t.endswith(shapes.ENDINGS) for t in headlines_of(ls)),
    "headline-latin-digits": lambda ls: all(
        any(c.isascii() and c.isalnum() for c in t) for t in headlines_of(ls)
    ),
    "guillemets": lambda ls: all("«" in t for t in headlines_of(ls)),
    "bullets": lambda ls: all(t.startswith(shapes.BULLETS) for t in headlines_of(ls)),
    "numbered": lambda ls: all(re.match(r"^(\d+[.-] |\(\d+\) )", t) for t in headlines_of(ls)),
    "teaser-leads": lambda ls: (
        3 <= len(texts(ls, shapes.BOILERPLATE)) <= 5
        and all(t in LEADS for t in texts(ls, shapes.BOILERPLATE))
    ),
    "glued-titles": lambda ls: (
        len(texts(ls, shapes.BOILERPLATE)) == 1
        and texts(ls, shapes.BOILERPLATE)[0].startswith("مقالات أخرى للكاتب")
    ),
    "everything": lambda ls: (
        all(t.endswith("\r") for t, _ in ls)
        and any("ـ" in t for t in texts(ls, shapes.BOILERPLATE))
        and all(t.strip("\r").strip() == "" and t.strip("\r") for t in texts(ls, shapes.BLANK))
        and all(t.lstrip("\u00a0").startswith(shapes.BULLETS) for t in headlines_of(ls))
    ),
}
for _slug, _header in shapes.HEADERS.items():
    CLAIMS[f"header-above-block:{_slug}"] = lambda ls, h=_header: (
        h in texts(ls, shapes.BOILERPLATE)
        and ls[ls.index((h, shapes.BOILERPLATE)) + 1][1] == shapes.BOILERPLATE
        and ls[ls.index((h, shapes.BOILERPLATE)) - 1][1] != shapes.BOILERPLATE
    )


def test_every_registered_shape_states_what_it_builds():
    assert set(CLAIMS) == set(shapes.SHAPES)
    assert all(shape.description for shape in shapes.SHAPES.values())


@pytest.mark.parametrize("name", sorted(shapes.SHAPES))
def test_shape_builds_what_it_claims_and_keeps_every_paragraph(name):
    for seed in range(12):
        lines = shapes.SHAPES[name].build(parts(seed))
        assert CLAIMS[name](lines), (name, seed)
        body = [t.strip(" \u00a0\r") for t in texts(lines, shapes.BODY)]
        assert body == list(PARAGRAPHS), "the body is the article's paragraphs, in order"
        assert texts(lines, shapes.BOILERPLATE), "every shape carries boilerplate"
        assert all("\n" not in t for t, _ in lines)


def test_the_same_seed_rebuilds_the_same_documents_and_a_new_seed_does_not():
    pools = seed_shapes.Pools(
        articles=[(f"a{n}", f"عنوان رقم {n} للخبر المحلي", PARAGRAPHS) for n in range(20)],
        titles=list(TITLES),
        leads=list(LEADS),
        marked=list(MARKED) * 10,
    )
    names = list(shapes.SHAPES)
    first = seed_shapes.generate(pools, 7, names, 3)
    assert first == seed_shapes.generate(pools, 7, names, 3)
    assert first != seed_shapes.generate(pools, 8, names, 3)
    # one shape's documents do not depend on which other shapes run
    alone = seed_shapes.generate(pools, 7, ["crlf"], 3)
    assert alone == [row for row in first if row["shape"] == "crlf"]
    for row in first:
        lines = row["text"].split("\n")
        for label in row["labels"]:
            assert lines[label["line"] - 1].strip(), "labels point at non-blank lines"
        labelled = {label["line"] for label in row["labels"]}
        assert labelled == {n for n, line in enumerate(lines, 1) if line.strip()}


def test_the_seed_document_check_reads_the_bundled_seed():
    exact, detail = seed_shapes.seed_document_is_exact()
    assert exact, detail
    assert detail.startswith("9 paragraphs kept")
