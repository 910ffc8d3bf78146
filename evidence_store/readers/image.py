"""PNG and JPEG: width and height from the header bytes. No OCR, no decoding of pixels."""
from __future__ import annotations

import struct

from ..limits import Limits
from .base import ReadResult, Unreadable

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again

_PNG = b"\x89PNG\r\n\x1a\n"
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read(data: bytes, limits: Limits, kind: str = "png") -> ReadResult:
    if data.startswith(_PNG):
        size = _png(data)
    elif data.startswith(b"\xff\xd8"):
        size = _jpeg(data)
    else:
        raise Unreadable(f"not a {'PNG' if kind == 'png' else 'JPEG'} image")
    result = ReadResult()
    result.width, result.height = size
    return result


def _png(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise Unreadable("damaged PNG image (no IHDR header)")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg(data: bytes) -> tuple[int, int]:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise Unreadable("damaged JPEG image (bad marker)")
        marker = data[i + 1]
        if marker == 0xFF:                         # fill byte
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF:
            if i + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        if marker == 0xDA or length < 2:           # start of scan before any frame header
            break
        i += 2 + length
    raise Unreadable("damaged JPEG image (no frame header)")
