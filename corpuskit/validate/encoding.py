"""Mojibake: text decoded with the wrong character set.

Two kinds show up in Arabic corpora: UTF-8 bytes read as Windows-1252/Latin-1
("Ø§Ù„" for "ال"), which ftfy recognises and can undo, and legacy Arabic code pages
(Windows-1256) read as Latin-1 ("ÇáÚÑÈíÉ" for "العربية"), which ftfy does not know: a
text whose letters are mostly Latin-1 accented letters that re-decode to Arabic.
"""

from __future__ import annotations

import re

from corpuskit.rules import Rule
from corpuskit.validate.charclass import CharClass
from corpuskit.validate.document import Doc, Hit

_LATIN1_LETTERS = re.compile(r"[\u00c0-\u00ff]")
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
_LETTER = re.compile(r"[^\W\d_]")
# Characters every UTF-8-as-cp1252 or cp1256-as-Latin-1 text is full of; without any of
# them there is nothing to check (the common case, kept cheap).
SUSPECT = CharClass(r"[\u00c0-\u00ff\u20ac\u2122\u0152\u0153\u0160\u0161\u017d\u017e\u0178]")


def _is_utf8_mojibake(sample: str) -> bool:
    import ftfy
    from ftfy.badness import is_bad

    if not is_bad(sample):
        return False
    return ftfy.fix_text(sample) != sample


def _is_legacy_arabic(sample: str, min_share: float) -> bool:
    letters = len(_LETTER.findall(sample))
    latin1 = len(_LATIN1_LETTERS.findall(sample))
    if not letters or latin1 / letters < min_share:
        return False
    try:
        redecoded = sample.encode("cp1252", errors="ignore").decode("cp1256", errors="ignore")
    except UnicodeError:
        return False
    return len(_ARABIC_LETTERS.findall(redecoded)) >= latin1 * 0.8


def mojibake(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """ftfy sees UTF-8 mojibake, or the letters look like Windows-1256 read as Latin-1."""
    p = rule.params
    sample_chars = int(p["sample_chars"])
    codes = doc.code_points[:sample_chars]
    if SUSPECT.count(codes) < int(p["min_suspect_chars"]):
        return []
    sample = doc.text[:sample_chars]
    if _is_utf8_mojibake(sample) or _is_legacy_arabic(sample, float(p["min_latin1_share"])):
        return [Hit("text", 0, len(doc.text))]
    return []
