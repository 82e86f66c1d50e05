"""The few protobuf fields quiz reads from an Anki collection (deck options, note types,
templates, decks, the package's version and media list): a reader of the wire format,
https://protobuf.dev/programming-guide/encoding/, enough for varints, floats and strings.

Anki's .proto files name the fields read here (proto/anki/deck_config.proto and others);
their numbers are in quiz.anki.package, beside what reads them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

VARINT, I64, LEN, I32 = 0, 1, 2, 5


class WireError(ValueError):
    """Bytes that are not a protobuf message."""


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise WireError("truncated varint")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(number, wire type, value) for each field of a message: a varint or fixed-width
    value as an int, a length-delimited one as its bytes."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, kind = key >> 3, key & 7
        value: int | bytes
        if kind == VARINT:
            value, position = _varint(data, position)
        elif kind in (I64, I32):
            width = 8 if kind == I64 else 4
            value = int.from_bytes(data[position : position + width], "little")
            position += width
        elif kind == LEN:
            length, position = _varint(data, position)
            value = data[position : position + length]
            position += length
        else:
            raise WireError(f"wire type {kind}")
        if position > len(data):
            raise WireError("truncated field")
        yield number, kind, value


def message(data: bytes) -> dict[int, list[tuple[int, int | bytes]]]:
    """Every field's values, by number (a repeated field has several)."""
    found: dict[int, list[tuple[int, int | bytes]]] = {}
    for number, kind, value in fields(data):
        found.setdefault(number, []).append((kind, value))
    return found


def floats(values: list[tuple[int, int | bytes]]) -> list[float]:
    """A repeated float field, packed (one LEN value) or not (I32 values)."""
    out: list[float] = []
    for kind, value in values:
        if kind == LEN and isinstance(value, bytes):
            out += struct.unpack(f"<{len(value) // 4}f", value[: len(value) // 4 * 4])
        elif kind == I32 and isinstance(value, int):
            out.append(struct.unpack("<f", value.to_bytes(4, "little"))[0])
    return out


def one_float(values: list[tuple[int, int | bytes]] | None) -> float | None:
    found = floats(values or [])
    return found[-1] if found else None


def one_int(values: list[tuple[int, int | bytes]] | None) -> int | None:
    """The last value of a varint field (protobuf's rule for a repeated scalar)."""
    ints = [value for kind, value in values or [] if kind == VARINT and isinstance(value, int)]
    return ints[-1] if ints else None


def one_text(values: list[tuple[int, int | bytes]] | None) -> str:
    texts = [value for kind, value in values or [] if kind == LEN and isinstance(value, bytes)]
    return texts[-1].decode("utf-8", "replace") if texts else ""


def one_message(values: list[tuple[int, int | bytes]] | None) -> bytes | None:
    texts = [value for kind, value in values or [] if kind == LEN and isinstance(value, bytes)]
    return texts[-1] if texts else None
