"""The streaming reader: bounded batches, exact line numbers, stats, one schema, unique ids."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import polars as pl
import pytest
import zstandard

from corpuskit import schema
from corpuskit.errors import InputError, SchemaError
from corpuskit.io import CorpusReader, UniqueIds, align, read_corpus
from corpuskit.io import ids as ids_module
from corpuskit.io.stream import line_chunks

DATA = Path(__file__).resolve().parent / "data" / "io"


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def corpus(n: int, *, start: int = 0, size: int = 50) -> list[dict]:
    """``n`` records with distinct ids and texts of ``size`` characters or so."""
    return [
        {"id": f"d{i}", "title": f"t{i}", "text": f"نص {i} " + "x" * (size + i % 7)}
        for i in range(start, start + n)
    ]


def read_all(reader: CorpusReader) -> list[pl.DataFrame]:
    return list(reader.batches())


@pytest.mark.parametrize("name", ["c.jsonl", "c.jsonl.gz", "c.jsonl.zst", "c.csv", "c.parquet"])
def test_batches_are_bounded_and_add_up_to_read_corpus(tmp_path: Path, name: str) -> None:
    records = corpus(2500)
    path = tmp_path / name
    if name.endswith(".parquet"):
        pl.DataFrame(records).write_parquet(path, row_group_size=700)
    elif name.endswith(".csv"):
        pl.DataFrame(records).write_csv(path)
    else:
        data = jsonl(records)
        if name.endswith(".gz"):
            data = gzip.compress(data)
        elif name.endswith(".zst"):
            data = zstandard.ZstdCompressor().compress(data)
        path.write_bytes(data)
    reader = CorpusReader([path], batch_rows=300, batch_bytes=20_000)
    batches = read_all(reader)
    for batch in batches:
        assert batch.height <= 300
        assert batch["text"].str.len_bytes().sum() <= 20_000
        assert batch.columns[-1] == schema.FINDINGS
    # greedy: a batch ends only where the next document would not fit
    for batch, after in itertools.pairwise(batches):
        over = batch["text"].str.len_bytes().sum() + after["text"].str.len_bytes()[0]
        assert batch.height == 300 or over > 20_000
    whole = pl.concat(batches)
    assert whole.equals(read_corpus([path]))
    assert whole["id"].to_list() == [r["id"] for r in records]
    assert whole["origin_line"].to_list() == list(range(1, 2501))
    assert reader.stats.documents == 2500


@pytest.mark.parametrize("documents", [1, 299, 1000])
def test_at_end_is_set_while_the_last_batch_of_a_partial_size_is_yielded(
    tmp_path: Path, documents: int
) -> None:
    """The pipeline runs a small input in one process when its first batch is known to
    be the last; a batch yielded while more input may follow never says so."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    records = corpus(documents)
    first.write_bytes(jsonl(records[: documents // 2]))
    second.write_bytes(jsonl(records[documents // 2 :]))
    reader = CorpusReader([first, second], batch_rows=300)
    seen = [(batch.height, reader.at_end) for batch in reader.batches()]
    assert sum(height for height, _ in seen) == documents
    assert [at_end for _, at_end in seen] == [False] * (len(seen) - 1) + [True]


def test_batches_do_not_depend_on_how_the_file_is_chunked(tmp_path: Path) -> None:
    # JSON Lines chunks end wherever a 64 KiB read ends; batches must not move with them
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl(corpus(4000, size=120)))
    small = CorpusReader([path], batch_rows=1000, batch_bytes=70_000)
    large = CorpusReader([path], batch_rows=1000, batch_bytes=1 << 30)
    first = read_all(small)
    assert len(first) > 4
    assert [b.height for b in first] == [b.height for b in read_all(small)]
    assert pl.concat(first).equals(pl.concat(read_all(large)))


def test_a_giant_document_is_a_batch_of_its_own(tmp_path: Path) -> None:
    records = corpus(5)
    records[2]["text"] = "y" * 50_000
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl(records))
    heights = [b.height for b in CorpusReader([path], batch_bytes=10_000).batches()]
    assert heights == [2, 1, 2]


def test_line_numbers_stay_exact_across_chunks() -> None:
    lines = [b"x" * (i % 50) + b"\n" for i in range(3000)]
    blocks = [b"".join(lines)[i : i + 997] for i in range(0, sum(map(len, lines)), 997)]
    seen = []
    for first, chunk in line_chunks(blocks, 4096):
        assert chunk.endswith(b"\n")
        assert len(chunk) <= 4096
        seen.extend((first + k, line) for k, line in enumerate(chunk.split(b"\n")[:-1]))
    assert seen == [(i + 1, line[:-1]) for i, line in enumerate(lines)]


def test_malformed_lines_far_into_a_file_keep_their_line_numbers(tmp_path: Path) -> None:
    records = corpus(6000, size=30)
    raw = jsonl(records).split(b"\n")
    raw[4321] = b'{"id": "broken", "text": '
    path = tmp_path / "c.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(raw)))
    frame = pl.concat(CorpusReader([path], batch_rows=500).batches())
    bad = frame.filter(pl.col("findings").list.len() > 0)
    assert bad.select("id", "origin_line").rows() == [("c:4322", 4322)]
    assert schema.findings_table(bad)["code"].to_list() == ["IO001"]
    assert frame.height == 6000


def test_stats_per_format_and_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    (folder / "texts").mkdir(parents=True)
    (folder / "a.jsonl").write_bytes(jsonl(corpus(3)))
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(jsonl(corpus(2, start=10))))
    pl.DataFrame(corpus(4, start=20)).write_parquet(folder / "c.parquet")
    pl.DataFrame(corpus(1, start=30)).write_csv(folder / "d.csv")
    (folder / "texts" / "e.txt").write_text("title\nbody")
    (folder / "README.md").write_text("about this corpus")
    reader = CorpusReader([folder])
    assert [f.kind for f in reader.files] == ["jsonl", "jsonl", "parquet", "csv", "txt"]
    assert reader.stats.skipped == [folder / "README.md"]
    frame = pl.concat(reader.batches(), how="diagonal_relaxed")
    assert frame.height == 11
    assert reader.stats.per_format() == {
        "jsonl": (2, 5),
        "parquet": (1, 4),
        "csv": (1, 1),
        "txt": (1, 1),
    }
    assert [(f.path.name, f.documents) for f in reader.stats.per_file] == [
        ("a.jsonl", 3),
        ("b.jsonl.gz", 2),
        ("c.parquet", 4),
        ("d.csv", 1),
        ("e.txt", 1),
    ]
    assert reader.stats.describe() == (
        "read 5 files: 2 jsonl (5 documents), 1 parquet (4 documents), "
        "1 csv (1 document), 1 txt (1 document); skipped 1 that are not corpus files"
    )


def test_a_key_that_appears_late_is_in_the_final_schema_and_align_adds_it(
    tmp_path: Path,
) -> None:
    records = corpus(3000, size=20)
    records[2900]["lab"] = "late"
    records[2950]["score"] = 2.5
    records[10]["score"] = 1
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl(records))
    reader = CorpusReader([path], batch_rows=1000, batch_bytes=60_000)
    batches = read_all(reader)
    assert "lab" not in batches[0].columns and "lab" in batches[-1].columns
    final = reader.stats.columns
    assert list(final)[:9] == [*schema.CANONICAL_COLUMNS, *schema.ORIGIN_COLUMNS]
    assert list(final)[-1] == schema.FINDINGS
    assert final["score"] == pl.Float64 and final["lab"] == pl.String
    aligned = [align(b, final) for b in batches]
    assert all(a.schema == pl.Schema(final) for a in aligned)
    whole = pl.concat(aligned)
    assert whole["lab"].to_list()[2900] == "late"
    assert whole["score"].to_list()[10] == 1.0
    assert whole.equals(read_corpus([path]).select(list(final)))


def test_align_turns_objects_into_json_text_and_refuses_unknown_columns() -> None:
    frame = pl.DataFrame({"id": ["a"], "meta": [{"k": 1}]})
    assert align(frame, {"id": pl.String, "meta": pl.String})["meta"].item() == '{"k": 1}'
    with pytest.raises(SchemaError, match="meta"):
        align(frame, {"id": pl.String})


def test_files_are_found_before_anything_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(corpus(2)))
    with pytest.raises(InputError, match=r"missing\.jsonl: no such file"):
        CorpusReader([good, tmp_path / "missing.jsonl"])


def test_empty_input_is_refused_at_the_end_of_the_stream(tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n")
    reader = CorpusReader([empty])
    with pytest.raises(InputError, match="the input is empty"):
        read_all(reader)


def test_unique_ids_across_batches_names_the_id_and_both_places(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_bytes(jsonl(corpus(1500)))
    b = tmp_path / "b.jsonl"
    b.write_bytes(jsonl([*corpus(3, start=5000), corpus(1500)[1234]]))
    reader = CorpusReader([a, b], batch_rows=400)
    ids = UniqueIds()
    for frame in reader.batches():
        ids.add(frame)
    assert ids.count == 1504
    with pytest.raises(InputError, match=rf"'d1234' at {a}:1235 and {b}:4"):
        ids.finish(reader.batches)


def test_unique_ids_reads_nothing_again_when_no_hash_repeats(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl(corpus(100)))
    ids = UniqueIds()
    for frame in CorpusReader([path], batch_rows=30).batches():
        ids.add(frame)

    def never() -> list[pl.DataFrame]:
        raise AssertionError("read again although every hash is unique")

    ids.finish(never)


def test_a_hash_shared_by_different_ids_is_no_duplicate(monkeypatch, tmp_path: Path) -> None:
    # two different ids hash alike: only the ids themselves can tell them apart
    monkeypatch.setattr(ids_module, "id_hashes", _colliding_hash)
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl(corpus(50)))
    reader = CorpusReader([path], batch_rows=20)
    ids = UniqueIds()
    for frame in reader.batches():
        ids.add(frame)
    assert ids.repeated_hashes().size == 1
    ids.finish(reader.batches)  # 50 different ids: no error
    path.write_bytes(jsonl([*corpus(50), corpus(50)[7]]))
    ids = UniqueIds()
    for frame in reader.batches():
        ids.add(frame)
    with pytest.raises(InputError, match=r"'d7' at .*a.jsonl:8 and .*a.jsonl:51"):
        ids.finish(reader.batches)


def _colliding_hash(frame: pl.DataFrame):
    """Each id's own hash, except that "d3" and "d40" share one."""
    ids = frame["id"]
    same = pl.Series([7] * frame.height, dtype=pl.UInt64)
    return (
        pl.select(pl.when(ids.is_in(["d3", "d40"])).then(same).otherwise(ids.hash(1)))
        .to_series()
        .to_numpy()
    )


def test_a_csv_row_longer_than_a_read_block(tmp_path: Path) -> None:
    # pyarrow needs a row inside one block: the reader starts again with larger blocks
    # from the first row it has not returned yet
    path = tmp_path / "big.csv"
    path.write_text("id,text\na,small\nb," + "x" * 3_000_000 + '\nc,"quoted\nnewline"\n')
    batches = list(CorpusReader([path], batch_bytes=1 << 16).batches())
    assert [b["id"].to_list() for b in batches] == [["a"], ["b"], ["c"]]
    assert batches[1]["text"].str.len_chars().item() == 3_000_000
    assert batches[2]["origin_line"].item() == 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_files_are_streamed_as_text(tmp_path: Path, encoding: str) -> None:
    bom = "\ufeff"
    lines = tmp_path / "u.jsonl"
    lines.write_bytes((bom + jsonl(corpus(3)).decode()).encode(encoding))
    csv = tmp_path / "u.csv"
    csv.write_bytes((bom + "id,text\nx1,نص\n").encode(encoding))
    frame = read_corpus([lines, csv])
    assert frame["id"].to_list() == ["d0", "d1", "d2", "x1"]
    assert frame["text"].to_list()[-1] == "نص"
