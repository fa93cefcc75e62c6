"""Score cleaned page text against a human gold article body, as extraction benchmarks do.

The article-extraction-benchmark (Zyte/Scrapinghub) compares bags of word n-grams: for each
page it counts true positives (n-grams in both, by multiplicity), false positives (only in
the prediction) and false negatives (only in the gold body), normalizes the three so that a
long page weighs no more than a short one, averages precision and recall over pages and
takes F1 of the two averages. ``n=1`` is the bag-of-tokens score; ``n=4`` is the shingle
score the benchmark itself publishes.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"\w+", re.UNICODE)


def ngrams(text: str | None, n: int) -> Counter[tuple[str, ...]]:
    """Counts of the word n-grams of ``text`` (a text shorter than n gives one short gram)."""
    tokens = WORD.findall(text or "")
    if n == 1:
        return Counter((token,) for token in tokens)
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(gram for gram in grams if gram)


def page_counts(gold: str | None, predicted: str | None, n: int) -> tuple[float, float, float]:
    """Normalized (tp, fp, fn) of one page."""
    gold_grams, predicted_grams = ngrams(gold, n), ngrams(predicted, n)
    tp = sum((gold_grams & predicted_grams).values())
    fp = sum((predicted_grams - gold_grams).values())
    fn = sum((gold_grams - predicted_grams).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def prf(pairs: Iterable[tuple[str | None, str | None]], n: int) -> dict[str, float]:
    """Mean precision, mean recall and their F1 over (gold, predicted) pages."""
    counts = [page_counts(gold, predicted, n) for gold, predicted in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    # pages with no predicted (or no gold) n-gram do not enter that average, as upstream
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
