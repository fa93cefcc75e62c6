"""Would similarities measured on the texts themselves tell the dev days' copies from
their non-copies better than the sketches in the keys? A ceiling check, before any text
is read in the link pass.

    .venv/bin/python benchmarks/_dedup_text_features.py --real-cache DIR [--pairs dev-pairs.parquet]

Only the DEV split (``--pairs``: the labelled pair evidence that
``benchmarks/train_verifier.py --dump`` writes; without it the pairs are judged again).
The link pass estimates every similarity from MinHash sketches (128 values for the
3-grams: a standard error of about 0.044 at 0.5). For each dev pair this script measures
from the two folded bodies exactly:

* ``text_3grams``: Jaccard similarity of the word 3-grams, and ``text_contained``: the
  share of the shorter's 3-grams found in the longer;
* ``text_rare_jaccard``, ``text_rare_contained``: IDF-weighted overlap of the content
  words (function words and numbers left out; IDF over the pair's whole corpus), so a
  template's words weigh little;
* ``sentences_aligned``: the share of the shorter's sentences (of six words or more) with
  at least half of their 3-grams in the longer, and ``sentences_verbatim`` with 0.8: a
  rewrite of one release keeps some of its sentences, an independent report of the same
  story few;
* ``longest_run``: the longest run of the shorter's 3-grams found in the longer, as a
  share of its length, and its log.

It prints each measure's ROC AUC over all pairs and over the pairs the shipped verifier
finds hard, and the verifier refitted with the measures (and with them alone), each dev
day scored by the model fitted on the other days.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _dedup_real as real
from _dedup_names import folded_words, scored_dev_pairs, separation

from corpuskit.dedup.sign import body_and_title
from corpuskit.dedup.stopwords import FUNCTION_WORDS
from corpuskit.normalize import fold

TEXT_FEATURES = (
    "text_3grams",
    "text_contained",
    "text_rare_jaccard",
    "text_rare_contained",
    "sentences_aligned",
    "sentences_verbatim",
    "longest_run",
    "log_longest_run",
)
SENTENCE_END = re.compile(r"[.!؟?\n]+")
SENTENCE_WORDS = 6


def trigrams(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def sentences(frame: pl.DataFrame) -> dict[str, list[list[str]]]:
    """Each document's sentences of at least ``SENTENCE_WORDS`` folded words."""
    body, _ = body_and_title(frame)
    out = {}
    for i, text in zip(frame["id"].to_list(), body.to_list(), strict=True):
        folded = (fold(s).split() for s in SENTENCE_END.split(text or ""))
        out[i] = [s for s in folded if len(s) >= SENTENCE_WORDS]
    return out


def text_features(
    words_a: list[str],
    words_b: list[str],
    sentences_a: list[list[str]],
    sentences_b: list[list[str]],
    idf,
) -> list[float]:
    """The measures of the module docs for one pair."""
    grams_a, grams_b = trigrams(words_a), trigrams(words_b)
    shared = len(grams_a & grams_b)
    jaccard = shared / max(len(grams_a | grams_b), 1)
    contained = shared / max(min(len(grams_a), len(grams_b)), 1)
    content_a = {w for w in words_a if w not in FUNCTION_WORDS and not w.isdigit()}
    content_b = {w for w in words_b if w not in FUNCTION_WORDS and not w.isdigit()}
    both = sum(idf(w) for w in content_a & content_b)
    weight_a, weight_b = sum(map(idf, content_a)), sum(map(idf, content_b))
    rare_jaccard = both / max(weight_a + weight_b - both, 1e-9)
    rare_contained = both / max(min(weight_a, weight_b), 1e-9)
    if len(words_a) <= len(words_b):
        shorter, shorter_sentences, longer_grams = words_a, sentences_a, grams_b
    else:
        shorter, shorter_sentences, longer_grams = words_b, sentences_b, grams_a
    found = [len(trigrams(s) & longer_grams) / len(trigrams(s)) for s in shorter_sentences]
    aligned = float(np.mean([f >= 0.5 for f in found])) if found else 0.0
    verbatim = float(np.mean([f >= 0.8 for f in found])) if found else 0.0
    run = best = 0
    for i in range(len(shorter) - 2):
        run = run + 1 if tuple(shorter[i : i + 3]) in longer_grams else 0
        best = max(best, run)
    return [
        jaccard,
        contained,
        rare_jaccard,
        rare_contained,
        aligned,
        verbatim,
        best / max(len(shorter), 1),
        math.log1p(best),
    ]


def main() -> None:
    args, pairs = scored_dev_pairs(__doc__.splitlines()[0])
    frames = {c: real.validated(c, args.real_cache) for c in real.labels_mod.CORPORA}
    words = {c: folded_words(frame) for c, frame in frames.items()}
    split = {c: sentences(frame) for c, frame in frames.items()}
    idf = {}
    for corpus, by_id in words.items():
        counts = Counter(w for ws in by_id.values() for w in set(ws))
        n = len(by_id)
        idf[corpus] = lambda w, counts=counts, n=n: math.log(n / (1 + counts[w]))
    rows = [
        text_features(words[c][a], words[c][b], split[c][a], split[c][b], idf[c])
        for c, a, b in pairs.select("corpus", "id_a", "id_b").iter_rows()
    ]
    measured = pl.DataFrame(rows, schema=list(TEXT_FEATURES), orient="row")
    print("\n".join(separation(pairs, measured, "the text measures")))


if __name__ == "__main__":
    main()
