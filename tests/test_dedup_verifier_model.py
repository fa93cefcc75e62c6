"""The shipped learned verifier is what its training script gives on today's evidence.

The model (``corpuskit/dedup/verifier.json``) stores the mean and spread of every
feature over the labelled dev pairs it was fitted on. When the evidence of a pair is
computed differently (a feature added, a date parsed otherwise), those figures move and
the model reads inputs it was not fitted to: retrain it with
``benchmarks/train_verifier.py``. The fit itself needs scikit-learn (the ``bench``
extra); the fingerprint checked here needs only the labelled days and the corpora.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from _benchmark_modules import load_benchmark_module

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.evidence import FEATURES


def test_the_model_reads_every_feature_of_the_evidence_in_order():
    assert verify.load_model()["features"] == list(FEATURES)


def test_the_gap_beyond_the_first_day_is_weighed_by_the_fixed_slope_alone():
    # the labelled pairs are pairs of one day: a fit that gave the gap a weight of its
    # own, alone or in a product with another feature, would count it twice beside
    # GAP_SLOPE (see verify.learned_score)
    model = verify.load_model()
    hours = model["features"].index("hours")
    assert model["coef"][hours] == 0.0
    pairs = verify.feature_pairs(len(model["features"]))
    with_hours = [c for (i, j), c in zip(pairs, model["pair_coef"], strict=True) if hours in (i, j)]
    assert len(with_hours) == len(model["features"]) - 1
    assert set(with_hours) == {0.0}


def test_the_products_of_features_are_read_in_the_order_they_were_fitted_in():
    model = verify.load_model()
    width = len(model["features"])
    assert len(model["pair_coef"]) == len(model["pair_mean"]) == width * (width - 1) // 2
    z = np.arange(1.0, 2.0 * width + 1.0).reshape(2, width)
    products = verify.pair_products(z)
    for column, (i, j) in enumerate(verify.feature_pairs(width)):
        assert i < j
        np.testing.assert_array_equal(products[:, column], z[:, i] * z[:, j])


def test_a_products_weight_moves_the_score_as_the_fit_meant():
    # one product weighed alone: the score is the logistic of that weight times the
    # product's standardized value
    width = len(FEATURES)
    zero = [0.0] * width
    pairs = verify.feature_pairs(width)
    first, second = FEATURES.index("a_in_b"), FEATURES.index("size_ratio")
    column = pairs.index((first, second))
    model = {
        "features": list(FEATURES),
        "mean": zero,
        "scale": [1.0] * width,
        "coef": zero,
        "pair_mean": [0.0] * len(pairs),
        "pair_scale": [2.0] * len(pairs),
        "pair_coef": [1.5 if c == column else 0.0 for c in range(len(pairs))],
        "intercept": 0.0,
    }
    evidence = pl.DataFrame({f: [0.0, 0.0] for f in FEATURES}).with_columns(
        a_in_b=pl.Series([0.9, 0.9]), size_ratio=pl.Series([0.2, -0.4])
    )
    expected = 1.0 / (1.0 + np.exp(-1.5 * np.array([0.18, -0.36]) / 2.0))
    np.testing.assert_allclose(verify.learned_score(evidence, model), expected)


@pytest.mark.slow
def test_the_model_was_fitted_to_the_evidence_the_code_computes_today():
    real = load_benchmark_module("_dedup_real")
    missing = [c.parquet for c in real.labels_mod.CORPORA.values() if not c.parquet.is_file()]
    if missing:
        pytest.skip(f"the shared corpora are not available ({missing[0]} is absent)")
    training = load_benchmark_module("train_verifier")
    pairs = training.dev_pairs(None, DedupOptions(verifier="rules"))
    model = verify.load_model()
    x = training.fitted_inputs(verify.transform(pairs, model["features"]))
    # the stored figures are rounded to six places; StandardScaler's spread is ddof=0,
    # and 1 for a feature constant over the pairs (the gap beyond the first day: the
    # labelled pairs are pairs of one day, and the fit never sees it)
    spread = x.std(axis=0)
    np.testing.assert_allclose(x.mean(axis=0), model["mean"], atol=5e-6)
    np.testing.assert_allclose(np.where(spread == 0, 1.0, spread), model["scale"], atol=5e-6)
    # and the products of the standardized features, two by two
    products = verify.pair_products((x - x.mean(axis=0)) / np.where(spread == 0, 1.0, spread))
    pair_spread = products.std(axis=0)
    np.testing.assert_allclose(products.mean(axis=0), model["pair_mean"], atol=5e-5)
    np.testing.assert_allclose(
        np.where(pair_spread == 0, 1.0, pair_spread), model["pair_scale"], rtol=1e-4, atol=5e-5
    )
