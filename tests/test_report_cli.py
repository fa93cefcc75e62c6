"""``corpuskit report DIR [--out FILE]``."""

from __future__ import annotations

from click.testing import CliRunner
from test_report_fixtures import write_sample_output

from corpuskit.cli.report import report


def test_report_command_writes_the_report(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    result = CliRunner().invoke(report, [str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "report.html").is_file()
    assert str(folder / "report.html") in result.output


def test_report_command_out_option(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    target = tmp_path / "review.html"
    result = CliRunner().invoke(report, [str(folder), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not (folder / "report.html").exists()


def test_report_command_on_a_wrong_folder_exits_2_with_a_message(tmp_path):
    result = CliRunner().invoke(report, [str(tmp_path)])
    assert result.exit_code == 2
    assert "clean.parquet" in result.output
    assert "Traceback" not in result.output


def test_report_out_into_a_missing_folder_is_an_error_naming_it(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    target = tmp_path / "no-such-folder" / "review.html"
    result = CliRunner().invoke(report, [str(folder), "--out", str(target)])
    assert result.exit_code == 2
    assert f"the folder {target.parent} does not exist" in result.output
    assert not target.parent.exists()


def test_report_command_on_a_clean_output_folder_with_a_glob_character(tmp_path):
    """A real `clean` output (datasets of parts) in a folder whose name polars would read
    as a glob pattern."""
    from conftest import SEEDS

    from corpuskit.cli.clean import clean

    out = tmp_path / "run[2]"
    sample = SEEDS / "ant_sample.jsonl"
    done = CliRunner().invoke(clean, [str(sample), "--out", str(out), "-q", "--workers", "1"])
    assert done.exit_code == 0, done.output
    (out / "report.html").unlink()
    result = CliRunner().invoke(report, [str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
