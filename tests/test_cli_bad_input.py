"""Bad input: a clear message naming where and what to do, exit code 2 (or a per-document
finding where the rest of the corpus can go on), never a traceback or a partial output."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from tests.test_cli_clean import article, read_outputs, write_jsonl


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_usage_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for needle in needles:
        assert needle in result.output, result.output


def test_missing_file(tmp_path):
    out = tmp_path / "out"
    assert_usage_error(run("clean", str(tmp_path / "nope.jsonl"), "--out", str(out)), "nope.jsonl")
    assert not out.exists()


def test_unreadable_format(tmp_path):
    bad = tmp_path / "corpus.docx"
    bad.write_bytes(b"PK\x03\x04 not a corpus")
    assert_usage_error(run("clean", str(bad), "--out", str(tmp_path / "out")), "corpus.docx")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"definitely not parquet")
    assert_usage_error(run("clean", str(broken), "--out", str(tmp_path / "out")), "broken.parquet")
    assert not (tmp_path / "out").exists()


def test_malformed_jsonl_line_is_rejected_not_lost_and_strict_stops(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [article(1), article(2)])
    with src.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "x", "text": "unterminated\n')
        fh.write(json.dumps(article(3), ensure_ascii=False) + "\n")
    out = tmp_path / "out"
    assert run("clean", str(src), "--out", str(out), "-q").exit_code == 0
    clean, rejected, _, _ = read_outputs(out)
    assert clean.height == 3 and rejected.height == 1
    assert rejected["reject_reason"][0].startswith("IO")
    assert rejected["origin_line"][0] == 3
    strict = run("clean", str(src), "--out", str(tmp_path / "o2"), "--strict")
    assert_usage_error(strict, "in.jsonl", "3")
    assert not (tmp_path / "o2").exists()


def test_misspelled_text_column_lists_the_columns(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "contnet": "نص", "title": "t"}])
    result = run("clean", str(src), "--out", str(tmp_path / "out"))
    assert_usage_error(result, "contnet")
    result = run("clean", str(src), "--out", str(tmp_path / "out"), "--text-col", "body")
    assert_usage_error(result, "body", "contnet")


def test_legacy_encoding_is_decoded_and_recorded(tmp_path):
    text = "أعلنت الهيئة العامة للأرصاد عن توقعات بهطول أمطار غزيرة على المناطق الجنوبية خلال الأيام المقبلة وحتى نهاية الأسبوع."
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        json.dumps(article(1), ensure_ascii=False).encode()
        + b"\n"
        + b'{"id": "legacy", "title": "t", "text": "'
        + text.encode("cp1256")
        + b'"}\n'
    )
    out = tmp_path / "out"
    assert run("clean", str(src), "--out", str(out), "-q").exit_code == 0
    clean, rejected, findings, _ = read_outputs(out)
    everything = pl.concat([clean, rejected], how="diagonal")
    decoded = everything.filter(pl.col("id") == "legacy")["text"][0]
    assert decoded == text
    codes = findings.filter(pl.col("doc_id") == "legacy")["code"].to_list()
    assert any(code.startswith("IO") for code in codes)


def test_empty_documents_and_nul_bytes(tmp_path):
    records = [article(1), article(2, text=" "), article(3)]
    records[2]["text"] = records[2]["text"].replace(" ", " \x00\x00", 1)
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out"
    assert run("clean", str(src), "--out", str(out), "-q").exit_code == 0
    clean, rejected, _, _ = read_outputs(out)
    assert rejected["id"].to_list() == ["doc-2"]
    nul = clean.filter(pl.col("id") == "doc-3").row(0, named=True)
    assert "\x00" in nul["text"] and "\x00" not in nul["text_clean"]


@pytest.mark.slow  # cleans 50 MB of text: about 100 s and 2.5 GB; CI runs it (.ci/run)
def test_a_50_megabyte_document(tmp_path):
    sentence = "وقال المتحدث إن الوزارة تعمل على تطوير الخدمات في جميع المناطق بلا استثناء. "
    giant = "\n".join(sentence * 8 for _ in range(50 * 1024 * 1024 // (len(sentence.encode()) * 8)))
    src = write_jsonl(tmp_path / "in.jsonl", [article(1), article(2, text=giant)])
    out = tmp_path / "out"
    result = run("clean", str(src), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    clean, rejected, _, _ = read_outputs(out)
    assert clean.height + rejected.height == 2


def test_duplicate_ids(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [article(1), article(2), dict(article(3), id="doc-1")])
    assert_usage_error(run("clean", str(src), "--out", str(tmp_path / "out")), "doc-1")
    assert not (tmp_path / "out").exists()


def test_existing_output_folder_needs_overwrite(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [article(1)])
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert_usage_error(run("clean", str(src), "--out", str(out)), "--overwrite")
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    refused = run("clean", str(src), "--out", str(out), "--overwrite", "-q")
    assert_usage_error(refused, "not written by corpuskit")
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"

    earlier = tmp_path / "earlier"
    assert run("clean", str(src), "--out", str(earlier), "-q").exit_code == 0
    (earlier / "keep.txt").write_text("stale", encoding="utf-8")
    assert run("clean", str(src), "--out", str(earlier), "--overwrite", "-q").exit_code == 0
    assert (earlier / "clean.parquet").exists() and not (earlier / "keep.txt").exists()


def test_output_folder_inside_the_input(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("عنوان\n" + article(1)["text"], encoding="utf-8")
    result = run("clean", str(folder), "--out", str(folder / "out"))
    assert_usage_error(result, "out")
    assert not (folder / "out").exists()


def test_inputs_are_never_modified(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [article(1), article(2)])
    before = (src.read_bytes(), src.stat().st_mtime_ns)
    assert run("clean", str(src), "--out", str(tmp_path / "out"), "-q").exit_code == 0
    assert (src.read_bytes(), src.stat().st_mtime_ns) == before


def test_runs_are_deterministic(tmp_path):
    records = [article(i) for i in range(6)] + [dict(article(9), text=article(2)["text"])]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    for name in ("a", "b"):
        assert run("clean", str(src), "--out", str(tmp_path / name), "-q").exit_code == 0
    for table in ("clean.parquet", "rejected.parquet", "findings.parquet"):
        a = pl.read_parquet(tmp_path / "a" / table)
        b = pl.read_parquet(tmp_path / "b" / table)
        assert a.equals(b), table


def test_disk_full_while_writing_parquet_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [article(i) for i in range(3)])
    real = pl.DataFrame.write_parquet
    calls = {"n": 0}

    def fills_up(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:  # the input and key parts go through, then the disk is full
            raise pl.exceptions.ComputeError("No space left on device (os error 28)")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", fills_up)
    out = tmp_path / "out"
    result = run("clean", str(src), "--out", str(out), "-q", "--workers", "1")
    assert_usage_error(result, "No space left on device")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


class _RustPanic(BaseException):
    """What pyo3 raises when Rust code unwraps a Python error (polars calling back into
    Python while a signal handler raised KeyboardInterrupt there)."""


def test_an_interruption_that_surfaces_as_another_exception_still_exits_130(capsys):
    import os
    import signal
    import time

    from corpuskit.cli.common import EXIT_INTERRUPTED, user_errors_exit

    @user_errors_exit
    def command() -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises here
        except KeyboardInterrupt:
            raise _RustPanic("called `Result::unwrap()` on an `Err` value") from None

    with pytest.raises(SystemExit) as stopped:
        command()
    assert stopped.value.code == EXIT_INTERRUPTED
    assert "interrupted" in capsys.readouterr().err


def test_the_same_exception_without_an_interruption_is_not_hidden():
    from corpuskit.cli.common import user_errors_exit

    @user_errors_exit
    def command() -> None:
        raise _RustPanic("a real fault")

    with pytest.raises(_RustPanic):
        command()
