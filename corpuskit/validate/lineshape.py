"""The shape of one line, judged on its folded form.

A related-links block is a run of other articles' headlines; a teaser run is a run of
other articles' opening sentences. Both are decided line by line from what a line looks
like, so every test here reads the line as :attr:`Doc.folded_lines
<corpuskit.validate.document.Doc.folded_lines>` gives it: no-break spaces, CR, tatweel,
diacritics, hamza seats and invisible marks are already gone, whitespace is collapsed,
punctuation is kept. A list marker ("•", "-", "1.", "(2)") and the quotes or guillemets
around a whole line are taken off before the shape is judged.

* :func:`headline_shape`: a short line that names a story without telling it: 2-24
  words, no sentence end (a single full stop, comma, semicolon or colon at the end), no
  second sentence inside. Question and exclamation marks, pause dots (".." "...") and a
  "place: quote" colon are headline punctuation.
* :func:`lead_shape`: a paragraph that opens a news story (a dateline, an "on this day"
  date, a weekday between commas, or a first word that opens stories far more often than
  it continues them, from the learned word list in ``models/lead_openers.json``), as
  opposed to a paragraph that continues one ("وأضاف", "كما", a pronoun).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# A list marker before the text: bullets, dashes, arrows, or a number with . ) - after it.
_MARKER = re.compile(r"^(?:[-–—•*■□◄►▪▫·»«|>~+]+\s*|\(\s*\d{1,2}\s*\)\s*|\d{1,2}\s*[.)\-–]\s+)")
# The characters a marker can open with, besides a digit (what \d and str.isdecimal take).
_MARKER_START = frozenset("-–—•*■□◄►▪▫·»«|>~+(")
_WRAP_OPEN = "\"'«“‘(["
_WRAP_CLOSE = "\"'»”’)]"
_CLOSE_OR_SPACE = _WRAP_CLOSE + " "
_WORD = re.compile(r"\w+")
# A full stop that ends a sentence inside the line (not a pause ".." or an abbreviation
# dot between letters), followed by more text.
_INNER_STOP = re.compile(r"(?:\w{3}|[)\"”»'])\.(?!\.)\s+\S|[؛;]")
# "label: number [unit]" (a price list, a score): the number ends the line.
_LABEL_NUMBER = re.compile(r"^[^:：]{1,40}[:：]\s*\d[\d.,/]*\s*%?\s*\S{0,12}$")
_FIELD_SEPARATOR = re.compile(r"\s[|/]\s")
_URL_OR_MAIL = re.compile(r"https?://|www\.|\S@\S")
# A line that opens with a conjunction and a reporting verb or connective continues the
# prose before it; headlines and openings do not start that way (folded spelling).
_CONTINUATION = re.compile(
    r"^[\"'«“(]?(?:(?:و|ف)(?:قال|قالت|اضاف|اضافت|اشار|اشارت|اكد|اكدت|اوضح|اوضحت|كان|كانت|في|من|"
    r"علي|هو|هي|لم|لن|قد|تابع|تابعت|ذكر|ذكرت|بين|بينت|لفت|لفتت|اعتبر|اعتبرت|ياتي|تاتي|ان|"
    r"لكن|بحسب|وفق|منذ|عن|الي|مع|بعد|قبل|خلال|حيث|كما|ايضا|ثم|يذكر|يشار|اعرب|اعربت|هذا|هذه|"
    r"ذلك|تلك|لا|ما|يري|تري|يقول|تقول|شدد|شددت|لدي|عند|اذا|لو|بذلك|بهذا|يعد|تعد|بات|باتت|"
    r"اردف|اردفت|استطرد|استطردت|ختم|ختمت|اختتم|اختتمت|"
    r"اما|ايا|يبلغ|تبلغ|يشمل|تشمل|بينما|يضيف|تضيف)|و[يتن]\w{2,}|[وف]ال\w{2,}|[وف](?:لماذا|هل|ما|من|كيف|اين|متي|بلغ|بلغت)|كما|لكن|لكنه|لكنها|غير ان|الا ان|اما|"
    r"يذكر ان|يشار الي|ثم|حيث|اذ|بينما|فيما|"
    r"(?:جاء|ياتي|تاتي) (?:ذلك|هذا)|من (?:جانبه|جانبها|جانبهم|جهته|جهتها|جهتهم)|"
    r"من (?:جهه|ناحيه) (?:اخري|ثانيه)|(?:في|علي) (?:المقابل|صعيد اخر)|بالمقابل|في (?:سياق|اطار) متصل|"
    r"في (?:غضون|ضوء) ذلك|الي ذلك|بقول اخر|في (?:هذا|ذات) السياق|في السياق ذاته|"
    r"and|but|so|then|he|she|it|they|this|that)(?:[\s،,]|$)",
    re.IGNORECASE,
)
SENTENCE_END = frozenset(".،؛,;:")


def unwrap(folded: str) -> str:
    """The line without a leading list marker and without quotes around the whole line."""
    head = folded[:1]
    if head in _MARKER_START or head.isdecimal():
        text = _MARKER.sub("", folded, count=1).strip()
    else:
        text = folded.strip()  # most lines open with a letter: no marker to look for
    while len(text) > 2 and text[0] in _WRAP_OPEN and text[-1] in _WRAP_CLOSE:
        inner = text[1:-1].strip()
        if any(c in inner for c in _WRAP_CLOSE + _WRAP_OPEN[:3]):
            break
        text = inner
    return text


def ends_sentence(text: str) -> bool:
    """Ends with a single full stop, a comma, a semicolon or a colon (closers aside)."""
    tail = text.rstrip(_CLOSE_OR_SPACE)
    if not tail:
        return False
    if tail[-1] in SENTENCE_END:
        return not tail.endswith("..")
    return False


def ends_prose(text: str) -> bool:
    """Ends like a prose paragraph: a full stop, question or exclamation mark (closers
    aside), not a colon that announces what follows."""
    tail = text.rstrip(_CLOSE_OR_SPACE)
    return bool(tail) and tail[-1] in ".!?؟" and not tail.endswith(":")


def continues(folded: str) -> bool:
    """Whether a folded line opens like a paragraph that continues the one before."""
    return bool(_CONTINUATION.match(unwrap(folded)))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def headline_shape(folded: str, *, max_words: int = 24, max_chars: int = 200) -> bool:
    """Whether a folded line reads like a headline (see the module docstring)."""
    if len(folded) > max_chars + 8:
        return False
    text = unwrap(folded)
    if not text or len(text) > max_chars or ends_sentence(text):
        return False  # most lines: paragraphs too long, or ending with a full stop
    if text.count("،") + text.count(",") > 2:
        return False
    if _INNER_STOP.search(text) or _FIELD_SEPARATOR.search(text) or _URL_OR_MAIL.search(text):
        return False
    if _CONTINUATION.match(text) or _LABEL_NUMBER.search(text):
        return False
    return 2 <= word_count(text) <= max_words


# A news dateline: "(CNN)--", "دبي، الامارات (CNN) -", "لندن - (رويترز) -", "(ا ف ب)".
_DATELINE = re.compile(r"^[^.\n]{0,60}?\((?:cnn|رويترز|ا ف ب|اف ب|د ب ا|واس)\)\s*[-–—:]")
# "On this day" items: "في 1 اكتوبر/تشرين الاول من عام 1918 ..." .
_ON_THIS_DAY = re.compile(r"^في \d{1,2} \S+(?: ?/ ?\S+(?: \S+)?)? من عام \d{4}")
# The first words that open a news story far more often than they continue one, learned
# from the corpora by benchmarks/train_lead_openers.py (a small JSON file of words).
_MODEL = Path(__file__).with_name("models") / "lead_openers.json"
_FIRST_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def opening_ratios() -> dict[str, float]:
    """The story-opening words of the shipped model, with how many times more often each
    opens a story than it opens a later paragraph."""
    return dict(json.loads(_MODEL.read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=1)
def opening_words() -> frozenset[str]:
    """The story-opening words of the shipped model."""
    return frozenset(opening_ratios())


# A weekday between commas, the way a lead dates its news: "، الخميس،".
_WEEKDAY = re.compile(r"[،,] ?(?:ال)?(?:سبت|احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه)[،,]")


def dateline_shape(folded: str) -> bool:
    """Whether a folded paragraph opens with a news agency's dateline."""
    return bool(_DATELINE.match(unwrap(folded)))


def lead_shape(folded: str) -> bool:
    """Whether a folded paragraph reads like the opening of a news story."""
    text = unwrap(folded)
    if not text or _CONTINUATION.match(text):
        return False
    if _DATELINE.match(text) or _ON_THIS_DAY.match(text):
        return True
    first = _FIRST_WORD.match(text)
    if first and first.group(0) in opening_words():
        return True
    if first and first.group(0)[:1] in "وف" and first.group(0)[1:] in opening_words():
        return False  # "وشهد الاردن، السبت، ...": an opening verb after "و" goes on
    return bool(_WEEKDAY.search(text[:160]))
