"""The Arabic boilerplate gold labels are well-formed and still join to the corpora.

The format checks run everywhere. The join checks need the real corpora in the ``shared``
folder beside the repository and skip with a reason where it is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from _benchmark_modules import load_benchmark_module

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
LABELS_DIR = REPO / "tests" / "data" / "boilerplate_labels"
ALLOWED_KEYS = {"id", "line", "sha1", "label", "bp_start", "bp_end", "note", "split"}


labels_helper = load_benchmark_module("_labels")
scoring = load_benchmark_module("_scoring")
CORPORA = {corpus.name: corpus for corpus in labels_helper.CORPORA}


def _rows(name: str) -> list[dict]:
    path = CORPORA[name].labels
    return [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_label_rows_are_well_formed(name):
    rows = _rows(name)
    assert rows, f"{name}: no labels"
    seen: set[tuple[str, int]] = set()
    for row in rows:
        assert set(row) <= ALLOWED_KEYS, f"unexpected keys {set(row) - ALLOWED_KEYS} in {row}"
        assert isinstance(row["id"], str) and row["id"]
        assert isinstance(row["line"], int) and row["line"] >= 1
        assert isinstance(row["sha1"], str) and len(row["sha1"]) == 12
        int(row["sha1"], 16)
        assert row["label"] in labels_helper.LABELS
        key = (row["id"], row["line"])
        assert key not in seen, f"line labelled twice: {key}"
        seen.add(key)
        if row["label"] == "mixed":
            assert 0 <= row["bp_start"] < row["bp_end"], row
        else:
            assert "bp_start" not in row and "bp_end" not in row, row
        # notes explain a judgement call; they must not carry article text
        assert len(row.get("note", "")) <= 160, row
        assert row["split"] in labels_helper.SPLITS, row


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_article_has_one_split_and_it_is_the_split_function(name):
    """The split recorded in the file is the one ``split_of`` gives, for every line."""
    splits: dict[str, set[str]] = {}
    for row in _rows(name):
        splits.setdefault(row["id"], set()).add(row["split"])
    assert all(len(found) == 1 for found in splits.values()), "an article split across dev/test"
    counts = Counter(found.pop() for found in splits.values())
    assert counts["test"] >= 20 and counts["dev"] >= counts["test"]
    for doc_id, row_split in ((row["id"], row["split"]) for row in _rows(name)):
        if row_split == "test":
            assert labels_helper.split_of(doc_id, legacy=False) == "test", doc_id


def test_the_split_is_a_fixed_hash_of_the_id():
    split_of = labels_helper.split_of
    ids = [f"doc-{n}" for n in range(2000)]
    first = [split_of(doc_id, legacy=False) for doc_id in ids]
    assert first == [split_of(doc_id, legacy=False) for doc_id in reversed(ids)][::-1]
    share = first.count("test") / len(first)
    assert 0.45 < share < 0.55, share
    assert {split_of(doc_id, legacy=True) for doc_id in ids} == {"dev"}
    # frozen: these ids must never change sides (a changed salt or hash would move them)
    assert split_of("snn-2015-08-11-01568", legacy=False) == "test"
    assert split_of("snn-2015-08-10-01529", legacy=False) == "dev"
    assert split_of("CN-economy-373-20181008", legacy=False) == "test"
    assert split_of("CN-middleEast-621-20180414", legacy=False) == "dev"


def test_sample_size_meets_the_issue():
    articles = {row["id"] for name in CORPORA for row in _rows(name)}
    assert len(articles) >= 350
    counts = Counter(row["label"] for name in CORPORA for row in _rows(name))
    assert counts["boilerplate"] >= 150 and counts["mixed"] >= 60 and counts["body"] >= 2000
    test = Counter(
        row["label"] for name in CORPORA for row in _rows(name) if row["split"] == "test"
    )
    assert test["boilerplate"] >= 30 and test["body"] >= 400


def test_guide_documents_the_format():
    guide = (LABELS_DIR / "GUIDE.md").read_text(encoding="utf-8")
    for term in ("body", "boilerplate", "mixed", "bp_start", "sha1", "split"):
        assert term in guide


needs_shared = pytest.mark.skipif(
    not (SHARED / "corpora").is_dir(),
    reason="the shared corpora folder (../shared/corpora beside the repo) is absent",
)


@pytest.fixture(scope="module")
def corpora_frames() -> dict[str, pl.DataFrame]:
    frames = {}
    for name, corpus in CORPORA.items():
        columns = ["id", "text", corpus.source_column]
        frames[name] = pl.read_parquet(corpus.parquet, columns=columns)
    return frames


@needs_shared
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_labels_join_to_the_corpus_and_cover_every_line(name, corpora_frames):
    frame = corpora_frames[name]
    labelled = pl.DataFrame(_rows(name)).select("id").unique()
    texts = dict(frame.join(labelled, on="id", how="semi").select("id", "text").iter_rows())
    by_article: dict[str, dict[int, dict]] = {}
    for row in _rows(name):
        by_article.setdefault(row["id"], {})[row["line"]] = row
    assert set(by_article) <= set(texts), "labelled ids missing from the corpus"
    for doc_id, rows in by_article.items():
        lines = labels_helper.split_lines(texts[doc_id])
        non_blank = {n for n, line in enumerate(lines, 1) if line.strip()}
        assert set(rows) == non_blank, f"{doc_id}: labelled lines differ from non-blank lines"
        for n, row in rows.items():
            line = lines[n - 1]
            assert labels_helper.line_sha1(line) == row["sha1"], f"{doc_id}:{n} changed"
            if row["label"] == "mixed":
                assert row["bp_end"] <= len(line)
                assert line[row["bp_start"] : row["bp_end"]].strip(), f"{doc_id}:{n} empty span"
                outside = line[: row["bp_start"]] + line[row["bp_end"] :]
                assert outside.strip(), f"{doc_id}:{n} mixed line has no body part"


@needs_shared
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_source_is_covered_and_the_sample_is_reproducible(name, corpora_frames):
    corpus = CORPORA[name]
    frame = corpora_frames[name]
    labelled = {row["id"] for row in _rows(name)}
    legacy = labels_helper.sample_ids(corpus, frame)
    fresh = labels_helper.fresh_sample_ids(corpus, frame)
    fresh2 = labels_helper.fresh2_sample_ids(corpus, frame)
    assert not set(legacy) & set(fresh)
    assert not (set(legacy) | set(fresh)) & set(fresh2)
    assert set(legacy) | set(fresh) | set(fresh2) == labelled
    dev_legacy = {row["id"] for row in _rows(name) if row["id"] in set(legacy)}
    assert {row["split"] for row in _rows(name) if row["id"] in dev_legacy} == {"dev"}
    for doc_id in fresh + fresh2:
        expected = labels_helper.split_of(doc_id, legacy=False)
        assert {row["split"] for row in _rows(name) if row["id"] == doc_id} == {expected}
    per_source = Counter(
        frame.filter(pl.col("id").is_in(sorted(labelled)))[corpus.source_column].to_list()
    )
    sources = frame[corpus.source_column].drop_nulls().unique().to_list()
    for source in sources:
        assert per_source[source] >= 15, f"{name}: only {per_source[source]} from {source}"


def test_line_scoring_judges_non_whitespace_characters_only():
    text = "\nسبق- جدة: أقامت الهيئة حفلا.\nاقرأ أيضاً:\nجملة أخرى من المتن. "
    lines = text.split("\n")
    dateline = "سبق- جدة:"
    labels = [
        {"line": 2, "label": "mixed", "bp_start": 0, "bp_end": len(dateline)},
        {"line": 3, "label": "boilerplate"},
        {"line": 4, "label": "body"},
    ]
    line3 = text.index(lines[2])
    line4 = text.index(lines[3])
    spans = [
        (1, 1 + len(dateline) + 1, "BP1"),  # the dateline and the space after it
        (line3, line3 + len(lines[2]) + 1, "BP2"),  # header line with its newline
        (line4 + len(lines[3]) - 1, line4 + len(lines[3]), "Q9"),  # only the trailing space
    ]
    outcomes = scoring.score_document(
        corpus="c", source="s", doc_id="d", text=text, labels=labels, spans=spans
    )
    mixed, header, body = outcomes
    assert mixed.mixed_correct and not mixed.removed
    assert header.removed and header.codes == ["BP2"]
    assert not body.removed and not body.partly
    tally = scoring.Tally()
    for outcome in outcomes:
        tally.add(outcome)
    assert (tally.precision, tally.recall, tally.false_removal_rate) == (1.0, 1.0, 0.0)

    too_much = [(1, len(text), "BAD")]
    outcomes = scoring.score_document(
        corpus="c", source="s", doc_id="d", text=text, labels=labels, spans=too_much
    )
    mixed, header, body = outcomes
    assert not mixed.mixed_correct and not mixed.mixed_body_intact
    assert body.removed and body.codes == ["BAD"]


@needs_shared
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_an_oracle_that_strips_exactly_the_labels_scores_perfectly(name, corpora_frames):
    frame = corpora_frames[name]
    rows = _rows(name)
    wanted = sorted({row["id"] for row in rows})
    texts = dict(frame.filter(pl.col("id").is_in(wanted)).select("id", "text").iter_rows())
    by_doc: dict[str, list[dict]] = {}
    for row in rows:
        by_doc.setdefault(row["id"], []).append(row)
    perfect, nothing = scoring.Tally(), scoring.Tally()
    for doc_id, labels in by_doc.items():
        text = texts[doc_id]
        starts = [0]
        for line in text.split("\n"):
            starts.append(starts[-1] + len(line) + 1)
        spans = []
        for row in labels:
            start = starts[row["line"] - 1]
            if row["label"] == "boilerplate":
                spans.append((start, starts[row["line"]] - 1, "ORACLE"))
            elif row["label"] == "mixed":
                spans.append((start + row["bp_start"], start + row["bp_end"], "ORACLE"))
        for spans_used, tally in ((spans, perfect), ([], nothing)):
            for outcome in scoring.score_document(
                corpus=name, source="s", doc_id=doc_id, text=text, labels=labels, spans=spans_used
            ):
                tally.add(outcome)
    assert (perfect.precision, perfect.recall, perfect.false_removal_rate) == (1.0, 1.0, 0.0)
    assert perfect.mixed_correct == perfect.mixed > 0
    assert nothing.removed == 0 and nothing.recall == 0.0 and nothing.mixed_correct == 0


def test_extraction_score_rewards_the_gold_and_punishes_leftovers():
    english = load_benchmark_module("_english")
    gold = "The minister said the plan would start in May. Critics disagreed."
    page = "Home | News | Sign in\n" + gold + "\nRelated: Ten tips for May"
    exact = english.prf([(gold, gold)], 1)
    assert exact == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    noisy = english.prf([(gold, page)], 1)
    assert noisy["recall"] == 1.0 and noisy["precision"] < 0.8
    truncated = english.prf([(gold, "The minister said the plan would")], 4)
    assert truncated["precision"] == 1.0 and truncated["recall"] < 0.5
    assert english.prf([(gold, "")], 1)["recall"] == 0.0
