"""Do names and places tell the dev days' copies from their non-copies? A check of evidence
the keys do not hold yet, measured before any of it is built into the matcher.

    .venv/bin/python benchmarks/_dedup_names.py --real-cache DIR [--pairs dev-pairs.parquet]

Only the DEV split (``--pairs``: the labelled pair evidence that
``benchmarks/train_verifier.py --dump`` writes; without it the pairs are judged again).
A *name word* of a document is a folded word of its body that is not a function word
(:mod:`corpuskit.dedup.stopwords`), not a number, and not common, in one of two senses:

* ``ant``: not on a list of the words found in at least a share of the ANT articles
  (the labelled articles left out): a list that could ship with the package;
* ``corpus``: found in fewer than a share of the documents of the pair's own corpus:
  what a count over the corpus being cleaned would give.

For each pair: the Jaccard similarity of the two name sets, the share of each side's
names found in the other, the names shared, and the names of each side's lead (first
``LEAD_WORDS`` words) that the other lacks entirely. The script prints how well each
separates copies from non-copies (ROC AUC) among the pairs the verifier finds hard, what
vetoes on the pairs it passes and promotions of those it rejects would trade, and the
verifier retrained with the name features, scored on left-out days.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _dedup_real as real
from train_verifier import dev_pairs, leave_one_day_out, ranking_figures

from corpuskit.config import DedupOptions
from corpuskit.dedup.evidence import FEATURES
from corpuskit.dedup.sign import LEAD_WORDS, body_and_title
from corpuskit.dedup.stopwords import FUNCTION_WORDS
from corpuskit.dedup.verify import learned_score, transform
from corpuskit.normalize import fold

NAME_FEATURES = ("name_jaccard", "names_a_in_b", "names_b_in_a", "lead_names_a", "lead_names_b")
ANT_SHARES = (0.001, 0.01)  # an ANT word is common from this share of the articles
CORPUS_SHARES = (0.0005, 0.002)  # a corpus word is a name below this share of its documents
ZONES = ((0.05, 1.01), (0.1, 0.7), (0.7, 1.01))  # verifier score ranges


def folded_words(frame: pl.DataFrame) -> dict[str, list[str]]:
    """Each document's folded body words, as dedup compares them."""
    body, _ = body_and_title(frame)
    return {
        i: fold(t or "").split() for i, t in zip(frame["id"].to_list(), body.to_list(), strict=True)
    }


def document_counts(words: dict[str, list[str]], leave_out: set[str]) -> Counter:
    """In how many documents each word occurs."""
    counts: Counter = Counter()
    for i, ws in words.items():
        if i not in leave_out:
            counts.update(set(ws))
    return counts


def name_features(words_a: list[str], words_b: list[str], is_name) -> dict[str, float]:
    """The name evidence of one pair (see the module docs)."""
    names_a = {w for w in words_a if is_name(w)}
    names_b = {w for w in words_b if is_name(w)}
    shared = len(names_a & names_b)
    lead_a = {w for w in words_a[:LEAD_WORDS] if is_name(w)}
    lead_b = {w for w in words_b[:LEAD_WORDS] if is_name(w)}
    return {
        "name_jaccard": shared / max(len(names_a | names_b), 1),
        "names_a_in_b": shared / max(len(names_a), 1),
        "names_b_in_a": shared / max(len(names_b), 1),
        "names_shared": float(shared),
        "lead_names_a": float(len(lead_a - names_b)),
        "lead_names_b": float(len(lead_b - names_a)),
    }


def ordinary(word: str) -> bool:
    """A function word, a number or a single letter: never a name."""
    return word in FUNCTION_WORDS or word.isdigit() or len(word) < 2


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score)) if 0 < y.sum() < y.size else float("nan")


def left_out_days(table: pl.DataFrame, features: list[str]) -> list[str]:
    """Pair precision and recall of the verifier trained on ``features``, each dev day
    scored by the model fitted on the others, and the logistic model's ranking figures
    (as ``train_verifier.py`` prints them)."""
    y = table["copy"].to_numpy()
    scores = leave_one_day_out(table, transform(table, features), y, features=features)
    lines = [f"  left-out day, logistic: {ranking_figures(scores['logistic'], y)}"]
    for model in ("logistic", "trees"):
        for cut in (0.5, 0.7):
            predicted = scores[model] >= cut
            tp = int((predicted & y).sum())
            lines.append(
                f"  left-out day, {model} on {len(features)} features, score >= {cut}: "
                f"pair precision {tp / max(predicted.sum(), 1):.3f}, recall {tp / y.sum():.3f}"
            )
    return lines


def zone_aucs(table: pl.DataFrame, columns: list[str], indent: str = "") -> list[str]:
    """The ROC AUC of the shipped verifier's score and of each of ``columns``, among the
    pairs in each range of that score (:data:`ZONES`)."""
    lines = []
    for lo, hi in ZONES:
        zone = table.filter((pl.col("verifier") >= lo) & (pl.col("verifier") < hi))
        y = zone["copy"].to_numpy()
        aucs = ", ".join(f"{c} {auc(y, zone[c].to_numpy()):.3f}" for c in ["verifier", *columns])
        lines.append(
            f"{indent}verifier score {lo}-{hi}: {zone.height} pairs, {y.sum()} copies; AUC {aucs}"
        )
    return lines


