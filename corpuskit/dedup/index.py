"""A persistent duplicate index: files on disk that say which indexed document a new one copies.

Layout of an index folder::

    INDEX/
      manifest.json           format name and version, MinHash/LSH parameters, the parts
      part-00000.docs.parquet one row per document: id, title, url_key, exact_key, words,
                              signature (fixed-size array of num_perm uint32)
      part-00000.bands.parquet (band, key, row): the LSH band keys of that part's documents
      part-00001.…            one more pair of files per ``add_to_index``

No corpus text is stored: a query needs the folded body of the *incoming* documents
only, then reads band keys (to find candidates), exact and URL keys, and the signatures
of the candidates. Parts are immutable; the manifest is written last (temp file, then
rename), so an interrupted build or add leaves either the old index or the new one.
Queries use the parameters stored in the manifest, whatever the current defaults.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup.keys import canonical_urls
from corpuskit.dedup.lsh import band_keys, resolve_bands
from corpuskit.dedup.minhash import estimate_similarity
from corpuskit.dedup.parallel import sign_texts
from corpuskit.errors import DedupIndexError

FORMAT = "corpuskit-dedup-index"
VERSION = 2  # 2: shingle hashes over code points of the folded text
MANIFEST = "manifest.json"
MATCH_KINDS = ("exact", "url", "near")
QUERY_SCHEMA = {
    "id": pl.String,
    "match_id": pl.String,
    "similarity": pl.Float64,
    "match_kind": pl.String,
}


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


def _document_table(
    frame: pl.DataFrame, params: IndexParameters
) -> tuple[pl.DataFrame, np.ndarray]:
    """Keys and signatures of ``frame``'s documents (no text), and the signature matrix."""
    schema.require_columns(frame, (schema.ID,), "index")
    body_col = schema.TEXT_CLEAN if schema.TEXT_CLEAN in frame.columns else schema.TEXT
    title_col = schema.TITLE_CLEAN if schema.TITLE_CLEAN in frame.columns else schema.TITLE
    schema.require_columns(frame, (body_col,), "index")
    if schema.DROP_REASON in frame.columns:
        frame = frame.filter(pl.col(schema.DROP_REASON).is_null())
    signed = sign_texts(
        frame[body_col].cast(pl.String).to_list(),
        num_perm=params.num_perm,
        seed=params.seed,
        shingle_size=params.shingle_size,
        workers=0,
    )
    words = signed.word_counts.astype(np.int32)
    exact = pl.Series(signed.exact_keys, dtype=pl.UInt64)
    exact = pl.select(pl.when(exact != 0).then(exact)).to_series()
    urls = frame[schema.URL] if schema.URL in frame.columns else pl.Series([None] * frame.height)
    signatures = signed.signatures

    titles = (
        frame[title_col].cast(pl.String)
        if title_col in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.String)
    )
    table = pl.DataFrame(
        {
            "id": frame[schema.ID].cast(pl.String),
            "title": titles,
            "url_key": canonical_urls(urls.cast(pl.String)),
            "exact_key": exact,
            "words": words,
            "signature": pl.Series(signatures, dtype=pl.Array(pl.UInt32, params.num_perm)),
        }
    )
    return table, signatures


def _band_table(
    signatures: np.ndarray, words: np.ndarray, params: IndexParameters, row_offset: int
) -> pl.DataFrame:
    rows = np.flatnonzero(words >= params.min_words)
    keys = band_keys(signatures[rows], params.bands, params.rows)
    return pl.DataFrame(
        {
            "band": np.tile(np.arange(params.bands, dtype=np.int16), rows.size),
            "key": keys.reshape(-1),
            "row": np.repeat(rows.astype(np.int64) + row_offset, params.bands),
        }
    ).sort("band", "key")


