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
import pytest
from _benchmark_modules import load_benchmark_module

from corpuskit.config import DedupOptions
from corpuskit.dedup import verify
from corpuskit.dedup.evidence import FEATURES


def test_the_model_reads_every_feature_of_the_evidence_in_order():
    assert verify.load_model()["features"] == list(FEATURES)


def test_the_gap_beyond_the_first_day_is_weighed_by_the_fixed_slope_alone():
    # the labelled pairs are pairs of one day: a fit that gave the gap a weight of its
    # own would count it twice beside GAP_SLOPE (see verify.learned_score)
    model = verify.load_model()
    assert model["coef"][model["features"].index("hours")] == 0.0


@pytest.mark.slow
def test_the_model_was_fitted_to_the_evidence_the_code_computes_today():
    real = load_benchmark_module("_dedup_real")
    missing = [c.parquet for c in real.labels_mod.CORPORA.values() if not c.parquet.is_file()]
    if missing:
        pytest.skip(f"the shared corpora are not available ({missing[0]} is absent)")
    training = load_benchmark_module("train_verifier")
    pairs = training.dev_pairs(None, DedupOptions(verifier="rules"))
    model = verify.load_model()
    x = verify.transform(pairs, model["features"])
    # the stored figures are rounded to six places; StandardScaler's spread is ddof=0,
    # and 1 for a feature constant over the pairs (the gap beyond the first day: the
    # labelled pairs are pairs of one day)
    spread = x.std(axis=0)
    np.testing.assert_allclose(x.mean(axis=0), model["mean"], atol=5e-6)
    np.testing.assert_allclose(np.where(spread == 0, 1.0, spread), model["scale"], atol=5e-6)
