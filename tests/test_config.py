"""Configuration: TOML sections map onto one frozen Config; unknown keys are errors."""

from __future__ import annotations

import dataclasses

import pytest

from corpuskit.config import Config, load_config
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
ignore = "BP310"
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