def _write_part(
    folder: Path, name: str, frame: pl.DataFrame, params: IndexParameters, row_offset: int
) -> dict[str, Any]:
    docs, signatures = _document_table(frame, params)
    bands = _band_table(signatures, docs["words"].to_numpy(), params, row_offset)
    docs_file, bands_file = f"{name}.docs.parquet", f"{name}.bands.parquet"
    docs.write_parquet(folder / docs_file)
    bands.write_parquet(folder / bands_file)
    return {
        "docs": docs_file,
        "bands": bands_file,
        "documents": docs.height,
        "row_offset": row_offset,
        "sizes": [(folder / docs_file).stat().st_size, (folder / bands_file).stat().st_size],
    }


def _write_manifest(folder: Path, params: IndexParameters, parts: list[dict]) -> None:
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "parameters": asdict(params),
        "documents": sum(p["documents"] for p in parts),
        "parts": parts,
    }
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / MANIFEST)


def build_index(frame: pl.DataFrame, out: Path, *, options: DedupOptions | None = None) -> None:
    """Write a new index of ``frame`` (canonical frame, ideally validated) to folder ``out``."""
    out = Path(out)
    if out.exists():
        raise DedupIndexError(
            f"index folder {out} already exists",
            hint="add documents with 'corpuskit index add --index …', or choose a new folder",
        )
    params = IndexParameters.from_options(options or DedupOptions())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-"))
    try:
        part = _write_part(tmp, "part-00000", frame, params, 0)
        _write_manifest(tmp, params, [part])
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def add_to_index(frame: pl.DataFrame, index_path: Path) -> None:
    """Add ``frame``'s documents to the index at ``index_path`` as a new part."""
    index = open_index(index_path)
    folder = index.path
    name = f"part-{len(index.parts):05d}"
    for suffix in (".docs.parquet", ".bands.parquet"):
        (folder / f"{name}{suffix}").unlink(missing_ok=True)  # leftovers of a failed add
    part = _write_part(folder, name, frame, index.parameters, index.documents)
    _write_manifest(folder, index.parameters, [*index.parts, part])


class DedupIndex:
    """An opened index; :meth:`query` says which indexed document each new one copies."""

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = path
        self.parameters = IndexParameters(**manifest["parameters"])
        self.parts: list[dict[str, Any]] = manifest["parts"]
        self.documents: int = manifest["documents"]

    def _read(self, file: str, columns: list[str]) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / file).select(columns)

    def _collect(self, lazy: pl.LazyFrame) -> pl.DataFrame:
        try:
            return lazy.collect()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise DedupIndexError(
                f"index {self.path} is corrupted: {exc}",
                hint="rebuild it with 'corpuskit index build'",
            ) from None

    def query(self, frame: pl.DataFrame) -> pl.DataFrame:
        """One row per incoming document that copies an indexed one.

        Columns ``id, match_id, similarity, match_kind`` (``exact`` > ``url`` > ``near``;
        for several matches the strongest kind, then the highest similarity, then the
        smallest indexed id).
        """
        params = self.parameters
        if frame.height == 0:
            return pl.DataFrame(schema=QUERY_SCHEMA)
        docs, signatures = _document_table(frame, params)
        incoming = docs.select("id", "exact_key", "url_key", "words").with_row_index("q")
        matches: list[pl.DataFrame] = []
        for part in self.parts:
            stored = self._read(part["docs"], ["id", "exact_key", "url_key"])
            stored = self._collect(stored.with_row_index("row", offset=part["row_offset"]))
            for key, kind in (("exact_key", "exact"), ("url_key", "url")):
                hits = incoming.drop_nulls(key).join(
                    stored.drop_nulls(key).select(key, pl.col("id").alias("match_id")), on=key
                )
                matches.append(
                    hits.select("q", "match_id", similarity=pl.lit(1.0), match_kind=pl.lit(kind))
                )
            matches.append(self._near(part, stored, signatures, incoming))
        matches = [m.cast({"q": pl.UInt32}) for m in matches if m.height]
        if not matches:
            return pl.DataFrame(schema=QUERY_SCHEMA)
        found = pl.concat(matches)
        rank = pl.col("match_kind").replace_strict({k: i for i, k in enumerate(MATCH_KINDS)})
        best = (
            found.with_columns(rank=rank)
            .sort(["q", "rank", "similarity", "match_id"], descending=[False, False, True, False])
            .group_by("q", maintain_order=True)
            .first()
        )
        return (
            best.join(incoming.select("q", "id"), on="q")
            .sort("q")
            .select("id", "match_id", "similarity", "match_kind")
            .cast(QUERY_SCHEMA)
        )

    def _near(
        self, part: dict, stored: pl.DataFrame, signatures: np.ndarray, incoming: pl.DataFrame
    ) -> pl.DataFrame:
        params = self.parameters
        long_rows = np.flatnonzero(incoming["words"].to_numpy() >= params.min_words)
        empty = pl.DataFrame(
            schema={
                "q": pl.UInt32,
                "match_id": pl.String,
                "similarity": pl.Float64,
                "match_kind": pl.String,
            }
        )
        if long_rows.size == 0:
            return empty
        keys = band_keys(signatures[long_rows], params.bands, params.rows)
        probe = pl.DataFrame(
            {
                "band": np.tile(np.arange(params.bands, dtype=np.int16), long_rows.size),
                "key": keys.reshape(-1),
                "q": np.repeat(long_rows.astype(np.uint32), params.bands),
            }
        )
        bands = self._read(part["bands"], ["band", "key", "row"])
        candidates = self._collect(
            bands.join(probe.lazy(), on=["band", "key"]).select("q", "row").unique()
        )
        if candidates.height == 0:
            return empty
        rows = candidates["row"].to_numpy() - part["row_offset"]
        stored_sigs = self._collect(
            self._read(part["docs"], ["signature"])
            .with_row_index("local")
            .filter(pl.col("local").is_in(np.unique(rows).tolist()))
        )
        lookup = dict(zip(stored_sigs["local"].to_list(), range(stored_sigs.height), strict=True))
        matrix = stored_sigs["signature"].to_numpy()
        theirs = matrix[[lookup[r] for r in rows]]
        ours = signatures[candidates["q"].to_numpy()]
        similarity = estimate_similarity(ours, theirs)
        result = candidates.with_columns(
            similarity=pl.Series(similarity),
            match_id=stored["id"].gather(rows),
            match_kind=pl.lit("near"),
        ).filter(pl.col("similarity") >= params.threshold)
        return result.select("q", "match_id", "similarity", "match_kind")


