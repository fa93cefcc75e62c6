"""Inputs given as URLs: read through fsspec like local files, errors named the same way.

fsspec's in-memory file system stands in for object storage: it is listed, opened and
measured through the same calls as S3 or GCS, with nothing on the network.
"""

from __future__ import annotations

import gzip
import importlib
import io
import json
import os
import signal
import time
import uuid
from pathlib import Path

import polars as pl
import pytest
import zstandard
from click.testing import CliRunner

from corpuskit.api import scan_output
from corpuskit.cli import main
from corpuskit.errors import InputError
from corpuskit.io import CorpusReader
from corpuskit.io.location import input_path, is_remote, modified_stamp

fsspec = pytest.importorskip("fsspec", reason="remote inputs need corpuskit[remote]")
pytest.importorskip("upath", reason="remote inputs need corpuskit[remote]")

RECORDS = [
    {"id": f"a{i}", "title": f"عنوان الخبر {i}", "text": f"نص الخبر رقم {i} عن الاقتصاد."}
    for i in range(5)
]


def _jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _parquet(records) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(records).write_parquet(buffer)
    return buffer.getvalue()


@pytest.fixture
def bucket():
    """A fresh folder on fsspec's memory file system; removed afterwards."""
    fs = fsspec.filesystem("memory")
    root = f"/bucket-{uuid.uuid4().hex}"
    yield fs, root, f"memory:/{root}"
    if fs.exists(root):
        fs.rm(root, recursive=True)


def _corpus(fs, root: str) -> None:
    fs.pipe(f"{root}/news/2018.jsonl.gz", gzip.compress(_jsonl(RECORDS[:2])))
    fs.pipe(f"{root}/news/year=2019/part-0.parquet", _parquet(RECORDS[2:4]))
    fs.pipe(f"{root}/articles/one.txt", "عنوان مقال\nنص المقال الأول.".encode())
    fs.pipe(f"{root}/wire.csv", "id,text\nw1,خبر من الوكالة\n".encode())
    fs.pipe(f"{root}/README.md", b"not a corpus file")
    fs.pipe(f"{root}/.hidden/x.jsonl", _jsonl(RECORDS[4:]))


def test_a_remote_folder_reads_every_corpus_file_in_every_format(bucket):
    fs, root, url = bucket
    _corpus(fs, root)
    reader = CorpusReader([f"{url}"])
    frame = pl.concat(list(reader.batches()), how="diagonal_relaxed")
    assert sorted(frame["id"]) == ["a0", "a1", "a2", "a3", "one", "w1"]
    assert frame.filter(pl.col("id") == "a2")["year"].to_list() == ["2019"]  # hive folder
    assert {f.format: f.documents for f in reader.stats.per_file} == {
        "jsonl": 2,
        "parquet": 2,
        "txt": 1,
        "csv": 1,
    }
    assert [str(p) for p in reader.stats.skipped] == [f"{url}/README.md"]
    origins = set(frame["origin_file"])
    assert all(o.startswith(f"{url}/") for o in origins), origins


def test_remote_and_local_copies_clean_to_the_same_documents(bucket, tmp_path):
    fs, root, url = bucket
    _corpus(fs, root)
    local = tmp_path / "local"
    fs.get(f"{root}/", str(local), recursive=True)
    assert (local / "news" / "2018.jsonl.gz").is_file()
    outs = {}
    for name, source in (("remote", f"{url}"), ("local", str(local))):
        out = tmp_path / f"out-{name}"
        result = CliRunner().invoke(main, ["clean", source, "--out", str(out), "-q"])
        assert result.exit_code == 0, result.output
        documents = pl.concat(
            [scan_output(out, kind).collect() for kind in ("clean", "rejected")],
            how="diagonal_relaxed",
        )
        outs[name] = documents.drop("origin_file").sort("id")
    assert outs["remote"]["id"].to_list() == ["a0", "a1", "a2", "a3", "one", "w1"]
    assert outs["remote"].equals(outs["local"])


