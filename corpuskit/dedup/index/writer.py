"""Writing an index batch by batch, under a lock, committed all at once.

:class:`IndexWriter` builds a new index or adds to an existing one::

    with IndexWriter(path, options, mode="build") as writer:   # or mode="add"
        for batch in batches:
            writer.add(batch)      # signed and queued; a part per part_documents queued
    # leaving the block commits: the last part, then the manifest, atomically

**Lock.** The writer holds ``INDEX/.lock`` (an OS file lock through ``filelock``; the
operating system releases it when the process ends, even on ``kill -9``) from the moment
it opens until it commits or aborts, so two runs never write one index at once. A run
that finds the lock held waits up to ``lock_timeout`` seconds (``on_wait`` is told once
that it is waiting), then gives up with a :class:`~corpuskit.errors.DedupIndexError`;
``lock_timeout=0`` gives up at once. Queries take no lock: parts are immutable and the
manifest is replaced atomically, so a reader sees the index before or after an add.

**Crash safety.** Parts are written with atomic writes and listed in the manifest only at
:meth:`IndexWriter.commit`. An interrupted writer leaves the old index intact; its parts
and temporary files, listed nowhere, are removed by the next writer that opens the index.
An interrupted build leaves a folder without a manifest, which a new build into the same
folder takes over.

**Ids already indexed.** Adding a document whose id is already in the index (or was added
earlier by the same writer) would store it twice. By default the writer refuses, naming
how many and which ids; with ``skip_indexed=True`` it leaves those documents out (the
indexed version stays) and counts them in :attr:`IndexSummary.skipped`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import filelock
import polars as pl

from corpuskit import schema
from corpuskit.config import DedupOptions
from corpuskit.dedup.index.manifest import (
    DOCS_SUFFIX,
    LOCK,
    MANIFEST,
    PART_STEM,
    WRITE_TEMP,
    IndexParameters,
    Manifest,
    Part,
    checksum,
    read_manifest,
    read_part,
    write_manifest,
)
from corpuskit.dedup.index.tables import band_table, document_table, indexable
from corpuskit.errors import DedupIndexError
from corpuskit.io import write_parquet_atomic

DEFAULT_LOCK_TIMEOUT = 600.0  # seconds a writer waits for another run to finish
# Documents per part: fewer, larger parts make queries faster; a queued document costs
# about 600 bytes (keys and signature), so a part's queue stays near 150 MB.
DEFAULT_PART_DOCUMENTS = 250_000
_SHOWN_IDS = 5


@dataclass(frozen=True)
class IndexSummary:
    """What a committed writer did."""

    path: Path
    added: int  # documents written by this writer
    skipped: int  # documents left out because their id was already indexed
    parts: int  # parts written by this writer
    documents: int  # documents in the index after the commit


def _is_index_file(name: str) -> bool:
    """A file an index folder may hold: its lock, a part file, or a write's temp file."""
    stem = name.removesuffix(DOCS_SUFFIX).removesuffix(".bands.parquet")
    return (
        name.startswith(LOCK) or bool(PART_STEM.fullmatch(stem)) or bool(WRITE_TEMP.fullmatch(name))
    )


