"""Synthetic copy corpora for the dedup benchmark, made from real Arabic news articles.

Each original is a real article (ANT, Apache-2.0; SaudiNewsNet for reading only). Some
originals get copies carrying one or two of the edits republishing makes, each edit
recorded, so the true clusters are known. Originals that already have an exact or near
copy in the pool are removed first, so the ground truth has no unlabelled duplicates.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import polars as pl

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpora" / "ant_corpus" / "articles.parquet"
SNN = SHARED / "corpora" / "saudinewsnet" / "articles.parquet"

_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")
DATELINES = ["الرياض - واس", "دبي (رويترز) -", "القاهرة - أ ش أ", "جدة - «الوطن»", "بيروت - أ ف ب"]
CREDITS = ["(أ ف ب)", "المصدر: وكالات", "* خدمة «نيويورك تايمز»", "(رويترز)", "// انتهى //"]
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]
FILLER_WORDS = ["أيضا", "كذلك", "حاليا", "رسميا", "مجددا", "تقريبا", "فقط", "الآن"]


def paragraphs(text: str) -> list[str]:
    """Non-empty lines; a one-line article is split into sentences instead."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 3:
        lines = [s for line in lines for s in _SENTENCE_END.split(line) if s.strip()]
    return lines


def _new_headline(doc: dict, rng: random.Random) -> dict:
    words = (doc["title"] or "").split()
    rng.shuffle(words)
    return {**doc, "title": " ".join([rng.choice(DATELINES).split()[0], *words])}


def _dateline(doc: dict, rng: random.Random) -> dict:
    return {**doc, "text": rng.choice(DATELINES) + "\n" + doc["text"]}


def _credit(doc: dict, rng: random.Random) -> dict:
    return {**doc, "text": doc["text"] + "\n" + rng.choice(CREDITS)}


def _trim_ending(doc: dict, rng: random.Random) -> dict:
    paras = paragraphs(doc["text"])
    words = sum(len(p.split()) for p in paras)
    while len(paras) > 2 and len(paras[-1].split()) <= 0.25 * words:
        words -= len(paras[-1].split())
        paras.pop()
        break
    return {**doc, "text": "\n".join(paras)}


def _extend_ending(doc: dict, rng: random.Random) -> dict:
    extra = "وفي سياق متصل أكدت مصادر مطلعة أن المتابعة مستمرة وأن تفاصيل إضافية ستعلن لاحقا"
    return {**doc, "text": doc["text"] + "\n" + extra + "."}


def _drop_paragraph(doc: dict, rng: random.Random) -> dict:
    paras = paragraphs(doc["text"])
    words = sum(len(p.split()) for p in paras)
    choices = [i for i, p in enumerate(paras[1:-1], 1) if len(p.split()) <= 0.25 * words]
    if choices:
        del paras[rng.choice(choices)]
    return {**doc, "text": "\n".join(paras)}


