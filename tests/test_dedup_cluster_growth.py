"""Clusters grown around kept documents: what happens to a copy that is not a copy of the
kept document itself (split off, clustered again, joined through a copy of both)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article, unrelated_articles, word_edits
from polars.testing import assert_frame_equal
from test_dedup import by_id, frame

import corpuskit.dedup.link as link_module
import corpuskit.dedup.verify as verify
from corpuskit.config import DedupOptions
from corpuskit.dedup import dedup
from corpuskit.dedup.keytable import FrameKeys, PartKeys
from corpuskit.dedup.sign import sign_batch
from corpuskit.dedup.verdict_store import VerdictStore

TEXT = article(SENTENCES)
# Most of TEXT with two sentences of other news: a copy of TEXT on the same day (the
# verifier's score), not a near copy (less than 0.7 of the 3-grams), so not a copy of
# it when the two are dated more than a day apart.
HALF = article(SENTENCES[:6] + OTHER_SENTENCES[:2])
LONGER_OTHER = article(OTHER_SENTENCES + OTHER_SENTENCES[:3] + SENTENCES[7:])


def test_a_copy_of_a_copy_joins_the_kept_documents_cluster_across_days():
    """A release in the evening (d0), a paper's shorter copy of it the next morning (d1),
    and another version the next evening (d2, kept: the longest). d0 is more than 20
    hours from d2 and shares less than 0.7 of its 3-grams, so on its own it is not a
    copy of d2; through d1, a copy of both, it joins d2's cluster."""
    dates = ["2015-08-01 20:00:00", "2015-08-02 09:00:00", "2015-08-02 19:00:00"]
    texts = [TEXT, article(SENTENCES[:7]), HALF]
    out = by_id(dedup(frame(texts, date=dates)))
    assert out["d2"]["keep"]
    assert out["d1"]["dup_of"] == "d2"
    assert out["d0"]["dup_of"] == "d2" and not out["d0"]["keep"]
    assert "23 h apart" in out["d0"]["dup_why"]
    # Without the copy of both, d0 stays: the days-apart rule holds.
    alone = by_id(dedup(frame([TEXT, HALF], date=[dates[0], dates[2]])))
    assert alone["d0"]["keep"] and alone["d1"]["keep"]


def test_copies_split_off_a_cluster_are_clustered_again_among_themselves():
    """d0 and d1 have one URL but other bodies (the page was replaced): they move as one
    unit, kept by the longer d1. The two copies of d0's body are taken with the unit but
    are not copies of d1, so they are split off; they are still copies of each other and
    end in one cluster."""
    url = "https://example.com/news/1234.html"
    texts = [TEXT, LONGER_OTHER, word_edits(TEXT, seed=1), word_edits(TEXT, seed=2)]
    urls = [url, url + "?weekly", None, None]
    out = by_id(dedup(frame(texts, url=urls)))
    assert out["d1"]["keep"] and out["d0"]["cluster_id"] == "d1"
    assert out["d2"]["cluster_id"] is not None
    assert out["d2"]["cluster_id"] == out["d3"]["cluster_id"]
    assert out["d2"]["cluster_id"] != "d1"
    assert out["d2"]["keep"] != out["d3"]["keep"]


def test_a_single_copy_split_off_a_cluster_stays_alone():
    """As above with one copy of d0 only: split off d1's cluster, it has no copy among
    the documents split off, so it keeps itself (with either verifier)."""
    url = "https://example.com/news/1234.html"
    texts = [TEXT, LONGER_OTHER, word_edits(TEXT, seed=1)]
    for verifier in ("learned", "rules"):
        out = by_id(
            dedup(
                frame(texts, url=[url, url + "?weekly", None]),
                options=DedupOptions(verifier=verifier),
            )
        )
        assert out["d1"]["keep"] and out["d0"]["cluster_id"] == "d1"
        assert out["d2"]["keep"] and out["d2"]["cluster_id"] is None


