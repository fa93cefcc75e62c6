"""The local engine: a pass's tasks in this process or on spawn-started worker processes.

A *task* is a module-level function ``task(context, item)``; the *context* is whatever the
pass shares with every task (options, the rules plan, corpus statistics, where the parts
are). The context is sent once to each worker when it starts, not with every task.

Workers are started with ``spawn`` (a fresh interpreter: polars' thread pool is never
forked half-initialised), ignore Ctrl-C (the parent decides what an interruption means)
and are killed by the kernel if the parent dies, so none outlives an interrupted run.
Results come back in the order of the items, whatever order the workers finish in, so a
run is the same with one worker or many.

A fresh worker takes most of a second to start (an interpreter, polars, numpy, the
context). A pass whose context is known before the driver's own work ends can have its
workers started early (:meth:`LocalEngine.started_for`): they start on the core the driver
leaves idle, and the pass begins at once.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")
Task = Callable[[Any, Any], R]

# The context of the pass this worker process serves (set by the pool's initializer).
_CONTEXT: dict[str, Any] = {}


def resolve_workers(workers: int) -> int:
    """``0`` means one worker per core."""
    return max(1, os.cpu_count() or 1) if workers <= 0 else workers


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def _install(parent: int, context: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died while this worker was starting
        os._exit(1)
    _CONTEXT["context"] = context


def _run(task: Task, item: Any) -> Any:
    return task(_CONTEXT["context"], item)


_NOTHING = object()  # what an empty stream gives when drawn


def _ready() -> None:
    """A task that only makes a worker start (the initializer has run when it returns)."""


class LocalEngine:
    """Runs tasks on up to ``workers`` processes of this machine (0: one per core)."""

    name = "local"

    def __init__(self, workers: int = 0) -> None:
        self.workers = resolve_workers(workers)
        # Workers started ahead of the pass that will use them: (its context, the pool).
        self._started: tuple[Any, ProcessPoolExecutor] | None = None

    def _pool(self, workers: int, context: Any) -> ProcessPoolExecutor:
        if self._started is not None and self._started[0] is context:
            pool, self._started = self._started[1], None
            return pool
        spawn = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=_install, initargs=(os.getpid(), context)
        )

    @contextlib.contextmanager
    def started_for(self, context: Any) -> Iterator[None]:
        """Start the workers of a later pass with ``context`` now, while the driver does
        other work; the next :meth:`map` with that very context uses them. Those not
        used by the end of the block are stopped."""
        if self.workers > 1 and self._started is None:
            pool = self._pool(self.workers, context)
            for _ in range(self.workers):  # spawned as tasks wait and no worker is idle
                pool.submit(_ready)
            self._started = (context, pool)
        try:
            yield
        finally:
            if self._started is not None and self._started[0] is context:
                self._started[1].shutdown(wait=True, cancel_futures=True)
                self._started = None

    def map(
        self,
        task: Task,
        items: Iterable[Any],
        context: Any,
        *,
        progress: Callable[[Any, Any], None] | None = None,
    ) -> Iterator[Any]:
        """``task(context, item)`` for every item, yielded in the order of ``items``.

        ``progress(item, result)`` is called as each result is yielded. With one worker,
        or one item, the tasks run in this process. ``items`` may be a stream (a
        generator the caller fills as it reads): each item is handed to a worker as soon
        as it is drawn, and results are yielded once the stream ends; a task that fails
        stops the drawing (its error is raised at the next item). A stream whose first
        item says it is the last (a true ``last`` attribute: the input was small enough
        to be read whole) runs in this process too: starting a worker would take longer
        than the task.
        """
        workers = self.workers
        if isinstance(items, Sequence):
            workers = min(workers, len(items))
        elif workers > 1:
            stream = iter(items)
            first = next(stream, _NOTHING)
            if first is _NOTHING:
                return
            if getattr(first, "last", False):
                items, workers = [first], 1
            else:
                items = itertools.chain([first], stream)
        if workers <= 1:
            for item in items:
                result = task(context, item)
                if progress:
                    progress(item, result)
                yield result
            return
        with self._pool(workers, context) as pool:
            submitted: deque[tuple[Any, Future]] = deque()
            failed: list[Future] = []  # filled by the pool's thread as tasks fail

            def note_failure(future: Future) -> None:
                if not future.cancelled() and future.exception() is not None:
                    failed.append(future)

            try:
                for item in items:
                    future = pool.submit(_run, task, item)
                    future.add_done_callback(note_failure)
                    submitted.append((item, future))
                    if failed:  # a task failed: stop drawing the stream, say why
                        failed[0].result()
                while submitted:  # each result let go once yielded, not held to the end
                    item, future = submitted.popleft()
                    result = future.result()
                    if progress:
                        progress(item, result)
                    yield result
            except BaseException:
                for _item, future in submitted:
                    future.cancel()
                raise
