"""Seed-shaped documents: real article paragraphs plus related-link blocks, every line labelled.

The project's seed document is a scraped article followed, after a blank gap, by a run of
headlines of unrelated articles, with a standalone "مواضيع ذات صلة" line under the title.
Real outlets put such blocks in many more shapes. A *shape* here is a function that lays
out one document from :class:`Parts` (an article's paragraphs, other articles' titles and
leads, and a random generator) and returns its lines, each labelled ``body``,
``boilerplate`` or ``blank`` (blank lines are not scored).

``SHAPES`` is the one registry, name -> :class:`Shape`. Adding a shape is one entry: a
builder and a sentence saying what real layout it imitates.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

BODY, BOILERPLATE, BLANK = "body", "boilerplate", "blank"
Line = tuple[str, str]  # (text without its line end, label)

SEED_HEADER = "مواضيع ذات صلة"
HEADERS = {  # header wordings seen in real outlets (and the issue), slug -> text
    "mawadi": "مواضيع ذات صلة",
    "iqra-aydan": "اقرأ أيضاً:",
    "iqra-ayda": "اقرأ أيضا:",
    "lilmazid": "للمزيد:",
    "qad-yuhimmuk": "قد يهمك أيضا:",
    "akhbar": "أخبار ذات صلة",
    "maqalat": "مقالات ذات صلة",
    "iqra-ayda-dots": "اقرأ أيضا...",
    "mawadi-colon": "مواضيع ذات صلة:",
}
TATWEEL_HEADERS = ("مواضـيع ذات صـلة", "اقـــرأ أيضـاً:", "أخبـار ذات صلـة")
DIACRITIC_HEADERS = ("مَوَاضِيعُ ذَاتُ صِلَةٍ", "اقْرَأْ أَيْضًا:", "أَخْبَارٌ ذَاتُ صِلَةٍ")
ENDINGS = ("؟", "!!", "..!", "!", "...", "؟!")
BULLETS = ("• ", "- ", "– ", "* ", "■ ", "◄ ", "· ", "» ")
BLANK_FILL = (" ", "  ", "\t", "\u00a0", " \u00a0 ")
NBSP = "\u00a0"


@dataclass(frozen=True)
class Parts:
    """What one document is built from.

    ``paragraphs``: the body article's paragraphs, in order; ``headlines``: 3–15 titles of
    other real articles; ``leads``: opening paragraphs of other real articles (for teaser
    runs); ``marked``: other titles holding Latin letters, digits or guillemets.
    """

    rng: random.Random
    title: str
    paragraphs: tuple[str, ...]
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    marked: tuple[str, ...]


@dataclass(frozen=True)
class Shape:
    """One way of laying out a document; ``build`` returns its labelled lines."""

    name: str
    description: str
    build: Callable[[Parts], list[Line]]


def blanks(count: int, fill: str = "") -> list[Line]:
    return [(fill, BLANK)] * count


def body(parts: Parts) -> list[Line]:
    return [(paragraph, BODY) for paragraph in parts.paragraphs]


def block(headlines: tuple[str, ...] | list[str], header: str | None = None) -> list[Line]:
    """A header line (if any) and one headline per line, all boilerplate."""
    lines = [(header, BOILERPLATE)] if header else []
    return lines + [(headline, BOILERPLATE) for headline in headlines]


def seed_layout(
    parts: Parts,
    *,
    header: str | None = SEED_HEADER,
    header_at: str = "top",
    gap: int | None = None,
    gap_fill: str = "",
    headlines: tuple[str, ...] | list[str] | None = None,
) -> list[Line]:
    """The seed's layout: [header]; paragraphs; blank gap; [header]; headlines; blanks."""
    rng = parts.rng
    lines: list[Line] = []
    if header and header_at == "top":
        lines.append((header, BOILERPLATE))
    lines += body(parts)
    lines += blanks(rng.randint(2, 10) if gap is None else gap, gap_fill)
    lines += block(parts.headlines if headlines is None else headlines)
    if header and header_at == "block":
        at = len(lines) - len(parts.headlines if headlines is None else headlines)
        lines.insert(at, (header, BOILERPLATE))
    lines += blanks(rng.randint(1, 6), gap_fill)
    return lines


