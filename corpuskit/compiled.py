"""Loops compiled to machine code with numba, for the few places array operations cannot
express in one pass (folding and hashing every character of a batch, MinHash minima,
walking a batch's texts through the language identifier's automaton).

``@compiled`` marks such a function. Nothing is imported or compiled until the first
call, so a process that never runs one (``check`` of a few documents, the report, the
workers that only write) does not pay for numba. The first call compiles the function,
or loads the machine code from numba's cache (beside the module, or in the user's cache
folder when that one cannot be written), so later processes and the worker processes of
a run do not compile again; where no cache folder can be written, each process compiles
its own copy.

A compiled function may call another ``@compiled`` function of its module: at the first
call, every ``@compiled`` function of the module is handed to numba together, and the
module's names are pointed at numba's functions.

Compiled functions take and return numpy arrays only, and spell every integer type out
(``np.uint64(33)``, not ``33``): numba, like numpy, would otherwise widen mixed integer
arithmetic, and hashes must wrap exactly as the reference implementations do.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.Lock()  # threads of one process may make the first call together


def _jit(function: Callable) -> Any:
    import numba

    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no folder to cache in: compile in every process
        return numba.njit(nogil=True)(function)


class Compiled:
    """A function compiled (nopython mode, without the GIL, cached on disk) on first call."""

    def __init__(self, function: Callable) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self._dispatcher: Any = None

    def dispatcher(self) -> Any:
        """numba's function for this one, with every ``@compiled`` function of the same
        module made a numba function too (so they can call each other)."""
        with _LOCK:
            if self._dispatcher is None:
                namespace = self.function.__globals__
                for name, value in list(namespace.items()):
                    if isinstance(value, Compiled) and value._dispatcher is None:
                        value._dispatcher = _jit(value.function)
                        namespace[name] = value._dispatcher
                if self._dispatcher is None:  # not a name of its module
                    self._dispatcher = _jit(self.function)
        return self._dispatcher

    def __call__(self, *args: Any) -> Any:
        return self.dispatcher()(*args)


def compiled(function: Callable) -> Any:
    """Mark ``function`` to be compiled by numba on its first call (see the module docs)."""
    return Compiled(function)


__all__ = ["Compiled", "compiled"]
