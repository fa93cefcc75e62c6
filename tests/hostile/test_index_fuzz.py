"""Fuzzing the persisted index: random changes to a valid manifest and to its part files.

Invariant: opening and querying the index, and adding to it, either work or raise a
DedupIndexError with a message; never another exception, never a file touched outside
the index folder, and a bounded time per input.

Budget: ``CORPUSKIT_FUZZ_EXAMPLES`` examples per strategy (default 60 for the
manifest, 30 for part files: seconds); the ``slow`` test runs
``CORPUSKIT_FUZZ_LONG_EXAMPLES`` (default 3000) of each on demand (``-m slow`` or the
variable set). Hypothesis draws a fresh seed each run and prints it with any failure.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpuskit.dedup.index import MANIFEST, IndexWriter, add_to_index, build_index, open_index
from corpuskit.dedup.index.manifest import checksum
from corpuskit.errors import DedupIndexError
from tests._dedup_texts import OTHER_SENTENCES, SENTENCES, article, paragraph_dropped
from tests._fuzz import LONG, fuzz_settings, require_long_budget, short_budget

SHORT = short_budget(60)
DEADLINE_SECONDS = 10  # per input, on a shared 2-core machine
OUTCOMES: Counter[str] = Counter()

PROBE = pl.DataFrame(
    {
        "id": ["p0", "p1", "a0"],
        "text": [paragraph_dropped(article(SENTENCES)), "قصير", article(OTHER_SENTENCES)],
        "url": ["http://example.com/b", None, None],
    }
)
MORE = pl.DataFrame({"id": ["fresh0"], "text": [article(SENTENCES[::-1])]})


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """Two parts, so that row offsets and part order matter."""
    path = tmp_path_factory.mktemp("fuzz") / "idx"
    build_index(pl.DataFrame({"id": ["a0"], "text": [article(SENTENCES)]}), path)
    more = pl.DataFrame(
        {
            "id": ["b0", "b1"],
            "text": [article(OTHER_SENTENCES), ""],
            "url": ["http://example.com/b", None],
        }
    )
    add_to_index(more, path)
    return path


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-6, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "../part-00000.docs.parquet",
            "/etc/passwd",
            "part-00000.docs.parquet",
            "part-00001.bands.parquet",
            "part-00099.docs.parquet",
            "manifest.json",
            ".lock",
            "corpuskit-dedup-index",
        ]
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every path into a JSON value, the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _paths(sub, (*prefix, i))


@st.composite
def manifest_changes(draw, manifest: dict) -> dict:
    """1-3 random edits: replace a value, delete a key or item, add a key, copy a part."""
    data = json.loads(json.dumps(manifest))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["replace", "delete", "add", "copy part"]))
        if not path:
            if how == "replace":
                data = draw(json_values)
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if how == "replace":
            parent[path[-1]] = draw(json_values)
        elif how == "delete":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        elif how == "copy part" and isinstance(data, dict) and isinstance(data.get("parts"), list):
            parts = data["parts"]
            parts.extend(parts[draw(st.integers(0, len(parts) - 1))] for _ in parts[:1])
    return data


@st.composite
def part_damage(draw) -> tuple[str, str, list[tuple[int, int]], bool]:
    """(file, how, byte edits, record the damaged file in the manifest): recorded, the
    size and checksum agree, as if a faulty writer had made it, and the damage reaches
    the Parquet reader; not recorded, the checks of the manifest catch it."""
    file = draw(
        st.sampled_from(
            [
                "part-00000.docs.parquet",
                "part-00000.bands.parquet",
                "part-00001.docs.parquet",
                "part-00001.bands.parquet",
            ]
        )
    )
    how = draw(st.sampled_from(["flip", "truncate", "append", "zero-run"]))
    edits = draw(
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8)
    )
    return file, how, edits, draw(st.booleans())


def _damage_file(folder: Path, file: str, how: str, edits, recorded: bool) -> None:
    raw = bytearray((folder / file).read_bytes())
    if how == "flip":
        for at, byte in edits:
            raw[at % len(raw)] ^= byte or 1
    elif how == "truncate":
        del raw[edits[0][0] % len(raw) :]
    elif how == "append":
        raw += bytes(b for _, b in edits)
    else:
        start = edits[0][0] % len(raw)
        raw[start : start + 1 + edits[0][1]] = bytes(len(raw[start : start + 1 + edits[0][1]]))
    (folder / file).write_bytes(bytes(raw))
    if recorded:
        manifest = json.loads((folder / MANIFEST).read_text())
        for part in manifest["parts"]:
            for slot, name in enumerate((part["docs"], part["bands"])):
                if name == file:
                    part["sizes"][slot] = len(raw)
                    part["xxh3_64"][slot] = checksum(folder / file)
        (folder / MANIFEST).write_text(json.dumps(manifest))


def _outside(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if "idx" not in p.parts
    }


def _exercise(pristine: Path, strategy: str, damage) -> None:
    """Copy the index, damage it, then query it and add to it: works or DedupIndexError."""
    root = Path(tempfile.mkdtemp(prefix="index-fuzz-"))
    try:
        folder = root / "idx"
        shutil.copytree(pristine, folder)
        (root / "neighbour.txt").write_text("not to be touched")
        damage(folder)
        before = _outside(root)
        for action in ("query", "add"):
            try:
                if action == "query":
                    found = open_index(folder).query(PROBE)
                    assert set(found.columns) == {"id", "match_id", "similarity", "match_kind"}
                    assert found["similarity"].is_between(0, 1).all()
                else:
                    with IndexWriter(folder, mode="add", lock_timeout=0) as writer:
                        writer.add(MORE)
                OUTCOMES[f"{strategy} {action} ok"] += 1
            except DedupIndexError as exc:
                assert str(exc).strip()
                OUTCOMES[f"{strategy} {action} refused"] += 1
        assert _outside(root) == before
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _settings(examples: int):
    return fuzz_settings(examples, DEADLINE_SECONDS)


def _manifest_damage(changed):
    def damage(folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(changed, allow_nan=True))

    return damage


def _fuzz_manifest(pristine: Path, examples: int) -> None:
    manifest = json.loads((pristine / MANIFEST).read_text())

    @_settings(examples)
    @given(manifest_changes(manifest))
    def run(changed):
        _exercise(pristine, "manifest", _manifest_damage(changed))

    run()


def _fuzz_parts(pristine: Path, examples: int) -> None:
    @_settings(examples)
    @given(part_damage())
    def run(damage):
        _exercise(pristine, "part", lambda folder: _damage_file(folder, *damage))

    run()


def test_pristine_index_answers(pristine):
    found = open_index(pristine).query(PROBE)
    assert dict(zip(found["id"], found["match_kind"], strict=True)) == {
        "p0": "url",  # same URL as b0, whatever the body
        "a0": "exact",  # a0's id is indexed with another body, but b0 has this very body
    }


def test_fuzz_manifest(pristine):
    _fuzz_manifest(pristine, SHORT)


def _negative_page_count(folder: Path, file: str) -> None:
    """Make the value count in the first data page header of ``file``'s ``row`` column
    negative (a Thrift varint; zigzag odd = negative), and record the damage."""
    chunk = pq.read_metadata(folder / file).row_group(0).column(2)
    assert chunk.path_in_schema == "row"
    raw = (folder / file).read_bytes()
    at = raw.find(b"\x2c\x15", chunk.data_page_offset)  # data_page_header { num_values
    if at < 0 or at > chunk.data_page_offset + 16 or raw[at + 2] & 0x80:
        pytest.skip("this Parquet writer lays out page headers differently")
    _damage_file(folder, file, "flip", [(at + 2, raw[at + 2] ^ 0x21)], recorded=True)  # -17


def test_a_damaged_page_header_with_a_matching_checksum_is_refused(pristine, tmp_path):
    """A page header that decodes to a negative count, in a part whose checksum was
    recorded after the damage: refused as a damaged index, never an aborted process."""
    folder = tmp_path / "idx"
    shutil.copytree(pristine, folder)
    _negative_page_count(folder, "part-00000.bands.parquet")
    with pytest.raises(DedupIndexError, match=r"part-00000\.bands\.parquet cannot be read"):
        open_index(folder).query(PROBE)


def test_fuzz_part_files(pristine):
    _fuzz_parts(pristine, max(SHORT // 2, 1))


@pytest.mark.slow
def test_fuzz_long_budget(request, pristine):
    require_long_budget(request)
    _fuzz_manifest(pristine, LONG)
    _fuzz_parts(pristine, LONG)


def teardown_module() -> None:
    print(f"\nindex fuzz: {sum(OUTCOMES.values()) // 2} inputs, {dict(sorted(OUTCOMES.items()))}")
