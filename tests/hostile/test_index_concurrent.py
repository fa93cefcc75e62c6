"""Index writes are locked and crash-safe: overlapping runs both land, a held lock is a clear
message, and a killed writer leaves the old index intact and its leftovers are removed."""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.dedup.index import MANIFEST, IndexWriter, add_to_index, build_index, open_index
from corpuskit.errors import DedupIndexError
from tests._dedup_texts import OTHER_SENTENCES, SENTENCES, article

THIRD = [
    "افتتح معرض الكتاب الدولي أبوابه أمام الزوار بمشاركة أكثر من خمسمائة دار نشر",
    "ويتضمن البرنامج الثقافي للمعرض ندوات وأمسيات شعرية وورش عمل للأطفال والشباب",
    "وقال مدير المعرض إن الدورة الحالية تحتفي بالأدب العربي الحديث وروادها",
]
CLI = [sys.executable, "-c", "from corpuskit.cli import main; main()"]


def docs(prefix: str, sentences: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"id": [f"{prefix}0"], "text": [article(sentences)]})


def jsonl(path: Path, frame: pl.DataFrame) -> Path:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in frame.iter_rows(named=True)),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def index(tmp_path) -> Path:
    path = tmp_path / "idx"
    build_index(docs("base", SENTENCES), path)
    return path


def test_a_held_lock_is_a_clear_error_after_the_timeout(index):
    with IndexWriter(index, mode="add"):
        started = time.monotonic()
        with pytest.raises(DedupIndexError, match="being written by another corpuskit run") as info:
            IndexWriter(index, mode="add", lock_timeout=0.3)
        assert 0.3 <= time.monotonic() - started < 10
        assert "--lock-timeout" in info.value.hint


def test_cli_fails_at_once_with_lock_timeout_0(index, tmp_path):
    incoming = jsonl(tmp_path / "new.jsonl", docs("new", OTHER_SENTENCES))
    with IndexWriter(index, mode="add"):
        result = CliRunner().invoke(
            main, ["index", "add", str(incoming), "--index", str(index), "--lock-timeout", "0"]
        )
    assert result.exit_code == 2, result.output
    assert "being written by another corpuskit run" in result.output
    assert open_index(index).documents == 1


def _wait_for_line(process: subprocess.Popen, needle: str, seconds: float = 60) -> str:
    """Read the process's stderr until a line holds ``needle`` (or fail after ``seconds``)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline, seen = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            line = process.stderr.readline()
            seen += line
            if needle in line:
                return seen
            if not line and process.poll() is not None:
                break
    process.kill()
    raise AssertionError(f"never saw {needle!r}; stderr: {seen}")


def test_overlapping_adds_both_land(index, tmp_path):
    """One run holds the index while another starts: the second waits, then adds; no part
    is deleted as a leftover and both batches are found."""
    theirs = jsonl(tmp_path / "theirs.jsonl", docs("theirs", THIRD))
    with IndexWriter(index, mode="add") as ours:
        process = subprocess.Popen(
            [*CLI, "index", "add", str(theirs), "--index", str(index), "--no-validate"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_for_line(process, "waiting for another corpuskit run to finish writing")
        ours.add(docs("ours", OTHER_SENTENCES))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    index_now = open_index(index)
    assert index_now.documents == 3 and len(index_now.parts) == 3
    probe = pl.concat([docs("q1", OTHER_SENTENCES), docs("q2", THIRD), docs("q3", SENTENCES)])
    found = index_now.query(probe.with_columns(id=pl.Series(["q1", "q2", "q3"])))
    assert found["match_id"].to_list() == ["ours0", "theirs0", "base0"]


KILLED_WRITER = """
import os, signal, sys
import polars as pl
from corpuskit.dedup.index import IndexWriter
writer = IndexWriter(sys.argv[1], mode=sys.argv[2], part_documents=1)  # a part at once
writer.add(pl.DataFrame({"id": ["killed0"], "text": [sys.argv[3]]}))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_writer(path: Path, mode: str) -> None:
    process = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path), mode, article(THIRD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == -9, process.stderr


def test_a_killed_add_leaves_the_old_index_and_its_parts_are_removed_next_time(index):
    before = (index / MANIFEST).read_bytes()
    _killed_writer(index, "add")
    assert (index / MANIFEST).read_bytes() == before
    assert (index / "part-00001.docs.parquet").exists()  # the killed run's part, listed nowhere
    assert open_index(index).documents == 1
    assert open_index(index).query(docs("q", THIRD)).height == 0

    summary = add_to_index(docs("next", OTHER_SENTENCES), index)
    assert summary.documents == 2
    names = sorted(p.name for p in index.iterdir())
    assert names == [
        ".lock",
        MANIFEST,
        "part-00000.bands.parquet",
        "part-00000.docs.parquet",
        "part-00001.bands.parquet",
        "part-00001.docs.parquet",
    ]
    assert open_index(index).query(docs("q", OTHER_SENTENCES))["match_id"].to_list() == ["next0"]


def test_a_killed_build_is_no_index_and_a_new_build_takes_the_folder_over(tmp_path):
    path = tmp_path / "idx"
    _killed_writer(path, "build")
    assert not (path / MANIFEST).exists()
    with pytest.raises(DedupIndexError, match="interrupted"):
        open_index(path)
    build_index(docs("again", SENTENCES), path)
    assert open_index(path).documents == 1
    assert sorted(p.name for p in path.iterdir()) == [
        ".lock",
        MANIFEST,
        "part-00000.bands.parquet",
        "part-00000.docs.parquet",
    ]


def test_a_build_never_takes_over_a_folder_of_other_files(tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / ".lock").write_bytes(b"")
    with pytest.raises(DedupIndexError, match="not an index"):
        build_index(docs("x", SENTENCES), folder)
    assert (folder / "thesis.docx").read_bytes() == b"years of work"
