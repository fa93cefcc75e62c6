"""py3langid's model unpacked once into the cache folder: the same identifier, faster."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpuskit.validate import langmodel

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _texts() -> list[str]:
    texts = []
    for line in (SEEDS / "ant_sample.jsonl").read_text(encoding="utf-8").splitlines()[:40]:
        record = json.loads(line)
        texts += [record.get("title") or "", (record.get("text") or "")[:400]]
    return [*texts, "The Security Council met today.", "Le conseil s'est réuni.", "١٢٣", "x"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORPUSKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_unpacked_model_identifies_exactly_as_py3langid_s_file(cache: Path) -> None:
    import py3langid.langid as langid

    unpacked = langmodel.load_identifier()  # unpacks into the cache
    folder = langmodel.unpacked_folder(langmodel.model_file())
    assert (folder / langmodel.TABLE).is_file() and (folder / langmodel.REST).is_file()
    again = langmodel.load_identifier()  # read from the cache
    reference = langmodel._from_source(langid, langmodel.model_file())
    assert isinstance(again.nb_ptc, np.memmap)
    assert np.array_equal(np.asarray(again.nb_ptc), reference.nb_ptc)
    assert list(again.tk_nextmove) == list(reference.tk_nextmove)
    for text in _texts():
        expected = reference.classify(text)
        assert unpacked.classify(text) == expected
        assert again.classify(text) == expected


def test_a_cache_folder_that_cannot_be_written_falls_back_to_py3langid_s_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CORPUSKIT_CACHE_DIR", str(blocker))
    identifier = langmodel.load_identifier()
    assert identifier.classify("هذا نص عربي عن الاقتصاد والسياسة")[0] == "ar"
    assert blocker.read_text() == "a file where the cache folder would be"


def test_a_half_written_cache_is_unpacked_again(cache: Path) -> None:
    langmodel.load_identifier()
    folder = langmodel.unpacked_folder(langmodel.model_file())
    (folder / langmodel.TABLE).unlink()
    identifier = langmodel.load_identifier()
    assert (folder / langmodel.TABLE).is_file()
    assert identifier.classify("The Security Council met today.")[0] == "en"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temporary files left"
