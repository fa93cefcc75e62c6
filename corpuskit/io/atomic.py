"""Writing outputs so that a crash never leaves a half-written file or folder.

A file is written to a temporary file in the same folder, flushed and fsynced, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows within
one file system). Readers therefore see the old file or the new one, never a mix.
:func:`output_dir` does the same for a whole output folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import polars as pl

from corpuskit.errors import OutputError
from corpuskit.io.location import input_path, is_remote


def _fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_OS_ERROR = re.compile(r"([^:\n]*)\(os error \d+\)")


def _is_os_error(exc: Exception) -> bool:
    """Whether a polars error is an operating-system error it passed on (polars reports
    "No space left on device (os error 28)" as a ComputeError when writing Parquet)."""
    return _OS_ERROR.search(str(exc)) is not None


def _os_reason(exc: Exception) -> str:
    found = _OS_ERROR.search(str(exc))
    return found.group(1).strip() if found else str(exc)


def write_atomic(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place.

    If ``write`` raises, the temporary file is removed and ``path`` is left as it was;
    an operating-system error (disk full, no permission) becomes an :class:`OutputError`.
    """
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write here ({exc.strerror or exc})",
            hint="choose an output location you can write to",
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private
        os.replace(tmp, path)
    except OSError as exc:  # disk full, target is a folder, permissions...
        tmp.unlink(missing_ok=True)
        raise OutputError(
            f"{path}: cannot write the file ({exc.strerror or exc})",
            hint="check free space and permissions, or choose another output location",
        ) from None
    except pl.exceptions.PolarsError as exc:
        tmp.unlink(missing_ok=True)
        if not _is_os_error(exc):
            raise
        raise OutputError(
            f"{path}: cannot write the file ({_os_reason(exc)})",
            hint="check free space and permissions, or choose another output location",
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` as Parquet (zstd) to ``path`` atomically."""
    write_atomic(path, lambda fh: frame.write_parquet(fh, compression="zstd"))


def write_json_atomic(obj: Any, path: Path) -> None:
    """Write ``obj`` as JSON (UTF-8, not ASCII-escaped, sorted keys, indent 2) atomically."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    write_text_atomic(text, path)


def write_text_atomic(text: str, path: Path) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    data = text.encode("utf-8")
    write_atomic(path, lambda fh: fh.write(data))


def _is_within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_output_location(out: Path, inputs: Sequence[Path], *, overwrite: bool) -> None:
    """Raise :class:`OutputError` when ``out`` cannot be used as the output folder."""
    target = out.resolve()
    if _is_within(Path.cwd().resolve(), target):
        raise OutputError(
            f"output folder {out} is the current folder or one of its parents; replacing "
            "it would delete everything in it",
            hint="write the outputs into a folder of their own, e.g. --out reports/run1",
        )
    for given in inputs:
        source = input_path(given)
        if is_remote(source):
            continue  # on object storage: it cannot overlap a local folder
        source = source.resolve()
        if _is_within(target, source):
            where = "is" if target == source else "is inside"
            raise OutputError(
                f"output folder {out} {where} the input {given}",
                hint="write the outputs somewhere outside the inputs, e.g. --out reports/run1",
            )
        if _is_within(source, target):
            raise OutputError(
                f"output folder {out} contains the input {given}; writing there could "
                "replace or delete it",
                hint="choose an output folder that holds none of the inputs",
            )
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"output folder {out} exists and is not a folder",
            hint="choose another --out, or remove that file",
        )
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputError(
            f"output folder {out} already exists and is not empty",
            hint="pass --overwrite to replace it, or choose another --out",
        )
