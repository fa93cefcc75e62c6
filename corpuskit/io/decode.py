"""Bytes to text: UTF-8 first, then a confident legacy encoding, else replacement.

News corpora scraped over the years mix UTF-8 with Windows-1256 (Arabic), ISO-8859-6
and Latin-1 files, sometimes within one file. Decoding works per physical line (every
supported encoding keeps ``\\n`` as the single byte 0x0A), so a few legacy lines in a
UTF-8 file are decoded on their own and only their documents get a finding. The
encoding of the non-UTF-8 lines is detected with charset-normalizer over all of them
together; a guess counts as confident only when it decodes into coherent language.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import charset_normalizer

from corpuskit.io.stream import read_bytes

__all__ = [
    "Decoded",
    "decode_bytes",
    "detect_encoding",
    "encoding_excerpt",
    "encoding_note",
    "read_bytes",
]

# A guess below this coherence (how much the decoded text looks like a language) or above
# this chaos (how much it looks like mojibake) is not trusted.
_MIN_COHERENCE = 0.1
_MAX_CHAOS = 0.2
_ONE_SCRIPT_SHARE = 0.9
_MULTIBYTE = ("utf_16", "utf_32", "utf_7")

# C0 control characters other than tab, line feed and carriage return.
CONTROL_RUN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]+")


@dataclass
class Decoded:
    """Text of a file and which of its lines needed something other than UTF-8."""

    text: str
    # 1-based physical line numbers that were not valid UTF-8.
    legacy_lines: set[int] = field(default_factory=set)
    # The encoding used for those lines; None when they were decoded with replacement.
    encoding: str | None = None

    @property
    def is_utf8(self) -> bool:
        return not self.legacy_lines


def detect_encoding(data: bytes) -> str | None:
    """The encoding of ``data`` when charset-normalizer is confident, else None.

    Confident means: the best single-byte guess decodes without looking like mojibake,
    and either reads as a known language or, for samples too short for that (a title,
    one line), its non-ASCII characters are nearly all letters of one script.
    """
    for guess in charset_normalizer.from_bytes(data):
        if guess.encoding.startswith(_MULTIBYTE) or guess.encoding == "utf_8":
            continue
        if guess.chaos > _MAX_CHAOS:
            return None
        if guess.coherence >= _MIN_COHERENCE or _one_script(str(guess)):
            return guess.encoding
        return None
    return None


def _one_script(text: str) -> bool:
    """Whether nearly all non-ASCII characters of ``text`` are letters of one script."""
    scripts = Counter(
        unicodedata.name(ch, "?").split(" ")[0] if ch.isalpha() else "?"
        for ch in text
        if ord(ch) > 127
    )
    if not scripts:
        return False
    script, count = scripts.most_common(1)[0]
    return script != "?" and count >= _ONE_SCRIPT_SHARE * sum(scripts.values())


def decode_bytes(data: bytes, *, whole_file: bool = True) -> Decoded:
    """Decode a whole file (or, with ``whole_file=False``, a chunk of complete lines
    from the middle of one, where a byte-order mark means nothing), line by line where
    it is not valid UTF-8."""
    if whole_file and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif whole_file and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(data.decode("utf-16", errors="replace"))
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    bad: dict[int, bytes] = {}
    texts: list[str | None] = []
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            bad[number] = line
            texts.append(None)
    encoding = detect_encoding(b"\n".join(bad.values()))
    for number, line in bad.items():
        texts[number - 1] = line.decode(encoding or "utf-8", errors="replace")
    return Decoded("\n".join(t or "" for t in texts), set(bad), encoding)


def encoding_excerpt(decoded: Decoded) -> str:
    """What happened to a document's bytes, for the excerpt of its encoding finding."""
    return encoding_note(decoded.encoding)


def encoding_note(encoding: str | None) -> str:
    """What happened to bytes that were not UTF-8, given the encoding used (or None)."""
    if encoding:
        return f"not UTF-8; decoded as {encoding}"
    return "not UTF-8 and no encoding was detected confidently; invalid bytes replaced with U+FFFD"
