"""A zip archive whose members are deflated on every core.

zipfile deflates a member in one stream, on one core. Here a large member is
cut into parts, each deflated on its own thread (zlib lets go of the GIL), and
the parts are joined as pigz does: every part but the last ends on a byte
boundary without the final-block mark, so together they are one valid deflate
stream. What is written is a plain zip (no zip64: members stay under 4 GiB).
"""

from __future__ import annotations

import os
import struct
import time
import zlib
from typing import BinaryIO

from quiz.errors import QuizError

MIN_PART = 1 << 20  # smaller parts are not worth a thread
LEVEL = 1  # deflate's fastest level: most of the size gain, a fraction of the time
ZIP_LIMIT = 0xFFFFFFFF
DEFLATED = 8
VERSION = 20  # "2.0": deflate
UTF8_NAME = 0x800  # general purpose flag bit 11: the name is UTF-8


def deflate(data: bytes, parts: int) -> bytes:
    """Raw deflate of `data` (as zlib with wbits=-15 reads it), `parts` pieces at a time."""
    size = max(MIN_PART, -(-len(data) // max(1, parts)))
    view = memoryview(data)
    pieces = [view[start:start + size] for start in range(0, len(data), size)] or [view]

    def squeeze(index: int) -> bytes:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        last = index == len(pieces) - 1
        return compressor.compress(pieces[index]) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)

    if len(pieces) == 1:
        return squeeze(0)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(pieces)) as pool:
        return b"".join(pool.map(squeeze, range(len(pieces))))


def write_zip(file: BinaryIO, members: list[tuple[str, bytes]]) -> None:
    """Write `members` (name, content) to `file` as a zip archive, each member deflated."""
    parts = os.cpu_count() or 1
    stamp = _dos_time(time.localtime())
    directory, offset = [], 0
    for name, content in members:
        packed = deflate(content, parts)
        encoded = name.encode()
        flags = 0 if name.isascii() else UTF8_NAME
        fields = (VERSION, flags, DEFLATED, *stamp, zlib.crc32(content), len(packed), len(content), len(encoded))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded
        if max(len(content), offset + len(header) + len(packed)) >= ZIP_LIMIT:
            raise QuizError(f"{name} is too large for a zip archive ({len(content)} bytes)")
        file.write(header)
        file.write(packed)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, VERSION, *fields, 0, 0, 0, 0, 0, offset)
                         + encoded)
        offset += len(header) + len(packed)
    listing = b"".join(directory)
    file.write(listing)
    file.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(listing), offset, 0))


def _dos_time(moment: time.struct_time) -> tuple[int, int]:
    """(time, date) as zip stores them: two-second steps, years from 1980."""
    clock = moment.tm_hour << 11 | moment.tm_min << 5 | moment.tm_sec // 2
    day = max(0, moment.tm_year - 1980) << 9 | moment.tm_mon << 5 | moment.tm_mday
    return clock, day
