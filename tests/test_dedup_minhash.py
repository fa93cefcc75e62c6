"""Signatures, folding and keys: datasketch compatibility and equality with the reference."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from _dedup_texts import OTHER_SENTENCES, SENTENCES, article, paragraph_dropped
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.dedup.keys import canonical_url, fold_series
from corpuskit.dedup.lsh import band_keys, candidate_pairs, keyed_candidate_pairs, optimal_bands
from corpuskit.dedup.minhash import (
    hash_text,
    signatures,
    signatures_from_hashes,
    to_lean_minhash,
)
from corpuskit.dedup.near import near_duplicate_labels
from corpuskit.dedup.words import polynomial_hash, words
from corpuskit.normalize import fold

SHARED = Path(__file__).resolve().parents[2] / "shared"


def reference_shingles(folded: str, k: int) -> list[bytes]:
    words = folded.split(" ") if folded else []
    if 0 < len(words) < k:
        return [folded.encode()]
    return [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]


TEXTS = [
    article(SENTENCES),
    paragraph_dropped(article(SENTENCES)),
    article(OTHER_SENTENCES),
    "two words",
    "",
    "Ёлка и ежик в тумане 2019",
    "Straße ﻻ café e\u0301 ✅ — with a ligature, an accent that composes and an emoji",
]


@pytest.mark.parametrize(("k", "num_perm", "seed"), [(3, 128, 1), (1, 64, 7), (5, 32, 42)])
def test_signatures_equal_datasketch_minhash_with_the_same_shingles(k, num_perm, seed):
    ours = signatures(TEXTS, num_perm=num_perm, seed=seed, shingle_size=k)
    for row, text in zip(ours, TEXTS, strict=True):
        theirs = MinHash(num_perm=num_perm, seed=seed, hashfunc=hash_text)
        theirs.update_batch(reference_shingles(fold(text), k))
        assert theirs.scheme == "affine32"
        np.testing.assert_array_equal(row, theirs.hashvalues)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2**32 - 1)), min_size=1, max_size=60))
def test_signatures_do_not_depend_on_the_order_of_shingles(shingles):
    """The minima of a document are the same whether its shingles come in one run (as
    words() gives them) or interleaved with other documents' shingles."""
    doc_index = np.array([d for d, _ in shingles], dtype=np.int64)
    hashes = np.array([h for _, h in shingles], dtype=np.uint32)
    interleaved = signatures_from_hashes(hashes, doc_index, 6, num_perm=16, seed=3)
    order = np.argsort(doc_index, kind="stable")
    in_runs = signatures_from_hashes(hashes[order], doc_index[order], 6, num_perm=16, seed=3)
    np.testing.assert_array_equal(interleaved, in_runs)
    for doc in range(6):
        theirs = MinHash(num_perm=16, seed=3, hashfunc=int)
        theirs.update_batch(hashes[doc_index == doc].tolist())
        np.testing.assert_array_equal(in_runs[doc], theirs.hashvalues)


def test_words_fold_exactly_like_fold():
    """Word counts and exact keys of the array path equal those of normalize.fold."""
    texts = TEXTS + FOLD_CASES
    tokens = words(texts, 3)
    for i, text in enumerate(texts):
        folded = fold(text)
        assert tokens.word_counts[i] == len(folded.split())
        assert tokens.exact_keys[i] == (polynomial_hash(folded) if folded else 0)


def test_words_on_real_articles_equal_the_reference():
    path = SHARED / "corpora" / "saudinewsnet" / "articles.parquet"
    if not path.is_file():
        pytest.skip("the shared corpora folder (../shared/corpora) is not available")
    texts = pl.read_parquet(path, columns=["text"])["text"].sample(400, seed=5).to_list()
    tokens = words(texts, 3)
    for i, text in enumerate(texts):
        folded = fold(text or "")
        expected = [hash_text(s) for s in reference_shingles(folded, 3)]
        assert tokens.hashes[tokens.doc_index == i].tolist() == expected
        assert tokens.exact_keys[i] == (polynomial_hash(folded) if folded else 0)


