"""The local engine: tasks on spawn-started worker processes, results in item order."""

from __future__ import annotations

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
