"""The link pass names documents by row; where its decisions are written, rows become
ids, a slice at a time, whatever table the keys come from."""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq
import pytest
from _dedup_texts import (
    OTHER_SENTENCES,
    SENTENCES,
    article,
    paragraph_dropped,
    unrelated_articles,
    word_edits,
)
from polars.testing import assert_frame_equal

import corpuskit.dedup.naming as naming
from corpuskit.config import DedupOptions
from corpuskit.dedup.keytable import FrameKeys, PartKeys
from corpuskit.dedup.link import link
from corpuskit.dedup.naming import ROW_NAMES, RowIds, named_links, write_named_links
from corpuskit.dedup.sign import sign_batch


def _keys() -> pl.DataFrame:
    story, market = article(SENTENCES), article(OTHER_SENTENCES)
    texts = [
        *unrelated_articles(3, seed=1),
        story,
        word_edits(story, seed=1),
        paragraph_dropped(story),
        market,
        word_edits(market, seed=2),
        *unrelated_articles(3, seed=2),
    ]
    titles = [f"خبر {i}" for i in range(3)] + ["افتتاح مستشفى جديد في جدة"] * 3
    titles += ["تراجع الأسواق"] * 2 + ["افتتاح مستشفى جديد في جدة", "خبر 7", "خبر 8"]
    ids = [f"doc-{i:02d}-{'x' * i}" for i in range(len(texts))]
    return sign_batch(pl.DataFrame({"id": ids, "text": texts, "title": titles}), DedupOptions())


def _expected_ids(frame: pl.DataFrame, ids: list[str]) -> dict[str, list[str | None]]:
    return {
        id_column: [None if r is None else ids[r] for r in frame[column].to_list()]
        for column, id_column in ROW_NAMES.items()
        if column in frame.columns
    }


def test_decisions_and_flags_named_by_the_id_of_each_row():
    keys = _keys()
    links = link(FrameKeys(keys), DedupOptions())
    assert links.decisions.height >= 3, "the copies must cluster"
    assert links.decisions["dup_of_row"].null_count() > 0, "kept rows have no original"
    assert links.flags.height >= 1, "a shared headline must be flagged"
    decisions, flags = named_links(links, FrameKeys(keys))
    ids = keys["id"].to_list()
    for before, after in ((links.decisions, decisions), (links.flags, flags)):
        for id_column, expected in _expected_ids(before, ids).items():
            assert after[id_column].to_list() == expected
        assert after.columns == [ROW_NAMES.get(c, c) for c in before.columns]


def test_ids_read_from_parts_are_those_of_the_frame(tmp_path):
    keys = _keys()
    parts = []
    for i, lo in enumerate(range(0, keys.height, 4)):
        parts.append(tmp_path / f"part-{i}.parquet")
        keys.slice(lo, 4).write_parquet(parts[-1])
    on_disk = PartKeys(parts, tmp_path / "signatures.u32", num_perm=DedupOptions().num_perm)
    frame = pl.DataFrame(
        {"cluster_row": [9, None, 0, 9, 5], "other_row": [None, None, 1, 1, 9]},
        schema={"cluster_row": pl.Int64, "other_row": pl.Int64},
    )
    named = RowIds.of(on_disk, frame).name(frame)
    assert named.to_dict(as_series=False) == _expected_ids(frame, keys["id"].to_list())


@pytest.mark.parametrize("slice_rows", [1, 2, 1000])
def test_named_links_written_a_slice_at_a_time_read_back_whole(tmp_path, monkeypatch, slice_rows):
    monkeypatch.setattr(naming, "NAMED_SLICE_ROWS", slice_rows)
    keys = FrameKeys(_keys())
    links = link(keys, DedupOptions())
    decisions_file, flags_file = tmp_path / "decisions.parquet", tmp_path / "flags.parquet"
    write_named_links(links, keys, decisions_file, flags_file)
    decisions, flags = named_links(links, keys)
    assert_frame_equal(pl.read_parquet(decisions_file), decisions)
    assert_frame_equal(pl.read_parquet(flags_file), flags)
    groups = pq.ParquetFile(decisions_file).num_row_groups
    assert groups == -(-decisions.height // slice_rows)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decisions.parquet", "flags.parquet"]


def test_empty_links_written_with_their_id_columns(tmp_path):
    keys = FrameKeys(sign_batch(pl.DataFrame({"id": ["a"], "text": [article()]}), DedupOptions()))
    links = link(keys, DedupOptions())
    assert links.decisions.height == 0 and links.flags.height == 0
    write_named_links(links, keys, tmp_path / "d.parquet", tmp_path / "f.parquet")
    decisions, flags = (
        pl.read_parquet(tmp_path / "d.parquet"),
        pl.read_parquet(tmp_path / "f.parquet"),
    )
    assert decisions.height == 0 and decisions.schema["cluster_id"] == pl.String
    assert flags.height == 0 and flags.schema["other_id"] == pl.String
