"""Loops compiled to machine code with numba, for the few places array operations cannot
express in one pass (folding and hashing every character of a batch, MinHash minima).

``@compiled`` compiles a function the first time it is called and keeps the machine code
in numba's cache (beside the module, or in the user's cache folder when that one cannot
be written), so later processes, and the worker processes of a run, load it instead of
compiling again. Where no cache folder can be written at all, each process compiles its
own copy: slower to start, the same results.

Compiled functions take and return numpy arrays only, and spell every integer type out
(``np.uint64(33)``, not ``33``): numba, like numpy, would otherwise widen mixed integer
arithmetic, and hashes must wrap exactly as the reference implementations do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numba

F = TypeVar("F", bound=Callable)


def compiled(function: F) -> F:
    """``function`` compiled in nopython mode, releasing the GIL, cached on disk."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no folder to cache in: compile in every process
        return numba.njit(nogil=True)(function)


__all__ = ["compiled"]
