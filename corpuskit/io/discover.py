"""From the paths a user gives to the list of files to read, each with its format.

A file's format comes from its extension (``.jsonl``, ``.ndjson``, ``.json``,
``.parquet``, ``.csv``, ``.txt``; JSON Lines and CSV may also end in ``.gz`` or
``.zst``). A folder is one dataset: every file under it (searched recursively, in sorted
order) that a file argument would accept is read, whatever its format, so a folder of
Parquet parts, of JSON Lines shards or of ``.txt`` articles, or a mix, reads whole.

Inside a folder:

- hidden files and folders (names starting with a dot) are skipped, as tools do;
- other files that are not corpus files (a ``README.md``, a ``_SUCCESS`` marker, a
  script) are skipped and listed: the reader logs a warning naming them and
  ``ReadStats.skipped`` holds them, so no input file is skipped without a word;
- a file of a corpus format compressed in a way corpuskit cannot read (``.txt.gz``,
  ``.parquet.zst``) is an error naming it, and so is a sub-folder that cannot be listed;
- a folder with no corpus file at all is an error that says what it holds.

Folder names of the form ``key=value`` (hive partitions) become columns.

An input written as a URL (``s3://bucket/news/``) is a file or folder on object storage,
listed and read through fsspec (:mod:`corpuskit.io.location`) by the same rules.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpuskit.errors import InputError
from corpuskit.io.location import input_path, is_remote

COMPRESSIONS = (".gz", ".zst", ".zstd")
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".csv": "csv",
    ".txt": "txt",
}
_COMPRESSIBLE = {"jsonl", "json", "csv"}
SUPPORTED = ".jsonl, .ndjson, .json (each also .gz/.zst), .csv (also .gz/.zst), .parquet, .txt"


@dataclass(frozen=True)
class InputFile:
    """One file to read: its path (as given, or folder-as-given / relative part)."""

    path: Path
    kind: str  # jsonl | json | parquet | csv | txt
    # Absolute path (the folder resolved once, not every file: folders can be large).
    resolved: Path
    # Short readable name, unique among the files of one call; derived ids start with it.
    label: str = ""
    # Hive-style partition values from the folders of a Parquet dataset (year=2018/...).
    partition: tuple[tuple[str, str], ...] = ()


def split_extension(path: Path) -> tuple[str, str, str]:
    """``(stem, format extension, compression extension)`` of a file name, lower-cased."""
    name = path.name
    lowered = name.lower()
    compression = next((c for c in COMPRESSIONS if lowered.endswith(c)), "")
    base = lowered[: len(lowered) - len(compression)] if compression else lowered
    ext = next((e for e in FORMATS if base.endswith(e)), "")
    return name[: len(base) - len(ext)], ext, compression


def file_kind(path: Path) -> str:
    """The reader for ``path``, from its extension; InputError for an unknown one."""
    _, ext, compression = split_extension(path)
    kind = FORMATS.get(ext)
    if kind is None or (compression and kind not in _COMPRESSIBLE):
        raise InputError(
            f"{path}: unknown input format (extension {''.join(path.suffixes) or 'none'!r})",
            hint=f"supported inputs are {SUPPORTED}, and folders of .parquet parts or .txt files",
        )
    return kind


@dataclass
class Discovered:
    """The files to read, and the files of input folders skipped as not corpus files."""

    files: list[InputFile]
    skipped: list[Path] = field(default_factory=list)

    def skipped_note(self) -> str:
        """The warning that names the skipped files (the first few, then a count)."""
        shown = ", ".join(str(p) for p in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        return (
            f"skipped {len(self.skipped)} file(s) in the input folders that are not corpus "
            f"files: {shown}{more} (corpus files end in {SUPPORTED})"
        )


def _walk(folder: Path) -> list[Path]:
    """Every visible file under ``folder``, sorted; a sub-folder that cannot be listed is
    an InputError naming it (symbolic links to folders are followed once)."""
    if is_remote(folder):
        return _walk_remote(folder)
    found: list[Path] = []
    seen: set[str] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in seen:  # a link back to a folder already read
            continue
        seen.add(real)
        try:
            with os.scandir(current) as entries:
                listing = list(entries)
        except OSError as exc:
            raise InputError(
                f"{current}: cannot list this folder ({exc.strerror or exc})",
                hint="give the folder read permission, or pass the files you mean",
            ) from None
        for entry in listing:
            if entry.name.startswith("."):
                continue
            path = current / entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(path)
            else:
                found.append(path)
    return sorted(found)


def _walk_remote(folder) -> list:
    """:func:`_walk` on object storage (no links there): every visible file, sorted."""
    found = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            listing = list(current.iterdir())
        except OSError as exc:
            raise InputError(
                f"{current}: cannot list this folder ({exc})",
                hint="check the URL and that your credentials may list it",
            ) from None
        for path in listing:
            if path.name.startswith(".") or path.path.rstrip("/") == current.path.rstrip("/"):
                continue
            (stack if path.is_dir() else found).append(path)
    return sorted(found, key=str)


def expand_folder(folder: Path) -> tuple[list[InputFile], list[Path]]:
    """The corpus files inside ``folder``, sorted, and the other files skipped."""
    files: list[InputFile] = []
    skipped: list[Path] = []
    unreadable: list[Path] = []
    root = folder.resolve()
    for path in _walk(folder):
        _, ext, compression = split_extension(path)
        kind = FORMATS.get(ext)
        if kind is None:
            skipped.append(path)
        elif compression and kind not in _COMPRESSIBLE:
            unreadable.append(path)
        else:
            files.append(
                InputFile(
                    path,
                    kind,
                    root / path.relative_to(folder),
                    partition=hive_partition(path, folder),
                )
            )
    if unreadable:
        shown = ", ".join(str(p) for p in unreadable[:5])
        raise InputError(
            f"{folder}: cannot read {len(unreadable)} compressed file(s) of a format that "
            f"is read uncompressed only: {shown}",
            hint=f"decompress them first; supported inputs are {SUPPORTED}",
        )
    if not files:
        found = Counter("".join(p.suffixes).lower() or "(no extension)" for p in skipped)
        listing = ", ".join(f"{n} {ext}" for ext, n in sorted(found.items())) or "no files"
        raise InputError(
            f"{folder}: the folder holds no corpus files (found {listing})",
            hint=f"supported inputs are {SUPPORTED}",
        )
    return files, skipped


def hive_partition(path: Path, root: Path) -> tuple[tuple[str, str], ...]:
    """``(("year", "2018"),)`` for ``root/year=2018/part-0.parquet``; () elsewhere."""
    folders = path.relative_to(root).parts[:-1]
    return tuple(
        (key, value) for key, sep, value in (part.partition("=") for part in folders) if sep and key
    )


def discover(paths: Sequence[Path]) -> Discovered:
    """Expand ``paths`` into files with their formats and unique labels, in input order,
    and the files of input folders that are skipped."""
    if not paths:
        raise InputError("no input given", hint="pass at least one file or folder to read")
    files: list[InputFile] = []
    skipped: list[Path] = []
    for raw in paths:
        path = input_path(raw)
        if path.is_dir():
            inside, passed_over = expand_folder(path)
            files.extend(inside)
            skipped.extend(passed_over)
        elif path.is_file():
            files.append(InputFile(path, file_kind(path), path.resolve()))
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder", hint="pass a file or folder")
        else:
            raise InputError(
                f"{path}: no such file or folder",
                hint="check the path (relative paths start from the current folder)",
            )
    _refuse_repeats(files)
    labels = unique_labels([f.resolved for f in files])
    labelled = [
        InputFile(f.path, f.kind, f.resolved, label, f.partition)
        for f, label in zip(files, labels, strict=True)
    ]
    return Discovered(labelled, skipped)


def discover_inputs(paths: Sequence[Path]) -> list[InputFile]:
    """Expand ``paths`` into files with their formats and unique labels, in input order."""
    return discover(paths).files


def _refuse_repeats(files: list[InputFile]) -> None:
    seen: dict[Path, Path] = {}
    for f in files:
        key = f.resolved
        if key in seen:
            raise InputError(
                f"{f.path}: this file is given twice (also as {seen[key]})",
                hint="pass each file once; a file inside a folder you pass is already read",
            )
        seen[key] = f.path


def unique_labels(paths: Sequence[Path]) -> list[str]:
    """For each absolute path, the fewest trailing parts (extension removed) no other shares.

    ``news/2018.jsonl`` alone is labelled ``2018``; with ``blogs/2018.jsonl`` beside it the
    two become ``news/2018`` and ``blogs/2018``. Labels are therefore unique, readable and
    the same whenever the same inputs are given.
    """
    keys = [(*path.parts[1:-1], split_extension(path)[0]) for path in paths]
    # Same folder and stem, different format (a.jsonl beside a.json): keep the file name.
    repeated = {key for key, n in Counter(keys).items() if n > 1}
    keys = [
        (*key[:-1], path.name) if key in repeated else key
        for key, path in zip(keys, paths, strict=True)
    ]
    labels: list[str | None] = [None] * len(keys)
    depth = max((len(key) for key in keys), default=0)
    for k in range(1, depth + 1):  # one pass per folder level, not per pair of files
        counts = Counter(key[-k:] for key in keys)
        for i, key in enumerate(keys):
            if labels[i] is None and (counts[key[-k:]] == 1 or k == len(key)):
                labels[i] = "/".join(key[-k:])
        if all(label is not None for label in labels):
            break
    return [label or "" for label in labels]
