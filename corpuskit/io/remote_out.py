"""An output folder on object storage: the run works locally, then uploads, marker last.

Object stores (S3, GCS, Azure Blob) have no folders to rename: a "folder" is the set of
objects that share a prefix, and nothing makes many objects appear at once. A run into
``--out s3://bucket/run1`` therefore works in a local folder exactly as a run into a local
``--out`` does (staging, ``--resume``, the swap of :func:`~corpuskit.io.output_dir`), and
only the finished output is uploaded, file by file, with the completion marker
(:data:`~corpuskit.io.outdir.MARKER`) last: a reader that finds the marker finds every
other file. While an upload runs the folder holds :data:`UPLOADING` instead, so that a
later run knows a half-uploaded folder as corpuskit's own and may replace it.

The local work folder must be the same for a killed run and its ``--resume``: by default
it is under the user's cache folder, named by a hash of the URL
(``~/.cache/corpuskit/runs/<hash>``, or ``$CORPUSKIT_CACHE_DIR/runs/<hash>``), as
Nextflow keeps ``work/`` and datatrove its ``local_working_dir``; ``--work-dir`` puts it
elsewhere (a bigger disk, or, for ``--engine ray``, a folder every node mounts). It is
removed once the upload has finished; after a failed upload it keeps the finished
output, and ``--resume`` uploads it without running again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from corpuskit.cachedir import cache_dir
from corpuskit.errors import OutputError
from corpuskit.io.atomic import write_json_atomic
from corpuskit.io.location import same_storage_overlap
from corpuskit.io.outdir import MARKER

UPLOADING = ".corpuskit-uploading"
_FINISHED = "finished.json"  # the fingerprint of the run whose output waits for upload
_LOCK = "run.lock"
T = TypeVar("T")


def url_of(location: Any) -> str:
    """The URL of a remote folder, written one way (no trailing slash)."""
    return str(location).rstrip("/")


def default_work_dir(location: Any) -> Path:
    """The local work folder of a run into the remote folder ``location``."""
    key = hashlib.sha256(url_of(location).encode("utf-8")).hexdigest()[:20]
    return cache_dir() / "runs" / key


def _remote(url: str, doing: str, call: Callable[[], T], hint: str) -> T:
    """``call()``, with any failure of the storage (no such bucket, no credentials, the
    network) turned into an :class:`OutputError` naming ``url``. fsspec drivers raise
    their own error classes (botocore, google-auth, aiohttp...), so all are caught here."""
    try:
        return call()
    except OutputError:
        raise
    except Exception as exc:  # a storage driver's own error class, reported by name
        reason = str(exc) or type(exc).__name__
        raise OutputError(f"{url}: cannot {doing} ({reason})", hint=hint) from None


@dataclass(frozen=True)
class RemoteOutput:
    """The output folder ``location`` (a ``UPath``) and the local folder ``work`` a run
    into it works in."""

    location: Any
    work: Path

    @property
    def url(self) -> str:
        return url_of(self.location)

    @property
    def local(self) -> Path:
        """Where the run writes the output before it is uploaded."""
        return self.work / "output"

    def _entries(self) -> list[str]:
        fs, path = self.location.fs, self.location.path

        def listing() -> list[str]:
            if fs.isfile(path):
                raise OutputError(
                    f"output folder {self.url} exists and is a file",
                    hint="choose another --out, or remove that file",
                )
            try:
                return fs.ls(path, detail=False)
            except FileNotFoundError:
                return []

        return _remote(self.url, "list the output folder", listing, "check the URL and access")

    def _has(self, name: str) -> bool:
        fs, path = self.location.fs, f"{self.location.path.rstrip('/')}/{name}"
        return _remote(self.url, "read the output folder", lambda: fs.exists(path), "")

    def check(self, inputs: Sequence[Any], *, overwrite: bool, appeared: bool = False) -> bool:
        """Refuse an ``out`` that overlaps a remote input, a non-empty one without
        ``overwrite``, and one corpuskit did not write (no marker). True when ``out``
        holds something the upload replaces: an earlier output (with ``overwrite``), or
        what an upload that failed left (no marker yet), which any run replaces as a
        local run replaces the staging folder a failed run left."""
        for given in inputs:
            if same_storage_overlap(self.location, given):
                raise OutputError(
                    f"output folder {self.url} overlaps the input {given}",
                    hint="write the outputs somewhere outside the inputs",
                )
        if not self._entries():
            return False
        finished = self._has(MARKER)
        if not finished and self._has(UPLOADING):
            return True
        where = f"; the finished output is kept in {self.local}" if appeared else ""
        if not overwrite:
            news = "appeared while this run was writing" if appeared else "already exists"
            raise OutputError(
                f"output folder {self.url} {news} and is not empty{where}",
                hint="pass --overwrite to replace it, or choose another --out",
            )
        if not finished:
            raise OutputError(
                f"output folder {self.url} is not empty and was not written by corpuskit"
                f"{where}; --overwrite only replaces an earlier corpuskit output",
                hint="choose a new or empty --out, or move the files in it elsewhere",
            )
        return True

    def finished(self, fingerprint: dict[str, Any]) -> bool:
        """Whether the local folder holds the finished output of this very run (one whose
        upload failed), so that ``--resume`` only uploads it."""
        try:
            found = json.loads((self.work / _FINISHED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        same = found == json.loads(json.dumps(fingerprint, sort_keys=True, default=str))
        return same and (self.local / MARKER).is_file()

    def mark_finished(self, fingerprint: dict[str, Any]) -> None:
        write_json_atomic(json.loads(json.dumps(fingerprint, default=str)), self.work / _FINISHED)

    def publish(self, inputs: Sequence[Any], *, overwrite: bool) -> None:
        """Replace the remote folder's old contents (``overwrite``) by the local output,
        marker last, then remove the local work folder's output."""
        replace = self.check(inputs, overwrite=overwrite, appeared=True)
        fs, root = self.location.fs, self.location.path.rstrip("/")
        kept = (
            f"the finished output is kept in {self.local}: run the same command with "
            f"--resume to upload it again, or copy its files there by hand ({MARKER} last)"
        )

        def upload() -> None:
            if replace:
                fs.rm(root, recursive=True)
            fs.makedirs(root, exist_ok=True)
            fs.pipe_file(f"{root}/{UPLOADING}", b"")
            files = sorted(p for p in self.local.rglob("*") if p.is_file() and p.name != MARKER)
            for file in [*files, self.local / MARKER]:
                target = f"{root}/{file.relative_to(self.local).as_posix()}"
                fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
                fs.put_file(str(file), target)
            fs.rm_file(f"{root}/{UPLOADING}")

        try:
            _remote(self.url, "upload the output", upload, kept)
        except KeyboardInterrupt:
            raise KeyboardInterrupt(f"the upload stopped; {kept}") from None
        shutil.rmtree(self.local)
        (self.work / _FINISHED).unlink(missing_ok=True)

    @contextlib.contextmanager
    def session(self, inputs: Sequence[Any], *, overwrite: bool) -> Iterator[RemoteOutput]:
        """Hold the work folder for one run (a second run into the same URL from this
        machine is refused) after checking ``out`` before any work."""
        self.check(inputs, overwrite=overwrite)
        try:
            self.work.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.work / _LOCK, timeout=0)
            lock.acquire()
        except Timeout:
            raise OutputError(
                f"another corpuskit run is writing to {self.url} (work folder {self.work})",
                hint="wait for it to finish, or choose another --out",
            ) from None
        except OSError as exc:
            raise OutputError(
                f"cannot create the work folder {self.work} ({exc.strerror or exc})",
                hint="choose a folder you can write to with --work-dir",
            ) from None
        try:
            yield self
        finally:
            done = not self.local.exists() and not any(p.name != _LOCK for p in self.work.iterdir())
            if done:  # uploaded: nothing to keep, not even the folder
                with contextlib.suppress(OSError):
                    (self.work / _LOCK).unlink()
            lock.release()
            if done:
                with contextlib.suppress(OSError):
                    self.work.rmdir()


__all__ = ["UPLOADING", "RemoteOutput", "cache_dir", "default_work_dir", "url_of"]
