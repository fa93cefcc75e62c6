"""The pair decision: is a candidate pair a copy, an update, or neither?

Two verifiers read the same evidence (:mod:`corpuskit.dedup.evidence`), chosen with
``[dedup] verifier``:

* ``learned`` (default): a logistic regression over the evidence and the products of
  its measures two by two (:func:`pair_products`), trained on the dev days labelled by
  reading (``benchmarks/train_verifier.py``, deterministic; the model is the small JSON
  file ``verifier.json`` beside this module, applied with numpy). Its score is the
  probability that the pair is a copy.
* ``rules``: a documented scoring function (:func:`rules_score`): three ways of being a
  copy, each needing evidence beyond a shared template, and two vetoes.

A pair whose score reaches ``copy_score`` (0.6), or that shares most of its 3-grams
(``threshold``, 0.5) with agreeing rare words, is a copy (more than ``CROSS_DAY_HOURS``
apart, only the latter, at ``CROSS_DAY_SHINGLES``), unless it is vetoed: two items of
one serial template (:func:`serial_items`: the same text with other figures), an
outlet's follow-up of its own story (:func:`follow_ups`: a new lead over reused
paragraphs), or an outlet's versions of one moment (:func:`outlet_versions`: other
figures each, or one batch of items posted in the same minute) are never copies, nor,
when a date is missing, items of one template (:func:`template_items`: only template
words in common; dated, they are left to the day gap and the score, which reads the
template share and the rare words' agreement, alone and with every other measure). A pair
that is not a copy may be an **update** (:func:`is_update`): one version is newer, by
at most two days, reuses most of the older one's words, adds words of its own, and
brings numbers of its own while dropping some of the older one's (a new toll, new
figures). An update is not a copy: dropping it would lose the news; the older version
is flagged.

:func:`copy_kind` names how a dropped copy relates to the kept document, and
:func:`why` writes the evidence that decided a pair, for the finding, the ``dup_why``
column and the report.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from corpuskit.config import DedupOptions
from corpuskit.dedup.evidence import MISSING_HOURS

COPY, UPDATE, NONE = "copy", "update", "none"
MODEL_FILE = Path(__file__).with_name("verifier.json")
# Trimmed: the dropped copy is the shorter one, most of its words are in the kept one,
# and it is clearly shorter.
TRIMMED_CONTAINED, TRIMMED_RATIO = 0.7, 0.75
# Update: the newer version keeps most of the older one's words, adds words of its own,
# and brings numbers of its own while dropping some of the older one's.
UPDATE_OLDER_KEPT, UPDATE_NEWER_KEPT, UPDATE_SHINGLES, UPDATE_MIN_HOURS = 0.6, 0.8, 0.3, 0.5
# Versions of one story follow each other within two days; further apart, two documents
# sharing text with figures of their own are the next item of a template (another day's
# market close, the next relief flight, another company's dividend, another missing
# child) far more often than an update.
UPDATE_MAX_HOURS = 48.0
SERIAL_SHINGLES = 0.5
# A near copy (most 3-grams shared, ``threshold``) whose rare words agree is a copy
# whatever the score: boilerplate left in the body (a block of other articles'
# headlines, with their numbers) lowers the score of a plain copy.
NEAR_RARE = 0.3
# Documents published more than this many hours apart are copies only as near copies:
# daily items of one template (the weather, a market close) are rewritten from the same
# vocabulary every day, and the verifier was trained on pairs of one day.
CROSS_DAY_HOURS = 20.0
# ... and then a near copy shares at least this much of its 3-grams: the weather of
# another day, the next royal cable of one template, reach 0.5-0.6.
CROSS_DAY_SHINGLES = 0.7
# A pair tied across days by a copy of both whose shorter side has at most half the
# longer's words shares at least this much of its lead (a trimmed copy keeps the
# opening; a story inside a page of other news does not).
TIED_PART, TIED_LEAD = 0.5, 0.35
TEMPLATE_SHARE, TEMPLATE_RARE = 0.85, 0.3
# A follow-up: the same outlet, another lead, less than this share of 3-grams in common.
FOLLOW_UP_LEAD, FOLLOW_UP_SHINGLES = 0.35, 0.6
# One outlet's versions too close in time for the update rule to order them: each with
# numbers the other lacks and less than this share of 3-grams in common (another toll) ...
VERSION_SHINGLES = 0.8
# ... or published within this many hours (one batch of items) sharing less than
# ``threshold`` of their 3-grams.
SAME_MOMENT_HOURS = 1 / 60
# A document found whole in a longer one: nearly all its words and most of its 3-grams
# are there (an excerpt posted with the full article, a short release printed inside a
# page).
WHOLE_WORDS, WHOLE_SHINGLES = 0.9, 0.8


# The first day between two documents' dates is free of the model's gap (see transform).
FREE_HOURS = 24.0
# The logit lost per unit of the gap beyond the first day (see learned_score).
GAP_SLOPE = 0.305


def transform(evidence: pl.DataFrame, features: list[str]) -> np.ndarray:
    """The model's input matrix: the evidence columns in order, hours as ``log1p`` of the
    hours beyond the first :data:`FREE_HOURS`, of at most ten days.

    Within a day, the hours between two versions say nothing about copying: an agency's
    release is online within the hour and in the next morning's print edition, and the
    outlets of one day publish it at any hour between. Counted from the first hour (the
    model before), the log put most of its range inside that day (ten hours apart: 2.4,
    a day: 3.2, ten days: 5.5); on the dev days, a free first day took recall from 0.807
    to 0.831 at precision 0.974 -> 0.972 (ARI 0.882 -> 0.896; 18 hours free: 0.888, 30 to
    48 the same as 24).

    A pair with a missing date reads as ten days apart, on purpose: an undated pair may
    be days apart, and items of one template published on different days (the fourth
    and the fifth relief flight, one official's receptions of two days) are what a gap
    tells from copies. Read as the typical gap instead, the labelled days with their
    dates removed gained recall (dev 0.721 -> 0.777), but of 35 merges it added to the
    whole undated SaudiNewsNet, 16 were such items (16 right, 3 unsure)."""
    matrix = evidence.select(features).to_numpy().astype(np.float64)
    if "hours" in features:
        col = features.index("hours")
        hours = np.minimum(matrix[:, col], 240.0)
        matrix[:, col] = np.log1p(np.maximum(hours - FREE_HOURS, 0.0))
    return matrix


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> dict:
    """The learned verifier (features, scaling, coefficients)."""
    return json.loads(path.read_text(encoding="utf-8"))


def feature_pairs(width: int) -> list[tuple[int, int]]:
    """The pairs of features whose products the model also reads, in a fixed order."""
    return list(itertools.combinations(range(width), 2))


def pair_products(z: np.ndarray) -> np.ndarray:
    """The products of every two standardized features (:func:`feature_pairs` order):
    how one measure should be read depends on another (containment means more when the
    shorter is much shorter; a shared lead more when the outlets differ), which a sum
    of single features cannot say."""
    pairs = feature_pairs(z.shape[1])
    out = np.empty((z.shape[0], len(pairs)), dtype=np.float64)
    for column, (i, j) in enumerate(pairs):
        out[:, column] = z[:, i] * z[:, j]
    return out


def learned_score(evidence: pl.DataFrame, model: dict | None = None) -> np.ndarray:
    """Probability that each pair is a copy, by the shipped logistic regression over the
    standardized features and their products two by two (:func:`pair_products`), less
    :data:`GAP_SLOPE` on the logit per unit of the gap beyond the first day.

    The labelled pairs the model is fitted on are pairs of one day, so their gap beyond
    the first day is always 0 and the fit cannot say what days apart mean (its weight
    for ``hours``, and for every product with it, is 0). The slope is the one the model
    fitted within a day before the first day was made free (0.294 per spread of 0.964),
    carried over to where the labels cannot teach one: items of one template on
    different days, and a corpus without dates, whose pairs read as ten days apart. On
    the dev days with their dates removed, precision / recall 0.984 / 0.709 with it and
    0.964 / 0.768 without (templated items falsely merged 10 against 21); with the
    dates, ARI 0.896 either way."""
    model = model or load_model()
    x = transform(evidence, model["features"])
    z = (x - np.array(model["mean"])) / np.array(model["scale"])
    z = np.nan_to_num(z, nan=0.0)  # an unknown measure reads as the typical value
    # summed feature by feature, not by a matrix product (whose order of additions
    # depends on the shape): a pair gets the same score in whatever batch it is judged
    logit = np.full(z.shape[0], model["intercept"], dtype=np.float64)
    for column, coef in enumerate(model["coef"]):
        logit += z[:, column] * coef
    if "pair_coef" in model:  # the products, summed one by one in pair_products' order
        pairs = feature_pairs(z.shape[1])
        for (i, j), mean, scale, coef in zip(
            pairs, model["pair_mean"], model["pair_scale"], model["pair_coef"], strict=True
        ):
            if coef:
                logit += (z[:, i] * z[:, j] - mean) / scale * coef
    if "hours" in model["features"]:
        logit -= GAP_SLOPE * x[:, model["features"].index("hours")]
    return 1.0 / (1.0 + np.exp(-logit))


def rules_score(evidence: pl.DataFrame) -> np.ndarray:
    """A documented score in [0, 1]; a pair is a copy from 0.5.

    A copy is any of:

    * **near**: most 3-grams shared (``shingles`` >= 0.5), and the rare words agree
      (``rare_words`` >= 0.3): two items of one template share 3-grams, not their names
      and places;
    * **rewritten**: most of the vocabulary shared both ways (``words`` >= 0.45, each
      side's words >= 0.6 in the other) with the rare words agreeing (>= 0.5);
    * **trimmed**: the shorter one's words nearly all in the longer one (``a_in_b`` >=
      0.85), its 3-grams mostly too (>= 0.6), its lead the same (``lead`` >= 0.3) and the
      rare words agreeing (>= 0.5);

    and is vetoed when both sides carry numbers the other lacks while sharing fewer
    than 80% of their 3-grams (another toll, another date: a different item or an
    update), or when the headlines' figures differ (the 5th and the 6th flight).
    The score is the strongest route's margin, mapped to [0, 1].
    """
    e = {name: evidence[name].to_numpy() for name in evidence.columns}
    near = np.minimum(e["shingles"] / 0.5, e["rare_words"] / 0.3)
    rewritten = np.minimum.reduce(
        [e["words"] / 0.45, e["a_in_b"] / 0.6, e["b_in_a"] / 0.6, e["rare_words"] / 0.5]
    )
    trimmed = np.minimum.reduce(
        [
            e["a_in_b"] / 0.85,
            e["shingles_a_in_b"] / 0.6,
            e["lead"] / 0.3,
            e["rare_words"] / 0.5,
        ]
    )
    best = np.maximum.reduce([near, rewritten, trimmed])
    veto = ((e["a_new_numbers"] > 0) & (e["b_new_numbers"] > 0) & (e["shingles"] < 0.8)) | (
        e["figures_differ"] > 0
    )
    score = np.clip(best / 2.0, 0.0, 1.0)
    return np.where(veto, np.minimum(score, 0.49), score)


def is_update(evidence: pl.DataFrame) -> np.ndarray:
    """Pairs where a newer version reuses an older one and adds news (see the module
    docs): dated apart by at least ``UPDATE_MIN_HOURS`` and at most ``UPDATE_MAX_HOURS``,
    sharing word sequences (``shingles`` >= ``UPDATE_SHINGLES``), most of the older
    one's words in the newer one (>= ``UPDATE_OLDER_KEPT``), the newer one with words of
    its own (at most ``UPDATE_NEWER_KEPT`` of them in the older), and each with numbers
    the other lacks (a new toll, new figures)."""
    b_newer = evidence["b_newer"].to_numpy()
    a_in_b, b_in_a = evidence["a_in_b"].to_numpy(), evidence["b_in_a"].to_numpy()
    older_in_newer = np.where(b_newer > 0, a_in_b, b_in_a)
    newer_in_older = np.where(b_newer > 0, b_in_a, a_in_b)
    hours = evidence["hours"].to_numpy()
    return (
        (b_newer != 0)
        & (hours >= UPDATE_MIN_HOURS)
        & (hours <= UPDATE_MAX_HOURS)
        & (evidence["shingles"].to_numpy() >= UPDATE_SHINGLES)
        & (older_in_newer >= UPDATE_OLDER_KEPT)
        & (newer_in_older <= UPDATE_NEWER_KEPT)
        & (evidence["a_new_numbers"].to_numpy() > 0)
        & (evidence["b_new_numbers"].to_numpy() > 0)
    )


def serial_items(evidence: pl.DataFrame) -> np.ndarray:
    """Two items of a serial template: the same text (``shingles`` >= ``SERIAL_SHINGLES``)
    whose headline figures differ and whose bodies each have numbers the other lacks
    (the 5th and the 6th relief flight, 400 and 425 thousand corrected residencies).
    Copies that convert a figure (riyals to dollars) are rewritten, so they share fewer
    3-grams."""
    return (
        (evidence["figures_differ"].to_numpy() > 0)
        & (evidence["a_new_numbers"].to_numpy() > 0)
        & (evidence["b_new_numbers"].to_numpy() > 0)
        & (evidence["shingles"].to_numpy() >= SERIAL_SHINGLES)
    )


def template_items(evidence: pl.DataFrame) -> np.ndarray:
    """Two items of one template: nearly all their word minima are template words
    (``template`` >= ``TEMPLATE_SHARE``) and the few rare ones disagree (``rare_words`` <
    ``TEMPLATE_RARE``): the cable to Niger and the cable to Jamaica. Unknown in a small
    corpus (no template words can be told there).

    Such a pair is never an update. It is never a copy only when a date is missing
    (:func:`undated_template_items`): then nothing but the rare words tells another
    day's item of the template from a copy (the dev days with their dates removed: 13
    templated items falsely merged without the veto, 8 with it, the same recall). Dated,
    items of different days are judged as near copies only (``CROSS_DAY_HOURS``), and
    within a day the score reads both measures, and their products with the others: on
    the dev days the veto kept apart 7 labelled copy pairs (head and copy) and no pair
    falsely merged without it (recall 0.847 -> 0.858 at precision 0.978); of the merges
    it had kept from the whole corpora, 10 read: 8 copies (a cabinet session, an
    expropriation notice, one outlet's breaking line inside its longer article), 2 not
    (a morning and a later gold-market report)."""
    template = np.nan_to_num(evidence["template"].to_numpy(), nan=0.0)
    return (template >= TEMPLATE_SHARE) & (evidence["rare_words"].to_numpy() < TEMPLATE_RARE)


def follow_ups(evidence: pl.DataFrame) -> np.ndarray:
    """A follow-up of one outlet: the same outlet (``same_source``), another lead
    (``lead`` < ``FOLLOW_UP_LEAD``) and only part of the text in common (``shingles`` <
    ``FOLLOW_UP_SHINGLES``). Outlets write the next development of a story (a toll that
    rose, a reaction, the event after its preview) under a new lead and reuse the earlier
    article's paragraphs as background; another outlet's copy keeps the lead."""
    return (
        (evidence["same_source"].to_numpy() > 0)
        & (evidence["lead"].to_numpy() < FOLLOW_UP_LEAD)
        & (evidence["shingles"].to_numpy() < FOLLOW_UP_SHINGLES)
    )


def found_whole(evidence: pl.DataFrame) -> np.ndarray:
    """The shorter document ``a`` is found whole in the longer: ``WHOLE_WORDS`` of its
    content words and ``WHOLE_SHINGLES`` of its 3-grams are there."""
    return (evidence["a_in_b"].to_numpy() >= WHOLE_WORDS) & (
        evidence["shingles_a_in_b"].to_numpy() >= WHOLE_SHINGLES
    )


def outlet_versions(evidence: pl.DataFrame, threshold: float) -> np.ndarray:
    """Two articles of one outlet (``same_source``) published less than
    ``UPDATE_MIN_HOURS`` apart, too close for :func:`is_update` to tell which is newer,
    that are not copies: each has numbers the other lacks while they share less than
    ``VERSION_SHINGLES`` of their 3-grams (the toll of 22 and then of 30, posted in the
    same minute), or they were published within ``SAME_MOMENT_HOURS`` sharing less than
    ``threshold`` of their 3-grams (one batch of items: dividend notices of two
    companies, the Crown Prince's cables to two countries) while the shorter is not
    found whole in the longer (:func:`found_whole`: an excerpt posted with the full
    article is a copy). An outlet that publishes its own article again keeps its
    text."""
    hours = evidence["hours"].to_numpy()
    shingles = evidence["shingles"].to_numpy()
    new_numbers = (evidence["a_new_numbers"].to_numpy() > 0) & (
        evidence["b_new_numbers"].to_numpy() > 0
    )
    other_figures = new_numbers & (shingles < VERSION_SHINGLES)
    one_batch = (hours < SAME_MOMENT_HOURS) & (shingles < threshold) & ~found_whole(evidence)
    return (
        (evidence["same_source"].to_numpy() > 0)
        & (hours < UPDATE_MIN_HOURS)
        & (other_figures | one_batch)
    )


def undated_template_items(evidence: pl.DataFrame) -> np.ndarray:
    """Items of one template (:func:`template_items`) of which one has no date: the only
    template items that are vetoed."""
    return template_items(evidence) & (evidence["hours"].to_numpy() >= MISSING_HOURS)


def vetoed(evidence: pl.DataFrame, threshold: float) -> np.ndarray:
    """Pairs that are never copies, whatever the score: serial items, one outlet's
    follow-ups and its versions of one moment, and items of one template when a date is
    missing (:func:`undated_template_items`)."""
    return (
        serial_items(evidence)
        | follow_ups(evidence)
        | outlet_versions(evidence, threshold)
        | undated_template_items(evidence)
    )


def decide(
    evidence: pl.DataFrame, options: DedupOptions, *, across_days: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``(relation, score)`` per pair: ``copy``, ``update`` or ``none``, and the score.
    Serial items, follow-ups, an outlet's versions of one moment and, when a date is
    missing, items of one template (:func:`vetoed`) are never copies, whatever the
    score; a follow-up may be an update. ``across_days`` judges pairs dated more than
    ``CROSS_DAY_HOURS`` apart as if they were not (for a pair that a third document, a
    copy of both, already ties together), unless each side has numbers the other lacks
    (the next item of a series told in one template: the third relief convoy a day
    after the second) or the shorter has at most ``TIED_PART`` of the longer's words
    without its opening (``TIED_LEAD``): a trimmed copy keeps its lead, a story found
    inside another day's page does not."""
    if evidence.height == 0:
        return np.empty(0, dtype=object), np.empty(0)
    score = learned_score(evidence) if options.verifier == "learned" else rules_score(evidence)
    vetoes = vetoed(evidence, options.threshold)
    near = (evidence["shingles"].to_numpy() >= options.threshold) & (
        evidence["rare_words"].to_numpy() >= NEAR_RARE
    )
    hours = evidence["hours"].to_numpy()
    days_apart = (hours > CROSS_DAY_HOURS) & (hours < MISSING_HOURS)
    if across_days:
        own_numbers = (evidence["a_new_numbers"].to_numpy() > 0) & (
            evidence["b_new_numbers"].to_numpy() > 0
        )
        inside = (evidence["size_ratio"].to_numpy() <= TIED_PART) & (
            evidence["lead"].to_numpy() < TIED_LEAD
        )
        days_apart &= own_numbers | inside
    near &= ~days_apart | (evidence["shingles"].to_numpy() >= CROSS_DAY_SHINGLES)
    scored = (score >= options.copy_score) & ~days_apart & ~vetoes
    other_items = serial_items(evidence) | template_items(evidence)
    update = ~scored & ~other_items & is_update(evidence)
    copy = (scored | near) & ~update & ~vetoes
    relation = np.where(update, UPDATE, np.where(copy, COPY, NONE)).astype(object)
    return relation, score


def copy_kind(
    evidence: pl.DataFrame, options: DedupOptions, *, dropped_is_a: np.ndarray
) -> pl.Series:
    """``near`` (most 3-grams shared), ``trimmed`` (a clearly shorter copy contained in
    the kept document) or ``rewritten`` (the same release in other words)."""
    shingles = evidence["shingles"].to_numpy()
    trimmed = (
        dropped_is_a
        & (evidence["a_in_b"].to_numpy() >= TRIMMED_CONTAINED)
        & (evidence["size_ratio"].to_numpy() <= TRIMMED_RATIO)
    )
    kind = np.where(
        shingles >= options.threshold, "near", np.where(trimmed, "trimmed", "rewritten")
    )
    return pl.Series("kind", kind, dtype=pl.String)


# The evidence :func:`why` words, and ``update_of`` (the pair is an older version and
# the newer one that updates it): what the link pass keeps of a decided pair, so that
# the sentence is written batch by batch, where the decision is written onto documents.
# Four bytes a measure (at millions of decided documents each eight-byte column was tens
# of megabytes more): the sentence shows two decimals, the sketch similarities are
# multiples of 1/128, counts and yes/no measures are small. Containment keeps eight: it
# is worked out from the others, and lands on a last decimal of 5 often enough that four
# bytes would round some of them the other way.
WHY_SCHEMA: dict[str, pl.DataType] = {
    "score": pl.Float32(),
    "shingles": pl.Float32(),
    "words": pl.Float32(),
    "rare_words": pl.Float32(),
    "a_in_b": pl.Float64(),
    "lead": pl.Float32(),
    "title": pl.Float32(),
    "same_source": pl.Float32(),
    "sources_known": pl.Float32(),
    "hours": pl.Float32(),
    "a_new_numbers": pl.Float32(),
    "b_new_numbers": pl.Float32(),
    "shared_numbers": pl.Float32(),
    "figures_differ": pl.Float32(),
    "update_of": pl.Boolean(),
}


def why_evidence(evidence: pl.DataFrame, *, update_of: bool = False) -> pl.DataFrame:
    """The columns of :data:`WHY_SCHEMA` of each pair of ``evidence``."""
    return evidence.select(
        *(pl.col(name) for name in WHY_SCHEMA if name != "update_of"),
        update_of=pl.lit(update_of),
    ).cast(WHY_SCHEMA)


def why(evidence: pl.DataFrame) -> pl.Series:
    """The evidence of each pair in words (:data:`WHY_SCHEMA`): what it shares and what
    differs; null where ``score`` is null (no pair decided the row).

    "verifier 0.97; 3-grams 0.42, words 0.81 (rare words 0.90), 0.95 of the shorter's
    words in the longer, lead 0.56, headlines 0.60; other outlet, 3 h apart; each has
    numbers the other lacks; 4 numbers in common"."""
    out = []
    for row in evidence.select(list(WHY_SCHEMA)).iter_rows():
        score, shingles, words, rare, a_in_b, lead, title, same, known = row[:9]
        hours, new_a, new_b, shared_numbers, fig, update_of = row[9:]
        if score is None:
            out.append(None)
            continue
        text = (
            f"verifier {score:.2f}; 3-grams {shingles:.2f}, words {words:.2f} "
            f"(rare words {rare:.2f}), {a_in_b:.2f} of the shorter's words in the longer, "
            f"lead {lead:.2f}, headlines {title:.2f}"
        )
        context = ["same outlet" if same else "other outlet"] if known else []
        if hours < MISSING_HOURS:
            context.append(f"{hours:.0f} h apart" if hours >= 1 else "same hour")
        if context:
            text += "; " + ", ".join(context)
        if new_a and new_b:
            text += "; each has numbers the other lacks"
        elif new_a or new_b:
            text += "; one has numbers the other lacks"
        if shared_numbers:
            count = int(shared_numbers)
            text += f"; {count} number{'s' if count > 1 else ''} in common"
        if fig:
            text += "; headline figures differ"
        if update_of:
            text += "; the newer version adds material"
        out.append(text)
    return pl.Series("why", out, dtype=pl.String)


def headline_why() -> pl.Expr:
    """The evidence of a headline match whose bodies are not copies, in words, from the
    columns ``title`` (share of headline words), ``words`` and ``shingles`` (bodies):
    "headlines share 92% of their words; bodies: words 0.31, 3-grams 0.05"."""

    def two_places(name: str) -> pl.Expr:
        return pl.col(name).round(2).cast(pl.String).str.pad_end(4, "0")

    return pl.format(
        "headlines share {}% of their words; bodies: words {}, 3-grams {}",
        (pl.col("title") * 100).round(0).cast(pl.Int64),
        two_places("words"),
        two_places("shingles"),
    )
