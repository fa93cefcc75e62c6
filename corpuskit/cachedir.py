"""corpuskit's cache folder, for what a run can rebuild but should not have to.

``$CORPUSKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/corpuskit``, else ``~/.cache/corpuskit``:
the local work folders of runs into object storage (``runs/``) and data files unpacked
once for every later process (``langid/``). Deleting it loses nothing but time.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """corpuskit's cache folder (see the module docs)."""
    if os.environ.get("CORPUSKIT_CACHE_DIR"):
        return Path(os.environ["CORPUSKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "corpuskit"
