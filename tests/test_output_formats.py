"""``clean --format``: the datasets as JSON Lines (plain, gzip, zstd) hold exactly the rows
of the Parquet datasets, and everything that reads an output folder back reads both."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import zstandard
from click.testing import CliRunner
from conftest import SEEDS

import corpuskit
from corpuskit.cli import main
from corpuskit.config import Config, OutputOptions, load_config
from corpuskit.errors import ConfigError, InputError
from corpuskit.io.datasets import FORMATS, scan_dataset, write_dataset_part
from corpuskit.pipeline import clean
from corpuskit.report.files import write_report_from_dir
from corpuskit.schema import DOCUMENT_OUTPUT_SCHEMA, OUTPUT_DATASETS

BATCH = 40  # documents per part: the sample makes 7 parts
JSONL_FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst")
NOTE = 'NUL\x00 ﷽ «اقتباس» 🙂 \u202eRTL\u202c\n"quoted"\\'


def _corpus(folder: Path) -> Path:
    """The bundled sample with extra columns JSON must carry: a list column (null in some
    documents), an integer column null in every document of the first part, and text with
    a NUL, Arabic, an emoji, bidi controls, a newline, quotes and a backslash."""
    records = []
    for n, line in enumerate((SEEDS / "ant_sample.jsonl").read_text("utf-8").splitlines()):
        record = json.loads(line)
        record["tags"] = [f"t{n}", "وسم"] if n % 3 else None
        record["views"] = n if n >= BATCH else None
        record["note"] = NOTE if n % 2 else None
        records.append(record)
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _clean(corpus: Path, out: Path, fmt: str) -> None:
    config = Config(workers=1, output=OutputOptions(format=fmt))
    clean([corpus], out, config=config, batch_rows=BATCH)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def parquet_run(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "out"
    _clean(corpus, out, "parquet")
    return out


def _lines(part: Path) -> list[str]:
    raw = part.read_bytes()
    if part.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif part.name.endswith(".zst"):
        raw = zstandard.ZstdDecompressor().stream_reader(raw).read()
    return raw.decode("utf-8").splitlines()


def _summary(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    summary.pop("run")
    return summary


@pytest.mark.parametrize("fmt", JSONL_FORMATS)
def test_jsonl_datasets_hold_the_rows_of_the_parquet_datasets(fmt, corpus, parquet_run, tmp_path):
    out = tmp_path / "out"
    _clean(corpus, out, fmt)
    magic = {"jsonl.gz": b"\x1f\x8b", "jsonl.zst": b"\x28\xb5\x2f\xfd"}
    for stem in OUTPUT_DATASETS:
        reference = sorted((parquet_run / f"{stem}.parquet").iterdir())
        parts = sorted((out / f"{stem}.jsonl").iterdir())
        assert [p.name for p in parts] == [
            p.name.replace(".parquet", f".{fmt}") for p in reference
        ], stem
        assert len(parts) == 7
        assert not (out / f"{stem}.parquet").exists()
        for part, ref in zip(parts, reference, strict=True):
            expected = pl.read_parquet(ref)
            if fmt in magic:
                assert part.read_bytes().startswith(magic[fmt])
            # json: one object per line, every value as in the Parquet part
            assert [json.loads(line) for line in _lines(part)] == expected.to_dicts(), part
            # polars reads the part (compressed too) into the same frame
            if expected.height:
                read = pl.read_ndjson(part, schema=expected.schema)
                assert read.equals(expected), part
    clean = pl.read_parquet(parquet_run / "clean.parquet")
    assert clean["note"].to_list().count(NOTE) > 50 and clean["tags"].null_count() > 0
    first = pl.read_parquet(parquet_run / "clean.parquet" / "part-00000.parquet")
    assert first["views"].null_count() == first.height and clean["views"].null_count() < 60
    assert _summary(out) == _summary(parquet_run)


def _rebuilt_report(out: Path) -> str:
    """The report rebuilt from the datasets alone (no summary.json), its time stamps out."""
    (out / "summary.json").unlink()
    write_report_from_dir(out)
    html = (out / "report.html").read_text("utf-8")
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "TIME", html)


def test_the_report_is_rebuilt_from_a_jsonl_output_folder(corpus, parquet_run, tmp_path):
    out = tmp_path / "run[2]"  # a folder name polars would read as a glob pattern
    _clean(corpus, out, "jsonl.zst")
    reference = tmp_path / "parquet"
    shutil.copytree(parquet_run, reference)
    assert _rebuilt_report(out) == _rebuilt_report(reference)
    for stem, known in OUTPUT_DATASETS.items():
        frame = scan_dataset(out / f"{stem}.jsonl", known).collect()
        expected = pl.read_parquet(parquet_run / f"{stem}.parquet")
        assert frame.equals(expected), stem
    (out / "clean.parquet").mkdir()
    with pytest.raises(InputError, match="holds clean in two formats"):
        write_report_from_dir(out)


def test_a_jsonl_part_without_documents_reads_with_the_known_columns(tmp_path):
    folder = tmp_path / "rejected.jsonl"
    for fmt in JSONL_FORMATS:
        empty = pl.DataFrame(schema=DOCUMENT_OUTPUT_SCHEMA)
        write_dataset_part(empty, folder / f"part-00000.{fmt}", FORMATS[fmt])
        frame = scan_dataset(folder, DOCUMENT_OUTPUT_SCHEMA).collect()
        assert frame.height == 0 and frame.schema == pl.Schema(DOCUMENT_OUTPUT_SCHEMA)
        shutil.rmtree(folder)


def test_a_column_null_in_one_part_and_a_list_in_the_next_reads_as_one_type(tmp_path):
    folder = tmp_path / "clean.jsonl"
    fmt = FORMATS["jsonl.gz"]
    first = pl.DataFrame({"id": ["a"], "tags": [None], "similarity": [None]})
    second = pl.DataFrame({"id": ["b"], "tags": [["x", "y"]], "similarity": [0.75]})
    write_dataset_part(first, folder / "part-00000.jsonl.gz", fmt)
    write_dataset_part(second, folder / "part-00001.jsonl.gz", fmt)
    frame = scan_dataset(folder, DOCUMENT_OUTPUT_SCHEMA).collect()
    assert frame.schema == pl.Schema(
        {"id": pl.String, "tags": pl.List(pl.String), "similarity": pl.Float64}
    )
    assert frame.to_dicts() == [
        {"id": "a", "tags": None, "similarity": None},
        {"id": "b", "tags": ["x", "y"], "similarity": 0.75},
    ]


def test_clean_format_flag_and_config_option(tmp_path):
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": f"d{n}", "title": f"عنوان {n}", "text": f"نص الخبر رقم {n} " * 20})
            + "\n"
            for n in range(3)
        ),
        "utf-8",
    )
    runner = CliRunner()
    flag = runner.invoke(main, ["clean", str(corpus), "--out", str(tmp_path / "a"), "--format",
                                "jsonl", "--workers", "1", "-q"])  # fmt: skip
    assert flag.exit_code == 0, flag.output
    assert (tmp_path / "a" / "clean.jsonl" / "part-00000.jsonl").is_file()
    config = tmp_path / "corpuskit.toml"
    config.write_text('[output]\nformat = "jsonl.gz"\n', "utf-8")
    assert load_config(config).output.format == "jsonl.gz"
    from_config = runner.invoke(main, ["clean", str(corpus), "--out", str(tmp_path / "b"),
                                       "--config", str(config), "--workers", "1", "-q"])  # fmt: skip
    assert from_config.exit_code == 0, from_config.output
    assert (tmp_path / "b" / "rejected.jsonl" / "part-00000.jsonl.gz").is_file()
    ids = [
        json.loads(line)["id"] for line in _lines(tmp_path / "b/clean.jsonl/part-00000.jsonl.gz")
    ]
    assert ids == ["d0", "d1", "d2"]
    bad = runner.invoke(main, ["clean", str(corpus), "--out", str(tmp_path / "c"), "--format",
                               "csv"])  # fmt: skip
    assert bad.exit_code == 2 and "'csv' is not one of" in bad.output
    config.write_text('[output]\nformat = "json"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"output.format = \"json\": expected one of \"parquet\""):
        load_config(config)


def test_the_python_api_takes_the_format_and_reads_either_back(corpus, parquet_run, tmp_path):
    out = tmp_path / "out"
    result = corpuskit.clean([corpus], out, format="jsonl.zst", workers=1)
    assert (out / "findings.jsonl" / "part-00000.jsonl.zst").is_file()
    kept = corpuskit.scan_output(out).collect()
    assert kept.height == result.summary["documents"]["kept"]
    assert kept.sort("id").equals(corpuskit.scan_output(parquet_run).collect().sort("id"))
    rejected = corpuskit.scan_output(out, "rejected").collect()
    assert rejected["reject_reason"].null_count() == 0 and rejected.height > 0
    with pytest.raises(ConfigError, match=r"output\.format"):
        corpuskit.clean([corpus], tmp_path / "other", format="xml")
    with pytest.raises(InputError, match="choose one of: clean, rejected, findings"):
        corpuskit.scan_output(out, "kept")
    with pytest.raises(InputError, match="holds no clean dataset"):
        corpuskit.scan_output(tmp_path)


def test_jsonl_refuses_a_column_of_raw_bytes_before_writing_anything(tmp_path):
    corpus = tmp_path / "with_bytes.parquet"
    pl.DataFrame(
        {
            "id": ["a", "b"],
            "text": ["نص الخبر الأول " * 10, "نص الخبر الثاني " * 10],
            "raw": [b"\x00\x01", None],
            "meta": [{"blob": b"x"}, None],
        }
    ).write_parquet(corpus)
    out = tmp_path / "out"
    refused = CliRunner().invoke(
        main, ["clean", str(corpus), "--out", str(out), "--format", "jsonl.gz", "--workers", "1"]
    )
    assert refused.exit_code == 2, refused.output
    assert "'raw', 'meta' hold raw bytes" in refused.output and "--format parquet" in refused.output
    assert "Traceback" not in refused.output
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())
    kept = CliRunner().invoke(main, ["clean", str(corpus), "--out", str(out), "--workers", "1"])
    assert kept.exit_code == 0, kept.output
    assert pl.read_parquet(out / "clean.parquet")["raw"].to_list() == [b"\x00\x01", None]
