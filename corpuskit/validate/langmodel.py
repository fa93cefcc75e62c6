"""py3langid's model, unpacked once into the cache folder and memory-mapped after that.

py3langid ships its naive Bayes model as an xz-compressed ``.npz``: every process that
identifies a language decompresses 73 MB and widens the feature-by-class table (100k
features x 142 classes) from float16 to float32, about 0.6 s, in the driver of a
``check`` and in every validation worker. The unpacked arrays are written once to the
cache folder (:func:`corpuskit.cachedir.cache_dir`, ``langid/``), keyed by the model
file's size and modification time and py3langid's version; later processes load them
in a few milliseconds, and the table is memory-mapped, so workers share its pages
instead of holding a copy each. Where the cache folder cannot be written, the model is
read from py3langid's file as before. The identifier is the same either way (a test
compares the two on many texts).
"""

from __future__ import annotations

import array
import hashlib
import lzma
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from corpuskit.cachedir import cache_dir
from corpuskit.errors import OutputError
from corpuskit.io import write_atomic

# Bumped when the layout of the unpacked files changes.
LAYOUT = 1
TABLE = "ptc.npy"  # the feature-by-class table, float32, memory-mapped
REST = "model.npz"  # the class priors, the classes and the tokenizer's automaton


def model_file() -> Path:
    """py3langid's own model file."""
    import py3langid.langid as langid

    return Path(langid.MODEL_DIR) / langid.MODEL_FILE


def unpacked_folder(source: Path) -> Path:
    """Where the unpacked model of ``source`` goes in the cache folder."""
    try:
        installed = version("py3langid")
    except PackageNotFoundError:
        installed = "unknown"
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{installed}|{LAYOUT}"
    return cache_dir() / "langid" / hashlib.sha256(key.encode()).hexdigest()[:20]


def load_identifier(folder: Path | None = None) -> Any:
    """py3langid's identifier (``norm_probs=True``) with its table as float32, from the
    unpacked model in ``folder`` (default: :func:`unpacked_folder`), unpacked first if
    it is not there yet."""
    import py3langid.langid as langid

    source = model_file()
    folder = folder or unpacked_folder(source)
    if not ((folder / TABLE).is_file() and (folder / REST).is_file()):
        try:
            _unpack(source, folder)
        except (OSError, OutputError, KeyError, ValueError):
            # no cache to write to, or a model of another layout: py3langid reads it
            return _from_source(langid, source)
    table = np.load(folder / TABLE, mmap_mode="r")
    with np.load(folder / REST, allow_pickle=False) as rest:
        return langid.LanguageIdentifier(
            table,
            rest["pc"],
            rest["classes"].tolist(),
            _stdlib_array(rest["nextmove"]),
            rest["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_stdlib_array(rest["nextmove_row"]),
        )


def _from_source(langid: Any, source: Path) -> Any:
    model = langid.LanguageIdentifier.from_modelpath(source, norm_probs=True)
    if not all(hasattr(model, a) for a in ("nb_ptc", "nb_pc", "nb_classes", "tk_row")):
        return model
    return langid.LanguageIdentifier(
        np.asarray(model.nb_ptc, dtype=np.float32),
        model.nb_pc,
        model.nb_classes,
        model.tk_nextmove,
        model.tk_output,
        norm_probs=True,
        tk_row=model.tk_row,
    )


def _unpack(source: Path, folder: Path) -> None:
    """Decompress ``source`` and write its arrays into ``folder``, each file moved into
    place whole (processes starting together may unpack it side by side; the last
    rename wins and every reader sees whole files)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(suffix=".npz") as raw:
        with lzma.open(source) as packed:
            shutil.copyfileobj(packed, raw, length=1 << 20)
        raw.seek(0)
        with np.load(raw, allow_pickle=False) as data:
            names = ("pc", "classes", "nextmove", "nextmove_row", "out_feat")
            rest = {name: data[name] for name in names}
            write_atomic(folder / REST, lambda fh: np.savez(fh, **rest))
            table = np.asarray(data["ptc"], dtype=np.float32)
            write_atomic(folder / TABLE, lambda fh: np.save(fh, table))


def _stdlib_array(values: np.ndarray) -> array.array:
    """An unsigned numpy array as the ``array.array`` py3langid's tokenizer indexes."""
    typecode = {2: "H", 4: "I", 8: "L"}[values.dtype.itemsize]
    out = array.array(typecode)
    out.frombytes(np.ascontiguousarray(values).tobytes())
    return out