def test_a_missing_remote_path_is_an_input_error(bucket, tmp_path):
    _, _, url = bucket
    result = CliRunner().invoke(main, ["clean", f"{url}/nope", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{url}/nope: no such file or folder" in result.output
    assert not (tmp_path / "o").exists()


def test_an_unknown_scheme_says_what_to_install(tmp_path):
    result = CliRunner().invoke(
        main, ["clean", "nosuchfs://b/x.jsonl", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "nosuchfs://b/x.jsonl: cannot open this kind of URL" in result.output
    assert "fsspec driver" in result.output
    assert "Traceback" not in result.output


def test_a_truncated_remote_zstd_file_is_refused_whole(bucket):
    fs, root, url = bucket
    whole = zstandard.ZstdCompressor().compress(_jsonl(RECORDS * 50))
    fs.pipe(f"{root}/cut.jsonl.zst", whole[: len(whole) // 2])
    with pytest.raises(InputError, match="truncated"):
        list(CorpusReader([f"{url}/cut.jsonl.zst"]).batches())


def test_a_damaged_remote_parquet_file_is_named(bucket):
    fs, root, url = bucket
    fs.pipe(f"{root}/bad.parquet", b"PAR1 this is not parquet")
    with pytest.raises(InputError, match=rf"{url}/bad.parquet: not a readable Parquet"):
        list(CorpusReader([f"{url}/bad.parquet"]).batches())


def test_a_file_url_is_a_local_path(tmp_path):
    target = tmp_path / "my corpus.jsonl"
    target.write_bytes(_jsonl(RECORDS))
    path = input_path(target.as_uri())
    assert isinstance(path, Path) and path == target and not is_remote(path)
    assert modified_stamp(path) == target.stat().st_mtime_ns


def test_a_remote_file_has_a_stamp_that_changes_with_it(bucket):
    fs, root, url = bucket
    fs.pipe(f"{root}/a.jsonl", _jsonl(RECORDS))
    path = input_path(f"{url}/a.jsonl")
    assert is_remote(path)
    assert modified_stamp(path) is not None


# --- --out on object storage ---------------------------------------------------------

DATASETS = ("clean", "rejected", "findings")


def _clean(source: str, out: str, *extra: str):
    return CliRunner().invoke(main, ["clean", source, "--out", out, "--workers", "1", *extra])


def _outputs(out) -> dict[str, pl.DataFrame]:
    return {kind: scan_output(out, kind).collect().sort(pl.all()) for kind in DATASETS}


@pytest.fixture
def corpus_file(tmp_path) -> Path:
    """A small local corpus with one exact duplicate, so every dataset has rows."""
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(_jsonl([*RECORDS, {**RECORDS[0], "id": "copy"}]))
    return path


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """corpuskit's cache folder, where a run into a URL works by default."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CORPUSKIT_CACHE_DIR", str(cache))
    return cache


def test_a_remote_out_holds_the_same_output_as_a_local_one(bucket, corpus_file, tmp_path, work):
    fs, root, url = bucket
    local = _clean(str(corpus_file), str(tmp_path / "local"), "-q")
    assert local.exit_code == 0, local.output
    remote = _clean(str(corpus_file), f"{url}/run1")
    assert remote.exit_code == 0, remote.output
    assert f"report: {url}/run1/report.html" in remote.output
    expected = _outputs(tmp_path / "local")
    got = _outputs(f"{url}/run1")
    assert got["rejected"].height + got["clean"].height == len(RECORDS) + 1
    assert got["findings"].height > 0
    for kind in DATASETS:
        assert (
            got[kind]
            .drop("origin_file", strict=False)
            .equals(expected[kind].drop("origin_file", strict=False))
        ), kind
    local_files = sorted(
        p.relative_to(tmp_path / "local").as_posix()
        for p in (tmp_path / "local").rglob("*")
        if p.is_file()
    )
    remote_files = sorted(p[len(f"{root}/run1/") :] for p in fs.find(f"{root}/run1"))
    assert remote_files == local_files
    assert ".corpuskit-output" in remote_files and "report.html" in remote_files
    summary = json.loads(fs.cat(f"{root}/run1/summary.json"))
    assert (
        summary["documents"]
        == json.loads((tmp_path / "local" / "summary.json").read_text(encoding="utf-8"))[
            "documents"
        ]
    )
    assert not any(p.is_file() for p in work.rglob("*")), "the local work folder is removed"


def test_a_url_out_is_never_turned_into_a_local_folder(tmp_path, corpus_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _clean(str(corpus_file), "nosuchfs://bucket/run1")
    assert result.exit_code == 2
    assert "nosuchfs://bucket/run1: cannot open this kind of URL" in result.output
    assert not (tmp_path / "nosuchfs:").exists()


def test_the_marker_is_uploaded_last(bucket, corpus_file, work, monkeypatch):
    fs, root, url = bucket
    order: list[str] = []
    put_file, pipe_file = type(fs).put_file, type(fs).pipe_file

    def recording_put(self, lpath, rpath, *args, **kwargs):
        order.append(rpath.rsplit("/", 1)[1])
        return put_file(self, lpath, rpath, *args, **kwargs)

    def recording_pipe(self, path, *args, **kwargs):
        order.append(path.rsplit("/", 1)[1])
        return pipe_file(self, path, *args, **kwargs)

    monkeypatch.setattr(type(fs), "put_file", recording_put)
    monkeypatch.setattr(type(fs), "pipe_file", recording_pipe)
    result = _clean(str(corpus_file), f"{url}/run1", "-q")
    assert result.exit_code == 0, result.output
    assert order[0] == ".corpuskit-uploading"
    assert order[-1] == ".corpuskit-output"
    assert {"summary.json", "report.html", "part-00000.parquet"} <= set(order[1:-1])
    assert not fs.exists(f"{root}/run1/.corpuskit-uploading")


def test_a_non_empty_remote_out_is_refused_before_any_work(bucket, corpus_file, work):
    fs, root, url = bucket
    fs.pipe(f"{root}/run1/notes.txt", b"someone's files")
    result = _clean(str(corpus_file), f"{url}/run1")
    assert result.exit_code == 2
    assert f"output folder {url}/run1 already exists and is not empty" in result.output
    assert "--overwrite" in result.output and "Traceback" not in result.output
    assert not work.exists(), "nothing was run"
    foreign = _clean(str(corpus_file), f"{url}/run1", "--overwrite")
    assert foreign.exit_code == 2
    assert "was not written by corpuskit" in foreign.output
    assert fs.cat(f"{root}/run1/notes.txt") == b"someone's files"


def test_overwrite_replaces_an_earlier_remote_output(bucket, corpus_file, tmp_path, work):
    fs, root, url = bucket
    assert _clean(str(corpus_file), f"{url}/run1", "-q").exit_code == 0
    fs.pipe(f"{root}/run1/clean.parquet/part-00099.parquet", b"stale")
    smaller = tmp_path / "smaller.jsonl"
    smaller.write_bytes(_jsonl(RECORDS[:2]))
    result = _clean(str(smaller), f"{url}/run1", "--overwrite", "--no-validate", "-q")
    assert result.exit_code == 0, result.output
    assert not fs.exists(f"{root}/run1/clean.parquet/part-00099.parquet")
    assert sorted(scan_output(f"{url}/run1").collect()["id"]) == ["a0", "a1"]


def test_a_failed_upload_keeps_the_local_output_and_resume_uploads_it(
    bucket, corpus_file, tmp_path, monkeypatch
):
    fs, root, url = bucket
    work = tmp_path / "work"
    put_file = type(fs).put_file
    calls = []

    def failing_put(self, lpath, rpath, *args, **kwargs):
        calls.append(rpath)
        if len(calls) == 3:
            raise ConnectionError("connection reset by peer")
        return put_file(self, lpath, rpath, *args, **kwargs)

    monkeypatch.setattr(type(fs), "put_file", failing_put)
    args = ("--work-dir", str(work), "--no-validate", "-q")
    result = _clean(str(corpus_file), f"{url}/run1", *args)
    assert result.exit_code == 2
    assert f"{url}/run1: cannot upload the output (connection reset by peer)" in result.output
    assert f"kept in {work / 'output'}" in result.output and "--resume" in result.output
    assert "Traceback" not in result.output
    assert (work / "output" / ".corpuskit-output").is_file()
    assert not fs.exists(f"{root}/run1/.corpuskit-output")
    with pytest.raises(InputError, match="not a finished corpuskit output"):
        scan_output(f"{url}/run1")

    monkeypatch.setattr(type(fs), "put_file", put_file)
    again = _clean(str(corpus_file), f"{url}/run1", "--resume", *args)
    assert again.exit_code == 0, again.output
    assert sorted(scan_output(f"{url}/run1").collect()["id"]) == sorted(r["id"] for r in RECORDS)
    assert not work.exists()


def test_resume_into_a_remote_out_continues_an_interrupted_run(
    bucket, corpus_file, tmp_path, work, monkeypatch
):
    fs, root, url = bucket
    pipeline_clean = importlib.import_module("corpuskit.pipeline.clean")
    link_parts = pipeline_clean.link_parts

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline_clean, "link_parts", interrupted)
    stopped = _clean(str(corpus_file), f"{url}/run1", "--batch-size", "2")
    assert stopped.exit_code == 130
    assert "--resume" in stopped.output
    staging = [p for p in work.rglob(".output.corpuskit-partial") if p.is_dir()]
    assert len(staging) == 1 and any(staging[0].rglob("part-*"))
    assert not fs.exists(f"{root}/run1")

    monkeypatch.setattr(pipeline_clean, "link_parts", link_parts)
    resumed = _clean(str(corpus_file), f"{url}/run1", "--batch-size", "2", "--resume", "-q")
    assert resumed.exit_code == 0, resumed.output
    reference = _clean(str(corpus_file), str(tmp_path / "local"), "--batch-size", "2", "-q")
    assert reference.exit_code == 0
    expected = _outputs(tmp_path / "local")
    for kind, frame in _outputs(f"{url}/run1").items():
        assert frame.equals(expected[kind]), kind


def test_a_jsonl_output_reads_back_from_object_storage(bucket, corpus_file, work):
    _, _, url = bucket
    result = _clean(str(corpus_file), f"{url}/run1", "--format", "jsonl.gz", "--no-validate")
    assert result.exit_code == 0, result.output
    clean = scan_output(f"{url}/run1").collect()
    assert sorted(clean["id"]) == sorted(r["id"] for r in RECORDS)
    assert clean.schema["title"] == pl.String


def test_work_dir_is_refused_with_a_local_out(corpus_file, tmp_path):
    result = _clean(str(corpus_file), str(tmp_path / "o"), "--work-dir", str(tmp_path / "w"))
    assert result.exit_code == 2
    assert "--work-dir" in result.output and "only for an --out on object storage" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["index", "build", "CORPUS", "--out", "memory://b/index"],
        ["index", "add", "CORPUS", "--index", "memory://b/index"],
        ["report", "memory://b/run1"],
        ["report", "DIR", "--out", "memory://b/report.html"],
    ],
)
def test_index_and_report_refuse_a_url_folder(args, corpus_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [{"CORPUS": str(corpus_file), "DIR": str(tmp_path)}.get(a, a) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "memory://b/" in result.output and "must be on a local or mounted disk" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "memory:").exists()


def test_resume_after_sigkill_with_a_remote_out(tmp_path):
    """fsspec's ``local://`` file system stands in for object storage here: the run is a
    process of its own, which shares no memory file system with the test."""
    from test_pipeline_resume import _clean as clean_process
    from test_pipeline_resume import _corpus, _finished_parts, _summary, _tables

    corpus = _corpus(tmp_path)
    reference = tmp_path / "reference"
    assert clean_process(corpus, reference).wait(300) == 0

    out, work = tmp_path / "bucket" / "run1", tmp_path / "work"
    url = f"local://{out}"
    run = clean_process(corpus, url, "--work-dir", str(work))
    deadline = time.monotonic() + 300
    while _finished_parts(work / "output") < 5 and run.poll() is None:
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.05)
    if run.poll() is not None:
        pytest.skip("the run finished before it could be killed")
    os.kill(run.pid, signal.SIGKILL)
    run.wait(30)
    assert not out.exists(), "nothing is uploaded before the run has finished"

    resumed = clean_process(corpus, url, "--work-dir", str(work), "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err.decode()
    assert not work.exists()
    assert (out / ".corpuskit-output").is_file()
    expected = _tables(reference)
    for name, table in _tables(out).items():
        assert table.equals(expected[name]), name
    assert _summary(out) == _summary(reference)


def test_a_remote_out_inside_a_remote_input_is_refused(bucket, work):
    fs, root, url = bucket
    fs.pipe(f"{root}/news/a.jsonl", _jsonl(RECORDS))
    result = _clean(f"{url}/news", f"{url}/news/cleaned")
    assert result.exit_code == 2
    assert f"output folder {url}/news/cleaned overlaps the input {url}/news" in result.output
    assert fs.find(f"{root}/news") == [f"{root}/news/a.jsonl"]


def test_an_interrupted_upload_says_where_the_output_is(bucket, corpus_file, tmp_path, monkeypatch):
    fs, root, url = bucket
    work = tmp_path / "work"
    put_file = type(fs).put_file

    def interrupted(self, lpath, rpath, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(fs), "put_file", interrupted)
    args = ("--work-dir", str(work), "--no-validate", "-q")
    result = _clean(str(corpus_file), f"{url}/run1", *args)
    assert result.exit_code == 130
    assert f"the upload stopped; the finished output is kept in {work / 'output'}" in (
        result.output
    )
    monkeypatch.setattr(type(fs), "put_file", put_file)
    assert _clean(str(corpus_file), f"{url}/run1", "--resume", *args).exit_code == 0
    assert fs.exists(f"{root}/run1/.corpuskit-output") and not work.exists()


def test_check_against_an_index_url_is_refused(tmp_path):
    docs = tmp_path / "in.jsonl"
    docs.write_bytes(_jsonl(RECORDS))
    result = CliRunner().invoke(main, ["check", str(docs), "--against", "s3://bucket/index"])
    assert result.exit_code == 2
    assert "s3://bucket/index: the index given to --against must be on a local" in result.output
    assert not Path("s3:").exists()
