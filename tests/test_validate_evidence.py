"""The finished corpus evidence: compact arrays of hashes, looked up like the sets they stand for."""

from __future__ import annotations

import pickle
import random

import numpy as np
import polars as pl

from corpuskit.normalize import fold
from corpuskit.rules import load_ruleset
from corpuskit.validate import ValidationPlan, apply_batch, finish_evidence, fit_batch
from corpuskit.validate.evidence import KeySet, key_hash


def test_key_set_answers_like_a_python_set():
    rng = random.Random(7)
    members = {rng.getrandbits(64) for _ in range(500)} | {0, 2**64 - 1, 2**63}
    others = [rng.getrandbits(64) for _ in range(500)] + [1, 2**63 - 1, 2**64 - 2]
    keys = KeySet(list(members) + list(members)[:50])  # duplicates count once
    assert len(keys) == len(members)
    probe = list(members) + others
    found = keys.contains(np.array(probe, dtype=np.uint64))
    assert found.tolist() == [h in members for h in probe]
    assert all(h in keys for h in members)
    assert not any(h in keys for h in others if h not in members)
    assert not KeySet().contains(np.array([5], dtype=np.uint64)).any()
    assert pickle.loads(pickle.dumps(keys)) == keys
    assert keys != KeySet(list(members)[1:])


def _linked_corpus(n: int = 40) -> pl.DataFrame:
    """Articles of one outlet; every fourth body ends with the title of the next article."""
    titles = [f"الوزير يفتتح مشروع الطاقة رقم {i} في المنطقة" for i in range(n)]
    texts = []
    for i in range(n):
        body = f"افتتح الوزير اليوم مشروعا جديدا للطاقة يحمل الرقم {i} بكلفة كبيرة.\nوقال إنه يوفر الوظائف."
        if i % 4 == 0:
            body += f"\n{titles[(i + 1) % n]}"
        texts.append(body)
    return pl.DataFrame(
        {"id": [f"d{i}" for i in range(n)], "title": titles, "text": texts, "source": ["s"] * n}
    )


def test_anchors_lookup_finds_every_row_with_an_equal_key_and_no_other():
    frame = _linked_corpus()
    plan = ValidationPlan.build(load_ruleset(select=["BP402"]))
    anchors = finish_evidence(fit_batch(frame, plan), plan).anchors
    assert anchors is not None and len(anchors) > 0
    keys = anchors.key.tolist()
    probe = [keys[0], keys[len(keys) // 2], keys[-1], key_hash("لا يوجد"), keys[0]]
    which, rows = anchors.lookup(np.array(probe, dtype=np.uint64))
    expected = sorted((i, r) for i, h in enumerate(probe) for r, k in enumerate(keys) if k == h)
    assert sorted(zip(which.tolist(), rows.tolist(), strict=True)) == expected
    table = anchors.to_frame()
    assert table.height == len(anchors)
    assert set(table["scope"]) == {"s"}


def test_titles_of_other_articles_are_found_through_the_compact_evidence():
    frame = _linked_corpus()
    plan = ValidationPlan.build(load_ruleset(select=["BP402"]))
    evidence = pickle.loads(pickle.dumps(finish_evidence(fit_batch(frame, plan), plan)))
    out = apply_batch(frame, plan, evidence)
    stripped = [i for i, found in enumerate(out["findings"].to_list()) if found]
    assert stripped == [i for i in range(frame.height) if i % 4 == 0]
    assert all("رقم" not in text.splitlines()[-1] for text in out["text_clean"][::4])


def test_finished_evidence_costs_bytes_per_key_not_python_objects():
    n = 2000
    frame = pl.DataFrame(
        {
            "id": [f"d{i}" for i in range(n)],
            "title": [f"عنوان مختلف للخبر رقم {i} اليوم" for i in range(n)],
            "text": [
                f"افتتح الوزير مشروعا جديدا للطاقة في المنطقة الشرقية رقم {i} بكلفة كبيرة.\n"
                "تابعونا على تويتر"
                for i in range(n)
            ],
            "source": [f"s{i % 3}" for i in range(n)],
        }
    )
    plan = ValidationPlan.build(load_ruleset(select=["BP401", "BP402"]))
    evidence = finish_evidence(fit_batch(frame, plan), plan)
    assert evidence.anchors is not None
    # a title and an opening per document, each about 17 bytes, plus 45 per document
    assert len(evidence.anchors) == 2 * n
    assert evidence.anchors.nbytes <= 2 * n * 17 + n * 45
    assert len(pickle.dumps(evidence)) < evidence.anchors.nbytes + 10_000
    repeated = evidence.repeated["BP401"]
    assert set(repeated) == {"s0", "s1", "s2"}
    footer = key_hash("=" + fold("تابعونا على تويتر"))
    assert all(footer in keys for keys in repeated.values())
