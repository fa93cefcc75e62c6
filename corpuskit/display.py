"""How corpus strings are shown to people: control characters made harmless and visible.

Corpus text is hostile input. Printed raw, a newline in a document id starts a new line
of a CI log (where a line such as ``::error file=…`` is a command), an escape sequence
recolours or rewrites the terminal, and a bidi override (U+202E) reverses what follows
it on the line. Two functions cover every output people read:

* :func:`printable` for text printed to a terminal or a log (``corpuskit check``'s human
  format, ``clean``'s summary, error messages): control, bidi-override and line-separator
  characters become Python-style escapes (``\\n``, ``\\x1b``, ``\\u202e``).
* :func:`visible_controls` for the HTML report: C0 controls become their Unicode control
  pictures (NUL shows as ␀), so the page holds no raw control byte and the reader sees
  where they were; line breaks and tabs stay, the report lays them out.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidi embeddings, overrides and isolates (the characters
# of "Trojan Source"), and the Unicode line and paragraph separators.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# What the HTML report replaces: C0 controls other than tab, line feed and carriage
# return, DEL, C1 controls, and lone surrogates (which cannot be written as UTF-8).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_PICTURES = 0x2400  # U+2400 SYMBOL FOR NULL; U+2400 + n pictures C0 control n
_DELETE_PICTURE = "\u2421"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, keep_line_breaks: bool = False) -> str:
    """``text`` as one safe line for a terminal or a log: every control character,
    bidi override and line separator written as an escape (a newline as ``\\n``).

    With ``keep_line_breaks``, LF and CR stay as they are, for a format that encodes
    them itself (GitHub workflow commands write them as ``%0A`` and ``%0D``).
    """
    value = "" if text is None else str(text)
    if keep_line_breaks:
        return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in "\r\n" else _escape(m), value)
    return _UNPRINTABLE.sub(_escape, value)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_CONTROL_PICTURES + code)
    if code == 0x7F:
        return _DELETE_PICTURE
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"\\x{code:02x}"  # C1 controls have no control picture


def visible_controls(text: str) -> str:
    """``text`` with each control character shown as a visible symbol (NUL as ␀, ESC as
    ␛, DEL as ␡, a C1 control as ``\\x85``, a lone surrogate as U+FFFD); tabs and line
    breaks are kept."""
    return _INVISIBLE.sub(_picture, text)
