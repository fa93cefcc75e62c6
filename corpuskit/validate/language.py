"""Language identification (offline, py3langid) and the wrong-language detector."""

from __future__ import annotations

import array
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from corpuskit.rules import Rule
from corpuskit.validate.charclass import LETTER, CharClass
from corpuskit.validate.document import Doc, Hit

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
    so the float32 table gives the same scores, and keeping only it saves the 28 MB the
    float16 copy would take beside it in every worker.
    """
    import py3langid.langid as langid

    model = langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )
    if not all(hasattr(model, a) for a in ("nb_ptc", "nb_pc", "nb_classes", "tk_row")):
        return model
    return langid.LanguageIdentifier(
        np.asarray(model.nb_ptc, dtype=np.float32),
        model.nb_pc,
        model.nb_classes,
        model.tk_nextmove,
        model.tk_output,
        norm_probs=True,
        tk_row=model.tk_row,
    )


def identify(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability for ``text`` (``None`` when there is no text)."""
    sample = text.strip()[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    lang, probability = _identifier().classify(sample)
    return str(lang), float(probability)


def identify_many(texts: Sequence[str | None]) -> list[tuple[str | None, float]]:
    """:func:`identify` for many texts at once, with the same answers.

    py3langid walks the UTF-8 bytes of each sample through a finite automaton in a
    Python loop; here the automaton steps every sample of the batch at once (one numpy
    step per byte position), and each document is then scored exactly as py3langid
    scores it. Falls back to one call per text if the model's layout is not the one
    this code knows.
    """
    identifier = _identifier()
    if not all(hasattr(identifier, a) for a in _MODEL_PARTS):
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
    visits = _visits(identifier, encoded)
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


def _visits(identifier: Any, encoded: list[bytes]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text, the features the automaton emits (in first-visit order) and their counts."""
    order = np.argsort([-len(e) for e in encoded], kind="stable")  # longest first
    ranks, steps, features = _emissions([encoded[i] for i in order.tolist()])
    rank, first, features, counts = _counted(ranks, steps, features)
    # Each text's features in first-visit order (the order py3langid's Counter keeps, so
    # the sums of the scores add up alike).
    visit = _in_cell_order(rank, first, len(encoded))
    features, counts = features[visit], counts[visit]
    bounds = np.searchsorted(rank[visit], np.arange(len(encoded) + 1)).tolist()
    by_rank = [
        (features[bounds[k] : bounds[k + 1]], counts[bounds[k] : bounds[k + 1]])
        for k in range(len(encoded))
    ]
    rank_of = np.empty_like(order)
    rank_of[order] = np.arange(len(order))
    return [by_rank[k] for k in rank_of.tolist()]


def _counted(
    ranks: np.ndarray, steps: np.ndarray, features: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct (text, feature) of the emissions, ordered by text then feature: the
    text, the first position, the feature and the count (one sort of packed keys)."""
    n_features = int(features.max()) + 1 if len(features) else 1
    span = int(steps.max()) + 1 if len(steps) else 1
    keys = ranks  # (text, feature, position) packed in one integer, built in place
    keys *= n_features
    keys += features
    keys *= span
    keys += steps
    keys.sort()
    pair = keys // span
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
    counts = np.diff(np.r_[starts, len(keys)]).astype(np.float32)
    pair = pair[starts]
    first = keys[starts] - pair * span
    rank = pair // n_features
    return rank, first, (pair - rank * n_features).astype(np.intp), counts


def _in_cell_order(rank: np.ndarray, first: np.ndarray, n_texts: int) -> np.ndarray:
    """The permutation that orders distinct (text, position) cells by text, then
    position: each marks its cell in a grid of texts by positions, and the grid is read
    in order (no sort: the cells are unique)."""
    span = int(first.max()) + 1 if len(first) else 1
    cell = rank * span + first
    index = np.empty(n_texts * span, dtype=np.intp)
    index[cell] = np.arange(len(cell))
    marked = np.zeros(n_texts * span, dtype=bool)
    marked[cell] = True
    return index[marked]


def _emissions(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every feature the automaton emits, walking all texts (longest first) at once, one
    numpy step per byte position: (text, byte position, feature) per emission."""
    nextmove, rowbase, output = _automaton()
    width = len(encoded[0]) if encoded else 0
    # data[k, step]: byte ``step`` of text ``k`` (zero past its end); a step reads one
    # column, and the rows' cache lines serve the next steps too.
    data = np.frombuffer(b"".join(e.ljust(width, b"\0") for e in encoded), dtype=np.uint8)
    data = data.reshape(len(encoded), width)
    active_at = np.searchsorted([-len(e) for e in encoded], -np.arange(width), side="left")
    emitted = np.full((width, len(encoded)), -1, dtype=np.int32)
    state = np.zeros(len(encoded), dtype=nextmove.dtype)
    for step in range(width):
        k = int(active_at[step])
        state[:k] = nextmove[rowbase[state[:k]] + data[:k, step]]
        emitted[step, :k] = output[state[:k]]
    flat = emitted.reshape(-1)
    at = np.flatnonzero(flat >= 0)  # step * len(encoded) + text
    features = flat[at]
    steps = at // len(encoded)
    at -= steps * len(encoded)
    return at, steps, features


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
