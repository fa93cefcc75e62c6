"""The index manifest: what an index holds, read strictly and written atomically.

``manifest.json`` names the format and version, the MinHash/LSH parameters every query
must reproduce, and the parts, in order::

    {"format": "corpuskit-dedup-index", "version": 2,
     "parameters": {"num_perm": 128, "seed": 1, "shingle_size": 3, "threshold": 0.5,
                    "bands": 30, "rows": 4, "min_words": 8},
     "documents": 263,
     "parts": [{"docs": "part-00000.docs.parquet", "bands": "part-00000.bands.parquet",
                "documents": 263, "row_offset": 0, "sizes": [51234, 40321],
                "xxh3_64": ["9a1f…", "03cd…"]}]}

A manifest is trusted for nothing: :func:`read_manifest` checks every key and type, the
parameters against the ranges of :class:`~corpuskit.config.DedupOptions`, that part files
are plain file names inside the index folder (never a path that leads out of it), that
row offsets follow each other, and that each part file exists with its recorded size and
checksum (xxh3_64 of the file: a damaged part is caught before a Parquet reader sees it),
its schema (signatures of ``num_perm`` values) and its number of rows. Anything else is a
:class:`~corpuskit.errors.DedupIndexError` naming the index, what is wrong and what to do.

Part files are read with pyarrow (:func:`read_part`), whose Parquet reader checks what it
decodes and raises on damaged pages, and the columns read are validated in full: a part
whose checksum was recorded after the damage (a faulty writer) is refused like any other
damaged part instead of reaching a reader that can abort the process.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

from corpuskit.config import DedupOptions
from corpuskit.dedup.lsh import resolve_bands
from corpuskit.errors import ConfigError, DedupIndexError
from corpuskit.io import write_json_atomic

FORMAT = "corpuskit-dedup-index"
VERSION = 3  # 2: shingle hashes over code points of the folded text; 3: part checksums
MANIFEST = "manifest.json"
LOCK = ".lock"
DOCS_SUFFIX, BANDS_SUFFIX = ".docs.parquet", ".bands.parquet"
PART_STEM = re.compile(r"part-(\d{5,9})")
# Temporary files of atomic writes (corpuskit.io.write_atomic) that a killed run can leave.
WRITE_TEMP = re.compile(r"\.(manifest\.json|part-\d{5,9}\.(docs|bands)\.parquet)\..*\.tmp")
REBUILD = "rebuild it with 'corpuskit index build' (the corpus itself is not affected)"

# Read errors of a damaged Parquet file (pyarrow's, and polars' for what is built from it).
READ_ERRORS = (
    pa.ArrowException,
    pl.exceptions.PolarsError,
    pl.exceptions.PanicException,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class IndexParameters:
    """What a query must reproduce exactly to compare with the stored signatures."""

    num_perm: int
    seed: int
    shingle_size: int
    threshold: float
    bands: int
    rows: int
    min_words: int

    @classmethod
    def from_options(cls, options: DedupOptions) -> IndexParameters:
        bands, rows = resolve_bands(
            options.threshold, options.num_perm, options.bands, options.rows
        )
        return cls(
            options.num_perm,
            options.seed,
            options.shingle_size,
            options.threshold,
            bands,
            rows,
            options.min_words,
        )


def docs_schema(num_perm: int) -> dict[str, pl.DataType]:
    """Columns of a part's documents file: keys and signatures, never text."""
    return {
        "id": pl.String(),
        "title": pl.String(),
        "url_key": pl.String(),
        "exact_key": pl.UInt64(),
        "words": pl.Int32(),
        "signature": pl.Array(pl.UInt32(), num_perm),
    }


BANDS_SCHEMA: dict[str, pl.DataType] = {"band": pl.Int16(), "key": pl.UInt64(), "row": pl.Int64()}


@dataclass(frozen=True)
class Part:
    """One immutable pair of files: ``stem.docs.parquet`` and ``stem.bands.parquet``.

    Rows of the part are numbered ``row_offset`` .. ``row_offset + documents - 1`` across
    the whole index (the band files refer to documents by that number)."""

    stem: str
    documents: int
    row_offset: int
    sizes: tuple[int, int]
    checksums: tuple[str, str]  # xxh3_64 of the docs and bands files, hex

    @property
    def docs(self) -> str:
        return self.stem + DOCS_SUFFIX

    @property
    def bands(self) -> str:
        return self.stem + BANDS_SUFFIX

    def to_json(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "bands": self.bands,
            "documents": self.documents,
            "row_offset": self.row_offset,
            "sizes": list(self.sizes),
            "xxh3_64": list(self.checksums),
        }


@dataclass(frozen=True)
class Manifest:
    parameters: IndexParameters
    parts: tuple[Part, ...]

    @property
    def documents(self) -> int:
        return sum(p.documents for p in self.parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "parameters": asdict(self.parameters),
            "documents": self.documents,
            "parts": [p.to_json() for p in self.parts],
        }


