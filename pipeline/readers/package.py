"""One pass over an Office Open XML package: the guards' checks and the parse the readers walk.

Every part is inflated once under the caps (sizes counted while inflating, as guards.py does).
Each XML part a reader walks is parsed once, by lxml with a hardened parser (no entities, no DTD,
no network, libxml2's own size limits), into the tree the reader then walks, and held to the
guard's caps: no DOCTYPE, nesting depth, characters. A part read only in pieces (styles.xml,
docx_style_scan.py) is checked whole by libxml2 without building a tree, and each piece parsed
and held to the caps when it is asked for. The parts no reader walks (a Word 2010
stylesWithEffects.xml is larger than the document) are never parsed, so only what could harm a
parser is looked for in their bytes: a DOCTYPE or an entity, and the size caps. Only a part this
fast path cannot vouch for goes through the streaming expat scan of guards.py (one that may
declare a DOCTYPE, another encoding than UTF-8, XML libxml2 refuses), so a hostile part ends as it
did when every part was scanned that way: that scan's Python callback per element was half the
cost of reading a .docx.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pipeline.errors import DocumentRejected
from pipeline.readers.guards import (
    NOT_XML_PARTS,
    XML_START,
    Limits,
    XmlScanner,
    cap_mb,
    inflate,
    open_archive,
)

# Entities are never expanded, no DTD is loaded, nothing is fetched: a package is untrusted input.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
)
# A part that can only be a plain UTF-8 (or ASCII) document: its bytes show any DOCTYPE as written.
PLAIN_START = (b"<", b"\xef\xbb\xbf<")
DECLARED_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)")
PLAIN_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(slots=True)
class Package:
    """A package whose parts passed the size caps: each XML part parsed once, when a reader first
    asks for it, and every part nobody asked for still checked (`check_unread`)."""

    raw: bytes
    name: str
    limits: Limits
    infos: dict[str, zipfile.ZipInfo]
    pending: dict[str, bytes] = field(default_factory=dict)  # XML parts not parsed yet, in zip order
    trees: dict[str, etree._Element] = field(default_factory=dict)  # parsed XML parts, by member name
    checked: dict[str, bytes] = field(default_factory=dict)  # parts checked whole, read in pieces
    unparsed: dict[str, str] = field(default_factory=dict)  # XML parts lxml refused: why

    def tree(self, part: str) -> etree._Element:
        """A parsed XML part, held to every cap; E005 for one that is not well-formed XML (or not XML)."""
        data = self.pending.pop(part) if part in self.pending else self.checked.pop(part, None)
        if data is not None:
            _parse_part(self, part, data)
        if part in self.trees:
            return self.trees[part]
        why = self.unparsed.get(part, "not an XML part")
        raise DocumentRejected("E005_CORRUPT", self.name, f"{part}: {why}")

    def parse_all(self) -> None:
        """Every XML part parsed and held to every cap (a reader that parses the parts itself: .xlsx)."""
        while self.pending:
            self.tree(next(iter(self.pending)))

    def checked_whole(self, part: str) -> bytes | None:
        """A part's bytes once libxml2 found them well-formed, UTF-8, without DOCTYPE or entity and
        under the character cap, without building a tree (the caller parses the pieces it reads,
        with `fragment`); None when only the full parse can say (`tree` then refuses or parses it)."""
        data = self.pending.get(part)
        if data is None or not _plain(data) or len(data) > self.limits.max_chars or not _well_formed(data):
            return None
        self.checked[part] = self.pending.pop(part)
        return data

    def fragment(self, part: str, data: bytes) -> etree._Element:
        """A piece of a part checked whole (one element inside the root's start and end tags),
        parsed by the hardened parser and held to the depth cap as if the whole part were."""
        root = etree.fromstring(data, PARSER)
        _check_shape(root, part, self.name, data, self.limits)
        return root

    def check_unread(self) -> None:
        """The XML parts no reader asked for, which no parser ever sees: their bytes must show no
        DOCTYPE or entity and stay under the character cap (a part that is not plain UTF-8, or too
        big to say from its bytes, goes through the guard's expat scan, which refuses both)."""
        while self.pending:
            part = next(iter(self.pending))
            data = self.pending.pop(part)
            if not _plain(data) or len(data) > self.limits.max_chars:
                scanner = XmlScanner(part, self.name, self.limits)
                scanner.feed(data)
                scanner.close()

    def blob(self, part: str) -> bytes:
        """A part's bytes, inflated again (only altChunk parts need them, rarely)."""
        return b"".join(inflate(self.raw, self.infos[part], self.name))


class _NoEvents:
    """A parser target that asks libxml2 for nothing: the part is checked, no tree is built."""

    def close(self) -> None:
        return None


_UNSEEN = object()


class KeptByBytes:
    """What a function of a part's bytes (and settings) gave, kept for the last few keys: a package
    written from a template (every python-docx report, a province's Word template) carries the
    same 350 KB styles.xml, which costs milliseconds to check and to index each time. Equal keys,
    the same answer; an answer refused with an error is not kept. Safe between threads: one lookup,
    and a full memory is emptied at once (a batch of many templates starts again)."""

    def __init__(self, most: int = 8) -> None:
        self.most = most
        self._kept: dict[Any, Any] = {}

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        kept = self._kept.get(key, _UNSEEN)
        if kept is _UNSEEN:
            kept = make()
            if len(self._kept) >= self.most:
                self._kept.clear()
            self._kept[key] = kept
        return kept


_verdicts = KeptByBytes()  # libxml2's verdict on whole parts: 5 ms for a template's styles.xml


def _well_formed(data: bytes) -> bool:
    """Whether libxml2 parses `data` as well-formed XML (checked once for the same bytes)."""
    return _verdicts.get(data, lambda: _parses(data))


def _parses(data: bytes) -> bool:
    try:
        etree.fromstring(data, _checker())
    except etree.XMLSyntaxError:
        return False
    return True


def _checker() -> etree.XMLParser:
    """A hardened parser that builds nothing (a parser with a target is not shared between threads)."""
    return etree.XMLParser(
        target=_NoEvents(), resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )


def open_package(raw: bytes, name: str, limits: Limits) -> Package:
    """Inflate every part under the caps, keeping the XML parts' bytes for their one parse."""
    infos = [info for info in open_archive(raw, name, limits) if not info.is_dir()]
    package = Package(raw, name, limits, {info.filename: info for info in infos})
    unpacked = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentRejected("E004_ENCRYPTED", name, f"{info.filename} is encrypted")
        chunks: list[bytes] = []
        is_xml: bool | None = None
        size = 0
        for chunk in inflate(raw, info, name):
            if is_xml is None:
                is_xml = chunk.lstrip(b" \t\r\n").startswith(XML_START) and not (
                    info.filename.lower().endswith(NOT_XML_PARTS)
                )
            size += len(chunk)
            unpacked += len(chunk)
            if unpacked > limits.max_unpacked_bytes:
                raise DocumentRejected("E006_TOO_LARGE", name, f"unpacks to more than {cap_mb(limits)}")
            if size > limits.ratio_floor_bytes and size > limits.max_part_ratio * max(info.compress_size, 1):
                raise DocumentRejected(
                    "E006_TOO_LARGE", name,
                    f"{info.filename} inflates over {limits.max_part_ratio} times its packed size",
                )
            if is_xml:
                chunks.append(chunk)
        if size != info.file_size:
            detail = f"{info.filename} declares {info.file_size} bytes, holds {size}"
            raise DocumentRejected("E005_CORRUPT", name, detail)
        if is_xml:
            package.pending[info.filename] = b"".join(chunks)
    return package


def _parse_part(package: Package, part: str, data: bytes) -> None:
    """Parse one XML part into package.trees, after or instead of the expat scan when it is needed."""
    limits = package.limits
    if not _plain(data):
        scanner = XmlScanner(part, package.name, limits)  # the guard's own verdict, streamed
        scanner.feed(data)
        scanner.close()
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        if _plain(data):  # expat may say it more precisely (too deep, too long, malformed where)
            scanner = XmlScanner(part, package.name, limits)
            scanner.feed(data)
            scanner.close()
        package.unparsed[part] = f"{type(error).__name__}: {error}"  # well-formed for expat only
        return
    if root.getroottree().docinfo.internalDTD is not None:  # never reached by a plain part: a backstop
        raise DocumentRejected("E007_UNSAFE_XML", package.name, f"{part} declares a DOCTYPE")
    _check_shape(root, part, package.name, data, limits)
    package.trees[part] = root


@functools.cache
def _too_deep(depth: int) -> etree.XPath:
    """Whether any element stands one level past `depth` (the root is level 1, as expat counts)."""
    return etree.XPath("boolean(" + "/*" * (depth + 1) + ")")


def _plain(data: bytes) -> bool:
    """A part whose bytes show everything expat would refuse: UTF-8 or ASCII, no DOCTYPE or entity."""
    if not data.startswith(PLAIN_START):
        return False
    declared = DECLARED_ENCODING.match(data, 0, 200)
    if declared is not None and declared.group(1).lower() not in PLAIN_ENCODINGS:
        return False
    return not any(mark in data for mark in DTD_MARKS)


def _check_shape(root: etree._Element, part: str, name: str, data: bytes, limits: Limits) -> None:
    """The depth and character caps, counted as the expat scan counts them, in C (XPath); each is
    looked at only when the part is big enough to break it (a level takes a "<", a character a byte)."""
    if data.count(b"<") > limits.max_xml_depth and _too_deep(limits.max_xml_depth)(root):
        raise DocumentRejected("E013_TOO_DEEP", name, f"{part} nests over {limits.max_xml_depth} levels")
    # a character takes at least one byte (no entity expands here): only a large part can hold too many
    if len(data) > limits.max_chars and int(root.xpath("string-length(string(/))")) > limits.max_chars:
        raise DocumentRejected("E006_TOO_LARGE", name, f"{part} holds over {limits.max_chars:,} characters")

