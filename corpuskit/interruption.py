"""Whether the run was asked to stop (Ctrl-C or SIGTERM), and the signal handler that
stops it.

Python runs a signal handler in the main thread between two bytecodes, so the
``KeyboardInterrupt`` it raises appears wherever Python code happens to be running.
Inside Python code that polars (Rust) called back into, that is a disaster in slow
motion: the Rust side unwraps the error, panics, prints its own message and backtrace to
stderr, and the exception comes out of polars as a pyo3 ``PanicException``.
:func:`stop_handler` therefore raises only outside polars: caught inside it, it records
the request and delivers the signal again a moment later, until it lands in corpuskit's
own code.

An interruption can still surface as another error (a worker pool may wrap it), so code
that must tell an interruption from a failure (the output folder keeps an interrupted
run's finished parts for ``--resume`` and removes a failed one's) asks
:func:`is_interruption` instead of looking at the exception's type.
"""

from __future__ import annotations

import _thread
import os
import threading
from types import FrameType

import polars

_requested = threading.Event()
_POLARS_DIR = os.path.dirname(polars.__file__) + os.sep
REDELIVER_AFTER = 0.02  # seconds between tries to land a deferred stop outside polars
_pending: list[threading.Timer] = []
_pending_lock = threading.Lock()


def request() -> None:
    """Record that the run was asked to stop."""
    _requested.set()


def requested() -> bool:
    """Whether the run was asked to stop since the last :func:`clear`."""
    return _requested.is_set()


def clear() -> None:
    """Forget an earlier request and any stop not yet delivered: a command starts or
    ends."""
    _requested.clear()
    with _pending_lock:
        for timer in _pending:
            timer.cancel()
        _pending.clear()


def inside_polars(frame: FrameType | None) -> bool:
    """Whether ``frame`` or one of its callers is polars' own Python code: where an
    exception may cross back into Rust."""
    while frame is not None:
        if frame.f_code.co_filename.startswith(_POLARS_DIR):
            return True
        frame = frame.f_back
    return False


def stop_handler(signum: int, frame: FrameType | None) -> None:
    """The handler for SIGINT and SIGTERM: record the request and raise
    ``KeyboardInterrupt``, or, inside polars, deliver the signal again shortly."""
    request()
    if not inside_polars(frame):
        raise KeyboardInterrupt
    timer = threading.Timer(REDELIVER_AFTER, _thread.interrupt_main, (signum,))
    timer.daemon = True
    with _pending_lock:
        _pending[:] = [t for t in _pending if t.is_alive()]
        _pending.append(timer)
    timer.start()


def is_interruption(exc: BaseException) -> bool:
    """Whether ``exc`` is how an interruption surfaced: a ``KeyboardInterrupt``, or any
    error other than an exit raised once a stop was requested."""
    if isinstance(exc, KeyboardInterrupt):
        return True
    return requested() and not isinstance(exc, SystemExit)
