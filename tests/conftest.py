"""Shared fixtures: where the bundled sample and the shared corpora are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
SEED_DOCUMENT = SEEDS / "articles" / "000_cb30d6f76c2cbe33.txt"


@pytest.fixture
def shared_corpora() -> Path:
    """The real corpora beside the repository; tests that need them skip without them."""
    corpora = SHARED / "corpora"
    if not corpora.is_dir():
        pytest.skip(f"real corpora not available ({corpora} is absent)")
    return corpora
