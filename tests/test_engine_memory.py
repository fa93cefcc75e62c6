"""Freed memory leaves the process: large blocks once :func:`give_back_large_blocks` has
run, the free pages among small blocks when :func:`trim_heap` is called."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap

import pytest

from corpuskit.engine import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Allocate a block and free it (glibc then serves blocks of its size from the heap),
# allocate one again and free it: the share of it still resident.
PROBE = textwrap.dedent(
    """
    import os, sys
    import numpy as np
    from corpuskit.engine.memory import give_back_large_blocks

    def resident():
        pages = int(open("/proc/self/statm").read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")

    if sys.argv[1] == "given-back":
        assert give_back_large_blocks()
    block = 16 << 20
    first = np.ones(block, np.uint8)
    del first
    before = resident()
    second = np.ones(block, np.uint8)
    del second
    print((resident() - before) / block)
    """
)


def _kept_share(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


@pytest.mark.skipif(not GLIBC, reason="the setting applies to glibc's malloc only")
def test_a_freed_large_block_leaves_the_process():
    if _kept_share("as-is") < 0.5:
        pytest.skip("this glibc gives the block back on its own")
    assert _kept_share("given-back") < 0.1


def test_elsewhere_than_glibc_nothing_changes(monkeypatch):
    monkeypatch.setattr(memory.platform, "system", lambda: "Darwin")
    assert memory.give_back_large_blocks() is False


# Many small blocks freed but a few, spread through the heap so that its top stays in
# use: the megabytes the process gives back, trimmed or not.
SMALL_BLOCKS = textwrap.dedent(
    """
    import os, sys
    from corpuskit.engine.memory import trim_heap

    def resident():
        pages = int(open("/proc/self/statm").read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")

    blocks = [bytearray(1000) for _ in range(200_000)]
    kept = blocks[::100]
    del blocks
    before = resident()
    trimmed = trim_heap() if sys.argv[1] == "trimmed" else False
    print(trimmed, (before - resident()) / 2**20)
    """
)


def _given_back(mode: str) -> tuple[bool, float]:
    done = subprocess.run(
        [sys.executable, "-c", SMALL_BLOCKS, mode], capture_output=True, text=True, check=True
    )
    trimmed, megabytes = done.stdout.split()
    return trimmed == "True", float(megabytes)


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_trimming_the_heap_gives_back_the_free_pages_among_small_blocks():
    untouched, megabytes = _given_back("as-is")
    assert not untouched and megabytes < 20  # freed, but resident still
    trimmed, megabytes = _given_back("trimmed")
    assert trimmed and megabytes > 100  # of about 190 MB freed


def test_elsewhere_than_glibc_the_heap_is_not_trimmed(monkeypatch):
    monkeypatch.setattr(memory.platform, "system", lambda: "Darwin")
    assert memory.trim_heap() is False
