"""The output-folder transaction: whole or nothing, one run at a time, resumable."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from corpuskit.errors import OutputError
from corpuskit.io import outdir, output_dir, write_text_atomic
from corpuskit.io.outdir import MARKER, lock_path, staging_path


class Crash(RuntimeError):
    """Stands in for a disk-full error in the middle of a run."""


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def earlier_output(out: Path, name: str = "old.txt") -> None:
    """An output folder a previous corpuskit run wrote."""
    out.mkdir()
    (out / name).write_text("old")
    (out / MARKER).write_text("{}")


def test_output_appears_only_on_success_with_its_marker(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with output_dir(out, inputs=[], overwrite=False) as staging:
        write_text_atomic("a", staging / "a.txt")
        assert not out.exists()
    assert (out / "a.txt").read_text() == "a"
    assert listing(tmp_path) == ["run", f"run/{MARKER}", "run/a.txt"]


def test_a_failure_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with pytest.raises(Crash), output_dir(out, inputs=[], overwrite=False) as staging:
        write_text_atomic("a", staging / "a.txt")
        raise Crash
    assert listing(tmp_path) == []


def test_a_failure_keeps_an_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "run"
    earlier_output(out)
    with pytest.raises(Crash), output_dir(out, inputs=[], overwrite=True) as staging:
        write_text_atomic("new", staging / "new.txt")
        raise Crash
    assert listing(tmp_path) == ["run", f"run/{MARKER}", "run/old.txt"]


def test_an_existing_output_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "run"
    earlier_output(out)
    with (
        pytest.raises(OutputError, match="already exists") as err,
        output_dir(out, inputs=[], overwrite=False),
    ):
        pass
    assert "--overwrite" in (err.value.hint or "")
    with output_dir(out, inputs=[], overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert listing(tmp_path) == ["run", f"run/{MARKER}", "run/new.txt"]


def test_overwrite_refuses_a_folder_corpuskit_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with (
        pytest.raises(OutputError, match="not written by corpuskit"),
        output_dir(out, inputs=[], overwrite=True),
    ):
        pass
    assert (out / "thesis.docx").read_text() == "years of work"


def test_an_existing_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    with output_dir(out, inputs=[], overwrite=False) as staging:
        (staging / "a.txt").write_text("a")
    assert (out / "a.txt").is_file()


def _hold_lock(out: str, ready, release) -> None:
    with output_dir(Path(out), inputs=[], overwrite=False):
        ready.set()
        release.wait(30)


def test_a_second_run_into_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(out), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(OutputError, match="another corpuskit run is writing"),
            output_dir(out, inputs=[], overwrite=True),
        ):
            pass
    finally:
        release.set()
        holder.join(30)
    assert holder.exitcode == 0
    assert (out / MARKER).is_file()
    assert not lock_path(out).exists()


def test_overwrite_is_checked_again_at_swap_time(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with (
        pytest.raises(OutputError, match="appeared while this run was writing"),
        output_dir(out, inputs=[], overwrite=False) as staging,
    ):
        (staging / "a.txt").write_text("a")
        earlier_output(out, "theirs.txt")
    assert listing(tmp_path) == ["run", f"run/{MARKER}", "run/theirs.txt"]


def test_an_interrupted_run_keeps_its_staging_for_resume_only(tmp_path: Path) -> None:
    out = tmp_path / "run"
    fingerprint = {"inputs": ["a.jsonl"], "version": 1}
    with (
        pytest.raises(KeyboardInterrupt),
        output_dir(out, inputs=[], overwrite=False, fingerprint=fingerprint) as staging,
    ):
        (staging / "part-0").write_text("done")
        raise KeyboardInterrupt
    assert (staging_path(out) / "part-0").is_file()
    (staging_path(out) / ".part-1.parquet.x1y2.tmp").write_text("cut short by a kill")
    with output_dir(
        out, inputs=[], overwrite=False, resume=True, fingerprint=fingerprint
    ) as staging:
        assert (staging / "part-0").read_text() == "done", "a matching run resumes"
        assert not list(staging.glob(".*.tmp")), "half-written files are dropped"
    assert (out / "part-0").is_file()

    with (
        pytest.raises(KeyboardInterrupt),
        output_dir(out, inputs=[], overwrite=True, fingerprint=fingerprint) as staging,
    ):
        (staging / "part-1").write_text("done")
        raise KeyboardInterrupt
    changed = {"inputs": ["b.jsonl"], "version": 1}
    with output_dir(out, inputs=[], overwrite=True, resume=True, fingerprint=changed) as staging:
        assert not (staging / "part-1").exists(), "another run's parts are not reused"
    with (
        pytest.raises(KeyboardInterrupt),
        output_dir(out, inputs=[], overwrite=True, fingerprint=fingerprint) as staging,
    ):
        raise KeyboardInterrupt
    with output_dir(out, inputs=[], overwrite=True):
        pass
    assert not staging_path(out).exists(), "a run that does not resume clears leftovers"


def test_an_interruption_that_surfaces_as_another_error_keeps_the_parts(tmp_path: Path) -> None:
    """Ctrl-C raised inside code polars called back into comes out as polars' panic: once
    a stop was requested, whatever error ends the run keeps its parts for --resume."""
    from corpuskit import interruption

    out = tmp_path / "run"
    interruption.request()
    try:
        with (
            pytest.raises(KeyboardInterrupt, match="--resume"),
            output_dir(out, inputs=[], overwrite=False) as staging,
        ):
            (staging / "part-0").write_text("done")
            raise Crash("called `Result::unwrap()` on an `Err` value")
    finally:
        interruption.clear()
    assert (staging_path(out) / "part-0").is_file()
    with pytest.raises(Crash), output_dir(out, inputs=[], overwrite=False) as staging:
        raise Crash("disk full")
    assert not staging_path(out).exists(), "without a stop request an error is a failure"


def test_leftovers_of_killed_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    for name in (".run.tmp-abc123", ".run.old-xyz789", staging_path(out).name):
        (tmp_path / name).mkdir()
        (tmp_path / name / "clean.parquet").write_text("half")
    with output_dir(out, inputs=[], overwrite=False):
        pass
    assert listing(tmp_path) == ["run", f"run/{MARKER}"]


def test_without_an_exchange_a_crash_mid_swap_is_recovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where folders cannot be exchanged in one step, the old output is renamed aside
    first; a crash before the new one is renamed in must not lose it."""
    out = tmp_path / "run"
    earlier_output(out)
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def crash_on_second_rename(src, dst):
        if Path(dst) == out:
            raise Crash("killed between the two renames")
        real_rename(src, dst)

    monkeypatch.setattr(outdir.os, "rename", crash_on_second_rename)
    with pytest.raises(Crash), output_dir(out, inputs=[], overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    monkeypatch.setattr(outdir.os, "rename", real_rename)
    assert not out.exists()
    with output_dir(tmp_path / "other", inputs=[], overwrite=False):
        pass
    with (
        pytest.raises(OutputError, match="already exists"),
        output_dir(out, inputs=[], overwrite=False),
    ):
        pass
    assert (out / "old.txt").read_text() == "old", "the next run puts the old output back"


def test_the_exchange_never_leaves_the_output_missing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    earlier_output(out)
    staging = tmp_path / "new"
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    if not outdir._exchange(staging, out):
        pytest.skip("this file system cannot exchange two folders in one step")
    assert (out / "new.txt").is_file() and (staging / "old.txt").is_file()
