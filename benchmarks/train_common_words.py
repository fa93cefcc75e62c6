"""Train the common-word list that the topic tests of ``teaser-run`` read.

Run from the repository root (deterministic: the same corpora give the same file)::

    .venv/bin/python benchmarks/train_common_words.py [--out corpuskit/validate/models/common_words.json]
                                                      [--min-doc-share 0.075]

Whether a paragraph is about the article it ends, or about another story, is judged by
the content words it shares with the article. Words that half the news in the language
uses ("علي", "التي", "خلال", "رييس", "حكومه", "اليوم") are shared by any two stories
and prove nothing. This script counts, over both corpora in ``../shared/corpora``
(SaudiNewsNet and ANT), in how many articles each word occurs (the folded words of
:func:`corpuskit.validate.headlines.stems`: the article "ال" and its clitics taken off),
and keeps those found in at least ``--min-doc-share`` of the articles. The file holds
only those words and the document count: no corpus text beyond single words.

The labelled articles of ``tests/data/boilerplate_labels`` (dev and test) are left out,
as for the story-opening model (``train_lead_openers.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from _labels import REPO
from train_lead_openers import unlabelled_texts

from corpuskit.normalize import fold
from corpuskit.validate.headlines import stems

DEFAULT_OUT = REPO / "corpuskit" / "validate" / "models" / "common_words.json"


def train(texts: list[str], min_doc_share: float) -> dict:
    """The words found in at least ``min_doc_share`` of ``texts``, sorted."""
    documents: Counter = Counter()
    for text in texts:
        documents.update(stems(fold(text or "")))
    least = min_doc_share * len(texts)
    return {
        "description": "folded words found in so many news articles that sharing them says "
        "nothing about a topic (document share); see benchmarks/train_common_words.py",
        "articles": len(texts),
        "min_doc_share": min_doc_share,
        "words": sorted(word for word, count in documents.items() if count >= least),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-doc-share", type=float, default=0.075)
    args = parser.parse_args(argv)
    if not 0 < args.min_doc_share <= 1:
        parser.error("--min-doc-share must be in (0, 1]")
    texts, _ids = unlabelled_texts()
    model = train(texts, args.min_doc_share)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    tmp.replace(args.out)
    print(f"{model['articles']:,} articles: {len(model['words'])} common words -> {args.out}")


if __name__ == "__main__":
    main()