def test_a_copy_of_an_exact_twin_of_the_kept_document_is_its_copy():
    """d0 and d2 are one body published days apart (d2 kept: the newer); d1, a copy of
    d0 on d0's day, is not a copy of d2 by itself (days apart), but it is by d0."""
    dates = ["2015-08-01 08:00:00", "2015-08-01 12:00:00", "2015-08-06 08:00:00"]
    texts = [TEXT, HALF, TEXT]
    options = DedupOptions()
    keys = FrameKeys(
        sign_batch(frame(texts, date=dates).with_columns(findings=pl.lit(None)), options)
    )
    m, _ = link_module.judged_candidates(keys, options)
    kept = np.array([2, 2, 2])
    twins = link_module._ExactTwins(m.exact, np.arange(3))
    plain = pl.concat(list(link_module._verdict_parts(m, kept)))
    by_twin = pl.concat(list(link_module._verdict_parts(m, kept, {"copy"}, twins)))
    relation = dict(zip(plain["dropped"], plain["relation"], strict=True))
    assert relation[1] == "none"
    relation = dict(zip(by_twin["dropped"], by_twin["relation"], strict=True))
    assert relation == {0: "copy", 1: "copy"}
    assert by_twin.filter(pl.col("dropped") == 1)["kept"].to_list() == [2]


def _convoy(batch: int, tons: int, trucks: int) -> str:
    return article(
        [
            f"وصلت أمس الدفعة {batch} من المعونة الطبية إلى مدينة سيئون على متن {trucks} قاطرات",
            f"قادمة من المملكة عبر منفذ الوديعة البري وعددها {trucks} قاطرات من مركز الملك سلمان",
            f"وأوضح المتحدث الرسمي للمركز أن الدفعة {batch} تحتوي على {tons} طنا من المحاليل",
            f"للمستشفيات والمراكز الصحية في حضرموت ليصل المجموع إلى {tons * batch} طنا",
            SENTENCES[6],
        ]
    )


def test_a_tie_across_days_does_not_join_the_next_item_of_a_series():
    """Lifting the days-apart rule for a pair tied by a copy of both keeps one bar: two
    versions that each have figures of their own (the second convoy and, a day later,
    the third) are not copies, while a version of the same convoy a day later is."""
    dates = ["2015-08-01 08:00:00", "2015-08-02 14:00:00", "2015-08-02 14:00:00"]
    second = _convoy(2, 65, 5)
    texts = [
        second,
        _convoy(3, 40, 3),
        "\n".join(second.split("\n")[:3] + OTHER_SENTENCES[:2]),
    ]
    options = DedupOptions()
    keys = FrameKeys(
        sign_batch(frame(texts, date=dates).with_columns(findings=pl.lit(None)), options)
    )
    m, _ = link_module.judged_candidates(keys, options)
    pairs = np.array([[1, 0], [2, 0]])
    plain = m.judge(pairs)["relation"].to_list()
    tied = m.judge(pairs, across_days=True)["relation"].to_list()
    assert plain == ["none", "none"]
    assert tied == ["none", "copy"]


def test_a_tie_across_days_does_not_take_a_story_found_inside_a_longer_page():
    """A story with at most half the words of another day's document and without its
    opening (a story inside a page of other news) is not tied to it across days; the
    same evidence with the opening shared (a trimmed copy) is."""
    padding = unrelated_articles(1, seed=3)[0]
    dates = ["2015-08-01 08:00:00", "2015-08-02 14:00:00"]
    texts = [TEXT, TEXT + "\n" + padding]
    options = DedupOptions()
    keys = FrameKeys(
        sign_batch(frame(texts, date=dates).with_columns(findings=pl.lit(None)), options)
    )
    m, _ = link_module.judged_candidates(keys, options)
    trimmed = m.judge(np.array([[0, 1]]), across_days=True)
    assert trimmed["relation"].to_list() == ["copy"]
    evidence = trimmed.drop("relation", "score").with_columns(size_ratio=pl.lit(0.45))
    opening, inside = (
        evidence.with_columns(lead=pl.lit(0.6)),
        evidence.with_columns(lead=pl.lit(0.1)),
    )
    # a bar both scores pass, so that the rule alone tells the two apart
    lowest = min(verify.learned_score(case)[0] for case in (opening, inside))
    bar = replace(options, copy_score=float(lowest))
    for case, expected in ((opening, "copy"), (inside, "none")):
        relation, score = verify.decide(case, bar, across_days=True)
        assert score[0] >= bar.copy_score
        assert relation.tolist() == [expected]


def test_cluster_labels_number_the_kept_rows_in_order():
    """Labels are the kept rows numbered densely in their order: what the inverse of a
    unique of the kept rows gives, found by marking rows instead of sorting."""
    rng = np.random.default_rng(7)
    for n in (1, 2, 9, 1_000, 50_000):
        kept = rng.integers(0, n, n)  # rows repeated and rows never kept
        expected = np.unique(kept, return_inverse=True)[1].astype(np.int64)
        labels = link_module._dense_labels(kept)
        assert labels.dtype == np.int32  # rows of fewer than 2**31 documents
        assert np.array_equal(labels, expected)


