"""check_paths: the whole check on files, from Python (read, validate, report)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from corpuskit.dedup.index import build_index
from corpuskit.io import read_corpus
from corpuskit.pipeline import check_paths
from corpuskit.validate import validate

BAD = Path(__file__).resolve().parents[1] / "seeds" / "incoming_bad.jsonl"


@pytest.fixture
def bad_sample() -> Path:
    if not BAD.is_file():
        pytest.skip(f"bundled sample {BAD} is absent")
    return BAD


def test_bad_sample_reports_each_problem_on_its_line(bad_sample):
    report = check_paths([bad_sample])
    found = report.findings
    assert report.documents.height == 6
    # the truncated record is line 2; it is an input error, named by the reader's code
    malformed = found.filter(pl.col("code") == "IO001").row(0, named=True)
    assert (malformed["line"], malformed["severity"], malformed["name"]) == (
        2,
        "error",
        "malformed-json-record",
    )
    # the empty body (line 3) is an error from the quality rules
    assert found.filter((pl.col("line") == 3) & (pl.col("severity") == "error")).height >= 1
    assert report.exit_code == 1


def test_ignoring_the_error_codes_lets_the_sample_pass_at_error(bad_sample):
    first = check_paths([bad_sample])
    error_codes = sorted(set(first.failing()["code"].to_list()))
    assert error_codes
    relaxed = check_paths([bad_sample], ignore=error_codes, fail_on="error")
    assert relaxed.exit_code == 0
    assert not set(relaxed.findings["code"].to_list()) & set(error_codes)


def test_batch_dedup_reports_copies_inside_the_incoming_batch(tmp_path):
    sample = BAD.parent / "ant_sample.jsonl"
    if not sample.is_file():
        pytest.skip(f"bundled sample {sample} is absent")
    lines = sample.read_text(encoding="utf-8").splitlines()[:3]
    original = json.loads(lines[0])
    copy = {**original, "id": "resent-copy", "url": None}
    path = tmp_path / "new.jsonl"
    path.write_text("\n".join([*lines, json.dumps(copy, ensure_ascii=False)]) + "\n", "utf-8")

    without = check_paths([path], fail_on="never")
    assert not without.findings.filter(pl.col("code").str.starts_with("DUP")).height

    report = check_paths([path], batch_dedup=True, fail_on="never")
    dups = report.findings.filter(pl.col("code").str.starts_with("DUP"))
    assert dups.height == 1
    row = dups.row(0, named=True)
    assert row["line"] == 4
    assert row["doc_id"] == "resent-copy"
    assert original["id"] in row["excerpt"]
    assert row["name"] != "duplicates-document-in-batch"  # described by the dedup codes


def test_select_chooses_what_is_shown_not_how_documents_are_matched(tmp_path):
    """The similarity to an indexed document must not depend on which codes are shown:
    the documents are cleaned with the configured rules either way."""
    sample = BAD.parent / "ant_sample.jsonl"
    if not sample.is_file():
        pytest.skip(f"bundled sample {sample} is absent")
    corpus = validate(read_corpus([sample]))
    build_index(corpus, tmp_path / "idx")
    lines = sample.read_text(encoding="utf-8").splitlines()
    copies = []
    for line in lines:
        record = json.loads(line)
        if len(record.get("text") or "") > 1500:
            record["id"], record["url"] = "incoming-" + record["id"], None
            record["text"] = "حصري:\n" + record["text"]
            copies.append(json.dumps(record, ensure_ascii=False))
        if len(copies) == 3:
            break
    path = tmp_path / "new.jsonl"
    path.write_text("\n".join(copies) + "\n", encoding="utf-8")

    everything = check_paths([path], against=tmp_path / "idx", fail_on="never")
    only_index = check_paths([path], against=tmp_path / "idx", fail_on="never", select=["IDX"])
    assert set(only_index.findings["code"]) == {"IDX001"}
    assert set(everything.findings["code"]) > {"IDX001"}

    def similarities(report):
        rows = report.findings.filter(pl.col("code") == "IDX001")
        return dict(zip(rows["doc_id"], rows["similarity"], strict=True))

    assert similarities(only_index) == similarities(everything)
    assert len(similarities(everything)) == 3