def _word_edits(doc: dict, rng: random.Random) -> dict:
    """About 3% of words replaced, inserted or deleted (an editor's touch)."""
    words = doc["text"].split(" ")
    for _ in range(max(1, len(words) // 33)):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.4:
            words[i] = rng.choice(FILLER_WORDS)
        elif op < 0.7:
            words.insert(i, rng.choice(FILLER_WORDS))
        elif len(words) > 1:
            del words[i]
    return {**doc, "text": " ".join(words)}


def _orthography(doc: dict, rng: random.Random) -> dict:
    table = str.maketrans({"ة": "ه", "ى": "ي", "أ": "ا", "إ": "ا", "آ": "ا"})
    return {
        **doc,
        "text": doc["text"].translate(table),
        "title": (doc["title"] or "").translate(table),
    }


def _diacritics(doc: dict, rng: random.Random) -> dict:
    out = [
        c + rng.choice(HARAKAT) if "\u0621" <= c <= "\u064a" and rng.random() < 0.3 else c
        for c in doc["text"]
    ]
    return {**doc, "text": "".join(out)}


def _tatweel(doc: dict, rng: random.Random) -> dict:
    words = [
        w[:2] + "\u0640" + w[2:] if len(w) > 3 and rng.random() < 0.2 else w
        for w in doc["text"].split(" ")
    ]
    return {**doc, "text": " ".join(words)}


def _punctuation(doc: dict, rng: random.Random) -> dict:
    text = doc["text"].replace("، ", " ، ").replace(".", " .").replace("«", '"').replace("»", '"')
    return {**doc, "text": text}


def _whitespace(doc: dict, rng: random.Random) -> dict:
    text = doc["text"].replace(" ", "  ").replace("\n", "\n\n ")
    return {**doc, "text": "\u200f" + text + " \n"}


EDITS: dict[str, Callable[[dict, random.Random], dict]] = {
    "new_headline": _new_headline,
    "dateline": _dateline,
    "credit": _credit,
    "trimmed_ending": _trim_ending,
    "extended_ending": _extend_ending,
    "paragraph_dropped": _drop_paragraph,
    "word_edits": _word_edits,
    "orthography": _orthography,
    "diacritics": _diacritics,
    "tatweel": _tatweel,
    "punctuation": _punctuation,
    "whitespace": _whitespace,
}


def without_repeated_text(frame: pl.DataFrame, *, min_distinct: float = 0.9) -> pl.DataFrame:
    """Drop articles whose body repeats itself (extraction artifacts: the same paragraphs
    twice). A third of such an article holds most of its distinct text, so a generated mix
    would truly be a near copy of it and the known clusters would be wrong."""

    def distinct_share(text: str) -> float:
        words = text.split()
        grams = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
        return len(set(grams)) / len(grams) if grams else 0.0

    shares = [distinct_share(t or "") for t in frame["text"].to_list()]
    return frame.filter(pl.Series(shares) >= min_distinct)


def load_originals(
    path: Path = ANT, *, min_words: int = 80, limit: int | None = None
) -> pl.DataFrame:
    """Real articles of at least ``min_words`` words, without exact or near copies in the pool."""
    from corpuskit.config import DedupOptions
    from corpuskit.dedup import dedup

    frame = pl.read_parquet(path, columns=["id", "title", "text", "url", "date"])
    frame = frame.filter(pl.col("text").str.split(" ").list.len() >= min_words)
    frame = without_repeated_text(frame.unique("text", keep="first", maintain_order=True))
    if limit:
        frame = frame.head(int(limit * 1.3))
    # Remove every article in any cluster found at a low threshold: no hidden duplicates.
    probe = dedup(
        frame.select("id", "text", "title"),
        options=DedupOptions(threshold=0.3, headline=False, url=False),
    )
    clean_ids = probe.filter(pl.col("cluster_id").is_null())["id"]
    frame = frame.filter(pl.col("id").is_in(clean_ids.implode()))
    return frame.head(limit) if limit else frame


def iter_copies(
    originals: pl.DataFrame,
    *,
    n_docs: int,
    batch_size: int = 10_000,
    seed: int = 7,
    copy_share: float = 0.5,
    max_edits: int = 2,
) -> Iterator[pl.DataFrame]:
    """Batches of a corpus of ``n_docs`` documents: originals and edited copies.

    Columns: ``id, title, text, cluster`` (the original's id) and ``edits`` (the edit kinds
    applied to a copy, empty for an original). Once every real article has been used,
    new originals are made from thirds of three articles (for the scale runs).
    """
    rng = random.Random(seed)
    names = list(EDITS)
    source = originals.select("id", "title", "text").to_dicts()
    del originals  # the dicts are all the generator needs
    rows: list[dict] = []
    made = i = 0
    while made < n_docs:
        base = source[i % len(source)]
        serial = i // len(source)
        original = {**base, "id": f"{base['id']}#{serial}", "cluster": f"{base['id']}#{serial}"}
        if serial:
            original = _mix_variant(original, source, rng)
        group = [{**original, "edits": []}]
        if rng.random() < copy_share:
            for c in range(rng.choice([1, 1, 2, 3])):
                kinds = rng.sample(names, rng.randint(1, max_edits))
                copy = dict(original)
                for kind in kinds:
                    copy = EDITS[kind](copy, rng)
                group.append({**copy, "id": f"{original['id']}/c{c}", "edits": kinds})
        group = group[: n_docs - made]
        rows.extend(group)
        made += len(group)
        i += 1
        if len(rows) >= batch_size or made >= n_docs:
            yield _frame(rows)
            rows = []


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema_overrides={"edits": pl.List(pl.String)}).select(
        "id", "title", "text", "cluster", "edits"
    )


def make_copies(originals: pl.DataFrame, *, n_docs: int, **kwargs) -> pl.DataFrame:
    """The whole corpus of :func:`iter_copies` as one frame."""
    return pl.concat(list(iter_copies(originals, n_docs=n_docs, **kwargs)))


MIX_WORDS = 60


def _mix_variant(doc: dict, source: list[dict], rng: random.Random) -> dict:
    """A new distinct article for the scale runs: 60 consecutive words from each of three
    articles (equal parts, so two mixes share at most a third of their text)."""
    parts = [doc["text"].split()]
    parts += [source[rng.randrange(len(source))]["text"].split() for _ in range(2)]
    pieces = []
    for words in parts:
        start = rng.randrange(max(1, len(words) - MIX_WORDS))
        pieces.extend(words[start : start + MIX_WORDS])
    return {**doc, "text": " ".join(pieces), "title": f"{doc['title']} {rng.randrange(10**6)}"}


def batches(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for lo in range(0, frame.height, size):
        yield frame.slice(lo, size)


def pair_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Pairwise precision, recall, F1 and the Adjusted Rand Index of two labelings."""
    _, t = np.unique(truth, return_inverse=True)
    _, p = np.unique(predicted, return_inverse=True)
    table = pl.DataFrame({"t": t, "p": p}).group_by("t", "p").len()
    comb = lambda x: x * (x - 1) / 2  # noqa: E731
    both = float(comb(table["len"].to_numpy().astype(float)).sum())
    true_pairs = float(comb(np.bincount(t).astype(float)).sum())
    pred_pairs = float(comb(np.bincount(p).astype(float)).sum())
    total = comb(float(t.size))
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = true_pairs * pred_pairs / total if total else 0.0
    maximum = (true_pairs + pred_pairs) / 2
    ari = (both - expected) / (maximum - expected) if maximum != expected else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari}
