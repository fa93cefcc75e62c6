"""Shared fixtures: where the bundled sample and the shared corpora are."""

from __future__ import annotations

import json
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


def sample_copies(folder: Path, copies: int) -> Path:
    """A JSON Lines corpus in ``folder``: the bundled ANT sample ``copies`` times over,
    each copy with its own ids (263 documents a copy, each a copy of its twins)."""
    lines = (SEEDS / "ant_sample.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for copy in range(copies):
        for line in lines:
            record = json.loads(line)
            record["id"] = f"{record['id']}-{copy}"
            out.append(json.dumps(record, ensure_ascii=False))
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
