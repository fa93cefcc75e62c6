"""A damaged index never crashes: every damage is a DedupIndexError naming the index, what
is wrong and what to do; through the CLI (``check --against``, ``index add``) exit 2 and
no traceback, and ``index add`` changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.dedup.index import MANIFEST, build_index, open_index
from corpuskit.dedup.index.manifest import checksum
from corpuskit.errors import DedupIndexError
from tests._dedup_texts import OTHER_SENTENCES, SENTENCES, article

DOCS, BANDS = "part-00000.docs.parquet", "part-00000.bands.parquet"


def frame(prefix: str = "old") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"{prefix}0", f"{prefix}1"],
            "text": [article(SENTENCES), article(OTHER_SENTENCES)],
            "url": ["http://example.com/a", "http://example.com/b"],
        }
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pristine") / "idx"
    build_index(frame(), path)
    return path


@pytest.fixture
def index(pristine, tmp_path) -> Path:
    path = tmp_path / "idx"
    shutil.copytree(pristine, path)
    return path


def edit_manifest(path: Path, change) -> None:
    manifest = json.loads((path / MANIFEST).read_text())
    change(manifest)
    (path / MANIFEST).write_text(json.dumps(manifest))


def set_in(*keys_and_value):
    *keys, value = keys_and_value

    def change(manifest):
        target = manifest
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def drop(*keys):
    def change(manifest):
        target = manifest
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


def both(*changes):
    def change(manifest):
        for one in changes:
            one(manifest)

    return change


# (name, change to the manifest, words the message must hold)
MANIFEST_DAMAGE = [
    (
        "num_perm 64 against parts of 128",
        both(
            set_in("parameters", "num_perm", 64),
            set_in("parameters", "bands", 16),
            set_in("parameters", "rows", 4),
        ),
        "signatures of 128 values but the manifest's num_perm is 64",
    ),
    ("num_perm 64 with bands x rows over it", set_in("parameters", "num_perm", 64), "bands x rows"),
    ("row_offset -5", set_in("parts", 0, "row_offset", -5), "starts at row -5"),
    ("num_perm 10^8", set_in("parameters", "num_perm", 10**8), "num_perm"),
    ("num_perm as text", set_in("parameters", "num_perm", "128"), "num_perm"),
    ("threshold NaN", set_in("parameters", "threshold", float("nan")), "threshold"),
    ("threshold 0", set_in("parameters", "threshold", 0), "threshold"),
    ("unknown parameter", set_in("parameters", "colour", 1), "colour"),
    ("bands null", set_in("parameters", "bands", None), "bands are null"),
    ("parameters a list", set_in("parameters", [1, 2]), "'parameters' is not"),
    ("parts a table", set_in("parts", {}), "'parts' is not a list"),
    ("a part a number", set_in("parts", [5]), "part 0 is not"),
    ("documents as text", set_in("documents", "2"), "not an integer"),
    ("documents miscounted", set_in("documents", 3), "counts 3 documents"),
    ("part documents negative", set_in("parts", 0, "documents", -1), "'documents'"),
    ("part documents a float", set_in("parts", 0, "documents", 2.0), "'documents'"),
    ("part documents a bool", set_in("parts", 0, "documents", True), "'documents'"),
    ("sizes a string", set_in("parts", 0, "sizes", "big"), "'sizes'"),
    ("sizes too short", set_in("parts", 0, "sizes", [1]), "'sizes'"),
    ("checksums not hex", set_in("parts", 0, "xxh3_64", ["zz", "yy"]), "'xxh3_64'"),
    ("size wrong", lambda m: m["parts"][0]["sizes"].__setitem__(0, 12), "the manifest says 12"),
    ("version as text", set_in("version", "2"), "version"),
    ("format other", set_in("format", "something-else"), "not a corpuskit index"),
    ("path outside", set_in("parts", 0, "docs", "../victim.docs.parquet"), "plain file name"),
    ("absolute path", set_in("parts", 0, "docs", "/etc/passwd.docs.parquet"), "plain file name"),
    ("path in a sub-folder", set_in("parts", 0, "bands", "x/part-00000.bands.parquet"), "plain"),
    ("path not a string", set_in("parts", 0, "docs", 7), "not a part file name"),
    ("files of two parts", set_in("parts", 0, "bands", "part-00001.bands.parquet"), "together"),
    (
        "a part listed twice",
        lambda m: m["parts"].append({**m["parts"][0], "row_offset": 2}),
        "twice",
    ),
    *[
        (f"no {key}", drop(key), key)
        for key in ("format", "version", "parameters", "documents", "parts")
    ],
    *[
        (f"no parameter {key}", drop("parameters", key), key)
        for key in ("num_perm", "seed", "shingle_size", "threshold", "bands", "rows", "min_words")
    ],
    *[
        (f"no part {key}", drop("parts", 0, key), key)
        for key in ("docs", "bands", "documents", "row_offset", "sizes", "xxh3_64")
    ],
]


def assert_clear(exc: DedupIndexError, index: Path, *needles: str) -> None:
    text = str(exc)
    assert str(index) in text, text
    assert exc.hint, text  # what to do
    for needle in needles:
        assert needle in text, text


@pytest.mark.parametrize(
    ("name", "change", "needle"), MANIFEST_DAMAGE, ids=[d[0] for d in MANIFEST_DAMAGE]
)
def test_damaged_manifest_is_a_clear_error(index, name, change, needle):
    edit_manifest(index, change)
    with pytest.raises(DedupIndexError) as info:
        open_index(index).query(frame("new"))
    assert_clear(info.value, index, needle)


FILE_DAMAGE = {
    "part missing": lambda p: (p / DOCS).unlink(),
    "part truncated": lambda p: (p / BANDS).write_bytes((p / BANDS).read_bytes()[:50]),
    "part emptied": lambda p: (p / DOCS).write_bytes(b""),
    "part a folder": lambda p: ((p / DOCS).unlink(), (p / DOCS).mkdir()),
    "manifest not JSON": lambda p: (p / MANIFEST).write_text("{not json"),
    "manifest binary": lambda p: (p / MANIFEST).write_bytes(bytes(range(256))),
    "manifest a list": lambda p: (p / MANIFEST).write_text("[1, 2]"),
    "manifest nested deeply": lambda p: (p / MANIFEST).write_text("[" * 100_000 + "]" * 100_000),
    "manifest a folder": lambda p: ((p / MANIFEST).unlink(), (p / MANIFEST).mkdir()),
}


@pytest.mark.parametrize("name", sorted(FILE_DAMAGE))
def test_damaged_files_are_a_clear_error(index, name):
    FILE_DAMAGE[name](index)
    with pytest.raises(DedupIndexError) as info:
        open_index(index).query(frame("new"))
    assert str(index) in str(info.value)


def test_a_part_file_linked_from_elsewhere_is_refused(index, tmp_path):
    outside = tmp_path / "elsewhere.parquet"
    shutil.copy(index / DOCS, outside)
    (index / DOCS).unlink()
    (index / DOCS).symlink_to(outside)
    with pytest.raises(DedupIndexError, match="not a plain file"):
        open_index(index)


def test_parts_of_another_index_are_caught_by_their_schema(index, tmp_path):
    """A part swapped for one of an index with other parameters (sizes fixed up)."""
    other = tmp_path / "other"
    from corpuskit.config import DedupOptions

    build_index(frame(), other, options=DedupOptions(num_perm=64))
    shutil.copy(other / DOCS, index / DOCS)
    record_file(index, DOCS)
    with pytest.raises(DedupIndexError, match="signatures of 64 values") as info:
        open_index(index)
    assert "num_perm is 128" in str(info.value)


def test_band_rows_outside_their_part_are_caught_at_query(index):
    bands = pl.read_parquet(index / BANDS).with_columns(pl.col("row") + 1000)
    bands.write_parquet(index / BANDS)
    record_file(index, BANDS)
    with pytest.raises(DedupIndexError, match="outside its part"):
        open_index(index).query(frame("new"))


def record_file(index: Path, file: str) -> None:
    """Make the manifest agree with a replaced part file (size and checksum)."""
    slot = 0 if file == DOCS else 1

    def change(manifest):
        manifest["parts"][0]["sizes"][slot] = (index / file).stat().st_size
        manifest["parts"][0]["xxh3_64"][slot] = checksum(index / file)

    edit_manifest(index, change)


def test_a_part_changed_in_place_is_caught_by_its_checksum(index):
    raw = bytearray((index / DOCS).read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # same size, one byte different
    (index / DOCS).write_bytes(bytes(raw))
    with pytest.raises(DedupIndexError, match=r"part-00000\.docs\.parquet was changed or damaged"):
        open_index(index)


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() if p.is_file() else b"<dir>" for p in sorted(folder.iterdir())}


CLI_CASES = ["num_perm 64 against parts of 128", "row_offset -5", "path outside", "no parts"]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_check_and_add_exit_2_and_add_changes_nothing(index, tmp_path, name):
    change = next(c for n, c, _ in MANIFEST_DAMAGE if n == name)
    victim = index.parent / "victim.docs.parquet"
    victim.write_bytes(b"not to be touched")
    edit_manifest(index, change)
    before = snapshot(index)
    incoming = tmp_path / "new.jsonl"
    incoming.write_text(
        json.dumps({"id": "n1", "text": article(SENTENCES)}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    checked = run("check", incoming, "--against", index)
    assert checked.exit_code == 2, checked.output
    assert f"index {index}" in checked.output or str(index) in checked.output
    added = run("index", "add", incoming, "--index", index)
    assert added.exit_code == 2, added.output
    assert snapshot(index) == before
    assert victim.read_bytes() == b"not to be touched"
