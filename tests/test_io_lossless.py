"""Nothing read silently lost: folders read whole, damaged files refused, odd records kept.

Where a problem shows through the command line (a folder read in part, a truncated file
read with exit 0, one record crashing a run), the test runs ``corpuskit clean``.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import polars as pl
import pytest
import zstandard
from click.testing import CliRunner

from corpuskit import schema
from corpuskit.cli import main
from corpuskit.errors import InputError
from corpuskit.io import discover, read_corpus
from tests.test_cli_clean import article, read_outputs

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def articles(n: int) -> list[dict]:
    return [article(i, source="s") for i in range(n)]


# --- a folder is one dataset ---------------------------------------------------------


def test_clean_on_a_folder_reads_every_corpus_file_in_it(tmp_path: Path, caplog) -> None:
    out = tmp_path / "out"
    result = run("clean", SEEDS, "--out", out, "--no-dedup")
    assert result.exit_code == 0, result.output
    clean, rejected, _, _ = read_outputs(out)
    origin = pl.concat([clean, rejected], how="diagonal")["origin_file"]
    files = {Path(f).name for f in origin.to_list()}
    assert files == {"ant_sample.jsonl", "incoming_bad.jsonl", "000_cb30d6f76c2cbe33.txt"}
    lines = sum(1 for p in SEEDS.glob("*.jsonl") for x in p.read_bytes().split(b"\n") if x.strip())
    assert clean.height + rejected.height == lines + 1
    # the files that are not corpus files are named, not silently passed over
    assert "README.md" in caplog.text and "make_sample.py" in caplog.text


def test_a_folder_of_parts_in_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    (folder / "2019").mkdir(parents=True)
    (folder / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl(articles(2))))
    (folder / "b.ndjson").write_bytes(jsonl([article(5)]))
    (folder / "c.csv.gz").write_bytes(gzip.compress(b"id,text\nc1,body one\n"))
    (folder / "2019" / "d.json").write_text(json.dumps([article(7)], ensure_ascii=False))
    pl.DataFrame([article(8)]).write_parquet(folder / "2019" / "e.parquet")
    (folder / "2019" / "f.txt").write_text("title\nbody")
    (folder / ".hidden.jsonl").write_text("not read\n")
    frame = read_corpus([folder])
    assert frame["id"].to_list() == ["doc-7", "doc-8", "f", "doc-0", "doc-1", "doc-5", "c1"]


def test_a_compressed_file_of_a_format_read_plain_only_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(jsonl([article(1)]))
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"t\nbody"))
    with pytest.raises(InputError, match=r"b\.txt\.gz"):
        read_corpus([tmp_path])


def test_an_unreadable_sub_folder_is_an_error_naming_it(monkeypatch, tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text("t\nb")
    (folder / "locked" / "b.txt").write_text("t\nb")
    os.chmod(folder / "locked", 0)
    real_scandir = os.scandir

    def scandir(path):  # root reads a folder without permission: refuse it as a user is
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(discover.os, "scandir", scandir)
    try:
        with pytest.raises(InputError, match=r"locked: cannot list this folder"):
            read_corpus([folder])
    finally:
        os.chmod(folder / "locked", 0o755)


def test_symbolic_link_loops_in_a_folder_read_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("t\nbody", encoding="utf-8")
    (folder / "sub" / "up").symlink_to("..")  # a link back to a folder being read
    (folder / "self").symlink_to(folder)
    frame = read_corpus([folder])
    assert frame["id"].to_list() == ["a"]


# --- damaged compressed files --------------------------------------------------------


@pytest.mark.parametrize("name", ["c.jsonl.zst", "c.jsonl.gz", "c.csv.zst", "c.csv.gz"])
def test_a_truncated_compressed_file_is_refused(tmp_path: Path, name: str) -> None:
    if name.startswith("c.csv"):
        data = b"id,text\n" + b"".join(f"r{i},text {i}\n".encode() for i in range(5000))
    else:
        data = jsonl([{"id": f"r{i}", "text": f"text {i} " * 5} for i in range(5000)])
    whole = gzip.compress(data) if name.endswith(".gz") else zstandard.compress(data)
    path = tmp_path / name
    path.write_bytes(whole[: len(whole) * 2 // 3])
    out = tmp_path / "out"
    result = run("clean", path, "--out", out, "--no-validate")
    assert result.exit_code == 2, result.output
    assert name in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_parquet_text_column_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    # Parquet does not check string bytes on read; polars failed on them later with a
    # traceback (or a panic), after the run had started
    path = tmp_path / "c.parquet"
    pl.DataFrame({"id": ["a", "b"], "text": ["good text", "bad text zzzz"]}).write_parquet(
        path, compression="uncompressed", statistics=False
    )
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"zzzz", b"\xf2zzz"))
    out = tmp_path / "out"
    result = run("clean", path, "--out", out, "--no-dedup")
    assert result.exit_code == 2, result.output
    assert "c.parquet: column 'text' holds bytes that are not UTF-8 text" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_character_split_across_two_parquet_values_is_refused(tmp_path: Path) -> None:
    """The bytes of «م» cut between two rows: together the column's bytes are valid
    UTF-8, each value on its own is not."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cut = pa.array([b"\xd9", b"\x85"], type=pa.binary())
    text = pa.StringArray.from_buffers(len(cut), cut.buffers()[1], cut.buffers()[2])
    path = tmp_path / "split.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": text}), path)
    out = tmp_path / "out"
    result = run("clean", path, "--out", out, "--no-dedup")
    assert result.exit_code == 2, result.output
    assert "split.parquet: column 'text' holds bytes that are not UTF-8 text" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_several_zstd_frames_are_one_file(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.zst"
    path.write_bytes(
        zstandard.compress(jsonl(articles(2))) + zstandard.compress(jsonl([article(9)]))
    )
    assert read_corpus([path])["id"].to_list() == ["doc-0", "doc-1", "doc-9"]


# --- records that used to lose something ---------------------------------------------


def test_lone_surrogate_escapes_become_a_replacement_character_and_a_finding(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(
        b'{"id": "a\\ud800", "text": "x\\ud800y \\ud83d\\ude00"}\n'
        b'{"id": "b", "text": "back\\\\ud800slash"}\n'
    )
    frame = read_corpus([path])
    assert frame["id"].to_list() == ["a\ufffd", "b"]
    assert frame["text"].to_list() == ["x\ufffdy \U0001f600", "back\\ud800slash"]
    assert "\x00" not in "".join(frame["text"].to_list() + frame["id"].to_list())
    table = schema.findings_table(frame)
    assert table.select("doc_id", "code", "action").rows() == [("a\ufffd", "IO103", "flag")]
    assert "U+FFFD" in table["excerpt"].item()


def test_a_struct_text_column_in_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    pl.DataFrame({"id": ["a"], "text": [{"body": "hidden", "lang": "ar"}]}).write_parquet(path)
    result = run("clean", path, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "nested.parquet" in result.output and "'text' (Struct" in result.output
    lists = tmp_path / "lists.parquet"
    pl.DataFrame({"id": ["a"], "text": [["one", "two"]]}).write_parquet(lists)
    with pytest.raises(InputError, match=r"'text' \(List\(String\)\) as text"):
        read_corpus([lists])


def test_a_record_with_no_usable_text_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(jsonl([{"id": "keep-me", "title": "t", "text": 5}, article(1)]))
    frame = read_corpus([path])
    assert frame.select("id", "title").row(0) == ("keep-me", "t")
    assert schema.findings_table(frame).select("doc_id", "code").rows() == [("keep-me", "IO003")]
    # the careful path (a malformed line elsewhere in the file) keeps it too
    with path.open("ab") as fh:
        fh.write(b"{not json\n")
    frame = read_corpus([path])
    assert frame["id"].to_list() == ["keep-me", "doc-1", "t:3"]


def test_lines_ended_by_carriage_returns_alone(tmp_path: Path) -> None:
    folder = tmp_path / "mac"
    folder.mkdir()
    (folder / "old.txt").write_bytes(b"The title\rFirst line\rSecond line\r")
    csv = tmp_path / "old.csv"
    csv.write_bytes(b"id,text\rc1,one\rc2,two\r")
    lines = tmp_path / "old.jsonl"
    lines.write_bytes(jsonl(articles(3)).replace(b"\n", b"\r"))
    frame = read_corpus([folder, csv, lines])
    assert frame.select("title", "text").row(0) == ("The title", "First line\rSecond line\r")
    assert frame["id"].to_list()[1:] == ["c1", "c2", "doc-0", "doc-1", "doc-2"]
    assert frame["origin_line"].to_list()[3:] == [1, 2, 3]
    assert schema.findings_table(frame).height == 0


# --- one hostile record must not sink the run ----------------------------------------


def test_deeply_nested_and_lone_low_surrogate_records_do_not_crash_clean(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hostile.jsonl"
    deep = '{"id": "deep", "text": "x", "more": ' + "[" * 10_000 + "]" * 10_000 + "}"
    lone = '{"id": "low", "title": "t", "text": "a\\udfffb text that is long enough"}'
    path.write_bytes(jsonl(articles(3)) + deep.encode() + b"\n" + lone.encode() + b"\n")
    out = tmp_path / "out"
    result = run("clean", path, "--out", out, "--no-dedup")
    assert result.exit_code == 0, result.output
    clean, rejected, findings, _ = read_outputs(out)
    assert clean.height + rejected.height == 5
    by_doc = dict(
        findings.filter(pl.col("code").str.starts_with("IO")).select("doc_id", "code").rows()
    )
    assert by_doc["hostile:4"] == "IO001"
    assert by_doc["low"] == "IO103"
    assert "hostile:4" in rejected["id"].to_list()
    assert "a\ufffdb" in pl.concat([clean, rejected], how="diagonal")["text"].str.join("").item()
    # check reports both records as findings (exit 1 is "findings", not a crash)
    checked = run("check", path)
    assert checked.exit_code == 1 and isinstance(checked.exception, SystemExit | None)
    assert "IO001" in checked.output and "IO103" in checked.output
    assert "Checked 5 documents" in checked.output