def test_lean_minhash_from_our_signature_estimates_like_datasketch():
    ours = signatures(TEXTS[:3])
    a, b = to_lean_minhash(ours[0], seed=1), to_lean_minhash(ours[1], seed=1)
    assert isinstance(a, LeanMinHash)
    assert a.jaccard(b) == pytest.approx(float((ours[0] == ours[1]).mean()))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, row in enumerate(ours):
        lsh.insert(f"d{i}", to_lean_minhash(row, seed=1))
    assert "d1" in lsh.query(a)
    assert "d2" not in lsh.query(a)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9])
def test_bands_and_rows_match_datasketch_optimum(threshold):
    assert optimal_bands(threshold, 128) == _optimal_param(threshold, 128, 0.2, 0.8)
    assert optimal_bands(threshold, 128, (0.5, 0.5)) == _optimal_param(threshold, 128, 0.5, 0.5)


def test_large_buckets_give_linear_not_quadratic_pairs():
    keys = np.zeros((500, 1), dtype=np.uint64)  # one furniture bucket of 500 documents
    pairs = candidate_pairs(np.arange(500), keys, max_bucket=50)
    assert pairs.shape[0] < 2 * 500
    assert {0, 499} <= set(pairs.ravel().tolist())
    small = candidate_pairs(np.arange(5), np.zeros((5, 1), dtype=np.uint64))
    assert small.shape[0] == 10


def _reference_pairs(bands, max_bucket):
    """Candidate pairs the slow way: every bucket of every band, as a set."""
    pairs = set()
    for docs, keys in bands:
        buckets: dict = {}
        for doc, key in zip(docs.tolist(), keys.tolist(), strict=True):
            buckets.setdefault(key, []).append(doc)
        for members in buckets.values():
            members = sorted(members)
            if len(members) <= max_bucket:
                linked = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
            else:  # a star on the first document and a chain
                linked = [(members[0], b) for b in members[1:]] + list(itertools.pairwise(members))
            pairs |= {(a, b) for a, b in linked if a != b}
    return sorted(pairs)


@pytest.mark.parametrize("seed", range(6))
def test_keyed_candidate_pairs_equal_every_bucket_paired(seed):
    rng = np.random.default_rng(seed)
    bands = []
    for band in range(3):
        n = int(rng.integers(2, 400))
        docs = rng.integers(0, 300, size=n)  # documents may repeat under one key
        keys = rng.integers(0, max(1, n // int(rng.integers(1, 80))), size=n).astype(np.uint64)
        if band == 2:
            keys = np.array([f"k{k}" for k in keys.tolist()], dtype=object)  # string keys
        bands.append((docs, keys))
    found = keyed_candidate_pairs(iter(bands), max_bucket=10)
    assert found.dtype == np.int64
    assert [tuple(pair) for pair in found.tolist()] == _reference_pairs(bands, max_bucket=10)


def test_band_keys_separate_bands():
    sig = np.zeros((2, 8), dtype=np.uint32)
    keys = band_keys(sig, 2, 4)
    assert keys[0, 0] != keys[0, 1]  # equal values in different bands never collide
    assert (keys[0] == keys[1]).all()


def test_streaming_labels_match_batching_independently():
    texts = [article(SENTENCES), paragraph_dropped(article(SENTENCES)), article(OTHER_SENTENCES)]
    series = pl.Series(texts * 3)
    whole = near_duplicate_labels([series])
    batched = near_duplicate_labels([series.slice(0, 4), series.slice(4)], expected=2)
    np.testing.assert_array_equal(whole, batched)
    assert whole[0] == whole[1] == whole[3] != whole[2]


FOLD_CASES = [
    "الأمريكيّة، ٢٠١٥!",
    "ﻻ ﺍﻟﻌﺮﺑﻴﺔ presentation forms",
    "Straße ΟΔΥΣΣΕΥΣ fiancé café ﬁle",
    "e\u0301 combining accent and \u200fbidi\u200e marks\ufeff",
    "كلمة\u0640\u0640 طويلة ـ وحدها",
    "snake_case__name and tabs\tand\nnewlines",
    "٣٫٥ مليار ۱۲۳ ٢٠١٩",
    "emoji ✅ and variation selector ❤️ ok",
    "",
]


@pytest.mark.parametrize("text", FOLD_CASES)
def test_fold_series_equals_fold(text):
    assert fold_series(pl.Series([text])).to_list() == [fold(text)]


def test_fold_series_equals_fold_on_real_articles():
    files = [
        SHARED / "corpora" / "ant_corpus" / "articles.parquet",
        SHARED / "corpora" / "tgcontest_story_pairs" / "pairs.parquet",
    ]
    if not all(f.is_file() for f in files):
        pytest.skip("the shared corpora folder (../shared/corpora) is not available")
    ant = pl.read_parquet(files[0], columns=["text"])["text"].sample(1500, seed=3)
    tg = pl.read_parquet(files[1], columns=["text1"])["text1"]
    for texts in (ant, tg):
        assert fold_series(texts).to_list() == [fold(t or "") for t in texts.to_list()]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://edition.cnn.com/a/b.html", "https://edition.cnn.com/a/b.html"),
        ("http://www.al-madina.com/article/1.html", "http://al-madina.com/article/1.html?weekly"),
        ("https://x.com/a?utm_source=tw&id=3", "https://x.com/a?id=3#comments"),
        ("https://X.com:443/a/", "https://x.com/a"),
    ],
)
def test_canonical_url_joins_spellings_of_one_article(a, b):
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://x.com/a?id=3", "https://x.com/a?id=4"),
        ("https://x.com/a", "https://y.com/a"),
        ("https://x.com/news/1", "https://x.com/news/2"),
    ],
)
def test_canonical_url_keeps_different_articles_apart(a, b):
    assert canonical_url(a) != canonical_url(b)


