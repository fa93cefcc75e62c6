"""From the paths a user gives to the list of files to read, each with its format.

A file's format comes from its extension (``.jsonl``, ``.ndjson``, ``.json``,
``.parquet``, ``.csv``, ``.txt``; JSON Lines and CSV may also end in ``.gz`` or
``.zst``). A folder is a Parquet dataset when it holds ``.parquet`` parts and a text
folder when it holds ``.txt`` files (both searched recursively, in sorted order;
hidden files and folders, whose names start with a dot, are skipped); a folder holding
both or neither is an error that says what it found. Folder names of the form
``key=value`` inside a Parquet dataset (hive partitions) become columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpuskit.errors import InputError

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


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def expand_folder(folder: Path) -> list[InputFile]:
    """The Parquet parts or text files inside ``folder``, sorted."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _visible(p, folder))
    parquet = [p for p in files if p.name.lower().endswith(".parquet")]
    texts = [p for p in files if p.name.lower().endswith(".txt")]
    if parquet and texts:
        raise InputError(
            f"{folder}: the folder holds both .parquet files ({len(parquet)}) and "
            f".txt files ({len(texts)}); a folder must be one Parquet dataset or one "
            "folder of text files",
            hint="pass the files or sub-folders you mean separately",
        )
    if not parquet and not texts:
        found = Counter("".join(p.suffixes).lower() or "(no extension)" for p in files)
        listing = ", ".join(f"{n} {ext}" for ext, n in sorted(found.items())) or "no files"
        raise InputError(
            f"{folder}: the folder holds no .parquet parts and no .txt files (found {listing})",
            hint=f"pass the files themselves; supported inputs are {SUPPORTED}",
        )
    kind = "parquet" if parquet else "txt"
    root = folder.resolve()
    return [
        InputFile(p, kind, root / p.relative_to(folder), partition=hive_partition(p, folder))
        for p in (parquet or texts)
    ]


def hive_partition(path: Path, root: Path) -> tuple[tuple[str, str], ...]:
    """``(("year", "2018"),)`` for ``root/year=2018/part-0.parquet``; () elsewhere."""
    folders = path.relative_to(root).parts[:-1]
    return tuple(
        (key, value) for key, sep, value in (part.partition("=") for part in folders) if sep and key
    )


def discover_inputs(paths: Sequence[Path]) -> list[InputFile]:
    """Expand ``paths`` into files with their formats and unique labels, in input order."""
    if not paths:
        raise InputError("no input given", hint="pass at least one file or folder to read")
    files: list[InputFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(expand_folder(path))
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
    return [
        InputFile(f.path, f.kind, f.resolved, label, f.partition)
        for f, label in zip(files, labels, strict=True)
    ]


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
