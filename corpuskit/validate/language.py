"""Language identification (offline, py3langid) and the wrong-language detector."""

from __future__ import annotations

import array
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from corpuskit.compiled import compiled
from corpuskit.rules import Rule
from corpuskit.validate.charclass import LETTER, CharClass
from corpuskit.validate.document import Doc, Hit
from corpuskit.validate.langmodel import load_identifier

# The script each language is written in, to skip identification when the text's letters
# are plainly in the declared language's script and no other (the common case).
_SCRIPTS = {
    "arabic": (
        CharClass(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
        {"ar"},
    ),
    "latin": (
        CharClass(r"[A-Za-z\u00c0-\u024f]"),
        {"en", "fr", "de", "es", "it", "pt", "nl", "tr", "id", "ms", "sv", "da", "no"},
    ),
}
# Enough characters for a confident guess; identification cost grows with length.
SAMPLE_CHARS = 400


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier, its feature-by-class table widened to float32 once.

    The model stores the table (100k features × 142 classes) as float16; every score
    widens the rows it reads to float32 anyway (a float32 vector times a float16 matrix),
    so the float32 table gives the same scores. It is unpacked once into the cache
    folder and memory-mapped from there (:mod:`corpuskit.validate.langmodel`).
    """
    return load_identifier()


def identify(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability for ``text`` (``None`` when there is no text)."""
    sample = text.strip()[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return str(lang), float(probability)


# Fewer texts than this are identified one by one with py3langid itself (about 0.1 ms a
# text): starting the compiled walk costs a process a few tenths of a second once.
COMPILED_FROM = 256


def identify_many(texts: Sequence[str | None]) -> list[tuple[str | None, float]]:
    """:func:`identify` for many texts at once, with the same answers.

    py3langid walks the UTF-8 bytes of each sample through a finite automaton in a
    Python loop; here one compiled loop walks every sample of the batch and counts the
    features each emits (:func:`_walk`), and each document is then scored exactly as
    py3langid scores it. A few texts, or a model whose layout is not the one this code
    knows, are identified one call per text.
    """
    identifier = _identifier()
    if len(texts) < COMPILED_FROM or not all(hasattr(identifier, a) for a in _MODEL_PARTS):
        return [identify(t or "") for t in texts]
    results: list[tuple[str | None, float]] = [(None, 0.0)] * len(texts)
    rows, encoded = [], []
    for row, text in enumerate(texts):
        sample = (text or "").strip()[:SAMPLE_CHARS]
        if any(ch.isalpha() for ch in sample):
            rows.append(row)
            encoded.append(identifier._encode(sample))
    if not rows:
        return results
    visits = _visits(encoded)
    for row, data, (features, counts) in zip(rows, encoded, visits, strict=True):
        results[row] = _classify(identifier, data, features, counts)
    return results


_MODEL_PARTS = ("_encode", "_rowbase", "tk_nextmove", "tk_output", "nb_ptc", "nb_pc",
                "nb_classes", "_alias_pairs", "_norm_probs", "min_confidence")  # fmt: skip


@lru_cache(maxsize=1)
def _automaton() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    identifier = _identifier()
    # 32-bit tables: the walk is bound by random reads into them, so smaller is faster.
    # The transition table (10M entries) is read where the model keeps it, not copied.
    nextmove = _shared_table(identifier.tk_nextmove)
    rowbase = np.asarray(identifier._rowbase, dtype=np.int32)
    output = np.asarray(identifier.tk_output, dtype=np.int32)
    return nextmove, rowbase, output


def _shared_table(values: Any) -> np.ndarray:
    """``values`` as a numpy array, sharing the memory of a typed ``array.array``."""
    if isinstance(values, array.array):
        return np.frombuffer(values, dtype=np.dtype(values.typecode))
    return np.asarray(values, dtype=np.int32)


def _visits(encoded: list[bytes]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text, the features the automaton emits (in first-visit order: the order
    py3langid's Counter keeps, so the sums of the scores add up alike) and their
    counts."""
    nextmove, rowbase, output = _automaton()
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=starts[1:])
    features, counts, bounds = _walk(data, starts, nextmove, rowbase, output, int(output.max()) + 1)
    edges = bounds.tolist()
    return [
        (features[edges[k] : edges[k + 1]], counts[edges[k] : edges[k + 1]])
        for k in range(len(encoded))
    ]


@compiled
def _walk(
    data: np.ndarray,
    starts: np.ndarray,
    nextmove: np.ndarray,
    rowbase: np.ndarray,
    output: np.ndarray,
    n_features: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk each text (``data[starts[k]:starts[k + 1]]``) through the automaton from its
    first state: per text, every feature the states it passes emit, in the order first
    emitted, and how often (the texts' features and counts end to end, and the bounds
    of each text's)."""
    features = np.empty(data.size, dtype=np.int64)  # at most one feature a byte
    counts = np.empty(data.size, dtype=np.float32)
    bounds = np.zeros(starts.size, dtype=np.int64)
    slot = np.full(n_features, -1, dtype=np.int64)  # where a feature was last put
    out = 0
    for text in range(starts.size - 1):
        first = out
        state = 0
        for i in range(starts[text], starts[text + 1]):
            state = nextmove[rowbase[state] + data[i]]
            feature = output[state]
            if feature >= 0:
                at = slot[feature]
                if at < first:  # not yet emitted by this text
                    slot[feature] = out
                    features[out] = feature
                    counts[out] = 1.0
                    out += 1
                else:
                    counts[at] += 1.0
        bounds[text + 1] = out
    return features[:out], counts[:out], bounds


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """The model's feature-by-class table in float32 (see :func:`_identifier`: no copy
    when the identifier holds it so already), so scoring a text never converts it."""
    return np.asarray(_identifier().nb_ptc, dtype=np.float32)


def _classify(
    identifier: Any, data: bytes, features: np.ndarray, counts: np.ndarray
) -> tuple[str, float]:
    """py3langid's ``classify`` from the automaton's features (same arithmetic)."""
    if len(features):
        scores = np.log1p(counts) @ _class_table().take(features, axis=0) + identifier.nb_pc
    else:
        fill = 0.0 if identifier._norm_probs else float(np.finfo(np.float32).min)
        scores = np.full(len(identifier.nb_classes), fill, dtype=np.float32)
    if identifier._norm_probs:
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
    for i, j in identifier._alias_pairs:
        if identifier._norm_probs:
            scores[i] += scores[j]
            scores[j] = 0.0
        else:
            scores[i] = max(scores[i], scores[j])
            scores[j] = float(np.finfo(np.float32).min)
    best = int(scores.argmax())
    return str(identifier.nb_classes[best]), float(scores[best])


def language_mismatch(doc: Doc, rule: Rule, _corpus: object) -> list[Hit]:
    """The text is confidently in another language than the document declares.

    ``params.expected`` (a list of codes) checks against a fixed set instead of the
    document's own ``lang``.
    """
    min_chars = int(rule.params.get("min_chars", 200))
    min_probability = float(rule.params.get("min_probability", 0.95))
    expected = [str(x) for x in rule.params.get("expected", [])] or ([doc.lang] if doc.lang else [])
    if not expected or len(doc.text.strip()) < min_chars:
        return []
    if _plainly_in_script(doc.code_points[: SAMPLE_CHARS * 2], expected):
        return []
    lang, probability = identify(doc.text)
    if lang is None or probability < min_probability or lang in expected:
        return []
    return [Hit("text", 0, len(doc.text))]


def _plainly_in_script(codes: np.ndarray, expected: list[str]) -> bool:
    """Nearly all letters are in the script of an expected language that is the only
    common language of that script in news corpora (Arabic for ar; Latin for en, fr…).

    Arabic-script languages other than Arabic (Farsi, Urdu) are therefore not told
    apart from Arabic by this shortcut when ``ar`` is expected.
    """
    letters = LETTER.count(codes)
    if not letters:
        return True
    for script, languages in _SCRIPTS.values():
        if languages & set(expected) and script.count(codes) >= 0.8 * letters:
            return "ar" in expected or script is not _SCRIPTS["arabic"][0]
    return False