class IndexWriter:
    """Build (``mode="build"``) or extend (``mode="add"``) the index folder ``path``.

    ``options`` sets the MinHash/LSH parameters of a new index; an existing index keeps
    its own (``options`` is ignored with ``mode="add"``). See the module docs for the
    lock, crash safety and ids that are already indexed.
    """

    def __init__(
        self,
        path: Path,
        options: DedupOptions | None = None,
        *,
        mode: Literal["build", "add"] = "build",
        skip_indexed: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        on_wait: Callable[[str], None] | None = None,
        part_documents: int = DEFAULT_PART_DOCUMENTS,
    ) -> None:
        if mode not in ("build", "add"):
            raise ValueError(f"mode must be 'build' or 'add', not {mode!r}")
        self.path = Path(path)
        self.mode = mode
        self.skip_indexed = skip_indexed
        self.part_documents = max(1, part_documents)
        self._pending: list[pl.DataFrame] = []  # signed documents not written yet
        self._lock: filelock.BaseFileLock | None = None
        self._written: list[Part] = []
        self._skipped = 0
        self._done = False
        self._created = False
        self.summary: IndexSummary | None = None  # set by commit()
        if mode == "build":
            self._created = self._claim_new_folder()
            self._base = Manifest(IndexParameters.from_options(options or DedupOptions()), ())
        else:
            read_manifest(self.path)  # fail before waiting if it is no usable index
        try:
            self._lock_folder(lock_timeout, on_wait)
            if mode == "build" and (self.path / MANIFEST).exists():
                raise _exists(self.path)  # another build finished while this one waited
            if mode == "add":
                self._base = read_manifest(self.path)  # as it is now that we hold the lock
            self._remove_leftovers()
            self._indexed_ids = self._stored_ids()
        except BaseException:
            self.abort()
            raise

    # -- opening -------------------------------------------------------------------------

    def _claim_new_folder(self) -> bool:
        """Create the folder (True), or take over an interrupted build (False): a folder
        holding the lock file and part files of a build that never wrote its manifest."""
        try:
            self.path.mkdir(parents=True)
            return True
        except FileExistsError:
            pass
        except OSError as exc:
            raise DedupIndexError(
                f"cannot create the index folder {self.path}: {exc.strerror or exc}",
                hint="choose a location you can write to",
            ) from None
        names = sorted(p.name for p in self.path.iterdir()) if self.path.is_dir() else None
        if names is None or MANIFEST in names:
            raise _exists(self.path)  # an index, or a file
        # A build killed early leaves the folder empty, or holding only the lock's own
        # files (the lock library may create its file under another name first).
        strangers = [name for name in names if not _is_index_file(name)]
        if strangers:
            raise DedupIndexError(
                f"{self.path} already exists and is not an index (it holds "
                f"{', '.join(strangers[:3])}{' …' if len(strangers) > 3 else ''})",
                hint="choose a new folder for the index; corpuskit never writes into a "
                "folder holding other files",
            )
        return False  # an interrupted build: its lock and parts at most, no manifest

    def _lock_folder(self, timeout: float, on_wait: Callable[[str], None] | None) -> None:
        lock = filelock.FileLock(self.path / LOCK)
        try:
            lock.acquire(blocking=False)
        except filelock.Timeout:
            if timeout > 0 and on_wait is not None:
                on_wait(
                    f"waiting for another corpuskit run to finish writing {self.path} "
                    f"(at most {timeout:g} s)"
                )
            try:
                lock.acquire(timeout=max(timeout, 0))
            except filelock.Timeout:
                raise DedupIndexError(
                    f"index {self.path} is being written by another corpuskit run (its lock "
                    f"{self.path / LOCK} is held; waited {max(timeout, 0):g} s)",
                    hint="let that run finish and try again, or wait longer with "
                    "--lock-timeout SECONDS; the lock is released when that run ends, even "
                    "if it is killed",
                ) from None
        except OSError as exc:
            raise DedupIndexError(
                f"cannot lock index {self.path}: {exc.strerror or exc}",
                hint="check that you can write to the index folder",
            ) from None
        self._lock = lock

    def _remove_leftovers(self) -> None:
        """Parts and temp files that no manifest lists: what interrupted writers left."""
        listed = {name for p in self._base.parts for name in (p.docs, p.bands)}
        for file in self.path.iterdir():
            if (
                file.name not in listed
                and not file.name.startswith(LOCK)
                and _is_index_file(file.name)
            ):
                file.unlink(missing_ok=True)

    def _stored_ids(self) -> pl.Series:
        ids = [read_part(self.path, p.docs, ["id"])["id"] for p in self._base.parts if p.documents]
        if not ids:
            return pl.Series("id", [], dtype=pl.String)
        return pl.concat(ids)

    # -- writing -------------------------------------------------------------------------

    @property
    def parameters(self) -> IndexParameters:
        return self._base.parameters

    def add(self, frame: pl.DataFrame) -> int:
        """Sign ``frame``'s documents (canonical frame, ideally validated; rows a rule
        dropped are left out) and queue them; returns how many were accepted.

        Only keys and signatures are kept (about 600 bytes a document), never the text; a
        part is written each time ``part_documents`` are queued, and at :meth:`commit`."""
        self._check_open()
        try:
            frame = self._new_documents(indexable(frame))
            if frame.height:
                docs, _ = document_table(frame, self.parameters)
                self._pending.append(docs)
                self._indexed_ids = pl.concat([self._indexed_ids, docs["id"]])
                if sum(d.height for d in self._pending) >= self.part_documents:
                    self._flush()
        except BaseException:
            self.abort()
            raise
        return frame.height

    def _new_documents(self, frame: pl.DataFrame) -> pl.DataFrame:
        ids = frame[schema.ID].cast(pl.String)
        if ids.null_count():
            raise DedupIndexError(
                f"{ids.null_count():,} documents to index into {self.path} have no id",
                hint="give every document an id (corpuskit's readers derive one where the "
                "input has none)",
            )
        repeated = ids.filter(ids.is_duplicated()).unique(maintain_order=True)
        if repeated.len():
            raise DedupIndexError(
                f"ids repeated among the documents to index into {self.path}: {_some(repeated)}",
                hint="each document needs its own id; fix the input",
            )
        known = ids.is_in(self._indexed_ids.implode())
        if not known.any():
            return frame
        if not self.skip_indexed:
            raise DedupIndexError(
                f"{known.sum():,} of the {ids.len():,} documents to add are already in index "
                f"{self.path} (ids {_some(ids.filter(known))}); adding them again would index "
                "them twice",
                hint="add only the documents not indexed yet with 'corpuskit index add "
                "--skip-indexed' (the indexed version of each stays), or rebuild the index",
            )
        self._skipped += int(known.sum())
        return frame.filter(~known)

    def _flush(self) -> None:
        """Write the queued documents as one new part."""
        if not self._pending:
            return
        docs = pl.concat(self._pending)
        self._pending = []
        offset = self._base.documents + sum(p.documents for p in self._written)
        numbers = [int(PART_STEM.fullmatch(p.stem)[1]) for p in (*self._base.parts, *self._written)]
        part = Part(
            f"part-{max(numbers, default=-1) + 1:05d}", docs.height, offset, (0, 0), ("", "")
        )
        signatures = docs["signature"].to_numpy()
        bands = band_table(signatures, docs["words"].to_numpy(), self.parameters, offset)
        files = (self.path / part.docs, self.path / part.bands)
        self._written.append(part)  # listed before writing, so that an abort removes it
        write_parquet_atomic(docs, files[0])
        write_parquet_atomic(bands, files[1])
        self._written[-1] = replace(
            part,
            sizes=(files[0].stat().st_size, files[1].stat().st_size),
            checksums=(checksum(files[0]), checksum(files[1])),
        )

    # -- finishing -----------------------------------------------------------------------

    def commit(self) -> IndexSummary:
        """Write the queued documents, list the new parts in the manifest (written last,
        atomically) and release the lock."""
        self._check_open()
        try:
            self._flush()
            manifest = Manifest(self.parameters, (*self._base.parts, *self._written))
            if self._written or self.mode == "build":
                write_manifest(self.path, manifest)
        except BaseException:
            self.abort()
            raise
        self._done = True
        self._release()
        self.summary = IndexSummary(
            self.path,
            added=sum(p.documents for p in self._written),
            skipped=self._skipped,
            parts=len(self._written),
            documents=manifest.documents,
        )
        return self.summary

    def abort(self) -> None:
        """Remove what this writer wrote (a folder it created, entirely); the index stays
        as it was. Only a writer holding the lock deletes anything."""
        if self._done:
            return
        self._done = True
        held = self._lock is not None
        try:
            if held:
                ours = {name for p in self._written for name in (p.docs, p.bands)}
                for file in self.path.iterdir():
                    leftover = self.mode == "build" and _is_index_file(file.name)
                    if file.name in ours or (leftover and not file.name.startswith(LOCK)):
                        file.unlink(missing_ok=True)
        finally:
            self._release()
        if held and self._created and [p.name for p in self.path.iterdir()] in ([], [LOCK]):
            shutil.rmtree(self.path, ignore_errors=True)

    def _check_open(self) -> None:
        if self._done:
            raise DedupIndexError(f"the writer of index {self.path} was already closed")

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._done:
            return
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _exists(path: Path) -> DedupIndexError:
    return DedupIndexError(
        f"index folder {path} already exists",
        hint="add documents with 'corpuskit index add --index …', or choose a new folder",
    )


def _some(ids: pl.Series) -> str:
    shown = ", ".join(repr(i) for i in ids.head(_SHOWN_IDS).to_list())
    return shown + (f" and {ids.len() - _SHOWN_IDS:,} more" if ids.len() > _SHOWN_IDS else "")


def build_index(
    frame: pl.DataFrame, out: Path, *, options: DedupOptions | None = None
) -> IndexSummary:
    """Write a new index of ``frame`` (canonical frame, ideally validated) to folder ``out``."""
    with IndexWriter(out, options, mode="build") as writer:
        writer.add(frame)
    return writer.summary


def add_to_index(
    frame: pl.DataFrame,
    index_path: Path,
    *,
    skip_indexed: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> IndexSummary:
    """Add ``frame``'s documents to the index at ``index_path`` as a new part."""
    with IndexWriter(
        index_path, mode="add", skip_indexed=skip_indexed, lock_timeout=lock_timeout
    ) as writer:
        writer.add(frame)
    return writer.summary
