"""Where an input lives: a local path, or a URL on object storage or another file system.

An input given as ``scheme://…`` (``s3://bucket/news/``, ``gs://…``, ``az://…``,
``hf://datasets/…``, ``https://…/part-0.parquet``, ``file:///data/news.jsonl``) is read
through fsspec, the file-system layer that pandas, Dask, Hugging Face ``datasets`` and
Ray Data share, with universal-pathlib giving it the same ``pathlib`` interface a local
file has. The readers therefore do not know where the bytes come from: they open, list
and measure a path, and a remote file is streamed block by block like a local one,
never copied whole to disk first.

Remote reading is the optional extra ``corpuskit[remote]``; each storage also needs its
fsspec driver (``s3fs`` for S3, ``gcsfs`` for Google Cloud Storage, ``adlfs`` for Azure),
and credentials come from where that driver looks (environment, config files, instance
roles). ``clean --out`` may be a URL too (:mod:`corpuskit.io.remote_out`: the run works
in a local folder and uploads the finished output); an index folder and ``report``'s files
stay on a local or mounted file system (:func:`local_path`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from corpuskit.errors import CorpuskitError, InputError, OutputError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
REMOTE_HINT = "pip install 'corpuskit[remote]'"


def is_url(raw: object) -> bool:
    """Whether ``raw`` is written as ``scheme://…`` (a URL, not a local path)."""
    return isinstance(raw, str) and bool(_URL.match(raw))


def is_remote(path: object) -> bool:
    """Whether ``path`` is read through fsspec (a path made by :func:`input_path` from a
    URL) rather than the operating system."""
    return not isinstance(path, Path) and hasattr(path, "fs")


def _local_file_url(url: str) -> Path | None:
    """The local path a ``file://`` URL names (None for any other URL)."""
    parsed = urlparse(url)
    if parsed.scheme.lower() == "file" and parsed.netloc in ("", "localhost"):
        return Path(unquote(parsed.path))
    return None


def _universal_path(url: str, error: type[CorpuskitError]) -> Any:
    """A universal-pathlib ``UPath`` for ``url``; ``error`` names what to install."""
    try:
        from upath import UPath
    except ImportError:
        raise error(
            f"{url}: a URL needs corpuskit's remote extra",
            hint=f"{REMOTE_HINT} (and the storage's fsspec driver, e.g. s3fs or gcsfs)",
        ) from None
    try:
        return UPath(url)
    except (ImportError, ValueError) as exc:
        raise error(
            f"{url}: cannot open this kind of URL ({exc})",
            hint="install the storage's fsspec driver (s3fs, gcsfs, adlfs, …), or check the "
            "scheme; fsspec lists the ones it knows",
        ) from None


def input_path(raw: str | Path) -> Any:
    """A local :class:`~pathlib.Path`, or for a URL a universal-pathlib ``UPath`` (the same
    interface, backed by fsspec). An unknown scheme, or one whose fsspec driver is not
    installed, is an :class:`~corpuskit.errors.InputError` saying what to install."""
    return _path(raw, InputError)


def output_location(raw: str | Path) -> Any:
    """Where an output folder goes: a local :class:`~pathlib.Path`, or for a URL a
    ``UPath`` on the storage it names (``file://`` is the local path). An unknown scheme
    or a missing driver is an :class:`~corpuskit.errors.OutputError`."""
    return _path(raw, OutputError)


def _path(raw: Any, error: type[CorpuskitError]) -> Any:
    """``raw`` as a local Path or a UPath; ``error`` for a URL that cannot be opened."""
    if is_remote(raw):
        return raw
    if not is_url(raw):
        return Path(raw)
    local = _local_file_url(str(raw))
    return local if local is not None else _universal_path(str(raw), error)


def local_path(raw: str | Path, *, what: str, why: str, hint: str) -> Path:
    """``raw`` as a local path, for a place that cannot be on object storage: a URL is an
    :class:`~corpuskit.errors.OutputError` saying ``what`` must be local and ``why``
    (``file://`` is the local path it names)."""
    if not is_url(raw):
        return Path(raw)
    local = _local_file_url(str(raw))
    if local is None:
        raise OutputError(f"{raw}: {what} must be on a local or mounted disk ({why})", hint=hint)
    return local


def same_storage_overlap(a: Any, b: Any) -> bool:
    """Whether two remote paths are on the same storage and one is inside the other."""
    if not (is_remote(a) and is_remote(b)) or a.protocol != b.protocol:
        return False
    inner, outer = sorted((a.path.rstrip("/"), b.path.rstrip("/")), key=len, reverse=True)
    return inner == outer or inner.startswith(outer + "/")


def modified_stamp(path: Any) -> object:
    """What says a file changed, for resuming a run: the modification time in nanoseconds
    on a local disk; on object storage the modification time, ETag or size the store
    reports (whichever it has)."""
    if not is_remote(path):
        return path.stat().st_mtime_ns
    info = path.fs.info(path.path)
    for key in ("mtime", "LastModified", "last_modified", "updated", "ETag", "etag", "created"):
        if info.get(key) is not None:
            return str(info[key])
    return None
