"""The measures ``benchmarks/_dedup_sentence_encoder.py`` takes from sentence vectors, and
the left-out-day fit of the verifier with measures beyond its own."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest
from _benchmark_modules import load_benchmark_module

from corpuskit.dedup.evidence import FEATURES

encoder = load_benchmark_module("_dedup_sentence_encoder")
names = load_benchmark_module("_dedup_names")


def _unit(*values: float) -> np.ndarray:
    v = np.zeros(encoder.DIMENSIONS, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_a_rewrite_that_restates_every_sentence_aligns_whole_and_an_own_report_does_not():
    x, y, z, w = _unit(1), _unit(0, 1), _unit(0, 0, 1), _unit(0, 0, 0, 1)
    release = (_unit(1, 1), np.stack([x, y, z]))
    rewrite = (_unit(1, 1), np.stack([_unit(1, 0.1), _unit(0.1, 1), _unit(0, 0.1, 1)]))
    own_report = (_unit(1, 1), np.stack([x, w]))
    close = encoder.encoded_features(release, rewrite)
    apart = encoder.encoded_features(release, own_report)
    title, lead, document, aligned, aligned_80, longer = close
    assert title > 0.999 and lead > 0.99 and document > 0.99
    assert aligned > 0.99 and aligned_80 == 1.0 and longer > 0.99
    # the shorter (own report) has two sentences: one found, one not
    assert apart[3] == 0.5 and apart[4] == 0.5
    # seen from the longer, two of its three sentences are missing
    assert abs(apart[5] - 1 / 3) < 1e-6


def test_a_side_without_sentences_gives_zeros_but_keeps_the_headline_cosine():
    empty = (_unit(1), np.empty((0, encoder.DIMENSIONS), dtype=np.float32))
    other = (_unit(1), np.stack([_unit(1)]))
    got = encoder.encoded_features(empty, other)
    assert got[0] > 0.999 and got[1:] == [0.0] * 5
    untitled = (None, np.stack([_unit(1)]))
    assert encoder.encoded_features(untitled, other)[0] == 0.0


def test_encoder_inputs_take_the_headline_and_the_first_long_sentences_cut_short():
    body = "قصير جدا.\n" + " ".join(f"كلمة{i}" for i in range(60)) + ". ثم جملة من خمس كلمات هنا"
    frame = pl.DataFrame({"id": ["a", "b"], "title": ["عنوان الخبر", None], "text": [body, body]})
    got = encoder.encoder_inputs(frame, {"a"})
    assert [(i, n) for i, n, _ in got] == [("a", encoder.TITLE), ("a", 0), ("a", 1)]
    assert len(got[1][2].split()) == encoder.MAX_WORDS
    assert got[2][2] == "ثم جملة من خمس كلمات هنا"


def test_by_document_splits_headline_from_sentences_in_order():
    encoded = pl.DataFrame(
        {
            "id": ["a", "a", "a", "b"],
            "sentence": [1, encoder.TITLE, 0, 0],
            "vector": np.stack([_unit(0, 1), _unit(1), _unit(1, 1), _unit(1)]),
        }
    )
    documents = encoder.by_document(encoded)
    title, sentences = documents["a"]
    assert np.allclose(title, _unit(1))
    assert np.allclose(sentences, np.stack([_unit(1, 1), _unit(0, 1)]))
    assert documents["b"][0] is None


def test_left_out_days_fit_measures_beyond_the_verifiers_own():
    pytest.importorskip(
        "sklearn", reason="the verifier's fit needs scikit-learn (corpuskit[bench])"
    )
    rng = np.random.default_rng(7)
    n = 240
    copy = rng.random(n) < 0.4
    table = pl.DataFrame(
        {f: rng.random(n) for f in FEATURES}
        | {
            "extra": np.where(copy, 0.9, 0.1) + rng.normal(0, 0.05, n),
            "copy": copy,
            "corpus": ["c"] * n,
            "day_a": [f"2015-07-{20 + i % 3}" for i in range(n)],
        }
    )

    def average_precision(features):
        first = names.left_out_days(table, features)[0]
        return float(re.search(r"average precision ([0-9.]+)", first).group(1))

    # the extra measure separates the copies; the verifier's (random here) do not
    assert average_precision([*FEATURES, "extra"]) > 0.9
    assert average_precision(list(FEATURES)) < 0.6
