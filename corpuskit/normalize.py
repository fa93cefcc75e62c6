"""Small pure text functions that make two spellings of the same text compare equal.

These are for MATCHING only (duplicate detection, repeated-line counting, marker
lookup); they are never applied to the output text.

Arabic news text varies in ways that do not change a word: diacritics (harakat) may be
present or not, tatweel (ـ) stretches words, hamza seats vary (أ إ آ ٱ → ا), final ya
is written ى or ي, ta marbuta ة is often written ه, digits come as Arabic-Indic
(٠-٩), Extended (۰-۹) or Western, and invisible bidi or zero-width marks sneak in from
web pages. :func:`fold` removes all of that, plus case and punctuation, so
"الأمريكية" and "الامريكيه" become one key.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic harakat, Quranic marks, superscript alef, and other combining marks used with Arabic.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u08D3-\u08FF]")
TATWEEL = "\u0640"
# Bidi controls, zero-width characters, BOM, soft hyphen.
_INVISIBLE = re.compile(r"[\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]")

_LETTER_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",  # Farsi yeh
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",  # Farsi keheh
        "ڪ": "ك",
        "ە": "ه",
        "ۀ": "ه",
        TATWEEL: None,
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Anything that is not a letter, digit or mark becomes a separator.
_NON_WORD = re.compile(r"[^\w]+|_+")
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """Remove bidi controls, zero-width characters, BOMs and soft hyphens."""
    return _INVISIBLE.sub("", text)


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds any character :func:`strip_invisible` removes."""
    return _INVISIBLE.search(text) is not None


def strip_diacritics(text: str) -> str:
    """Remove Arabic harakat and other Arabic combining marks (not Latin accents)."""
    return _ARABIC_MARKS.sub("", text)


def fold_arabic_letters(text: str) -> str:
    """Fold hamza seats, alef maqsura, ta marbuta, Farsi letter forms; drop tatweel."""
    return text.translate(_LETTER_FOLDS)


def fold_digits(text: str) -> str:
    """Map Arabic-Indic and Extended Arabic-Indic digits to ASCII digits."""
    return text.translate(_DIGITS)


def collapse_whitespace(text: str) -> str:
    """All runs of whitespace (including no-break spaces) become one space; trimmed."""
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """The full matching key: NFKC, invisible marks, diacritics, letters, digits, case,
    punctuation removed, whitespace collapsed.

    >>> fold("الأمريكيّة، ٢٠١٥!") == fold("الامريكيه 2015")
    True
    """
    text = unicodedata.normalize("NFKC", text)
    text = strip_invisible(text)
    text = strip_diacritics(text)
    text = fold_arabic_letters(text)
    text = fold_digits(text)
    text = text.casefold()
    text = _NON_WORD.sub(" ", text)
    return collapse_whitespace(text)


def fold_keep_punctuation(text: str) -> str:
    """Like :func:`fold` but keeps punctuation, for matching phrases with colons etc."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_invisible(text)
    text = strip_diacritics(text)
    text = fold_arabic_letters(text)
    text = fold_digits(text)
    return collapse_whitespace(text.casefold())


def words(text: str) -> list[str]:
    """Folded words of ``text`` (the tokens shingles and stop-word checks use)."""
    folded = fold(text)
    return folded.split(" ") if folded else []
