"""Reading a config file: TOML in, a checked :class:`~corpuskit.config.options.Config` out.

Every problem is a :class:`~corpuskit.errors.ConfigError` that names the file and the
key, what was found and what is valid: a file that is not UTF-8 text or not TOML, an
unknown key (with the closest valid one), a value of the wrong kind or out of range, and
whatever the checks registered with :func:`register_config_check` refuse.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from corpuskit.config.declare import converted, toml_key, toml_value
from corpuskit.config.options import SECTIONS, Config, SourceOverride
from corpuskit.errors import ConfigError


def _build(cls: type, data: Any, file: str, keypath: str) -> Any:
    """Instantiate options class ``cls`` from ``data``; every problem names file and key."""
    where = f"{file}: {keypath or 'top level'}"
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: expected a table, found {toml_value(data)}",
            hint=f"write it as a section: [{keypath}]" if keypath else None,
        )
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known), key=str)
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(map(toml_key, unknown))}",
            hint=(f"did you mean {close[0]}? " if close else "")
            + f"valid keys here are: {', '.join(sorted(known))}",
        )
    prefix = f"{keypath}." if keypath else ""
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        nested = SECTIONS.get(cls, {}).get(name)
        if nested is not None:
            kwargs[name] = _build(nested, value, file, f"{prefix}{name}")
            continue
        if name == "per_source" and isinstance(value, dict):
            value = {
                source: _build(SourceOverride, sub, file, f"{prefix}per_source.{toml_key(source)}")
                for source, sub in value.items()
            }
        kwargs[name] = converted(
            known[name].metadata["option"], value, f"{file}: {prefix}{name}", name
        )
    try:
        return cls(**kwargs)
    except ConfigError as exc:  # a check across options (bands x rows)
        raise ConfigError(f"{file}: {exc.args[0]}", hint=exc.hint) from None


def config_from_dict(data: dict[str, Any], where: str = "config") -> Config:
    """A checked :class:`Config` from parsed TOML; ``where`` names the file in messages."""
    config = _build(Config, data, where, "")
    run_config_checks(config, where)
    return config


ConfigCheck = Callable[[Config, str], None]
_CONFIG_CHECKS: list[ConfigCheck] = []


def register_config_check(check: ConfigCheck) -> ConfigCheck:
    """Run ``check(config, where)`` on every loaded configuration (usable as a decorator).

    ``where`` names the file the configuration came from (or ``"defaults"``); the check
    raises :class:`~corpuskit.errors.ConfigError` naming it and the key. For checks that
    need knowledge this module does not have, such as whether the codes in
    ``validate.select`` and ``validate.ignore`` exist. Registering twice is harmless."""
    if check not in _CONFIG_CHECKS:
        _CONFIG_CHECKS.append(check)
    return check


def run_config_checks(config: Config, where: str) -> None:
    """Run the registered checks; also call this after flags change a loaded config."""
    for check in _CONFIG_CHECKS:
        check(config, where)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not a text file (byte {exc.start} is not UTF-8)",
            hint="a config file is TOML text in UTF-8; check that --config names the right file",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: values nested too deeply") from None


def _tool_section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """``[tool.corpuskit]`` of a parsed ``pyproject.toml`` (None if absent)."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: expected a table, found {toml_value(tool)}")
    return tool.get("corpuskit")


def discover_config_file(cwd: Path) -> tuple[Path, dict[str, Any]] | None:
    """``corpuskit.toml`` or ``[tool.corpuskit]`` of ``pyproject.toml`` in ``cwd``."""
    own = cwd / "corpuskit.toml"
    if own.is_file():
        return own, _read_toml(own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        section = _tool_section(pyproject, _read_toml(pyproject))
        if section is not None:
            return pyproject, section
    return None


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """The run's configuration: an explicit file, else one discovered in ``cwd``, else
    defaults. :class:`~corpuskit.errors.ConfigError` names the file, the key, the value
    found and the valid range for any problem."""
    if path is not None:
        path = Path(path)
        data: Any = _read_toml(path)
        where = str(path)
        if path.name == "pyproject.toml":
            data = _tool_section(path, data) or {}
            where = f"{path} [tool.corpuskit]"
        return config_from_dict(data, where)
    found = discover_config_file(cwd or Path.cwd())
    if found is None:
        config = Config()
        run_config_checks(config, "defaults")
        return config
    file, data = found
    where = f"{file} [tool.corpuskit]" if file.name == "pyproject.toml" else str(file)
    return config_from_dict(data, where)


def as_config(value: Config | str | Path | None) -> Config:
    """A :class:`Config` from what the Python API accepts: a Config, a TOML file, or
    None for the defaults."""
    if value is None:
        return Config()
    if isinstance(value, Config):
        return value
    return load_config(Path(value))
