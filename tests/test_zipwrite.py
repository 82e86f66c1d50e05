"""The zip writer, read back by the standard library's own zip and zlib readers."""

from __future__ import annotations

import io
import random
import zipfile
import zlib

import pytest

from quiz import zipwrite


def sample(size: int) -> bytes:
    """Text-like bytes with repeats, as a collection is, plus some noise."""
    rng = random.Random(size)
    words = [rng.randbytes(rng.randint(1, 12)) for _ in range(300)]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) + (b"\0" * rng.randint(0, 40) if rng.random() < 0.2 else b" ")
    return bytes(out[:size])


@pytest.mark.parametrize("size, parts", [(0, 2), (10, 2), (zipwrite.MIN_PART, 2), (3 * zipwrite.MIN_PART + 7, 2),
                                         (3 * zipwrite.MIN_PART + 7, 4), (2 * zipwrite.MIN_PART, 1)])
def test_deflate_in_parts_is_one_stream(size, parts):
    data = sample(size)
    packed = zipwrite.deflate(data, parts)
    assert zlib.decompress(packed, -15) == data


def test_parts_are_really_cut():
    data = sample(3 * zipwrite.MIN_PART)
    assert zipwrite.deflate(data, 3) != zipwrite.deflate(data, 1)  # each part starts with an empty window


def test_the_zip_is_what_zipfile_reads():
    members = [("collection.anki2", sample(2 * zipwrite.MIN_PART + 99)), ("media", b"{}"), ("empty", b""),
               ("笔记.txt", "中文".encode())]
    out = io.BytesIO()
    zipwrite.write_zip(out, members)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.testzip() is None  # every CRC checked
        assert [(info.filename, info.compress_type) for info in archive.infolist()] == [
            (name, zipfile.ZIP_DEFLATED) for name, _ in members]
        assert [archive.read(name) for name, _ in members] == [content for _, content in members]
