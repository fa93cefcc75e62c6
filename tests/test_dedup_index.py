"""The persistent duplicate index: build, add, query, and clear errors for a broken index."""

from __future__ import annotations

import json

import polars as pl
import pytest
from _dedup_texts import (
    OTHER_SENTENCES,
    SENTENCES,
    article,
    orthographic_variant,
    paragraph_dropped,
)

from corpuskit.config import DedupOptions
from corpuskit.dedup.index import MANIFEST, IndexWriter, add_to_index, build_index, open_index
from corpuskit.errors import DedupIndexError

HEALTH = article(SENTENCES)
MARKETS = article(OTHER_SENTENCES)
UNRELATED = article(
    [
        "افتتح معرض الكتاب الدولي أبوابه أمام الزوار بمشاركة أكثر من خمسمائة دار نشر",
        "ويتضمن البرنامج الثقافي للمعرض ندوات وأمسيات شعرية وورش عمل للأطفال والشباب",
        "وقال مدير المعرض إن الدورة الحالية تحتفي بالأدب العربي الحديث وروادها",
        "ويستمر المعرض عشرة أيام يوميا من العاشرة صباحا حتى العاشرة مساء",
    ]
)


def corpus(texts: list[str], prefix: str, **columns) -> pl.DataFrame:
    data = {"id": [f"{prefix}{i}" for i in range(len(texts))], "text": texts}
    data.update(columns)
    return pl.DataFrame(data)


@pytest.fixture
def index_path(tmp_path):
    path = tmp_path / "idx"
    build_index(corpus([HEALTH], "old", url=["http://example.com/a.html"]), path)
    return path


def test_query_names_the_copied_id_and_similarity(index_path):
    incoming = corpus([orthographic_variant(HEALTH), paragraph_dropped(HEALTH), UNRELATED], "new")
    result = open_index(index_path).query(incoming)
    rows = {r["id"]: r for r in result.iter_rows(named=True)}
    assert set(rows) == {"new0", "new1"}
    assert rows["new0"] == {
        "id": "new0",
        "match_id": "old0",
        "similarity": 1.0,
        "match_kind": "exact",
    }
    assert rows["new1"]["match_id"] == "old0"
    assert rows["new1"]["match_kind"] == "near"
    assert 0.5 <= rows["new1"]["similarity"] < 1.0


def test_query_matches_a_canonical_url(index_path):
    incoming = corpus([UNRELATED], "new", url=["https://www.example.com/a.html?utm_source=x"])
    result = open_index(index_path).query(incoming)
    assert result.drop("similarity").rows() == [("new0", "old0", "url")]
    assert result["similarity"][0] < 0.2  # the real body similarity of two other articles


def test_add_makes_new_documents_findable_and_keeps_old_ones(index_path):
    add_to_index(corpus([MARKETS], "more"), index_path)
    index = open_index(index_path)
    assert index.documents == 2 and len(index.parts) == 2
    result = index.query(corpus([paragraph_dropped(MARKETS) + " .", HEALTH], "new"))
    assert dict(zip(result["id"], result["match_id"], strict=True)) == {
        "new0": "more0",
        "new1": "old0",
    }


def test_query_does_not_need_corpus_text(index_path):
    """No text is stored: the index files hold keys, titles and signatures only."""
    for file in index_path.glob("*.parquet"):
        frame = pl.read_parquet(file)
        assert "text" not in frame.columns
        for column in frame.select(pl.col(pl.String)).columns:
            assert not frame[column].drop_nulls().str.contains("وزارة الصحة").any()


def test_index_uses_its_own_parameters(tmp_path):
    path = tmp_path / "idx"
    build_index(corpus([HEALTH], "old"), path, options=DedupOptions(shingle_size=2, num_perm=64))
    index = open_index(path)
    assert (index.parameters.shingle_size, index.parameters.num_perm) == (2, 64)
    assert index.query(corpus([paragraph_dropped(HEALTH)], "new"))["match_id"].to_list() == ["old0"]


def test_building_over_an_existing_folder_is_refused(index_path):
    with pytest.raises(DedupIndexError, match="already exists"):
        build_index(corpus([HEALTH], "x"), index_path)


@pytest.mark.parametrize("left", [[], [".lock"], [".lock.aside"]])
def test_a_build_killed_before_it_wrote_anything_is_taken_over(tmp_path, left):
    index = tmp_path / "idx"
    index.mkdir()  # what a build killed between creating the folder and its first part left
    for name in left:
        (index / name).write_bytes(b"")
    summary = build_index(corpus([HEALTH], "x"), index)
    assert summary.documents == 1
    assert open_index(index).parts


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(DedupIndexError, match="does not exist"):
        open_index(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DedupIndexError, match=r"manifest\.json is missing"):
        open_index(tmp_path / "empty")


