"""Finding codes for problems found while reading input (the ``IO`` namespace).

Each code names one kind of input problem, the action the pipeline takes on the
affected document, and why. The reader attaches these findings to the document itself,
so one bad record lands in ``rejected.parquet`` with its reason instead of stopping a
million good ones (use ``InputOptions.strict`` to stop instead).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IOCode:
    """One input-problem code: stable identifier, kebab-case name, action, why, what to do."""

    code: str
    name: str
    action: str
    severity: str
    rationale: str
    message: str = ""


MALFORMED_JSON = IOCode(
    "IO001",
    "malformed-json-record",
    "drop",
    "error",
    "The line is not valid JSON; it is kept as the document text so nothing is lost silently.",
    "fix the line (or drop it at the source); run with strict mode to stop at the first one",
)
NOT_AN_OBJECT = IOCode(
    "IO002",
    "json-record-not-an-object",
    "drop",
    "error",
    "A JSON Lines record must be an object with named fields; arrays and scalars have no text.",
    "write one JSON object per line, with the text under a named field",
)
TEXT_NOT_A_STRING = IOCode(
    "IO003",
    "text-field-not-a-string",
    "drop",
    "error",
    "The text field is missing, null, a number, an object or a list; only a string is a body.",
    "give the document its text as a string, or map the right column with --text-col",
)
TOO_LARGE = IOCode(
    "IO004",
    "document-too-large",
    "drop",
    "error",
    "The body is longer than [input] max_doc_chars characters (default 1,000,000, some 400 "
    "pages): not a news article but a dump of a site, a feed glued into one record or a "
    "runaway extraction. It is rejected whole, its text kept as it was; no rule or matcher "
    "reads it, so one document cannot take a worker's memory.",
    "find where it came from; raise [input] max_doc_chars (0: no limit) if such documents "
    "belong in the corpus",
)
LEGACY_ENCODING = IOCode(
    "IO101",
    "legacy-encoding-decoded",
    "flag",
    "warning",
    "The bytes were not UTF-8; a legacy encoding (e.g. Windows-1256) was detected "
    "confidently and used. Check the text reads correctly.",
    "check that the text reads correctly, or re-export the feed as UTF-8",
)
UNDECODABLE_BYTES = IOCode(
    "IO102",
    "undecodable-bytes-replaced",
    "flag",
    "warning",
    "The bytes were not UTF-8 and no encoding could be detected confidently; "
    "invalid bytes were replaced with U+FFFD, so some characters are lost.",
    "re-export the feed as UTF-8; some characters of this document were lost",
)
LONE_SURROGATE = IOCode(
    "IO103",
    "lone-surrogate-replaced",
    "flag",
    "warning",
    "A JSON escape such as \\ud800 names half of a UTF-16 surrogate pair without the "
    "other half; that is no character, and no UTF-8 output can hold it. It was replaced "
    "with U+FFFD, so one character of the record is lost (in its text, title or id).",
    "fix the writer of the feed: it split a character (often an emoji) in two",
)
CONTROL_CHARACTERS = IOCode(
    "IO201",
    "control-characters",
    "strip",
    "warning",
    "NUL and other C0 control characters (other than tab, newline and carriage return) "
    "are residue of broken extraction or encoding; cleaning removes each run.",
    "nothing to do: cleaning removes them; if they are frequent, fix the text extraction",
)

IO_CODES: tuple[IOCode, ...] = (
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    TEXT_NOT_A_STRING,
    TOO_LARGE,
    LEGACY_ENCODING,
    UNDECODABLE_BYTES,
    LONE_SURROGATE,
    CONTROL_CHARACTERS,
)


def io_code(code: str) -> IOCode | None:
    """The :class:`IOCode` with this code, or None."""
    return next((c for c in IO_CODES if c.code == code), None)
