"""Inputs given as URLs: read through fsspec like local files, errors named the same way.

fsspec's in-memory file system stands in for object storage: it is listed, opened and
measured through the same calls as S3 or GCS, with nothing on the network.
"""

from __future__ import annotations

import gzip
import io
import json
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