def corrupted(path: Path, what: str, hint: str = REBUILD) -> DedupIndexError:
    return DedupIndexError(f"index {path} is corrupted: {what}", hint=hint)


def read_part(path: Path, file: str, columns: list[str]) -> pl.DataFrame:
    """``columns`` of the part file ``file`` of index ``path``; damage is a DedupIndexError."""
    try:
        table = pq.read_table(path / file, columns=columns, use_threads=False)
        table.validate(full=True)  # offsets in range, text that is UTF-8
        return pl.from_arrow(table)
    except READ_ERRORS as exc:
        raise corrupted(path, f"{file} cannot be read ({_first_line(exc)})") from None


def collect(path: Path, lazy: pl.LazyFrame) -> pl.DataFrame:
    """Run a query over frames read by :func:`read_part`; a failure is a DedupIndexError."""
    try:
        return lazy.collect()
    except READ_ERRORS as exc:
        raise corrupted(path, f"a part cannot be read ({_first_line(exc)})") from None


def _integer(path: Path, value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise corrupted(path, f"{what} is {json.dumps(value)[:40]}, not an integer >= {low}")
    return value


def _table(path: Path, value: Any, what: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise corrupted(path, f"{what} is not a JSON object")
    missing = [k for k in keys if k not in value]
    if missing:
        raise corrupted(path, f"{what} lacks {', '.join(missing)}")
    return value


def _parameters(path: Path, value: Any) -> IndexParameters:
    names = tuple(f.name for f in fields(IndexParameters))
    table = _table(path, value, "manifest 'parameters'", names)
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise corrupted(path, f"manifest 'parameters' has unknown key(s) {', '.join(unknown)}")
    unset = [k for k in names if table[k] is None]
    if unset:
        raise corrupted(path, f"manifest parameter(s) {', '.join(unset)} are null")
    try:  # the same types and ranges as the [dedup] options they came from
        DedupOptions(**{k: table[k] for k in names})
    except ConfigError as exc:
        raise corrupted(path, f"manifest parameter {exc.args[0].removeprefix('dedup.')}") from None
    return IndexParameters(**{k: table[k] for k in names})


def part_stem(path: Path, docs: Any, bands: Any) -> str:
    """The stem shared by a part's two file names; refuses anything but plain
    ``part-NNNNN.docs.parquet`` names inside the folder (no ``/``, no ``..``)."""
    for name, suffix in ((docs, DOCS_SUFFIX), (bands, BANDS_SUFFIX)):
        if not isinstance(name, str) or not name.endswith(suffix):
            raise corrupted(path, f"part file {json.dumps(name)[:60]} is not a part file name")
        if not PART_STEM.fullmatch(name[: -len(suffix)]):
            raise corrupted(
                path,
                f"part file {json.dumps(name)[:60]} is not a plain file name inside the index "
                "folder (part-NNNNN.docs.parquet); an index never refers to files elsewhere",
            )
    if docs[: -len(DOCS_SUFFIX)] != bands[: -len(BANDS_SUFFIX)]:
        raise corrupted(path, f"part files {docs} and {bands} do not belong together")
    return docs[: -len(DOCS_SUFFIX)]


def _part(path: Path, value: Any, number: int, row_offset: int) -> Part:
    what = f"manifest part {number}"
    keys = ("docs", "bands", "documents", "row_offset", "sizes", "xxh3_64")
    table = _table(path, value, what, keys)
    stem = part_stem(path, table["docs"], table["bands"])
    documents = _integer(path, table["documents"], f"{what} 'documents'")
    offset = _integer(path, table["row_offset"], f"{what} 'row_offset'", low=-(2**63))
    if offset != row_offset:
        raise corrupted(
            path, f"{what} starts at row {offset}; the parts before it end at row {row_offset}"
        )
    sizes, checksums = table["sizes"], table["xxh3_64"]
    if not isinstance(sizes, list) or len(sizes) != 2:
        raise corrupted(path, f"{what} 'sizes' is not a list of two file sizes")
    if not isinstance(checksums, list) or len(checksums) != 2 or not all(map(_is_hex, checksums)):
        raise corrupted(path, f"{what} 'xxh3_64' is not a list of two checksums")
    return Part(
        stem,
        documents,
        offset,
        (_integer(path, sizes[0], f"{what} size"), _integer(path, sizes[1], f"{what} size")),
        (checksums[0], checksums[1]),
    )


def _is_hex(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 16 and set(value) <= set(string.hexdigits)


def checksum(file: Path) -> str:
    """xxh3_64 of a file's bytes, read 1 MiB at a time."""
    digest = xxhash.xxh3_64()
    with file.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def parse_manifest(path: Path, data: Any) -> Manifest:
    """Check the structure of a parsed manifest (not the part files)."""
    table = _table(path, data, MANIFEST, ("format", "version", "parameters", "documents", "parts"))
    if table["format"] != FORMAT:
        raise DedupIndexError(
            f"{path} is not a corpuskit index ({MANIFEST} has format "
            f"{json.dumps(table['format'])[:40]})",
            hint="pass the folder written by 'corpuskit index build'",
        )
    if table["version"] != VERSION:
        raise DedupIndexError(
            f"index {path} has format version {json.dumps(table['version'])[:20]}; this "
            f"corpuskit reads version {VERSION}",
            hint="rebuild the index with this version of corpuskit ('corpuskit index build')",
        )
    parameters = _parameters(path, table["parameters"])
    if not isinstance(table["parts"], list):
        raise corrupted(path, "manifest 'parts' is not a list")
    parts: list[Part] = []
    for number, entry in enumerate(table["parts"]):
        parts.append(_part(path, entry, number, sum(p.documents for p in parts)))
    if len({p.stem for p in parts}) != len(parts):
        raise corrupted(path, "the manifest lists a part twice")
    manifest = Manifest(parameters, tuple(parts))
    if _integer(path, table["documents"], "manifest 'documents'") != manifest.documents:
        raise corrupted(
            path,
            f"the manifest counts {json.dumps(table['documents'])[:20]} documents but its "
            f"parts hold {manifest.documents}",
        )
    return manifest


def _check_part_files(path: Path, part: Part, num_perm: int) -> None:
    """Each file present, a plain file of the recorded size, with the expected columns
    and (for documents) the recorded number of rows."""
    for file, size, digest, expected in (
        (part.docs, part.sizes[0], part.checksums[0], docs_schema(num_perm)),
        (part.bands, part.sizes[1], part.checksums[1], BANDS_SCHEMA),
    ):
        full = path / file
        if full.is_symlink() or not full.is_file():
            raise corrupted(path, f"{file} is missing (or is not a plain file)")
        if full.stat().st_size != size:
            raise corrupted(
                path, f"{file} has {full.stat().st_size:,} bytes, the manifest says {size:,}"
            )
        try:
            found_digest = checksum(full)
        except OSError as exc:
            raise corrupted(path, f"{file} cannot be read ({exc.strerror or exc})") from None
        if found_digest != digest.lower():
            raise corrupted(path, f"{file} was changed or damaged after it was written (checksum)")
        try:
            metadata = pq.read_metadata(full)
            found = dict(pl.from_arrow(metadata.schema.to_arrow_schema().empty_table()).schema)
            rows = metadata.num_rows
        except READ_ERRORS as exc:
            raise corrupted(path, f"{file} is not readable Parquet ({_first_line(exc)})") from None
        signature = found.get("signature")
        if (
            isinstance(signature, pl.Array)
            and found.keys() == expected.keys()
            and all(found[c] == expected[c] for c in expected if c != "signature")
            and signature.size != num_perm
        ):
            raise corrupted(
                path,
                f"{file} holds signatures of {signature.size} values but the manifest's "
                f"num_perm is {num_perm} (a manifest or part of another index?)",
            )
        if found != expected:
            raise corrupted(
                path,
                f"{file} has columns {_columns(found)}; an index with num_perm {num_perm} "
                f"needs {_columns(expected)}",
            )
        if file == part.docs and rows != part.documents:
            raise corrupted(
                path, f"{file} holds {rows:,} documents, the manifest says {part.documents:,}"
            )


def _columns(schema: dict[str, pl.DataType]) -> str:
    return ", ".join(f"{name} {dtype}" for name, dtype in schema.items())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def read_manifest(path: Path) -> Manifest:
    """The checked manifest of the index folder ``path`` (see the module docs)."""
    if not path.is_dir():
        raise DedupIndexError(
            f"no index at {path}: the folder does not exist",
            hint="create one with 'corpuskit index build CORPUS... --out INDEX'",
        )
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise DedupIndexError(
            f"{path} is not a corpuskit index: {MANIFEST} is missing",
            hint="pass the folder written by 'corpuskit index build'; if a build into it was "
            "interrupted, run 'corpuskit index build' again",
        )
    try:
        data = json.loads(manifest_file.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise corrupted(path, f"{MANIFEST} is not valid JSON ({_first_line(exc)})") from None
    except OSError as exc:
        raise DedupIndexError(f"cannot read {manifest_file}: {exc.strerror or exc}") from None
    manifest = parse_manifest(path, data)
    for part in manifest.parts:
        _check_part_files(path, part, manifest.parameters.num_perm)
    return manifest


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace ``folder/manifest.json`` atomically: readers see the old manifest or the new."""
    write_json_atomic(manifest.to_json(), folder / MANIFEST)