def open_index(path: Path) -> DedupIndex:
    """Open the index folder at ``path``; :class:`DedupIndexError` if missing, corrupted or
    written by an incompatible version."""
    path = Path(path)
    manifest_file = path / MANIFEST
    if not path.is_dir():
        raise DedupIndexError(
            f"no index at {path}: the folder does not exist",
            hint="create one with 'corpuskit index build CORPUS... --out INDEX'",
        )
    if not manifest_file.is_file():
        raise DedupIndexError(
            f"{path} is not a corpuskit index: {MANIFEST} is missing",
            hint="pass the folder written by 'corpuskit index build'",
        )
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        fmt, version = manifest.get("format"), manifest.get("version")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError) as exc:
        raise DedupIndexError(
            f"index {path} is corrupted: {MANIFEST} is not valid JSON ({exc})",
            hint="rebuild it with 'corpuskit index build'",
        ) from None
    if fmt != FORMAT:
        raise DedupIndexError(f"{path} is not a corpuskit index (format {fmt!r})")
    if version != VERSION:
        raise DedupIndexError(
            f"index {path} has format version {version}; this corpuskit reads version {VERSION}",
            hint="rebuild the index with this version of corpuskit ('corpuskit index build')",
        )
    try:
        index = DedupIndex(path, manifest)
        for part in index.parts:
            for file, size in zip((part["docs"], part["bands"]), part["sizes"], strict=True):
                if not (path / file).is_file() or (path / file).stat().st_size != size:
                    raise DedupIndexError(
                        f"index {path} is corrupted: {file} is missing or has the wrong size",
                        hint="rebuild it with 'corpuskit index build'",
                    )
    except (KeyError, TypeError, ValueError) as exc:
        raise DedupIndexError(
            f"index {path} is corrupted: the manifest lacks or mistypes {exc}",
            hint="rebuild it with 'corpuskit index build'",
        ) from None
    return index