def mid_article(parts: Parts, inserted: list[Line]) -> list[Line]:
    """``inserted`` between two paragraphs (never first or last), 0–1 blank lines around."""
    rng = parts.rng
    cut = rng.randint(1, len(parts.paragraphs) - 1)
    around = blanks(rng.randint(0, 1))
    paragraphs = body(parts)
    return paragraphs[:cut] + around + inserted + around + paragraphs[cut:]


def relabelled(lines: list[Line], change: Callable[[str, str], str]) -> list[Line]:
    """Every non-blank line passed through ``change(text, label)``."""
    return [(change(text, label) if label != BLANK else text, label) for text, label in lines]


def with_line_ends(lines: list[Line], end: str) -> list[Line]:
    """Every line (blank ones too) ending in ``end`` before its newline (CRLF files)."""
    return [(text + end, label) for text, label in lines]


def punctuated(parts: Parts) -> tuple[str, ...]:
    return tuple(h.rstrip(".!؟?") + parts.rng.choice(ENDINGS) for h in parts.headlines)


def guillemeted(parts: Parts) -> tuple[str, ...]:
    rng = parts.rng
    marked = [h for h in parts.marked if "«" in h]
    return tuple(
        rng.choice(marked) if marked and rng.random() < 0.5 else f"«{h}»" for h in parts.headlines
    )


def latin_or_digits(parts: Parts) -> tuple[str, ...]:
    marked = [h for h in parts.marked if any(c.isascii() and c.isalnum() for c in h)]
    count = len(parts.headlines)
    if len(marked) >= count:
        return tuple(parts.rng.sample(marked, count))
    extra = ("CNN", "BBC", "2018", "iPhone X", "FIFA", "3", "G20", "NASA")
    return tuple(marked) + tuple(
        f"{h} {parts.rng.choice(extra)}" for h in parts.headlines[: count - len(marked)]
    )


def _nbsp_inside(text: str, rng: random.Random) -> str:
    return "".join(NBSP if c == " " and rng.random() < 0.3 else c for c in text)


