"""An output folder that appears whole or not at all, one run at a time, resumable.

A run writes into a *staging* folder beside ``OUT`` (``.OUT.corpuskit-partial``, always
the same name) and, when everything is written, swaps it into place:

* **Atomic swap.** A new ``OUT`` is a rename. Replacing an existing ``OUT`` exchanges
  the two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``), so there is no
  moment without an ``OUT``; then the old folder is deleted. Where the exchange is not
  available, the old folder is renamed aside first, and a run that finds ``OUT`` missing
  and the aside folder present puts it back.
* **One run at a time.** A lock file beside ``OUT`` (``.OUT.corpuskit.lock``) is held for
  the whole run; a second run into the same ``OUT`` is refused at once, naming it.
  ``--overwrite`` is checked again at swap time.
* **Only corpuskit outputs are replaced.** Every output carries a marker file
  (:data:`MARKER`); ``--overwrite`` refuses a non-empty folder without it, so a typo in
  ``--out`` cannot delete someone's thesis.
* **Resume.** The staging folder records a fingerprint of the run (inputs with their
  sizes and modification times, configuration, version). A run with ``resume=True``
  whose fingerprint matches continues in the staging folder left by an interrupted run;
  any other run removes that folder first, so nothing is left behind for long.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from corpuskit import interruption
from corpuskit.errors import OutputError
from corpuskit.io.atomic import _fsync_folder, _umask, check_output_location, write_json_atomic

MARKER = ".corpuskit-output"
FINGERPRINT = ".corpuskit-run.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_path(out: Path) -> Path:
    """Where a run into ``out`` writes before the swap (beside ``out``, same file system)."""
    return out.parent / f".{out.name}.corpuskit-partial"


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.corpuskit.lock"


def _aside_path(out: Path) -> Path:
    return out.parent / f".{out.name}.corpuskit-old"


def _leftovers(out: Path) -> list[Path]:
    """Staging and aside folders of earlier runs into ``out`` (this and older versions)."""
    patterns = (f".{out.name}.tmp-*", f".{out.name}.old-*")
    found = [p for pattern in patterns for p in out.parent.glob(pattern) if p.is_dir()]
    return sorted(found)


def is_corpuskit_output(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def _refuse_foreign_folder(out: Path, overwrite: bool) -> None:
    if overwrite and out.is_dir() and any(out.iterdir()) and not is_corpuskit_output(out):
        raise OutputError(
            f"output folder {out} is not empty and was not written by corpuskit; "
            "--overwrite only replaces an earlier corpuskit output",
            hint="choose a new or empty --out, or move the files in it elsewhere",
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
    elif _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the old output
    else:
        aside = _aside_path(out)
        os.rename(out, aside)
        os.rename(staging, out)
        shutil.rmtree(aside)
    _fsync_folder(out.parent)


def _recover(out: Path) -> None:
    """Put back an output that a crash left renamed aside, and drop older leftovers."""
    aside = _aside_path(out)
    if aside.is_dir():
        if out.exists():
            shutil.rmtree(aside)
        else:
            os.rename(aside, out)
    for leftover in _leftovers(out):
        shutil.rmtree(leftover, ignore_errors=True)


def _fingerprint_matches(staging: Path, fingerprint: dict[str, Any]) -> bool:
    try:
        found = json.loads((staging / FINGERPRINT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return found == json.loads(json.dumps(fingerprint, sort_keys=True, default=str))


def _prepare_staging(staging: Path, fingerprint: dict[str, Any], resume: bool) -> bool:
    """Create (or, when resuming a matching run, keep) the staging folder; True if kept."""
    if staging.is_dir():
        if resume and _fingerprint_matches(staging, fingerprint):
            # Files a kill cut short were never renamed into place: drop them.
            for half_written in staging.rglob(".*.tmp"):
                half_written.unlink(missing_ok=True)
            return True
        shutil.rmtree(staging)
    staging.mkdir()
    os.chmod(staging, 0o777 & ~_umask())
    write_json_atomic(json.loads(json.dumps(fingerprint, default=str)), staging / FINGERPRINT)
    return False


@contextlib.contextmanager
def output_dir(
    out: Path,
    *,
    inputs: Sequence[Path],
    overwrite: bool,
    resume: bool = False,
    fingerprint: dict[str, Any] | None = None,
) -> Iterator[Path]:
    """Yield the staging folder of a run into ``out``; on success it becomes ``out``.

    Refuses (:class:`OutputError`) an existing non-empty ``out`` unless ``overwrite`` (and
    then only a corpuskit output), an ``out`` that overlaps an input, and a second run
    into the same ``out``. If the body raises a :class:`CorpuskitError` or any other
    error, the staging folder is removed; if it is interrupted (``KeyboardInterrupt``, or
    any error once :mod:`corpuskit.interruption` records a stop request), the staging
    folder stays so that a run with ``resume=True`` can continue, and the
    next run that does not resume removes it.
    """
    out = Path(out).absolute()
    check_output_location(out, inputs, overwrite=overwrite)
    _refuse_foreign_folder(out, overwrite)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path(out), timeout=0)
        lock.acquire()
    except Timeout:
        raise OutputError(
            f"another corpuskit run is writing to {out}",
            hint="wait for it to finish, or choose another --out",
        ) from None
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {out} ({exc.strerror or exc})",
            hint="choose an output location you can write to",
        ) from None
    try:
        _recover(out)
        check_output_location(out, inputs, overwrite=overwrite)
        _refuse_foreign_folder(out, overwrite)
        staging = staging_path(out)
        _prepare_staging(staging, fingerprint or {}, resume)
        try:
            yield staging
        except BaseException as exc:
            if not interruption.is_interruption(exc):
                shutil.rmtree(staging, ignore_errors=True)
                raise
            raise KeyboardInterrupt(
                f"the finished parts are kept in {staging}: run the same command with "
                "--resume to continue, or without it to start over"
            ) from None
        if out.is_dir() and any(out.iterdir()) and not overwrite:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(
                f"output folder {out} appeared while this run was writing",
                hint="pass --overwrite to replace it, or choose another --out",
            )
        _refuse_foreign_folder(out, overwrite)
        (staging / FINGERPRINT).unlink(missing_ok=True)
        write_json_atomic({"written_by": "corpuskit"}, staging / MARKER)
        try:
            _swap_into_place(staging, out)
        except OSError as exc:
            raise OutputError(
                f"cannot move the finished output into {out} ({exc.strerror or exc})",
                hint=f"the finished output is in {staging}; move it into place by hand",
            ) from None
    finally:
        # Unlinked while still held: a run that opened the old file before this fails
        # to lock it and stops; one that comes later creates and locks a new file.
        with contextlib.suppress(OSError):
            lock_path(out).unlink()
        lock.release()


__all__ = [
    "MARKER",
    "is_corpuskit_output",
    "lock_path",
    "output_dir",
    "staging_path",
]
