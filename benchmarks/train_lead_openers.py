"""Train the story-opening word model that ``teaser-run`` and ``related-block`` read.

Run from the repository root (deterministic: the same corpora give the same file)::

    .venv/bin/python benchmarks/train_lead_openers.py [--out corpuskit/validate/models/lead_openers.json]
                                                      [--min-count 10] [--min-ratio 4] [--evaluate]

A news story's opening paragraph starts differently from the paragraphs that continue it:
"أعلنت وزارة ..." against "وأضاف ...", "كما ...". This script counts, over both corpora
in ``../shared/corpora`` (SaudiNewsNet and ANT), the first folded word of every opening
paragraph (the first line of 12 words or more of an article) and of every later paragraph
of 12 words or more, and keeps the words that open a story much more often than they
continue one: at least ``--min-count`` openings, and a likelihood ratio (share among
openings over share among later paragraphs, add-one smoothed) of at least ``--min-ratio``.
The file holds only those words with their ratio: no corpus text beyond single words.

The labelled articles of ``tests/data/boilerplate_labels`` (dev and test) are left out,
so the figures measured on them do not see their own openings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from _labels import CORPORA, REPO, read_labels

from corpuskit.normalize import fold

MIN_WORDS = 12
DEFAULT_OUT = REPO / "corpuskit" / "validate" / "models" / "lead_openers.json"


def first_word(line: str) -> str:
    words = fold(line).split(" ", 1)
    return words[0] if words and words[0] and not words[0].isdigit() else ""


def count_openers(texts: list[str]) -> tuple[Counter, Counter]:
    """First words of opening paragraphs and of later paragraphs."""
    openings: Counter = Counter()
    later: Counter = Counter()
    for text in texts:
        seen_opening = False
        for line in (text or "").split("\n"):
            if len(line.split()) < MIN_WORDS:
                continue
            word = first_word(line)
            if not word:
                continue
            if seen_opening:
                later[word] += 1
            else:
                openings[word] += 1
                seen_opening = True
    return openings, later


def train(openings: Counter, later: Counter, min_count: int, min_ratio: float) -> dict:
    n_open, n_later = sum(openings.values()), sum(later.values())
    vocabulary = len(set(openings) | set(later))
    words = {}
    for word, count in sorted(openings.items()):
        if count < min_count:
            continue
        ratio = ((count + 1) / (n_open + vocabulary)) / ((later[word] + 1) / (n_later + vocabulary))
        if ratio >= min_ratio:
            words[word] = round(ratio, 2)
    return {
        "description": "first folded words that open a news story far more often than they "
        "continue one (likelihood ratio, add-one smoothed); see benchmarks/train_lead_openers.py",
        "min_count": min_count,
        "min_ratio": min_ratio,
        "openings": n_open,
        "later_paragraphs": n_later,
        "words": words,
    }


def held_out_figures(texts: list[str], ids: list[str], min_count: int, min_ratio: float) -> str:
    """Train on the articles whose id hashes even, and measure on the others: the share
    of opening paragraphs whose first word is in the list (recall) and the share of
    later paragraphs wrongly in it (false openings)."""
    train_texts, test_texts = [], []
    for doc_id, text in zip(ids, texts, strict=True):
        half = hashlib.sha256(doc_id.encode()).digest()[0] % 2
        (test_texts if half else train_texts).append(text)
    model = train(*count_openers(train_texts), min_count, min_ratio)
    words = model["words"]
    openings, later = count_openers(test_texts)
    hit_open = sum(c for w, c in openings.items() if w in words) / max(1, sum(openings.values()))
    hit_later = sum(c for w, c in later.items() if w in words) / max(1, sum(later.values()))
    return (
        f"held out (ids hashing odd): openings recognised {hit_open:.3f}, "
        f"later paragraphs taken for openings {hit_later:.3f} ({len(words)} words)"
    )


def unlabelled_texts() -> tuple[list[str], list[str]]:
    """The texts and ids of every article of both corpora but the labelled ones, by id."""
    texts: list[str] = []
    ids: list[str] = []
    for corpus in CORPORA:
        if not corpus.parquet.exists():
            sys.exit(f"corpus missing: {corpus.parquet} (the shared corpora folder is needed)")
        labelled = set(read_labels(corpus.labels)["id"].unique().to_list())
        frame = pl.read_parquet(corpus.parquet, columns=["id", "text"]).sort("id")
        kept = frame.filter(~pl.col("id").is_in(labelled))
        texts += kept["text"].to_list()
        ids += kept["id"].to_list()
    return texts, ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-count", type=int, default=10)
    parser.add_argument("--min-ratio", type=float, default=4.0)
    parser.add_argument(
        "--evaluate", action="store_true", help="also train on half the ids, score the rest"
    )
    args = parser.parse_args(argv)
    texts, ids = unlabelled_texts()
    openings, later = count_openers(texts)
    model = train(openings, later, args.min_count, args.min_ratio)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    tmp.replace(args.out)
    print(
        f"{len(texts):,} articles: {model['openings']:,} openings, "
        f"{model['later_paragraphs']:,} later paragraphs; {len(model['words'])} opening words "
        f"-> {args.out}"
    )
    if args.evaluate:
        print(held_out_figures(texts, ids, args.min_count, args.min_ratio))


if __name__ == "__main__":
    main()
