"""The .xlsx package (a ZIP file) written member by member, each member deflated before it is
added: a sheet can be deflated by the process that wrote its rows, meanwhile, and only copied into
the package here (zipfile deflates every member itself, in the one process that closes the book:
at a province's scale that was the export's last seconds). ZIP64 records are written only when a
size or an offset needs them (APPNOTE.TXT 6.3: local headers, central directory, end records)."""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LEVEL = 1  # deflate level: the XML is repetitive, level 1 already shrinks it ~10× at full speed
MARK = 0xFFFFFFFF  # what a 32-bit field holds when the ZIP64 extra field holds the number
WIDE_FROM = MARK  # sizes and offsets from which they go into ZIP64 fields (a test lowers it)
UTF8_NAMES = 0x0800


@dataclass(frozen=True, slots=True)
class Deflated:
    """A member's bytes deflated into a file of their own, with what its headers record."""

    path: str
    crc: int
    size: int
    compressed: int


def deflate(chunks: Iterable[bytes], path: Path) -> Deflated:
    """`chunks` deflated (raw DEFLATE, as ZIP stores it) into `path`."""
    squeeze = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    crc = size = compressed = 0
    with path.open("wb") as out:
        for chunk in chunks:
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            compressed += out.write(squeeze.compress(chunk))
        compressed += out.write(squeeze.flush())
    return Deflated(str(path), crc, size, compressed)


def inflate(path: Path, chunk: int = 1 << 20) -> Iterator[bytes]:
    """The bytes `deflate` wrote into `path`, as they were."""
    unsqueeze = zlib.decompressobj(-15)
    with path.open("rb") as source:
        while piece := source.read(chunk):
            yield unsqueeze.decompress(piece)
    yield unsqueeze.flush()


class Package:
    """A ZIP file: `add` members (deflated here or elsewhere), then `close`."""

    def __init__(self, path: Path) -> None:
        self.out: IO[bytes] = path.open("wb")
        self.entries: list[tuple[bytes, Deflated, int]] = []  # name, member, its header's offset
        stamp = time.localtime()
        self.time = (stamp.tm_hour << 11) | (stamp.tm_min << 5) | (stamp.tm_sec // 2)
        self.date = ((stamp.tm_year - 1980) << 9) | (stamp.tm_mon << 5) | stamp.tm_mday

    def add_text(self, name: str, text: str, spool: Path) -> None:
        """A small member given whole."""
        self.add(name, deflate([text.encode("utf-8")], spool / f"{len(self.entries)}.part"))

    def add(self, name: str, member: Deflated) -> None:
        """A member already deflated: its header, then its bytes copied as they are."""
        offset = self.out.tell()
        encoded = name.encode("utf-8")
        wide = member.size >= WIDE_FROM or member.compressed >= WIDE_FROM
        extra = struct.pack("<HHQQ", 1, 16, member.size, member.compressed) if wide else b""
        sizes = (MARK, MARK) if wide else (member.compressed, member.size)
        self.out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 45 if wide else 20, UTF8_NAMES, 8, self.time, self.date,
                member.crc, *sizes, len(encoded), len(extra),
            )
            + encoded
            + extra
        )
        with open(member.path, "rb") as data:
            shutil.copyfileobj(data, self.out, 1 << 20)
        self.entries.append((encoded, member, offset))

    def close(self) -> None:
        """The central directory and the end records."""
        start = self.out.tell()
        for encoded, member, offset in self.entries:
            numbers = (member.size, member.compressed, offset)  # the order of the ZIP64 extra field
            wide = [n for n in numbers if n >= WIDE_FROM]
            size, compressed, at = (MARK if n >= WIDE_FROM else n for n in numbers)
            extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
            version = 45 if wide else 20
            self.out.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, UTF8_NAMES, 8, self.time,
                    self.date, member.crc, compressed, size, len(encoded), len(extra), 0, 0, 0, 0, at,
                )
                + encoded
                + extra
            )
        end = self.out.tell()
        count, size = len(self.entries), end - start
        wide = count >= 0xFFFF or size >= WIDE_FROM or start >= WIDE_FROM
        if wide:
            record = (0x06064B50, 44, 45, 45, 0, 0, count, count, size, start)
            self.out.write(struct.pack("<IQHHIIQQQQ", *record))
            self.out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))  # where that record is
        entries, size, start = (0xFFFF, MARK, MARK) if wide else (count, size, start)
        self.out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, size, start, 0))
        self.out.close()