def test_words_match_fold_on_every_character_the_table_maps():
    """Each mapped character, between letters of three scripts, folds as fold does."""
    from corpuskit.dedup.words import fold_table

    _, special = fold_table()
    chars = [chr(cp) for cp in np.flatnonzero(~special)]
    texts = [left + ch + right for ch in chars for left, right in (("a", "b"), ("ب", "ت"))]
    tokens = words(texts, 3)
    expected = [polynomial_hash(fold(t)) if fold(t) else 0 for t in texts]
    assert tokens.exact_keys.tolist() == expected


def _plain_signatures(hashes, doc_index, n_docs, num_perm, seed):
    """MinHash minima computed the plain way: every permutation of every shingle as one
    array, in 64-bit arithmetic reduced modulo 2**32, the minimum taken per document."""
    from corpuskit.dedup.minhash import EMPTY, permutations

    a, b = (x.astype(np.uint64) for x in permutations(num_perm, seed))
    h = hashes.astype(np.uint32).astype(np.uint64)
    mask = np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & mask
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & mask
    h ^= h >> np.uint64(16)
    permuted = ((a[None, :] * h[:, None] + b[None, :]) & mask).astype(np.uint32)
    out = np.full((n_docs, num_perm), EMPTY, dtype=np.uint32)
    for d in range(n_docs):
        mine = permuted[doc_index == d]
        if mine.size:
            out[d] = mine.min(axis=0)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_signatures_from_hashes_equal_the_plain_minima(seed):
    """Documents of one shingle, of thousands, and of none; hashes wider than 32 bits
    (only their low 32 bits count, as datasketch's hashfunc gives them)."""
    from corpuskit.dedup.minhash import signatures_from_hashes

    rng = np.random.default_rng(seed)
    sizes = [1, 0, 4_980, 3, 0, 17]
    hashes = rng.integers(0, 2**63, size=sum(sizes), dtype=np.uint64)
    doc_index = np.repeat(np.arange(len(sizes)), sizes)
    for num_perm, perm_seed in ((64, 1), (16, 7), (128, 42)):
        ours = signatures_from_hashes(
            hashes, doc_index, len(sizes), num_perm=num_perm, seed=perm_seed
        )
        plain = _plain_signatures(hashes, doc_index, len(sizes), num_perm, perm_seed)
        np.testing.assert_array_equal(ours, plain)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab١٢3 4.،ـًﻻß\u00a0\n\U0001f600")), max_size=40),
        min_size=1,
        max_size=8,
    )
)
def test_every_word_hashes_and_counts_as_a_number_like_its_folded_text(texts):
    """Per word: the hash of its folded text, its document, and whether it is a number
    (only digits once folded), for documents of any mix of words, marks and breaks."""
    tokens = words(texts, 3)
    expected = [(i, w) for i, t in enumerate(texts) for w in fold(t).split()]
    assert tokens.word_doc.tolist() == [i for i, _ in expected]
    assert tokens.word_hashes.tolist() == [hash_text(w) for _, w in expected]
    assert tokens.numeric.tolist() == [w.isascii() and w.isdigit() for _, w in expected]
