"""The cyclic collector is paused for a batch and resumed as it was after it."""

from __future__ import annotations

import gc
import threading

import polars as pl
import pytest

from corpuskit.collector import collector_paused
from corpuskit.config import load_config
from corpuskit.pipeline.run import run_plan
from corpuskit.validate.engine import apply_batch


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_resumed_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_resume_at_the_outermost_end():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_resumed_when_the_batch_fails():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("bad batch")
    assert gc.isenabled()


def test_overlapping_pauses_of_two_threads_resume_once_both_end():
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's batch is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_validation_runs_with_the_collector_paused(monkeypatch):
    import corpuskit.validate.engine as engine

    seen = []
    original = engine.clean_doc

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "clean_doc", spy)
    frame = pl.DataFrame({"id": ["a", "b"], "text": ["نص أول للخبر.", "نص ثان للخبر."]})
    out = apply_batch(frame, run_plan(load_config(None)))
    assert out.height == 2
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_validated_batch_leaves_no_loops_for_the_collector():
    """What detectors share for a document refers back to it; it is dropped once the
    document is validated, so a batch leaves nothing only the collector could free."""
    lines = ["مواضيع ذات صلة", "عنوان خبر آخر عن الاقتصاد اليوم", "عنوان خبر ثالث عن الرياضة"]
    texts = [f"الفقرة الأولى من الخبر رقم {i} في المدينة.\n" + "\n".join(lines) for i in range(40)]
    frame = pl.DataFrame({"id": [str(i) for i in range(40)], "text": texts})
    plan = run_plan(load_config(None))
    apply_batch(frame.head(2), plan)  # caches filled on first use are not the batch's
    gc.collect()
    gc.disable()
    out = apply_batch(frame, plan)
    assert gc.collect() == 0
    assert out["findings"].list.len().sum() > 0