def test_version_mismatch_is_a_clear_error(index_path):
    manifest = json.loads((index_path / MANIFEST).read_text())
    manifest["version"] = 999
    (index_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(DedupIndexError, match="version 999") as info:
        open_index(index_path)
    assert "rebuild" in str(info.value)


@pytest.mark.parametrize(
    "damage", ["manifest-json", "manifest-keys", "truncated-part", "lost-part"]
)
def test_corrupted_index_is_a_clear_error(index_path, damage):
    manifest_file = index_path / MANIFEST
    part = next(index_path.glob("*.bands.parquet"))
    if damage == "manifest-json":
        manifest_file.write_text("{not json")
    elif damage == "manifest-keys":
        manifest = json.loads(manifest_file.read_text())
        del manifest["parameters"]
        manifest_file.write_text(json.dumps(manifest))
    elif damage == "truncated-part":
        part.write_bytes(part.read_bytes()[:100])
    else:
        part.unlink()
    with pytest.raises(DedupIndexError, match="corrupted"):
        open_index(index_path).query(corpus([HEALTH], "new"))


def test_garbage_in_a_part_of_the_right_size_is_caught_at_query(index_path):
    part = next(index_path.glob("*.docs.parquet"))
    part.write_bytes(b"x" * part.stat().st_size)
    with pytest.raises(DedupIndexError, match="corrupted"):
        open_index(index_path).query(corpus([HEALTH], "new"))


def test_failed_build_leaves_nothing_behind(tmp_path):
    path = tmp_path / "idx"
    with pytest.raises(Exception):  # noqa: B017 - any failure inside the build
        build_index(pl.DataFrame({"id": ["a"]}), path)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


# -- the streaming writer ---------------------------------------------------------------


def test_writer_takes_batches_and_commits_once(tmp_path):
    path = tmp_path / "idx"
    batches = [corpus([HEALTH], "a"), corpus([MARKETS], "b"), corpus([UNRELATED], "c")]
    with IndexWriter(path, DedupOptions(), mode="build", part_documents=2) as writer:
        for batch in batches:
            assert writer.add(batch) == 1
        assert not (path / MANIFEST).exists()  # nothing is an index before the commit
    assert writer.summary.added == 3 and writer.summary.parts == 2  # 2 queued, then 1 more
    index = open_index(path)
    assert [(p.row_offset, p.documents) for p in index.parts] == [(0, 2), (2, 1)]
    found = index.query(corpus([paragraph_dropped(MARKETS), UNRELATED], "new"))
    assert dict(zip(found["id"], found["match_id"], strict=True)) == {"new0": "b0", "new1": "c0"}


def test_small_batches_share_a_part_by_default(tmp_path):
    with IndexWriter(tmp_path / "idx", mode="build") as writer:
        for i, text in enumerate([HEALTH, MARKETS, UNRELATED]):
            writer.add(corpus([text], f"batch{i}-"))
    assert writer.summary.parts == 1 and open_index(tmp_path / "idx").documents == 3


def test_an_aborted_writer_leaves_the_index_as_it_was(index_path):
    before = sorted(p.name for p in index_path.iterdir())
    with pytest.raises(RuntimeError), IndexWriter(index_path, mode="add") as writer:
        writer.add(corpus([MARKETS], "more"))
        raise RuntimeError("the engine failed mid-way")
    assert sorted(p.name for p in index_path.iterdir()) == before
    assert open_index(index_path).documents == 1


def test_an_empty_build_is_a_valid_empty_index(tmp_path):
    build_index(corpus([], "x"), tmp_path / "idx")
    index = open_index(tmp_path / "idx")
    assert index.documents == 0
    assert index.query(corpus([HEALTH], "new")).height == 0


# -- ids that are already indexed -------------------------------------------------------


def test_adding_indexed_ids_again_is_refused_naming_how_many(index_path):
    again = corpus([HEALTH, MARKETS], "old")  # old0 is indexed, old1 is not
    with pytest.raises(DedupIndexError, match=r"1 of the 2 documents to add are already") as info:
        add_to_index(again, index_path)
    assert "'old0'" in str(info.value) and "--skip-indexed" in info.value.hint
    assert open_index(index_path).documents == 1  # nothing was added


def test_skip_indexed_adds_only_the_new_documents(index_path):
    summary = add_to_index(corpus([HEALTH, MARKETS], "old"), index_path, skip_indexed=True)
    assert (summary.added, summary.skipped, summary.documents) == (1, 1, 2)
    summary = add_to_index(corpus([HEALTH, MARKETS], "old"), index_path, skip_indexed=True)
    assert (summary.added, summary.skipped, summary.parts) == (0, 2, 0)
    assert open_index(index_path).documents == 2


def test_ids_repeated_across_batches_of_one_writer_are_caught(tmp_path):
    writer = IndexWriter(tmp_path / "idx", mode="build")
    with pytest.raises(DedupIndexError, match="already in index"), writer:
        writer.add(corpus([HEALTH], "x"))
        writer.add(corpus([MARKETS], "x"))
    assert not (tmp_path / "idx").exists()


def test_ids_repeated_within_a_batch_are_refused(tmp_path):
    frame = pl.DataFrame({"id": ["a", "a"], "text": [HEALTH, MARKETS]})
    with pytest.raises(DedupIndexError, match="ids repeated"):
        build_index(frame, tmp_path / "idx")


# -- what a query reports ---------------------------------------------------------------


def test_a_document_is_never_a_copy_of_itself(index_path):
    """Re-checking an indexed document reports nothing for it."""
    assert open_index(index_path).query(corpus([HEALTH], "old")).height == 0


def test_an_indexed_id_with_another_body_is_reported_as_such(index_path):
    result = open_index(index_path).query(corpus([paragraph_dropped(HEALTH), MARKETS], "old"))
    rows = {r["id"]: r for r in result.iter_rows(named=True)}
    assert rows["old0"]["match_kind"] == "id" and rows["old0"]["match_id"] == "old0"
    assert 0.5 < rows["old0"]["similarity"] < 1.0  # the body changed a little
    assert "old1" not in rows  # a new id with an unrelated body matches nothing


def test_a_copy_under_another_id_still_wins_over_the_own_id(index_path):
    add_to_index(corpus([MARKETS], "more"), index_path)
    result = open_index(index_path).query(corpus([MARKETS], "old"))  # old0's id, more0's body
    assert result.rows() == [("old0", "more0", 1.0, "exact")]