def _split_and_joined_across_days() -> pl.DataFrame:
    """The cases above in one corpus: a unit split off a cluster, and a copy of a copy
    joined across days."""
    url = "https://example.com/news/1234.html"
    dates = ["2015-08-01 20:00:00", "2015-08-02 09:00:00", "2015-08-02 19:00:00"]
    texts = [TEXT, LONGER_OTHER, word_edits(TEXT, seed=1), word_edits(TEXT, seed=2)]
    texts += [TEXT + " ", article(SENTENCES[:7]), HALF]
    urls = [url, url + "?weekly", None, None, None, None, None]
    return frame(texts, url=urls, date=[None] * 4 + dates)


def test_verdicts_held_in_parts_of_one_row_decide_as_when_held_whole(monkeypatch):
    """The clustering holds the verdicts in parts, filtered one at a time when documents
    are split off or joined across days; parts of one row give the same decisions as
    one part (the cases above: a split unit and a copy of a copy across days)."""
    corpus = _split_and_joined_across_days()
    whole = dedup(corpus)
    monkeypatch.setattr(link_module, "VERDICT_PART_ROWS", 1)
    parts = dedup(corpus)
    assert parts.equals(whole)
    assert whole["keep"].sum() < corpus.height - 2, "copies were clustered"


def test_verdicts_on_disk_decide_as_verdicts_held_in_memory(tmp_path, monkeypatch):
    """Keys in parts have a scratch folder: the clustering writes its verdicts there
    while the rounds run and reads back the standing ones (the cases above: a split
    unit and a copy of a copy across days), what they decide is set aside there until
    the decisions gather it, the links are those of verdicts held in memory, and no
    file is left behind."""
    corpus = _split_and_joined_across_days()
    options = DedupOptions()
    keys = sign_batch(corpus.with_columns(findings=pl.lit(None)), options)
    in_memory = link_module.link(FrameKeys(keys), options)
    folder = tmp_path / "keys"
    folder.mkdir()
    keys.write_parquet(folder / "part-0.parquet")
    on_disk = PartKeys([folder / "part-0.parquet"], folder / "signatures.u32", num_perm=128)
    written = []
    real_frames = VerdictStore.frames

    def frames(self):
        written.extend(p.name for p in folder.iterdir() if p.name.startswith("verdicts-"))
        yield from real_frames(self)

    monkeypatch.setattr(VerdictStore, "frames", frames)
    monkeypatch.setattr(link_module, "VERDICT_PART_ROWS", 1)
    parted = link_module.link(on_disk, options)
    assert len(written) > 2, "the verdicts were not written part by part"
    assert_frame_equal(parted.decisions, in_memory.decisions)
    assert_frame_equal(parted.flags, in_memory.flags)
    assert in_memory.decisions["keep"].not_().sum() >= 2, "copies were dropped"
    assert not [p for p in folder.iterdir() if p.name.startswith(("verdicts-", "set-aside-"))]


@pytest.mark.parametrize("seed", range(3))
def test_a_verdict_store_gives_back_the_verdicts_that_stand(tmp_path, seed):
    """Parts added and verdicts withdrawn in rounds, as the clustering does: the store
    gives the rows and outcomes of the standing verdicts in order, and then their frames,
    on disk and in memory alike, a part with more columns among them."""
    rng = np.random.default_rng(seed)
    n = 60
    for folder in (tmp_path, None):
        store = VerdictStore(folder, n)
        held: list[pl.DataFrame] = []  # what stands, the plain way
        for round_ in range(4):
            if round_:
                rows = rng.choice(n, int(rng.integers(1, 20)), replace=False)
                store.withdraw(rows)
                held = [f.filter(~pl.col("dropped").is_in(rows.tolist())) for f in held]
            for _ in range(int(rng.integers(0, 3))):
                size = int(rng.integers(0, 15))
                part = pl.DataFrame(
                    {
                        "dropped": pl.Series(rng.integers(0, n, size), dtype=pl.UInt32),
                        "kept": pl.Series(rng.integers(0, n, size), dtype=pl.UInt32),
                        "failed": rng.random(size) < 0.3,
                    }
                )
                if round_ == 3:
                    part = part.with_columns(score=pl.lit(0.5, dtype=pl.Float32))
                store.add(part.drop("failed"), part["failed"].to_numpy())
                if size:  # an empty part adds nothing, not even its columns
                    held.append(part)
            dropped, failed = store.standing()
            expected = pl.concat(held, how="diagonal_relaxed") if held else None
            if expected is None or expected.height == 0:
                assert dropped.size == 0 and failed.size == 0
                continue
            assert dropped.tolist() == expected["dropped"].to_list()
            assert failed.tolist() == expected["failed"].to_list()
        if folder is not None:
            assert list(folder.iterdir()), "the parts were written"
        frames = list(store.frames())  # the parts that still hold a standing verdict
        expected = [f.drop("failed") for f in held]
        expected = [f for f in expected if f.height]
        assert len(frames) == len(expected)
        for got, want in zip(frames, expected, strict=True):
            assert_frame_equal(got, want)
        assert not list(tmp_path.iterdir()), "each part's file goes once read"
    failing = VerdictStore(tmp_path, n)
    failing.add(pl.DataFrame({"dropped": [1], "kept": [2]}), np.array([True]))
    failing.discard()  # a clustering that fails before the verdicts are taken
    assert not list(tmp_path.iterdir())


