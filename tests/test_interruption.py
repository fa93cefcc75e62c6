"""Ctrl-C and SIGTERM stop a run in corpuskit's own code, never inside polars."""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

import polars as pl
import pytest

from corpuskit import interruption


def _frame_inside_polars_callback() -> FrameType:
    """A frame of Python code that polars (Rust) called back into."""
    frames: list[FrameType] = []

    def callback(value: int) -> int:
        frames.append(sys._getframe())
        return value

    pl.Series([1]).map_elements(callback, return_dtype=pl.Int64)
    return frames[0]


@pytest.fixture
def recorded_signal():
    """SIGUSR1 with a handler that records each delivery, restored afterwards."""
    deliveries: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, _frame: deliveries.append(signum))
    yield deliveries
    signal.signal(signal.SIGUSR1, previous)
    interruption.clear()


def test_a_stop_outside_polars_raises_at_once(recorded_signal):
    with pytest.raises(KeyboardInterrupt):
        interruption.stop_handler(signal.SIGUSR1, sys._getframe())
    assert interruption.requested()


def test_a_stop_inside_a_polars_callback_is_delivered_again_later(recorded_signal):
    frame = _frame_inside_polars_callback()
    assert interruption.inside_polars(frame)
    assert not interruption.inside_polars(sys._getframe())
    interruption.stop_handler(signal.SIGUSR1, frame)  # no exception into Rust
    assert interruption.requested()
    deadline = time.monotonic() + 5
    while not recorded_signal and time.monotonic() < deadline:
        time.sleep(0.01)
    assert recorded_signal == [signal.SIGUSR1]


def test_a_finished_command_cancels_a_stop_not_yet_delivered(recorded_signal):
    interruption.stop_handler(signal.SIGUSR1, _frame_inside_polars_callback())
    interruption.clear()
    time.sleep(10 * interruption.REDELIVER_AFTER)
    assert recorded_signal == []
    assert not interruption.requested()


def test_an_error_is_an_interruption_only_once_a_stop_was_requested():
    assert interruption.is_interruption(KeyboardInterrupt())
    assert not interruption.is_interruption(RuntimeError("panic"))
    interruption.request()
    try:
        assert interruption.is_interruption(RuntimeError("panic"))
        assert not interruption.is_interruption(SystemExit(2))
    finally:
        interruption.clear()
