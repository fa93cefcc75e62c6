"""Engines: what runs a pass's tasks, outside the stages.

A stage is a plain ``frame -> frame`` function; a pass applies one to every part of a
run; an engine decides where the pass's tasks run. Every engine has the same small
interface, ``map(task, items, context) -> results in the order of items``, so the
pipeline is written once:

* ``local`` (:class:`~corpuskit.engine.local.LocalEngine`): this machine, in this process
  or on spawn-started worker processes;
* ``ray`` (:mod:`corpuskit.engine.ray_engine`, with the ``corpuskit[ray]`` extra): a Ray
  cluster, for when one machine is not enough.
"""

from __future__ import annotations

from typing import Any

from corpuskit.engine.local import LocalEngine, resolve_workers
from corpuskit.errors import ConfigError

ENGINES = ("local", "ray")


def make_engine(name: str = "local", *, workers: int = 0, address: str | None = None) -> Any:
    """The engine called ``name`` (see :data:`ENGINES`); ``address`` is the Ray
    cluster to join (``ray`` only)."""
    if name == "local":
        if address:
            raise ConfigError("--ray-address needs --engine ray")
        return LocalEngine(workers)
    if name == "ray":
        from corpuskit.engine.ray_engine import RayEngine

        return RayEngine(workers=workers, address=address)
    raise ConfigError(f"unknown engine {name!r}", hint=f"choose one of: {', '.join(ENGINES)}")


__all__ = ["ENGINES", "LocalEngine", "make_engine", "resolve_workers"]
