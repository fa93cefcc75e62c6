"""Subpackages that can be called like a function (``corpuskit.validate(frame)``).

The public API names two functions after two subpackages: ``corpuskit.validate`` and
``corpuskit.dedup``. A plain function of that name in ``corpuskit/__init__.py`` would hide
the subpackage (``import corpuskit.dedup.minhash as m`` would fail). Instead the module
objects themselves are made callable: their class becomes a :class:`types.ModuleType`
subclass whose ``__call__`` runs the subpackage's API function (Python allows assigning
a module's ``__class__`` for exactly this).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Make the module ``module_name`` callable: calling it calls ``function``."""

    class CallableModule(types.ModuleType):
        __doc__ = function.__doc__

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
