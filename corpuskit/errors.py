"""One exception hierarchy for everything a user can get wrong.

Every message says what was expected, what was found, and what to do. The CLI turns
a :class:`CorpuskitError` into a one-paragraph message and exit code 2; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations


class CorpuskitError(Exception):
    """A problem with the user's input, configuration or environment (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}\n  hint: {self.hint}" if self.hint else base


class InputError(CorpuskitError):
    """An input file is missing, unreadable, malformed or lacks a needed column."""


class ConfigError(CorpuskitError):
    """A configuration file or option is invalid (unknown key, wrong type, bad value)."""


class RuleError(CorpuskitError):
    """A rule file is invalid (missing field, bad pattern, duplicate code)."""


class SchemaError(CorpuskitError):
    """A frame handed to a stage lacks the columns the stage needs."""


class OutputError(CorpuskitError):
    """The output location cannot be used (exists, inside the input, not writable)."""


class DedupIndexError(CorpuskitError):
    """A persisted duplicate index is missing, corrupted or from another version."""
