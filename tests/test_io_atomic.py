"""Atomic writers and where an output folder may go: all or nothing, inputs untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from corpuskit.errors import OutputError
from corpuskit.io import (
    output_dir,
    write_atomic,
    write_json_atomic,
    write_parquet_atomic,
    write_text_atomic,
)


class Crash(RuntimeError):
    """Stands in for a disk-full error or a kill in the middle of writing."""


def open_output(out: Path, *, inputs: list[Path], overwrite: bool) -> None:
    """Enter and leave output_dir without writing anything."""
    with output_dir(out, inputs=inputs, overwrite=overwrite):
        pass


def folder_listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_writers_write_what_they_are_given(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": ["a", "b"], "text": ["نص", "x"]})
    write_parquet_atomic(frame, tmp_path / "f.parquet")
    assert pl.read_parquet(tmp_path / "f.parquet").equals(frame)
    write_json_atomic({"b": 1, "a": "عربي"}, tmp_path / "s.json")
    raw = (tmp_path / "s.json").read_text(encoding="utf-8")
    assert raw == '{\n  "a": "عربي",\n  "b": 1\n}\n'
    assert json.loads(raw) == {"a": "عربي", "b": 1}
    write_text_atomic("<p>تقرير</p>", tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "<p>تقرير</p>"
    assert folder_listing(tmp_path) == ["f.parquet", "r.html", "s.json"]


def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    write_text_atomic("x", tmp_path / "a.txt")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_crash_mid_write_leaves_no_file(tmp_path: Path) -> None:
    def half_then_crash(fh) -> None:
        fh.write(b"half of the output")
        raise Crash

    with pytest.raises(Crash):
        write_atomic(tmp_path / "out.json", half_then_crash)
    assert folder_listing(tmp_path) == []


def test_a_crash_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "clean.parquet"
    old = pl.DataFrame({"id": ["old"]})
    write_parquet_atomic(old, target)

    def crashing_write_parquet(self, file, **kwargs) -> None:
        file.write(b"PAR1 partial")
        raise Crash

    big = pl.DataFrame({"id": [str(i) for i in range(1000)]})
    original = pl.DataFrame.write_parquet
    pl.DataFrame.write_parquet = crashing_write_parquet  # type: ignore[method-assign]
    try:
        with pytest.raises(Crash):
            write_parquet_atomic(big, target)
    finally:
        pl.DataFrame.write_parquet = original  # type: ignore[method-assign]
    assert pl.read_parquet(target).equals(old)
    assert folder_listing(tmp_path) == ["clean.parquet"]


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "run").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        open_output(tmp_path / "run", inputs=[], overwrite=True)


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("corpus", "is the input"),
        ("corpus/run", "is inside the input"),
        ("corpus/../corpus", "is the input"),
    ],
)
def test_output_must_not_overlap_an_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("t\nb")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=message):
        open_output(Path(out), inputs=[Path("corpus")], overwrite=True)
    assert folder_listing(tmp_path) == ["corpus", "corpus/a.txt"]


@pytest.mark.parametrize("out", [".", ".."])
def test_output_must_not_be_the_current_folder_or_a_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("keep me")
    monkeypatch.chdir(work)
    with pytest.raises(OutputError, match="current folder or one of its parents"):
        open_output(Path(out), inputs=[], overwrite=True)
    assert (work / "notes.txt").read_text() == "keep me"


def test_output_containing_an_input_file(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    data = out / "data.jsonl"
    data.write_text('{"text": "a"}\n')
    with pytest.raises(OutputError, match="contains the input"):
        open_output(out, inputs=[data], overwrite=True)
    assert data.read_text() == '{"text": "a"}\n'


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "a"}\n')
    os.utime(data, ns=(1_000_000_000, 1_000_000_000))
    before = (data.read_bytes(), data.stat().st_mtime_ns)
    with output_dir(tmp_path / "out", inputs=[data], overwrite=False) as staging:
        write_text_atomic("x", staging / "x.txt")
    assert (data.read_bytes(), data.stat().st_mtime_ns) == before


def test_an_os_error_while_writing_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match="cannot write the file"):
        write_text_atomic("x", tmp_path / "taken")

    def disk_full(fh) -> None:
        fh.write(b"some bytes")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(tmp_path / "out.bin", disk_full)
    assert folder_listing(tmp_path) == ["taken"]


def test_disk_full_inside_polars_is_an_output_error(tmp_path, monkeypatch):
    """polars passes a full disk on as a ComputeError when it writes Parquet."""

    def full_disk(self, *args, **kwargs):
        raise pl.exceptions.ComputeError("No space left on device (os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full_disk)
    with pytest.raises(OutputError, match="No space left on device") as raised:
        write_parquet_atomic(pl.DataFrame({"a": [1]}), tmp_path / "x.parquet")
    assert "free space" in (raised.value.hint or "")
    assert folder_listing(tmp_path) == []

    def a_bug(self, *args, **kwargs):
        raise pl.exceptions.ComputeError("cannot cast List to Int64")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", a_bug)
    with pytest.raises(pl.exceptions.ComputeError):  # not a user's problem: no disguise
        write_parquet_atomic(pl.DataFrame({"a": [1]}), tmp_path / "x.parquet")
    assert folder_listing(tmp_path) == []
