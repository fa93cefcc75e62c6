"""One frozen configuration for a run, read from TOML.

Where options come from, lowest precedence first: built-in defaults, ``[tool.corpuskit]``
in ``pyproject.toml`` or a ``corpuskit.toml`` in the working directory, the file given
with ``--config``, then command-line flags. Unknown keys are errors (a misspelled option
that silently does nothing is worse than no option).

Layout of a config file (all sections optional)::

    [input]
    text_col = "content"
    strict = false

    [validate]
    select = ["BP", "Q"]          # codes, code prefixes or categories
    ignore = ["BP310"]
    rule_dirs = ["my-rules"]      # extra rule folders
    [validate.per_source.alweeam]
    ignore = ["Q"]

    [dedup]
    threshold = 0.5
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from corpuskit.errors import ConfigError


@dataclass(frozen=True)
class InputOptions:
    """How input files map onto the canonical columns."""

    text_col: str | None = None
    title_col: str | None = None
    id_col: str | None = None
    source_col: str | None = None
    # Fail on the first malformed record instead of reporting it and going on.
    strict: bool = False


@dataclass(frozen=True)
class SourceOverride:
    """Rule selection for one source (outlet)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValidateOptions:
    """Which rules run and where extra rules come from."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_dirs: tuple[str, ...] = ()
    per_source: dict[str, SourceOverride] = field(default_factory=dict)
    # Severity overrides by rule code: {"BP101": "error"}.
    severity: dict[str, str] = field(default_factory=dict)


VERIFIERS = ("learned", "rules")


@dataclass(frozen=True)
class DedupOptions:
    """Duplicate detection parameters (see README, "Deduplication")."""

    exact: bool = True
    near: bool = True
    headline: bool = True
    url: bool = True
    threshold: float = 0.5
    num_perm: int = 128
    shingle_size: int = 3
    bands: int | None = None
    rows: int | None = None
    seed: int = 1
    # Headline match (a DUP300 flag when the bodies differ): share of headline content
    # words two headlines have in common, 0-100.
    headline_threshold: float = 80.0
    min_words: int = 8
    # Bag-of-words similarity (0-1) at which two documents dated less than
    # ``window_days`` apart become candidates (rewritten releases, trimmed copies).
    rewrite_candidates: float = 0.3
    window_days: float = 3.0  # > 0
    # The pair decision: "learned" (the shipped model) or "rules" (a documented score).
    verifier: str = "learned"
    copy_score: float = 0.7  # 0-1: a candidate at or above this score is a copy
    # Older versions of a story that a newer document updates: flagged (False) or dropped.
    drop_updates: bool = False

    def __post_init__(self) -> None:
        if self.verifier not in VERIFIERS:
            raise ConfigError(
                f"dedup.verifier: {self.verifier!r} is not one of {', '.join(VERIFIERS)}"
            )
        for name in ("threshold", "rewrite_candidates", "copy_score"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"dedup.{name}: expected a number in (0, 1], found {value!r}")
        if self.window_days <= 0:
            raise ConfigError("dedup.window_days: expected a positive number of days")
        if not 0.0 <= self.headline_threshold <= 100.0:
            raise ConfigError("dedup.headline_threshold: expected a number from 0 to 100")


@dataclass(frozen=True)
class Config:
    input: InputOptions = field(default_factory=InputOptions)
    validate: ValidateOptions = field(default_factory=ValidateOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    workers: int = 0  # 0 = all cores

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    """Instantiate dataclass ``cls`` from ``data``, rejecting unknown keys and bad types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table, found {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}",
            hint=f"valid keys here are: {', '.join(sorted(known))}",
        )
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        default = getattr(cls(), name) if name not in _NESTED.get(cls, {}) else None
        nested = _NESTED.get(cls, {}).get(name)
        if nested is not None:
            kwargs[name] = _build(nested, value, f"{where}.{name}")
        elif name == "per_source":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.per_source: expected a table of sources")
            kwargs[name] = {
                str(src): _build(SourceOverride, sub, f"{where}.per_source.{src}")
                for src, sub in value.items()
            }
        elif isinstance(default, tuple):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}.{name}: expected a list of strings, found {value!r}")
            kwargs[name] = tuple(value)
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{name}: expected a table, found {value!r}")
            kwargs[name] = {str(k): str(v) for k, v in value.items()}
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{name}: expected true or false, found {value!r}")
            kwargs[name] = value
        elif isinstance(default, float):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"{where}.{name}: expected a number, found {value!r}")
            kwargs[name] = float(value)
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{where}.{name}: expected an integer, found {value!r}")
            kwargs[name] = value
        else:  # optional str / int
            kwargs[name] = value
    return cls(**kwargs)


_NESTED: dict[type, dict[str, type]] = {
    Config: {"input": InputOptions, "validate": ValidateOptions, "dedup": DedupOptions},
}


def config_from_dict(data: dict[str, Any], where: str = "config") -> Config:
    return _build(Config, data, where)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def discover_config_file(cwd: Path) -> tuple[Path, dict[str, Any]] | None:
    """``corpuskit.toml`` or ``[tool.corpuskit]`` of ``pyproject.toml`` in ``cwd``."""
    own = cwd / "corpuskit.toml"
    if own.is_file():
        return own, _read_toml(own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("corpuskit")
        if section is not None:
            return pyproject, section
    return None


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """The run's configuration: an explicit file, else one discovered in ``cwd``, else defaults."""
    if path is not None:
        data = _read_toml(Path(path))
        if Path(path).name == "pyproject.toml":
            data = data.get("tool", {}).get("corpuskit", {})
        return config_from_dict(data, str(path))
    found = discover_config_file(cwd or Path.cwd())
    if found is None:
        return Config()
    where, data = found
    return config_from_dict(data, str(where))
