"""Hostile corpus strings in everything printed to a terminal or a CI log.

A document id, a file name or an excerpt is attacker-controlled. Printed raw, a newline in
an id writes a line of its own into the log (``::error file=…`` is a GitHub command), an
escape sequence recolours, retitles or clears the terminal, and a bidi override reverses
the rest of the line. Every human-readable output must show them escaped.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from corpuskit.cli import main

INJECTED_ID = "doc\n::error file=x.py,line=1::INJECTED"
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m"
BIDI = "\u202eevil"
BODY = "خبر قصير جدا."  # short enough to be flagged, so the document shows up


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def _run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def _assert_harmless(output: str) -> None:
    lines = output.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::")], output
    assert "INJECTED" in output  # still shown, as text on the finding's own line
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert raw not in output, repr(raw)


def test_check_human_output_escapes_ids_excerpts_and_file_names(tmp_path):
    folder = tmp_path / f"feed{ESCAPES}"
    folder.mkdir()
    source = _jsonl(
        folder / "new\nfile.jsonl",
        [{"id": INJECTED_ID, "title": f"عنوان {BIDI}", "text": f"{BODY}{ESCAPES}{BIDI}"}],
    )
    result = _run("check", source, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    _assert_harmless(result.output)
    assert "doc\\n::error file=x.py" in result.output
    assert "\\x1b[2J" in result.output and "\\u202e" in result.output
    assert "new\\nfile.jsonl" in result.output


def test_check_github_annotations_carry_no_raw_escape(tmp_path):
    source = _jsonl(
        tmp_path / "new.jsonl", [{"id": INJECTED_ID, "title": "t", "text": BODY + ESCAPES}]
    )
    result = _run("check", source, "--format", "github", "--fail-on", "never")
    commands = result.stdout.splitlines()
    assert commands and all(
        line.startswith(("::warning ", "::error ", "::notice ")) for line in commands
    )
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in result.stdout, repr(raw)
    assert "\\x9b31m" in result.stdout


def test_an_error_message_escapes_the_path_it_names(tmp_path):
    missing = tmp_path / f"in\n::error file=x.py,line=1::INJECTED{ESCAPES}.jsonl"
    out = str(tmp_path / "out")
    for command in (["clean", "--out", out], ["check"], ["index", "build", "--out", out]):
        result = _run(*command, missing)
        assert result.exit_code == 2, result.output
        _assert_harmless(result.output)
        assert "in\\n::error file=x.py" in result.output


def test_clean_summary_escapes_the_output_folder(tmp_path):
    source = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "title": "t", "text": "نص " * 20}])
    out = tmp_path / "out\n::error::INJECTED\x1b\x07\x9b31m"
    result = _run("clean", source, "--out", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    _assert_harmless(result.output)
    assert (out / "report.html").is_file()