def separation(pairs: pl.DataFrame, measured: pl.DataFrame, what: str) -> list[str]:
    """How far new measures of the dev pairs (``measured``, one row a pair) tell copies
    from non-copies: each one's ROC AUC in each range of the shipped verifier's score
    (:data:`ZONES`), and the verifier refitted with them and on them alone, each dev day
    scored by the model fitted on the others (``what`` names them)."""
    table = pl.concat([pairs, measured], how="horizontal")
    lines = [f"{table.height:,} dev pairs, {int(table['copy'].sum()):,} copies"]
    lines += zone_aucs(table, ["shingles", "words", "rare_words", *measured.columns])
    for label, features in (
        ("the verifier's own features", list(FEATURES)),
        (f"with {what}", [*FEATURES, *measured.columns]),
        (f"{what} alone", list(measured.columns)),
    ):
        lines += [f"## {label}", *left_out_days(table, features)]
    return lines


def report(pairs: pl.DataFrame, names: pl.DataFrame, label: str) -> list[str]:
    """The separation figures of one definition of name words."""
    table = pl.concat([pairs, names], how="horizontal")
    lines = [f"## name words: {label}"]
    lines += zone_aucs(table, ["words", "rare_words", *NAME_FEATURES, "names_shared"], "  ")
    passed = table.filter(pl.col("verifier") >= 0.7)
    rejected = table.filter((pl.col("verifier") >= 0.3) & (pl.col("verifier") < 0.7))
    for frame, what, rules in (
        (
            passed,
            "veto on pairs scored >= 0.7",
            [("name_jaccard", "<", t) for t in (0.1, 0.2, 0.3, 0.4)],
        ),
        (
            rejected,
            "promote pairs scored 0.3-0.7",
            [("names_b_in_a", ">=", t) for t in (0.5, 0.6, 0.7)],
        ),
    ):
        for column, op, t in rules:
            hit = frame.filter(pl.col(column) < t if op == "<" else pl.col(column) >= t)
            kinds = dict(hit.filter(~pl.col("copy"))["relation_label"].value_counts().iter_rows())
            lines.append(
                f"  {what}, {column} {op} {t}: {int(hit['copy'].sum())} copies, "
                f"{int((~hit['copy']).sum())} non-copies {kinds}"
            )
    lines += left_out_days(table, [*FEATURES, *NAME_FEATURES])
    return lines


def scored_dev_pairs(
    description: str, extra: Callable[[argparse.ArgumentParser], Any] | None = None
) -> tuple[argparse.Namespace, pl.DataFrame]:
    """The command line (``--real-cache``, ``--pairs``, and what ``extra`` adds to the
    parser) and the labelled dev pairs' evidence with the shipped verifier's score
    (``verifier``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--real-cache", type=Path, help="validated corpora (see dedup.py)")
    parser.add_argument("--pairs", type=Path, help="dev pair evidence (train_verifier.py --dump)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    pairs = (
        pl.read_parquet(args.pairs)
        if args.pairs
        else dev_pairs(args.real_cache, DedupOptions(verifier="rules"))
    )
    return args, pairs.with_columns(verifier=pl.Series(learned_score(pairs)))


def main() -> None:
    args, pairs = scored_dev_pairs(__doc__.splitlines()[0])
    words = {c: folded_words(real.validated(c, args.real_cache)) for c in real.labels_mod.CORPORA}
    labelled = {i for split in ("dev", "test") for i in real.load_labels(split)[0]["id"]}
    sides = list(pairs.select("corpus", "id_a", "id_b").iter_rows())
    lines = ["## the verifier's own features", *left_out_days(pairs, list(FEATURES))]
    ant_counts = document_counts(words["ant_corpus"], labelled)
    ant_docs = len(words["ant_corpus"]) - len(labelled & set(words["ant_corpus"]))
    for share in ANT_SHARES:
        common = {w for w, n in ant_counts.items() if n >= share * ant_docs}
        is_name = lambda w, common=common: w not in common and not ordinary(w)  # noqa: E731
        names = pl.DataFrame(
            [name_features(words[c][a], words[c][b], is_name) for c, a, b in sides]
        )
        lines += report(
            pairs,
            names,
            f"not on the ANT list of words in >= {share:.2%} of articles ({len(common):,} words)",
        )
    counts = {c: document_counts(ws, set()) for c, ws in words.items()}
    for share in CORPUS_SHARES:
        rows = []
        for c, a, b in sides:
            limit = share * len(words[c])
            is_name = lambda w, n=counts[c], limit=limit: n[w] < limit and not ordinary(w)  # noqa: E731
            rows.append(name_features(words[c][a], words[c][b], is_name))
        lines += report(pairs, pl.DataFrame(rows), f"in < {share:.2%} of the pair's own corpus")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
