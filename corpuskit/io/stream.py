"""The bytes of one input file, decompressed as they are read, in bounded pieces.

Readers never hold a whole file: :func:`open_blocks` yields the decompressed bytes of a
plain, ``.gz`` or ``.zst`` file block by block, and :func:`line_chunks` regroups them into
chunks of complete lines that remember the number of their first line, so line numbers
stay exact however a file is cut. A compressed stream that stops before its end (a
truncated download, a copy cut short) is an :class:`~corpuskit.errors.InputError` naming
the file: a partial read is never taken for the whole file.

:func:`text_blocks` puts every file in the same shape before lines are looked at: a
UTF-8 byte-order mark is dropped, UTF-16 (told by its byte-order mark) is turned into
UTF-8 on the fly, and a file whose lines end with a lone carriage return (classic Mac
OS) has them read as line ends.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

import zstandard

from corpuskit.errors import InputError

BLOCK_SIZE = 1 << 20  # bytes read (and decompressed) at a time
# A file with no line feed but a carriage return in its first this-many bytes ends its
# lines with carriage returns alone.
_CR_PROBE = 1 << 20
_HINT = "check that the file is complete and that its extension matches its format"


def is_compressed(path: Path) -> bool:
    return path.name.lower().endswith((".gz", ".zst", ".zstd"))


def open_blocks(path: Path, block_size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """The file's bytes, decompressed when it ends in ``.gz`` or ``.zst``, in blocks."""
    name = path.name.lower()
    try:
        with path.open("rb") as fh:
            if name.endswith(".gz"):
                with gzip.GzipFile(fileobj=fh) as gz:
                    while block := gz.read(block_size):
                        yield block
            elif name.endswith((".zst", ".zstd")):
                yield from _zstd_blocks(fh, path, block_size)
            else:
                while block := fh.read(block_size):
                    yield block
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
        raise InputError(f"{path}: cannot read the file ({exc})", hint=_HINT) from None


def _zstd_blocks(fh, path: Path, block_size: int) -> Iterator[bytes]:
    """Decompress zstd frames one after the other; an unfinished last frame is an error.

    python-zstandard's stream reader returns the bytes of a cut frame without a word,
    so frames are followed here with a decompression object, which says whether it saw
    the end of its frame.
    """
    context = zstandard.ZstdDecompressor()
    frame = None
    while data := fh.read(block_size):
        while data:
            frame = frame or context.decompressobj()
            out = frame.decompress(data)
            if out:
                yield out
            if frame.eof:
                data, frame = frame.unused_data, None
            else:
                data = b""
    if frame is not None:
        raise InputError(
            f"{path}: the zstd stream ends before its last frame does: the file is "
            "truncated, so none of it is read",
            hint="copy or download the file again, or re-compress it from the original",
        )


def read_bytes(path: Path) -> bytes:
    """The whole file's bytes, decompressed (for formats read whole: ``.json``, ``.txt``)."""
    return b"".join(open_blocks(path))


def text_blocks(blocks: Iterable[bytes], *, cr_lines: bool = False) -> Iterator[bytes]:
    """``blocks`` without a byte-order mark, UTF-16 turned into UTF-8, and (with
    ``cr_lines``) lone carriage returns turned into line feeds when the file uses them as
    its line ends."""
    blocks = iter(blocks)
    head = b""
    for block in blocks:
        head += block
        if len(head) >= _CR_PROBE:
            break
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        head = decoder.decode(head).encode("utf-8")
        # the empty block last makes the decoder flush what it still holds
        blocks = (decoder.decode(b, final=not b).encode("utf-8") for b in chain(blocks, [b""]))
    if cr_lines and b"\n" not in head[:_CR_PROBE] and b"\r" in head:
        yield head.replace(b"\r", b"\n")
        yield from (block.replace(b"\r", b"\n") for block in blocks)
        return
    if head:
        yield head
    yield from blocks


def line_chunks(blocks: Iterable[bytes], target: int) -> Iterator[tuple[int, bytes]]:
    """Complete lines in chunks of about ``target`` bytes, each with its first line's number.

    A chunk is cut after a line feed, so no line is split; a single line longer than
    ``target`` is a chunk of its own. The last line of the file may lack its line feed.
    """
    first = 1
    pending: list[bytes] = []
    for block in blocks:
        cut = block.rfind(b"\n")
        if cut < 0:
            pending.append(block)
            continue
        pending.append(block[: cut + 1])
        data = b"".join(pending)
        pending = [block[cut + 1 :]] if cut + 1 < len(block) else []
        for chunk in _split_lines(data, target):
            yield first, chunk
            first += chunk.count(b"\n")
    tail = b"".join(pending)
    if tail:
        yield first, tail


def _split_lines(data: bytes, target: int) -> Iterator[bytes]:
    """``data`` (complete lines) cut after line feeds into pieces of about ``target``."""
    start, size = 0, len(data)
    while size - start > target:
        end = data.rfind(b"\n", start, start + target)
        if end < 0:  # one line longer than target
            end = data.find(b"\n", start + target)
        yield data[start : end + 1]
        start = end + 1
    if start < size:
        yield data[start:] if start else data
