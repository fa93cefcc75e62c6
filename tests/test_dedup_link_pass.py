"""The link pass gives the same links however its work is cut up to bound memory."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest
from _dedup_texts import (
    OTHER_SENTENCES,
    SENTENCES,
    article,
    cable_series,
    paragraph_dropped,
    unrelated_articles,
    word_edits,
)
from polars.testing import assert_frame_equal

import corpuskit.dedup.candidates as candidates
import corpuskit.dedup.headline as headline
import corpuskit.dedup.keytable as keytable
import corpuskit.dedup.link as link_module
import corpuskit.dedup.lsh as lsh
import corpuskit.dedup.verify as verify
from corpuskit.config import DedupOptions
from corpuskit.dedup.candidates import HEADLINE
from corpuskit.dedup.keytable import FrameKeys, PartKeys
from corpuskit.dedup.sign import SIGNATURE, TITLE, TITLE_WORDS, WORD_SIGNATURE, sign_batch


def _corpus() -> pl.DataFrame:
    """Copies, rewrites, a roundup holding two stories, a templated series and
    unrelated articles, many sharing headlines (copies keep theirs)."""
    story, market = article(SENTENCES), article(OTHER_SENTENCES)
    texts = [
        story,
        word_edits(story, seed=1),
        paragraph_dropped(story),
        market,
        word_edits(market, seed=2),
        story + "\n" + market,  # a roundup: both stories on one page
        *cable_series(6),
        *unrelated_articles(8, seed=3),
    ]
    titles = (
        ["افتتاح مستشفى جديد في جدة"] * 3
        + ["تراجع الأسواق الخليجية"] * 2
        + ["أخبار اليوم"]
        + [f"برقية تهنئة {i + 1}" for i in range(6)]  # a series: headlines apart
        + [f"خبر رقم {i}" if i % 2 else "أخبار اليوم" for i in range(8)]
    )
    ids = [f"d{i:02d}" for i in range(len(texts))]
    return pl.DataFrame({"id": ids, "text": texts, "title": titles})


def test_judging_candidates_in_chunks_gives_the_same_links(monkeypatch):
    keys = FrameKeys(sign_batch(_corpus(), DedupOptions()))
    whole = link_module.link(keys, DedupOptions())
    assert whole.decisions.height > 0 and whole.flags.height > 0, "the corpus must link"
    monkeypatch.setattr(link_module, "JUDGE_CHUNK", 2)
    chunked = link_module.link(keys, DedupOptions())
    assert chunked.decisions.equals(whole.decisions)
    assert chunked.flags.equals(whole.flags)


def test_links_from_keys_on_disk_set_the_headline_matches_aside_and_clean_up(tmp_path, monkeypatch):
    """Keys in parts have a scratch folder: the headline matches wait there while the
    clusters are made, and the links are those of the keys held in one frame."""
    keys = sign_batch(_corpus(), DedupOptions())
    whole = link_module.link(FrameKeys(keys), DedupOptions())
    on_disk = _part_keys(keys, tmp_path)
    before = set(on_disk.scratch.iterdir())
    written = []
    real_take = link_module._SetAside.take

    def take(self, *args, **kwargs):
        written.extend(p for p in on_disk.scratch.iterdir() if p.name.startswith("set-aside-"))
        return real_take(self, *args, **kwargs)

    monkeypatch.setattr(link_module._SetAside, "take", take)
    parted = link_module.link(on_disk, DedupOptions())
    assert written, "the headline matches were not set aside"
    assert_frame_equal(parted.decisions, whole.decisions)
    assert_frame_equal(parted.flags, whole.flags)
    left = {p for p in on_disk.scratch.iterdir() if p.name.startswith("set-aside-")}
    assert not left and before <= set(on_disk.scratch.iterdir())


def test_set_aside_frames_are_given_back_as_one_once(tmp_path):
    frames = [
        pl.DataFrame({"a": [3, 1], "b": [4, 2], "title": [0.5, 0.75]}),
        pl.DataFrame({"a": [9], "b": [8], "title": [1.0]}),
    ]
    for folder in (tmp_path, None):  # written as they come, or held where no folder
        aside = link_module._SetAside(folder)
        for frame in frames:
            aside.add(frame)
        assert bool(list(tmp_path.iterdir())) == (folder is not None)
        assert_frame_equal(aside.take(), pl.concat(frames))
        assert not list(tmp_path.iterdir()), "the file goes once taken"
        with pytest.raises(AssertionError):
            aside.take()
    nothing = link_module._SetAside(tmp_path)
    nothing.add(frames[0].clear())
    assert_frame_equal(nothing.take(), frames[0].clear())  # none: the schema
    failed = link_module._SetAside(tmp_path)
    failed.add(frames[0])
    failed.discard()  # a link pass that fails before the flags
    assert not list(tmp_path.iterdir())


def test_set_aside_frames_taken_in_part_give_the_rest_of_any_rows_later(tmp_path):
    """Some columns taken first (the pairs of the headline matches), the others read
    later for a few rows only, in the order asked, a row group at a time."""
    rng = np.random.default_rng(4)
    frames = [
        pl.DataFrame(
            {
                "a": rng.integers(0, 99, size),
                "b": rng.integers(0, 99, size),
                "title": rng.random(size),
                "words": rng.random(size).astype(np.float32),
            }
        )
        for size in (5, 0, 1, 17, 9)
    ]
    whole = pl.concat(frames)
    for folder in (tmp_path, None):
        aside = link_module._SetAside(folder)
        for frame in frames:
            aside.add(frame)
        assert_frame_equal(aside.take(["a", "b"]), whole.select("a", "b"))
        for positions in ([30, 0, 5, 6, 6, 29], [], list(range(31))[::-1]):
            at = np.array(positions, dtype=np.int64)
            assert_frame_equal(
                aside.gather(at, ["title", "words"]), whole.select("title", "words")[at]
            )
        aside.discard()
        assert not list(tmp_path.iterdir())


def test_roundups_found_in_runs_of_longer_documents_are_those_found_at_once(monkeypatch):
    """The parts of each longer document are paired and judged a run of longer
    documents at a time; runs of one pair find the same roundups as one run of all:
    the documents holding two unrelated parts, not the one whose parts are copies."""
    story = article(SENTENCES)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    others = [  # no word in common: each drawn from its own random words
        " ".join("".join(random.Random(i * 1000 + j).choices(letters, k=7)) for j in range(90))
        for i in range(8)
    ]
    texts = [story, word_edits(story, seed=4), *others, *(["page"] * 5)]
    frame = pl.DataFrame({"id": [f"r{i:02d}" for i in range(len(texts))], "text": texts})
    keys = FrameKeys(sign_batch(frame, DedupOptions()))
    page = [10 + i for i in range(5)]
    contained = pl.DataFrame(
        {
            "a": [2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3],
            "b": [page[0]] * 2 + [page[1]] * 2 + [page[2]] * 4 + [page[3]] * 2 + [page[4]] * 2,
        }
    )
    m = link_module.matcher(keys, DedupOptions(), np.arange(keys.height))
    at_once = set(link_module._roundups(m, contained).to_list())
    monkeypatch.setattr(link_module, "JUDGE_CHUNK", 1)
    in_runs = set(link_module._roundups(m, contained).to_list())
    assert at_once == {page[0], page[1], page[2], page[4]}
    assert in_runs == at_once


def test_headline_flags_come_in_row_order_with_their_similarities():
    """The write pass reads the flags of one part at a time: in row order, a part's flags
    are in few row groups. Each flag keeps the similarities its finding words."""
    flags = link_module.link(FrameKeys(sign_batch(_corpus(), DedupOptions())), DedupOptions()).flags
    assert flags.height >= 2 and flags["row"].is_sorted()
    for name in ("title", "words", "shingles"):
        assert flags[name].is_between(0.0, 1.0).all()


def test_judged_candidates_keep_every_pair_the_link_pass_reads(monkeypatch):
    keys = FrameKeys(sign_batch(_corpus(), DedupOptions()))
    _, every = link_module.judged_candidates(keys, DedupOptions(), every_pair=True)
    monkeypatch.setattr(link_module, "JUDGE_CHUNK", 3)
    _, kept = link_module.judged_candidates(keys, DedupOptions())
    wanted = every.filter(  # what the pass reads: copies, updates, pages, headline matches
        (pl.col("relation") != verify.NONE)
        | pl.col("page")
        | (pl.col("source").and_(HEADLINE) != 0)
    )
    assert kept.height > 0
    assert kept.join(every, on=["a", "b"], how="anti").height == 0, "only judged pairs"
    assert wanted.join(kept, on=["a", "b"], how="anti").height == 0, "every pair read later"
    same = kept.join(wanted.select("a", "b"), on=["a", "b"], how="semi")
    assert_frame_equal(same.sort("a", "b"), wanted.sort("a", "b"))  # NaN equals NaN here


@pytest.mark.parametrize("seed", range(5))
def test_scoring_distinct_headline_pairs_equals_scoring_every_pair(seed):
    rng = random.Random(seed)
    words = ["ملك", "يهنئ", "رئيس", "جامايكا", "النيجر", "2015", "الرابع", "أمطار", "الأحد"]
    distinct = [" ".join(rng.sample(words, rng.randint(1, 5))) for _ in range(12)]
    titles = [rng.choice(distinct) for _ in range(60)]  # repeated, as copies repeat them
    rows = np.arange(len(titles))
    pairs = np.array(
        sorted({tuple(sorted(rng.sample(range(60), 2))) for _ in range(400)}), dtype=np.int64
    )
    text = headline.titles_of_headlines(rows, titles)
    hashes = pl.Series(titles).hash(seed=0).to_numpy()
    group, firsts = headline.distinct_title_pairs(hashes, pairs)
    assert firsts.size < pairs.shape[0], "repeated headlines must share a score"
    every = headline.pair_scores(pairs, text, score_cutoff=60)
    once = headline.pair_scores(pairs[firsts], text, score_cutoff=60)[group]
    assert np.array_equal(every, once)
    assert (every > 0).any() and (every == 0).any()


def test_part_keys_hash_a_column_as_the_frame_does(tmp_path):
    keys = sign_batch(_corpus(), DedupOptions())
    on_disk = _part_keys(keys, tmp_path)
    assert np.array_equal(on_disk.hashes(TITLE), FrameKeys(keys).hashes(TITLE))


@pytest.mark.parametrize(
    "rows",
    [[0, 3, 8, 9, 19], [19, 3, 9, 0], [5, 5, 2, 14, 2], [13], list(range(20))],
    ids=["increasing", "any order", "repeated", "one", "every row"],
)
def test_part_keys_take_rows_in_the_order_asked_as_the_frame_does(tmp_path, rows):
    keys = sign_batch(_corpus(), DedupOptions())
    on_disk = _part_keys(keys, tmp_path)
    rows = np.array(rows, dtype=np.int64)
    columns = ["id", TITLE, "row"]
    assert_frame_equal(on_disk.take(rows, columns), FrameKeys(keys).take(rows, columns))


@pytest.mark.parametrize("window_rows", [1, 3, 1000])
def test_part_keys_gather_arrays_a_window_of_the_file_at_a_time(tmp_path, monkeypatch, window_rows):
    """Rows in any order, repeated, gathered one window of the mapped file at a time,
    are the rows the frame holds."""
    keys = sign_batch(_corpus(), DedupOptions())
    on_disk, in_memory = _part_keys(keys, tmp_path), FrameKeys(keys)
    row_bytes = DedupOptions().num_perm * 4
    monkeypatch.setattr(keytable, "GATHER_WINDOW_BYTES", window_rows * row_bytes)
    monkeypatch.setattr(keytable, "FAULT_AROUND_BYTES", row_bytes)
    rng = np.random.default_rng(window_rows)
    for rows in (
        rng.integers(0, keys.height, 50),
        np.arange(keys.height)[::-1],
        rng.permutation(keys.height)[:5],
    ):
        for name in (SIGNATURE, WORD_SIGNATURE, TITLE_WORDS):
            assert np.array_equal(on_disk.array(name, rows), in_memory.array(name, rows))


def _part_keys(keys: pl.DataFrame, folder, rows_per_part: int = 7) -> PartKeys:
    folder.mkdir(exist_ok=True)
    parts = []
    for i, lo in enumerate(range(0, keys.height, rows_per_part)):
        parts.append(folder / f"part-{i}.parquet")
        keys.slice(lo, rows_per_part).write_parquet(parts[-1])
    return PartKeys(parts, folder / "signatures.u32", num_perm=DedupOptions().num_perm)


@pytest.mark.parametrize("seed", range(4))
def test_a_sliced_union_of_pair_codes_is_the_union_in_slices(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(lsh, "SLICE_ROWS", 16)
    rng = np.random.default_rng(seed)
    height = int(rng.integers(20, 120))
    batches = []
    for _ in range(int(rng.integers(1, 6))):
        a = rng.integers(0, height - 1, size=int(rng.integers(0, 300)))
        b = np.minimum(a + rng.integers(1, 40, size=a.size), height - 1)
        batches.append((a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64))
    slices = list(lsh.sliced_union_of_codes(iter(batches), height=height, folder=tmp_path))
    assert len(slices) == -(-height // 16)
    assert np.array_equal(np.concatenate(slices), lsh.union_of_codes(batches))
    for i, codes in enumerate(slices):  # each slice holds the pairs of its first documents
        first = codes >> np.uint64(32)
        assert ((first >= i * 16) & (first < (i + 1) * 16)).all()
    assert list(tmp_path.iterdir()) == [], "the spilled codes are removed"


def test_a_sliced_union_never_has_more_than_its_most_slices(tmp_path, monkeypatch):
    monkeypatch.setattr(lsh, "SLICE_ROWS", 4)
    monkeypatch.setattr(lsh, "MAX_SLICES", 3)
    height = 50
    rng = np.random.default_rng(3)
    a = rng.integers(0, height - 1, size=400)
    b = np.minimum(a + rng.integers(1, 9, size=a.size), height - 1)
    batches = [(a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)]
    slices = list(lsh.sliced_union_of_codes(iter(batches), height=height, folder=tmp_path))
    assert len(slices) == 3, "50 documents in slices of ceil(50 / 3) = 17"
    assert np.array_equal(np.concatenate(slices), lsh.union_of_codes(batches))
    first = slices[0] >> np.uint64(32)
    assert first.max() >= 4 and first.max() < 17


def test_headline_pairs_scored_in_spilled_slices_are_the_pairs_scored_at_once(
    tmp_path, monkeypatch
):
    keys = sign_batch(_corpus(), DedupOptions())
    rows = np.arange(keys.height)
    at_once = headline.headline_pairs(FrameKeys(keys), rows, score_cutoff=70)
    assert at_once[0].shape[0] > 3, "the corpus must have headline matches"
    monkeypatch.setattr(lsh, "SLICE_ROWS", 5)
    sliced = headline.headline_pairs(_part_keys(keys, tmp_path), rows, score_cutoff=70)
    assert np.array_equal(sliced[0], at_once[0])
    assert np.array_equal(sliced[1], at_once[1])
    # and a slice's pairs combined a few at a time
    monkeypatch.setattr(headline, "COMBINED_PAIRS", 3)
    chunked = headline.headline_pairs(_part_keys(keys, tmp_path), rows, score_cutoff=70)
    assert np.array_equal(chunked[0], at_once[0])
    assert np.array_equal(chunked[1], at_once[1])
    codes = headline.headline_pair_codes(_part_keys(keys, tmp_path), rows, score_cutoff=70)
    assert np.array_equal(lsh.pairs_of_codes(codes), at_once[0]), "the same pairs, as codes"
    whole = link_module.link(FrameKeys(keys), DedupOptions())
    again = link_module.link(_part_keys(keys, tmp_path / "again"), DedupOptions())
    assert again.decisions.equals(whole.decisions)
    assert again.flags.equals(whole.flags)


@pytest.mark.parametrize("seed", range(4))
def test_candidate_sources_merged_as_a_grouping_of_every_pair_would(seed):
    rng = np.random.default_rng(seed)
    found, frames = [], []
    for bit in (1, 2, 4)[: int(rng.integers(1, 4))]:
        a = rng.integers(0, 50, size=int(rng.integers(1, 200)))
        pairs = np.stack([a, a + rng.integers(1, 30, size=a.size)], axis=1)  # repeats too
        found.append((lsh.codes_of_pairs(pairs), bit))
        assert np.array_equal(lsh.pairs_of_codes(found[-1][0]), pairs)
        frames.append(pl.DataFrame({"a": pairs[:, 0], "b": pairs[:, 1], "source": bit}))
    expected = (
        pl.concat(frames).group_by("a", "b").agg(pl.col("source").bitwise_or()).sort("a", "b")
    )

    def merged(found):
        held = candidates.CandidateCodes()
        for codes, bit in found:
            held.add(codes, bit)
        union, sources = held.union()
        return lsh.pairs_of_codes(union), sources

    pairs, sources = merged(found)
    assert [tuple(pair) for pair in pairs.tolist()] == expected.select("a", "b").rows()
    assert sources.tolist() == expected["source"].to_list()
    # sources given sorted and distinct (as the link pass's are) merge the same way
    again = merged([(np.unique(codes), bit) for codes, bit in found])
    assert np.array_equal(again[0], pairs) and np.array_equal(again[1], sources)


@pytest.mark.parametrize("seed", range(4))
def test_pairs_of_rows_sharing_a_key_lead_with_the_first_in_rank(seed):
    rng = np.random.default_rng(seed)
    n = 300
    values = rng.integers(0, 40, n).astype(np.uint64)
    keys = pl.Series(values, dtype=pl.UInt64).set(pl.Series(rng.random(n) < 0.2), None)
    rows = np.sort(rng.choice(n, size=200, replace=False))
    rank = rng.permutation(n)
    expected = set()
    groups: dict[int, list[int]] = {}
    for row in rows.tolist():
        if keys[row] is not None:
            groups.setdefault(keys[row], []).append(row)
    for members in groups.values():
        head = min(members, key=lambda r: rank[r])
        expected |= {(head, r) for r in members if r != head}
    found = link_module._group_pairs(keys, rows, rank)
    assert found.dtype == np.int64
    narrow = link_module._group_pairs(keys, rows.astype(np.int32), rank)  # as rows come
    assert narrow.dtype == np.int32 and np.array_equal(narrow, found)
    assert {tuple(p) for p in found.tolist()} == expected and len(found) == len(expected)
    smallest = link_module._group_pairs(keys, rows)  # without a rank: the smallest row leads
    assert all(a < b for a, b in smallest.tolist())


@pytest.mark.parametrize("batch", [1, 7, 50])
def test_band_pair_codes_made_in_batches_are_the_codes_made_at_once(monkeypatch, batch):
    rng = np.random.default_rng(batch)
    docs = rng.permutation(400).astype(np.int64)
    key = rng.integers(0, 60, docs.size).astype(np.uint64)  # buckets of many sizes
    whole = lsh.band_pair_codes(docs, key, max_bucket=8)  # some buckets over the bound
    monkeypatch.setattr(lsh, "CODE_BATCH", batch)
    batches = list(lsh.band_pair_code_batches(docs, key, max_bucket=8))
    assert np.array_equal(np.concatenate(batches), whole)
    largest_bucket = 2 * (int(np.bincount(key.astype(np.int64)).max()) - 1)
    assert max(b.size for b in batches) <= max(batch, largest_bucket, 28)


@pytest.mark.parametrize("share_rows", [1, 13, 100, 10_000])
def test_band_pair_codes_grouped_a_share_of_keys_at_a_time_are_the_codes_grouped_at_once(
    monkeypatch, share_rows
):
    """A band is grouped a share of its keys at a time (a bucket never cut: the share
    is the key's): the same codes as grouping every document at once, for integer keys
    and for keys of any kind (numbered first)."""
    rng = np.random.default_rng(share_rows)
    docs = rng.permutation(900).astype(np.int64)
    for key in (
        rng.integers(0, 120, docs.size).astype(np.uint64),  # buckets of many sizes
        np.array([f"k{v}" for v in rng.integers(0, 200, docs.size)], dtype=object),
    ):
        whole = np.sort(lsh.band_pair_codes(docs, key, max_bucket=8))
        monkeypatch.setattr(lsh, "SHARE_ROWS", share_rows)
        shared = np.sort(lsh.band_pair_codes(docs, key, max_bucket=8))
        monkeypatch.setattr(lsh, "SHARE_ROWS", 10**9)
        assert whole.size > 900, "buckets give pairs, stars and chains"
        assert np.array_equal(shared, whole)


@pytest.mark.parametrize("seed", range(5))
def test_codes_merged_into_those_found_are_their_sorted_union(monkeypatch, seed):
    """The union of pair codes made distinct every few codes and merged into the codes
    found before is the sorted distinct union of every batch."""
    rng = np.random.default_rng(seed)
    batches = [
        rng.integers(0, 5_000, int(rng.integers(0, 400))).astype(np.uint64) for _ in range(9)
    ]
    expected = np.unique(np.concatenate(batches))
    for every in (1, 50, 10**9):
        monkeypatch.setattr(lsh, "_UNION_EVERY", every)
        assert np.array_equal(lsh.union_of_codes(iter(batches)), expected)
    found, new = np.unique(batches[0]), np.unique(batches[1])
    assert np.array_equal(lsh.merged_codes(found, new), np.union1d(found, new))
    assert np.array_equal(lsh.merged_codes(found, found[:0]), found)
    assert np.array_equal(lsh.merged_codes(found[:0], new), new)


@pytest.mark.parametrize("size", [1, 3, 10, 250, 10**6])
def test_candidate_chunks_read_the_union_of_the_sources_in_order(size):
    """The candidates of each source are held apart and read in the order of their
    union, a chunk of at most ``size`` pairs at a time (each source gives at most its
    share), each pair with the bits of every source that proposed it."""
    rng = np.random.default_rng(size)
    common = rng.integers(0, 2_000, 300)
    found = [
        (np.concatenate([common[: 100 * k], rng.integers(0, 2_000, 200)]).astype(np.uint64), bit)
        for k, bit in enumerate((candidates.NEAR, candidates.VOCABULARY, candidates.HEADLINE))
    ]
    held = candidates.CandidateCodes()
    for codes, bit in found:
        held.add(codes, bit)
    chunks = list(held.chunks(size))
    union = np.concatenate([c for c, _ in chunks])
    bits = np.concatenate([b for _, b in chunks])
    expected = np.unique(np.concatenate([codes for codes, _ in found]))
    assert np.array_equal(union, expected)
    for code, bit in zip(union.tolist(), bits.tolist(), strict=True):
        assert bit == sum(b for codes, b in found if code in set(codes.tolist()))
    assert max(c.size for c, _ in chunks) <= max(size, len(found))
    rows = np.unique(np.concatenate([expected >> np.uint64(32), expected & np.uint64(0xFFFFFFFF)]))
    assert np.array_equal(held.rows(2_000), rows.astype(np.int64))


@pytest.mark.parametrize("dtype", [np.uint64, np.int64])
def test_dense_key_codes_keep_every_equality_and_order_and_zero(dtype):
    """Body and URL keys held as small numbers: equal keys equal numbers, the same
    order, and 0 (no key) still 0."""
    from corpuskit.dedup.evidence import dense_codes

    rng = np.random.default_rng(1)
    values = rng.integers(-(2**40) if dtype is np.int64 else 0, 2**40, 500).astype(dtype)
    values = np.concatenate([values, values[:50], np.zeros(20, dtype=dtype)])
    codes = dense_codes(values)
    assert codes.dtype == np.int32
    assert np.array_equal(codes[:, None] == codes[None, :], values[:, None] == values[None, :])
    assert np.array_equal(codes[:, None] < codes[None, :], values[:, None] < values[None, :])
    assert np.array_equal(codes == 0, values == 0)
    assert (dense_codes(values[values != 0]) != 0).all(), "no key takes the number of none"