def _shapes() -> list[Shape]:
    shapes = [
        Shape(
            "seed",
            "the seed exactly: title; standalone مواضيع ذات صلة; paragraphs; 2-10 blank lines; "
            "headlines; blank lines",
            lambda p: seed_layout(p),
        ),
    ]
    for slug, header in HEADERS.items():
        shapes.append(
            Shape(
                f"header-above-block:{slug}",
                f"header {header!r} on its own line right above the trailing headlines",
                lambda p, h=header: seed_layout(p, header=h, header_at="block"),
            )
        )
    shapes += [
        Shape(
            "header-top:iqra-aydan",
            "the seed's layout with اقرأ أيضاً: under the title instead of مواضيع ذات صلة",
            lambda p: seed_layout(p, header=HEADERS["iqra-aydan"]),
        ),
        Shape(
            "header-tatweel",
            "header stretched with tatweel (مواضـيع ذات صـلة), above the block",
            lambda p: seed_layout(p, header=p.rng.choice(TATWEEL_HEADERS), header_at="block"),
        ),
        Shape(
            "header-diacritics",
            "header written with diacritics (مَوَاضِيعُ ذَاتُ صِلَةٍ), above the block",
            lambda p: seed_layout(p, header=p.rng.choice(DIACRITIC_HEADERS), header_at="block"),
        ),
        Shape(
            "no-header",
            "trailing headlines after the gap, no header anywhere",
            lambda p: seed_layout(p, header=None),
        ),
        Shape(
            "gap-0",
            "no blank line between the last paragraph and the headlines",
            lambda p: seed_layout(p, gap=0),
        ),
        Shape("gap-1", "one blank line before the headlines", lambda p: seed_layout(p, gap=1)),
        Shape(
            "gap-many",
            "15-30 blank lines before the headlines",
            lambda p: seed_layout(p, gap=p.rng.randint(15, 30)),
        ),
        Shape(
            "gap-spaces",
            "the gap's blank lines hold spaces, tabs or no-break spaces",
            lambda p: seed_layout(p, gap_fill=p.rng.choice(BLANK_FILL)),
        ),
        Shape(
            "mid-article-header",
            "اقرأ أيضاً: and 2-5 headlines between two paragraphs (BBC)",
            lambda p: mid_article(
                p, block(p.headlines[: p.rng.randint(2, 5)], p.rng.choice(list(HEADERS.values())))
            ),
        ),
        Shape(
            "mid-article-bare",
            "1-3 titles of other articles between two paragraphs, no header (BBC)",
            lambda p: mid_article(p, block(p.headlines[: p.rng.randint(1, 3)])),
        ),
        Shape(
            "mid-article-inline",
            "one 'للمزيد: <headline>' or 'قد يهمك| <headline>' line mid-article (France 24, CNN)",
            lambda p: mid_article(
                p,
                [
                    (
                        p.rng.choice(("للمزيد: ", "قد يهمك| ", "قد يهمك/ ", "اقرأ أيضا... "))
                        + p.headlines[0],
                        BOILERPLATE,
                    )
                ],
            ),
        ),
        Shape(
            "iqra-parens",
            "'اقرأ: (<headline>)' lines, mid-article or trailing (CNN)",
            lambda p: (mid_article if p.rng.random() < 0.5 else _trailing)(
                p, [(f"اقرأ: ({h})", BOILERPLATE) for h in p.headlines[: p.rng.randint(1, 4)]]
            ),
        ),
        Shape(
            "leading-spaces",
            "every line, headlines included, starts with 1-4 spaces (SaudiNewsNet texts)",
            lambda p: relabelled(seed_layout(p), lambda t, _: " " * p.rng.randint(1, 4) + t),
        ),
        Shape(
            "nbsp",
            "no-break spaces before lines and inside headlines",
            lambda p: relabelled(
                seed_layout(p),
                lambda t, label: NBSP + (_nbsp_inside(t, p.rng) if label == BOILERPLATE else t),
            ),
        ),
        Shape(
            "crlf",
            "Windows line ends (\\r\\n) on every line",
            lambda p: with_line_ends(seed_layout(p), "\r"),
        ),
        Shape(
            "headline-punct",
            "headlines ending in ؟, !!, ..!, !, ... or ؟!",
            lambda p: seed_layout(p, headlines=punctuated(p)),
        ),
        Shape(
            "headline-latin-digits",
            "headlines holding Latin words (CNN, names) or numbers",
            lambda p: seed_layout(p, headlines=latin_or_digits(p)),
        ),
        Shape(
            "guillemets",
            "headlines in or holding guillemets «…»",
            lambda p: seed_layout(p, headlines=guillemeted(p)),
        ),
        Shape(
            "bullets",
            "a bullet or dash before each headline (•, -, –, *, ■, ◄, ·, »)",
            lambda p: seed_layout(
                p, headlines=tuple(p.rng.choice(BULLETS) + h for h in p.headlines)
            ),
        ),
        Shape(
            "numbered",
            "headlines numbered 1. 2. or 1- 2- or (1) (2)",
            lambda p: seed_layout(
                p,
                headlines=tuple(
                    p.rng.choice(("{n}. ", "{n}- ", "({n}) ")).format(n=n) + h
                    for n, h in enumerate(p.headlines, 1)
                ),
            ),
        ),
        Shape(
            "teaser-leads",
            "3-5 opening sentences of other articles after the last paragraph, no header (CNN)",
            lambda p: _trailing(p, block(p.leads[: p.rng.randint(3, 5)])),
        ),
        Shape(
            "glued-titles",
            "مقالات أخرى للكاتب and the titles glued into one trailing line (Al-Jazirah)",
            lambda p: _trailing(
                p, [("مقالات أخرى للكاتب" + "".join(p.headlines[:5]), BOILERPLATE)]
            ),
        ),
        Shape(
            "everything",
            "tatweel header, bullets, ending punctuation, no-break spaces, space-filled gap, CRLF",
            lambda p: with_line_ends(
                relabelled(
                    seed_layout(
                        p,
                        header=p.rng.choice(TATWEEL_HEADERS),
                        header_at="block",
                        gap_fill=p.rng.choice(BLANK_FILL),
                        headlines=tuple(p.rng.choice(BULLETS) + h for h in punctuated(p)),
                    ),
                    lambda t, label: NBSP + t if label == BOILERPLATE else t,
                ),
                "\r",
            ),
        ),
    ]
    return shapes


def _trailing(parts: Parts, inserted: list[Line]) -> list[Line]:
    """``inserted`` after the last paragraph, 0-3 blank lines before, 0-2 after."""
    rng = parts.rng
    return body(parts) + blanks(rng.randint(0, 3)) + inserted + blanks(rng.randint(0, 2))


SHAPES: dict[str, Shape] = {shape.name: shape for shape in _shapes()}


def document_text(lines: list[Line]) -> str:
    """The document body: its lines joined by newlines (line ends such as \\r kept)."""
    return "\n".join(text for text, _ in lines)
