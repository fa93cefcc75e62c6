"""The local engine: tasks on spawn-started worker processes, results in item order."""

from __future__ import annotations

import os
import time

import pytest

from corpuskit.engine import LocalEngine


def _square_or_fail(context: dict, item: int) -> int:
    if item == context["fail_on"]:
        raise ValueError(f"part {item} is broken")
    return item * item


def test_results_come_in_item_order_from_a_stream():
    items = (i for i in range(12))
    assert list(LocalEngine(2).map(_square_or_fail, items, {"fail_on": -1})) == [
        i * i for i in range(12)
    ]


def test_a_failed_task_stops_the_drawing_of_a_stream():
    """The stream stands for inputs still being read: when a task has failed, reading
    the rest would be wasted, so the error comes at the next item drawn."""
    drawn = []

    def slow_stream():
        for i in range(200):
            drawn.append(i)
            time.sleep(0.1)
            yield i

    with pytest.raises(ValueError, match="part 0 is broken"):
        list(LocalEngine(2).map(_square_or_fail, slow_stream(), {"fail_on": 0}))
    assert len(drawn) < 200, "the whole stream was drawn after the first task had failed"


def _pid_and_context(context: dict, _item: int) -> tuple[int, str]:
    return os.getpid(), context["pass"]


def test_workers_started_ahead_serve_the_pass_with_their_context():
    """Workers started for a context while the driver works are the ones the next
    pass with that context runs on; a pass with another context starts its own."""
    engine = LocalEngine(2)
    writing, other = {"pass": "writing"}, {"pass": "other"}
    with engine.started_for(writing):
        started = engine._started[1]
        pids_started = {p.pid for p in started._processes.values()}
        elsewhere = list(engine.map(_pid_and_context, range(4), other))
        assert {c for _, c in elsewhere} == {"other"}
        assert not {p for p, _ in elsewhere} & pids_started
        served = list(engine.map(_pid_and_context, range(6), writing))
    assert {c for _, c in served} == {"writing"}
    assert {p for p, _ in served} <= pids_started
    assert engine._started is None


def test_workers_started_ahead_and_never_used_are_stopped():
    engine = LocalEngine(2)
    processes = []
    with (
        pytest.raises(RuntimeError, match="the link pass failed"),
        engine.started_for({"pass": "writing"}),
    ):
        processes.extend(engine._started[1]._processes.values())
        raise RuntimeError("the link pass failed")
    assert len(processes) == 2
    assert engine._started is None
    for process in processes:
        process.join(timeout=30)
        assert not process.is_alive()


class _Part:
    def __init__(self, number: int, last: bool) -> None:
        self.number, self.last = number, last


def _pid_of(_context: dict, part: _Part) -> int:
    return os.getpid()


def test_a_stream_whose_first_item_is_its_last_runs_in_this_process():
    """A small input is read whole before its first part is yielded: starting workers
    would take longer than its one task."""
    engine = LocalEngine(2)
    assert list(engine.map(_pid_of, iter([_Part(0, last=True)]), {})) == [os.getpid()]
    assert list(engine.map(_pid_of, iter([]), {})) == []


def test_a_stream_not_known_to_end_runs_on_workers():
    parts = iter([_Part(0, last=False), _Part(1, last=True)])
    pids = list(LocalEngine(2).map(_pid_of, parts, {}))
    assert len(pids) == 2
    assert os.getpid() not in pids
