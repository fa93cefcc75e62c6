"""How an option is declared and checked: its kind, its range, its meaning.

An option is a dataclass field made by :func:`option` (or ``field(metadata=declare(...))``
for a mutable default). Its :class:`Option` declaration says what the value means, what
kind of value it takes (:data:`INTEGER`, :data:`NUMBER`, :data:`STRINGS`...) and its
range. :func:`check_fields` converts and checks every declared field of an options object
(called from ``__post_init__``, so no out-of-range value can be built at all), and
:func:`converted` does it for one value with the file and key to name in the message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from corpuskit.errors import ConfigError

SEVERITY_LEVELS = ("info", "warning", "error")
_SHOWN_CHARS = 60  # a found value longer than this is cut in messages


class InvalidValue(Exception):
    """A value does not fit its option; ``hint`` overrides the option's usual hint."""

    def __init__(self, problem: str, hint: str | None = None) -> None:
        super().__init__(problem)
        self.hint = hint


def type_name(value: Any) -> str:
    """``"an integer"``, ``"a string"``...: what a parsed TOML value is, for messages."""
    names = {bool: "a boolean", int: "an integer", float: "a decimal number", str: "a string"}
    names |= {list: "a list", dict: "a table", tuple: "a list"}
    return names.get(type(value), f"a {type(value).__name__}")


def toml_value(value: Any) -> str:
    """``value`` as it would be written in TOML (cut to a readable length)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = _quoted(value)
    elif isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(toml_value(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _quoted(text: str) -> str:
    """A TOML basic string; control, format and bidi characters escaped so that a message
    never carries them raw to a terminal or a CI log."""
    escaped = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    out = []
    for ch in text:
        if ch in escaped:
            out.append(escaped[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
    return '"' + "".join(out) + '"'


def toml_key(key: Any) -> str:
    text = str(key)
    bare = text and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
    return text if bare else _quoted(text)


@dataclass(frozen=True)
class Kind:
    """What sort of value an option takes: a name for messages and docs, and a converter
    that returns the stored value or raises :class:`InvalidValue`."""

    expected: str
    convert: Callable[[Any], Any]


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"found {type_name(value)}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"found {type_name(value)}")
    if isinstance(value, float) and math.isnan(value):
        raise InvalidValue("found nan, which is not a number")
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"found {type_name(value)}", hint="write true or false, without quotes")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"found {type_name(value)}", hint='write the name in quotes: "content"')
    if not value.strip():
        raise InvalidValue("found an empty name")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidValue(
            "found a single string", hint=f"write a list: {{name}} = [{toml_value(value)}]"
        )
    if not isinstance(value, list | tuple):
        raise InvalidValue(f"found {type_name(value)}")
    for item in value:
        if not isinstance(item, str):
            raise InvalidValue(f"found {toml_value(item)} in the list, which is not a string")
        if not item.strip():
            raise InvalidValue("found an empty string in the list")
    return tuple(value)


def _severities(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"found {type_name(value)}", hint='write a table: { BP101 = "error" }')
    for code, level in value.items():
        if level not in SEVERITY_LEVELS:
            raise InvalidValue(
                f"found {toml_key(code)} = {toml_value(level)}",
                hint=f"each level is one of {', '.join(map(toml_value, SEVERITY_LEVELS))}",
            )
    return dict(value)


INTEGER = Kind("an integer", _integer)
NUMBER = Kind("a number", _number)
BOOLEAN = Kind("true or false", _boolean)
NAME = Kind("a column name (text)", _name)
STRINGS = Kind("a list of strings", _strings)
SEVERITY_TABLE = Kind("a table of rule code = severity (info, warning or error)", _severities)


@dataclass(frozen=True)
class Option:
    """The declaration of one option: what it means, what it takes, and its range.

    ``low``/``high`` bound numbers (``low_open`` excludes ``low`` itself); ``optional``
    options may be left unset (None: detected or derived); ``example`` is a valid TOML
    value for hints and docs."""

    meaning: str
    kind: Kind
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    optional: bool = False
    example: str = ""

    def expected(self) -> str:
        """``"an integer from 16 to 1024"``, ``"a number above 0 and at most 1"``..."""
        low, high = (_plain(b) for b in (self.low, self.high))
        if self.low is None and self.high is None:
            return self.kind.expected
        if self.low is None:
            return f"{self.kind.expected} of at most {high}"
        if self.high is None:
            return f"{self.kind.expected} {'above' if self.low_open else 'of at least'} {low}"
        if self.low_open:
            return f"{self.kind.expected} above {low} and at most {high}"
        return f"{self.kind.expected} from {low} to {high}"

    def convert(self, value: Any) -> Any:
        """The value to store, or :class:`InvalidValue` naming what is wrong with it."""
        if value is None and self.optional:
            return None
        stored = self.kind.convert(value)
        if isinstance(stored, int | float) and not isinstance(stored, bool):
            below = self.low is not None and (
                stored <= self.low if self.low_open else stored < self.low
            )
            above = self.high is not None and stored > self.high
            if below or above or (isinstance(stored, float) and math.isinf(stored)):
                raise InvalidValue("")
        return stored


def _plain(bound: float | None) -> str:
    return "" if bound is None else (f"{bound:,.0f}" if bound == int(bound) else f"{bound:g}")


def declare(*, meaning: str, kind: Kind, **limits: Any) -> dict[str, Option]:
    """Field metadata declaring an option (for ``field(default_factory=..., metadata=...)``)."""
    return {"option": Option(meaning, kind, **limits)}


def option(default: Any = None, *, meaning: str, kind: Kind, **limits: Any) -> Any:
    """A dataclass field with an immutable default and its :class:`Option` declaration."""
    return field(default=default, metadata=declare(meaning=meaning, kind=kind, **limits))


def declared_option(cls: type, name: str) -> Option | None:
    """The declaration of option ``name`` of options class ``cls`` (None for a section)."""
    return cls.__dataclass_fields__[name].metadata.get("option")


def check_fields(obj: Any, section: str) -> None:
    """Convert and check every declared option of ``obj`` in place (used by __post_init__)."""
    for f in fields(obj):
        declared = f.metadata.get("option")
        if declared is not None:
            value = getattr(obj, f.name)
            stored = converted(declared, value, f"{section}{f.name}", f.name)
            object.__setattr__(obj, f.name, stored)


def converted(declared: Option, value: Any, where: str, name: str) -> Any:
    try:
        return declared.convert(value)
    except InvalidValue as why:
        if why.hint is not None:
            hint = why.hint.replace("{name}", name)
        else:
            hint = f"{name}: {declared.meaning}"
            if declared.example:
                hint += f"; e.g. {name} = {declared.example}"
        found = f" ({why})" if str(why) else ""
        raise ConfigError(
            f"{where} = {toml_value(value)}: expected {declared.expected()}{found}", hint=hint
        ) from None
