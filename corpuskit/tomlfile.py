"""Reading a TOML file a user wrote (a config file, a rule file) into a dict, or an error.

Whatever the file holds (binary data, text that is not UTF-8, TOML nested deeper than the
parser can follow, a folder in place of a file), the caller gets the error class it asks
for with a message naming the file: never a ``UnicodeDecodeError`` or ``RecursionError``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from corpuskit.errors import CorpuskitError


def read_toml(path: Path, error: type[CorpuskitError], kind: str, hint: str) -> dict[str, Any]:
    """The parsed TOML of ``path`` (a ``kind`` such as "config file"); any problem raises
    ``error``, with ``hint`` where the file is not UTF-8 text."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{kind} {path} does not exist") from None
    except OSError as exc:
        raise error(f"cannot read {kind} {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not a text file (byte {exc.start} is not UTF-8)", hint=hint) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: not valid TOML: values nested too deeply") from None
