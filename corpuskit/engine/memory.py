"""Freed memory given back to the system while a pass builds and drops large arrays.

glibc's ``malloc`` serves a block of 128 KiB or more as its own mapping, returned to the
system when freed, but each time such a block is freed it raises that threshold to the
block's size (up to 32 MiB on 64-bit systems), and the trim threshold to twice that.
From then on blocks of that size come from the heap, and a freed heap block stays in the
process unless it lies at the very top of the heap. The link pass allocates and drops
arrays of tens of millions of rows step after step (pair codes, ranks, masks, gathered
columns); with the moving threshold each step's freed arrays stayed resident under the
next step's, and the resident size grew well past what the pass holds.

:func:`give_back_large_blocks` fixes both thresholds (which also turns off their
movement): every block of ``LARGE_BLOCK`` bytes or more is its own mapping and goes back
to the system when freed. Each such block then costs a system call and pages faulted
in and zeroed afresh, which the link pass's few large arrays amortise. The setting is
made when the link pass starts and holds for the rest of that process: the sign pass
before it, which allocates many mid-sized blocks per batch, runs as it is, and the write
pass after it was measured no slower (``clean --no-validate`` of 100,000 documents).
polars allocates with its own allocator and is not affected. Elsewhere than on glibc
(macOS, musl, Windows) nothing changes.

:func:`release_arrow_pool` hands back what Arrow's memory pool keeps for reuse: the
driver reads the inputs through pyarrow, and its pool (mimalloc) held about 120 MB of
freed blocks after 300,000 documents were read, resident under the whole link pass.
"""

from __future__ import annotations

import ctypes
import platform
from typing import Any

import pyarrow as pa

# mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
LARGE_BLOCK = 1 << 20


def _glibc(name: str, argtypes: list[Any]) -> Any:
    """glibc's function ``name`` (returning an int), or None elsewhere than on glibc."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        function = getattr(ctypes.CDLL("libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = argtypes, ctypes.c_int
    return function


def give_back_large_blocks(block: int = LARGE_BLOCK) -> bool:
    """Make every ``malloc`` block of ``block`` bytes or more a mapping of its own,
    returned to the system when freed, and trim the heap's free top beyond ``block``
    bytes, for the rest of the process. Returns whether the C library took the setting
    (glibc only)."""
    mallopt = _glibc("mallopt", [ctypes.c_int, ctypes.c_int])
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, block)) and bool(mallopt(_M_TRIM_THRESHOLD, block))


def trim_heap() -> bool:
    """Hand the free pages inside ``malloc``'s heaps back to the system (glibc's
    ``malloc_trim``: free pages between live blocks too, not only at the top), what a
    pass of many mid-sized blocks leaves resident once its objects are gone. Returns
    whether any memory was released (always False elsewhere than on glibc)."""
    malloc_trim = _glibc("malloc_trim", [ctypes.c_size_t])
    return malloc_trim is not None and bool(malloc_trim(0))


def release_arrow_pool() -> None:
    """Give the blocks Arrow's default memory pool keeps for reuse back to the system."""
    pa.default_memory_pool().release_unused()
