"""Pre-check a docx/xlsx zip before parsing it, and read members under a hard byte cap."""
from __future__ import annotations

import io
import zipfile

from .limits import Limits, human_bytes
from .readers.base import Unreadable


def open_ooxml(data: bytes, kind: str, limits: Limits) -> zipfile.ZipFile:
    """Open the archive, checking entry count, names, encryption, declared sizes and ratios first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Unreadable(f"not a valid .{kind} (not a zip file)") from None
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise Unreadable(f"the .{kind} holds {len(infos)} zip entries (limit {limits.max_zip_entries})")
    names: set[str] = set()
    declared = compressed = 0
    for info in infos:
        name = info.filename
        parts = name.split("/")
        if name.startswith(("/", "\\")) or "\\" in name or ":" in parts[0] or ".." in parts:
            raise Unreadable(f"the .{kind} has an unsafe zip entry name {ascii(name)}")
        if name.lower() in names:
            raise Unreadable(f"the .{kind} has a duplicate zip entry {ascii(name)}")
        names.add(name.lower())
        if info.flag_bits & 0x1:
            raise Unreadable(f"the .{kind} is encrypted (password protected)")
        declared += info.file_size
        compressed += info.compress_size
        if info.file_size > 1_000_000 and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise Unreadable(f"zip entry {ascii(name)} declares {info.file_size} bytes "
                             f"(compression ratio {ratio:.0f}:1, limit {limits.max_zip_ratio:.0f}:1)")
    if declared > limits.max_zip_total:
        raise Unreadable(f"the .{kind} declares {declared} bytes uncompressed "
                         f"(limit {human_bytes(limits.max_zip_total)})")
    if declared > 1_000_000 and declared > limits.max_zip_ratio * max(compressed, 1):
        raise Unreadable(f"the .{kind} declares {declared} bytes uncompressed from {compressed} "
                         f"(compression ratio over {limits.max_zip_ratio:.0f}:1)")
    return archive


class CappedReader(io.RawIOBase):
    """A read-only stream over one zip member that fails once more than `cap` bytes come out
    (declared sizes can lie)."""

    def __init__(self, stream, cap: int, what: str):  # noqa: ANN001
        self.stream, self.cap, self.what, self.count = stream, cap, what, 0
        self.head = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size if size and size > 0 else 1 << 16)
        self.count += len(chunk)
        if self.count > self.cap:
            raise Unreadable(f"{self.what} is larger than {human_bytes(self.cap)} uncompressed (limit)")
        if len(self.head) < 4096:
            self.head += chunk[:4096]
            if b"<!DOCTYPE" in self.head or b"<!doctype" in self.head:
                raise Unreadable(f"{self.what} contains a DOCTYPE declaration (not allowed in Office files)")
        return chunk

    def readinto(self, buffer) -> int:  # noqa: ANN001
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_member(archive: zipfile.ZipFile, name: str, cap: int, what: str) -> bytes | None:
    """The whole member (None when absent), under the cap."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        with archive.open(info) as raw:
            reader = CappedReader(raw, cap, what)
            out = bytearray()
            while chunk := reader.read(1 << 16):
                out += chunk
            return bytes(out)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Unreadable(f"{what} cannot be decompressed ({exc})") from None