def _decisions_by_join(labels, kept, decided, flags):
    """The decisions as a left join of each member's row with ``decided`` gives them."""
    size = np.bincount(labels, minlength=labels.size)[labels]
    flagged = np.concatenate([f["row"].to_numpy() for f in flags]) if flags else []
    members = np.flatnonzero((size > 1) & ~np.isin(np.arange(labels.size), flagged))
    base = pl.DataFrame(
        {
            "row": pl.Series(members, dtype=link_module.ROW),
            "cluster_row": pl.Series(kept[members], dtype=link_module.ROW),
        }
    ).with_columns(keep=pl.col("row") == pl.col("cluster_row"))
    clustered = base.join(decided, on="row", how="left", maintain_order="left").select(
        "row",
        "cluster_row",
        "dup_kind",
        pl.when(~pl.col("keep")).then(pl.col("cluster_row")).alias("dup_of_row"),
        "similarity",
        "keep",
        *verify.WHY_SCHEMA,
    )
    return pl.concat([clustered.cast(link_module.DECISION_SCHEMA), *flags])


def test_decisions_gather_each_members_verdict_as_a_join_does(tmp_path):
    """The decisions gather the dropped rows' verdicts column by column, in member
    order, each column of ``decided`` read from where it was set aside as it is
    gathered: the frame a join of the members with ``decided`` gives, with the flags'
    rows in place of theirs."""
    rng = np.random.default_rng(11)
    why = {name: dtype for name, dtype in link_module.DECISION_SCHEMA.items()}
    decided_schema = {k: why[k] for k in ("dup_kind", "similarity", *verify.WHY_SCHEMA)}
    kinds = link_module.DECISION_SCHEMA["dup_kind"].categories.to_list()
    for n in (1, 2, 50, 3_000):
        kept = rng.integers(0, max(n // 3, 1), n)
        kept = np.where(rng.random(n) < 0.3, np.arange(n), kept)
        kept[kept] = kept  # a kept row is its own kept document
        labels = link_module._dense_labels(kept)
        dropped = np.flatnonzero(kept != np.arange(n))
        dropped = rng.permutation(dropped[rng.random(dropped.size) < 0.8])
        decided = pl.DataFrame(
            {
                "row": pl.Series(dropped, dtype=link_module.ROW),
                **{
                    name: pl.Series(rng.random(dropped.size)).cast(dtype)
                    for name, dtype in decided_schema.items()
                    if name != "dup_kind"
                },
            }
        ).with_columns(
            dup_kind=pl.Series(rng.choice(kinds, dropped.size), dtype=pl.String).cast(
                decided_schema["dup_kind"]
            )
        )
        flag_rows = rng.choice(n, size=min(n, 5), replace=False)
        flags = [
            pl.DataFrame(
                {"row": pl.Series(flag_rows, dtype=link_module.ROW)},
            )
            .with_columns(cluster_row=pl.col("row"), keep=pl.lit(True), dup_kind=pl.lit(kinds[0]))
            .select(
                pl.col(name)
                if name in ("row", "cluster_row", "keep", "dup_kind")
                else pl.lit(None).alias(name)
                for name in link_module.DECISION_SCHEMA
            )
            .cast(link_module.DECISION_SCHEMA)
        ]
        expected = _decisions_by_join(labels, kept, decided, flags)
        for folder in (tmp_path, None):  # read from scratch, or held where there is none
            half = decided.height // 2
            rows = link_module._DecidedRows([decided[:half], decided[half:]], folder)
            got = link_module._decisions(labels, kept, rows, flags)
            assert got.equals(expected)
            assert bool(list(tmp_path.iterdir())) == (folder is not None and n > 1)
            rows.discard()
            assert not list(tmp_path.iterdir())
