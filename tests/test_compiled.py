"""Compiled loops: compiled on first call only, and callable from each other."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from corpuskit.compiled import Compiled, compiled


def test_importing_the_package_does_not_import_numba():
    """``check`` and the report never run a compiled loop: they must not pay for numba."""
    probe = "import sys, corpuskit.cli, corpuskit.dedup.sign; print('numba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_compiled_function_that_is_no_name_of_its_module_still_compiles():
    def total(values):
        out = np.uint64(0)
        for v in values:
            out += np.uint64(v)
        return out

    summed = compiled(total)
    assert isinstance(summed, Compiled)
    values = np.array([2**63, 2**63, 5], dtype=np.uint64)
    assert int(summed(values)) == 5  # wraps modulo 2**64, as the hashes need


def test_without_a_folder_to_cache_in_each_process_compiles_its_own_copy():
    """A read-only install with no writable home: numba finds no cache folder (here
    simulated by allowing only the locator for zipped packages) and the loops compile
    in the process instead of failing."""
    probe = (
        "from corpuskit.dedup.words import words, hash_text; "
        "w = words(['one two three four'], 3); "
        "print(w.word_counts.tolist(), w.hashes.tolist() == "
        "[hash_text('one two three'), hash_text('two three four')])"
    )
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "_ZipCacheLocator"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "[4] True"
