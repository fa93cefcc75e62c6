"""Hostile configuration: every bad option is a ConfigError that names the file, the key,
the value found and the valid range; through the CLI, exit 2 and no traceback."""

from __future__ import annotations

import dataclasses
import math

import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.config import Config, DedupOptions, InputOptions, ValidateOptions, load_config
from corpuskit.errors import ConfigError
from tests.conftest import SEEDS

# (TOML text, the key the message names, what was found, the valid range it states)
BAD_OPTIONS = [
    ("[dedup]\nbands = 50\nrows = 50\n", "dedup.bands = 50 and rows = 50", "2500", "num_perm"),
    ("[dedup]\nbands = 200\n", "dedup.bands = 200", "200", "at most num_perm (128)"),
    ("[dedup]\nshingle_size = 0\n", "dedup.shingle_size", "= 0", "from 1 to 64"),
    ("[input]\ntext_col = 5\n", "input.text_col", "= 5", "a column name"),
    ("[dedup]\nnum_perm = 100000000\n", "dedup.num_perm", "100000000", "from 16 to 1,024"),
    ("[dedup]\nnum_perm = 0\n", "dedup.num_perm", "= 0", "from 16 to 1,024"),
    ("[dedup]\nthreshold = 0\n", "dedup.threshold", "= 0:", "above 0 and at most 1"),
    ("[dedup]\nthreshold = -1\n", "dedup.threshold", "= -1:", "above 0 and at most 1"),
    ("[dedup]\nthreshold = 5\n", "dedup.threshold", "= 5:", "above 0 and at most 1"),
    ("[dedup]\nthreshold = nan\n", "dedup.threshold", "= nan", "above 0 and at most 1"),
    ("[dedup]\nthreshold = inf\n", "dedup.threshold", "= inf", "above 0 and at most 1"),
    ("[dedup]\nmin_words = -5\n", "dedup.min_words", "= -5", "from 1 to 100,000"),
    ("workers = -3\n", "workers", "= -3", "from 0 to 256"),
    ("workers = 1.5\n", "workers", "decimal number", "an integer"),
    ('[validate]\nselect = "BP"\n', "validate.select", '"BP"', "a list of strings"),
    ("[validate]\nignore = [1]\n", "validate.ignore", "[1]", "a list of strings"),
    ('[validate]\nselect = [""]\n', "validate.select", "empty", "a list of strings"),
    ("[validate]\nrule_dirs = 3\n", "validate.rule_dirs", "= 3", "a list of strings"),
    ('[validate.severity]\nBP101 = "fatal"\n', "validate.severity", '"fatal"', "info, warning"),
    ("[validate]\nper_source = 3\n", "validate.per_source", "= 3", "a table of source"),
    ('[validate.per_source.x]\nignore = "Q"\n', "validate.per_source.x.ignore", '"Q"', "list"),
    ("[dedup]\nseed = -1\n", "dedup.seed", "= -1", "from 0 to 4,294,967,295"),
    ("[dedup]\nheadline_threshold = 0\n", "dedup.headline_threshold", "= 0:", "at most 100"),
    ('[dedup]\nverifier = "neural"\n', "dedup.verifier", '"neural"', '"learned" or "rules"'),
    ("[dedup]\ncopy_score = 0\n", "dedup.copy_score", "= 0:", "above 0 and at most 1"),
    ("[dedup]\nwindow_days = -1\n", "dedup.window_days", "= -1:", "above 0"),
    ('[dedup]\nexact = "no"\n', "dedup.exact", '"no"', "true or false"),
    ("[input]\nstrict = 1\n", "input.strict", "= 1", "true or false"),
    ("[dedup]\nrows = 0\n", "dedup.rows", "= 0", "from 1 to 1,024"),
    ("dedup = 3\n", "dedup", "3", "expected a table"),
]


def write(tmp_path, text: str, name: str = "c.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "key", "found", "valid"), BAD_OPTIONS)
def test_bad_option_names_file_key_found_and_range(tmp_path, text, key, found, valid):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    for needle in (str(path), key, found, valid):
        assert needle in message, message


def test_select_as_a_string_is_refused_with_the_list_to_write(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, '[validate]\nselect = "BP"\n'))
    assert info.value.hint == 'write a list: select = ["BP"]'


def test_binary_config_file_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ConfigError, match=r"c\.toml: not a text file"):
        load_config(path)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",  # nesting that recursion cannot follow
        "tool = 3\n",
    ],
)
def test_pathological_files_are_config_errors(tmp_path, text):
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, text, "pyproject.toml"))


def test_a_folder_given_as_config_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path)


def test_values_built_in_python_are_checked_too():
    """No out-of-range value reaches a stage, whichever way the options are built."""
    with pytest.raises(ConfigError, match=r"dedup\.threshold = nan"):
        DedupOptions(threshold=math.nan)
    with pytest.raises(ConfigError, match=r"workers = -3"):
        Config().replace(workers=-3)
    with pytest.raises(ConfigError, match=r"input\.text_col = 5"):
        dataclasses.replace(InputOptions(), text_col=5)
    with pytest.raises(ConfigError, match="single string"):
        ValidateOptions(select="BP")
    assert ValidateOptions(select=["BP"]).select == ("BP",)  # a Python list is stored as a tuple


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[dedup]\nbands = 50\nrows = 50\n", "dedup.bands = 50 and rows = 50"),
        ("[dedup]\nshingle_size = 0\n", "dedup.shingle_size = 0"),
        ("[input]\ntext_col = 5\n", "input.text_col = 5"),
        ("[dedup]\nthreshold = nan\n", "dedup.threshold = nan"),
        ('[validate]\nselect = "BP"\n', 'select = ["BP"]'),
    ],
)
def test_cli_exits_2_with_the_message_and_writes_nothing(tmp_path, text, needle):
    out = tmp_path / "out"
    config = write(tmp_path, text)
    result = CliRunner().invoke(
        main, ["clean", str(SEEDS / "ant_sample.jsonl"), "--out", str(out), "--config", str(config)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert needle in result.output
    assert not out.exists()


def test_cli_binary_config_exits_2(tmp_path):
    config = tmp_path / "c.toml"
    config.write_bytes(b"\xff\xfe\x00binary")
    result = CliRunner().invoke(
        main, ["check", str(SEEDS / "ant_sample.jsonl"), "--config", str(config)]
    )
    assert result.exit_code == 2, result.output
    assert "not a text file" in result.output
