"""Configuration: TOML sections map onto one frozen Config; unknown keys are errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from corpuskit.config import (
    Config,
    DedupOptions,
    InputOptions,
    SourceOverride,
    ValidateOptions,
    declared_option,
    load_config,
    option_rows,
    options_markdown,
    register_config_check,
)
from corpuskit.config.load import _CONFIG_CHECKS
from corpuskit.errors import ConfigError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path):
    assert load_config(cwd=tmp_path) == Config()


def test_explicit_file_sets_nested_options(tmp_path):
    cfg = write(
        tmp_path / "c.toml",
        """
workers = 1
[input]
text_col = "content"
[validate]
select = ["BP", "Q"]
ignore = ["BP310"]
[validate.per_source.alweeam]
ignore = ["Q"]
[dedup]
threshold = 0.6
num_perm = 64
""",
    )
    config = load_config(cfg)
    assert config.workers == 1
    assert config.input.text_col == "content"
    assert config.validate.select == ("BP", "Q")
    assert config.validate.ignore == ("BP310",)
    assert config.validate.per_source["alweeam"].ignore == ("Q",)
    assert config.dedup.threshold == 0.6 and config.dedup.num_perm == 64


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().workers = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[dedup]\ntreshold = 0.5\n", "treshold"),
        ("colour = 1\n", "colour"),
        ("[validate.per_source.x]\nignor = []\n", "ignor"),
    ],
)
def test_unknown_keys_are_errors_naming_the_key_and_the_valid_ones(tmp_path, text, needle):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "c.toml", text))
    assert needle in str(info.value)
    assert "valid keys" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "[dedup]\nthreshold = 'high'\n",
        "[dedup]\nnum_perm = 1.5\n",
        "[input]\nstrict = 'yes'\n",
        "[validate]\nselect = [1, 2]\n",
    ],
)
def test_wrong_types_are_errors(tmp_path, text):
    with pytest.raises(ConfigError):
        load_config(write(tmp_path / "c.toml", text))


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path / "broken.toml", "[dedup\nthreshold = 0.5\n")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_config(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_discovers_tool_section_of_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname='x'\n[tool.corpuskit.dedup]\nseed = 7\n")
    assert load_config(cwd=tmp_path).dedup.seed == 7


def test_corpuskit_toml_wins_over_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.corpuskit.dedup]\nseed = 7\n")
    write(tmp_path / "corpuskit.toml", "[dedup]\nseed = 9\n")
    assert load_config(cwd=tmp_path).dedup.seed == 9


def test_pyproject_without_tool_section_gives_defaults(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname='x'\n")
    assert load_config(cwd=tmp_path) == Config()


def test_every_option_is_declared_with_a_meaning_and_a_kind():
    """One registry: each leaf field of every options class carries its declaration."""
    rows = list(option_rows())
    keys = [key for key, _, _ in rows]
    assert len(keys) == len(set(keys))
    assert {"dedup.threshold", "validate.select", "input.text_col", "workers"} <= set(keys)
    for cls in (InputOptions, ValidateOptions, DedupOptions, SourceOverride):
        for f in dataclasses.fields(cls):
            assert declared_option(cls, f.name) is not None, f"{cls.__name__}.{f.name}"
    for _key, declared, default in rows:
        assert declared.meaning and declared.kind.expected
        if default is not None:
            assert declared.convert(default) == default  # every default is in its own range


def test_configuration_doc_is_generated_from_the_declarations():
    doc = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert doc.read_text(encoding="utf-8") == options_markdown(), (
        'docs/configuration.md is stale; regenerate it with: python -c "from '
        "corpuskit.config import options_markdown as m; print(m(), end='')\" > "
        "docs/configuration.md"
    )
    assert "| `dedup.threshold` | `0.5` | a number above 0 and at most 1 |" in options_markdown()


def test_registered_checks_run_on_every_loaded_config(tmp_path):
    """The hook for checks that need knowledge config does not have (known rule codes)."""
    seen = []

    def no_zz(config, where):
        seen.append(where)
        if "ZZ999" in config.validate.select:
            raise ConfigError(f"{where}: validate.select: no rule has code ZZ999")

    register_config_check(no_zz)
    try:
        assert load_config(write(tmp_path / "ok.toml", "[validate]\nselect = ['BP']\n"))
        with pytest.raises(ConfigError, match=r"bad\.toml: validate\.select: no rule"):
            load_config(write(tmp_path / "bad.toml", "[validate]\nselect = ['ZZ999']\n"))
        load_config(cwd=tmp_path)  # no file: the checks still run, on the defaults
    finally:
        _CONFIG_CHECKS.remove(no_zz)
    assert seen == [str(tmp_path / "ok.toml"), str(tmp_path / "bad.toml"), "defaults"]


def test_pyproject_messages_name_the_tool_section(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.corpuskit.dedup]\nthreshold = 2\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml \[tool\.corpuskit\]: dedup\.threshold"):
        load_config(cwd=tmp_path)


def test_unknown_key_suggests_the_closest_one(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "c.toml", "[dedup]\nnum_perms = 64\n"))
    assert "did you mean num_perm?" in info.value.hint
