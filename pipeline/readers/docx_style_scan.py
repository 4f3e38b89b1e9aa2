"""styles.xml read in pieces: the styles a report asks about are parsed, not the whole part.

python-docx's template (every generated or python-docx-written report) carries a 350 KB
styles.xml: 160 table styles and 370 latent-style entries that no paragraph of a report names.
Building its tree was a quarter of a .docx's read. Here the part is checked whole by libxml2
without a tree (package.checked_whole: well-formed, no DOCTYPE or entity, under the caps), the
start tags of its w:style elements are parsed in one small document to learn each style's id,
and a style's element is parsed (hardened parser, depth cap) the first time a paragraph or run
asks for it. The answers are those of the whole tree (StyleSheet.from_tree) because the bytes
are only cut this way when they cannot mean anything else: the root declares every namespace,
only the prefix "w" names WordprocessingML, and there is no comment, CDATA section or
processing instruction, so every "<w:style" in the bytes opens a w:style element (a well-formed
part holds no raw "<" in text or attribute values). Any other styles.xml is parsed whole.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lxml import etree

from pipeline.readers.docx_styles import StyleSheet, font_of, is_default_paragraph
from pipeline.readers.ooxml import W_NS, w
from pipeline.readers.package import KeptByBytes, Package

_ATTRIBUTES = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""  # a start tag's inside, quoted values taken whole
ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^>]*>)?\s*(<w:styles(?=[\s/>])" + _ATTRIBUTES + rb">)")
TAG_REST = re.compile(_ATTRIBUTES + rb">")  # the rest of a start tag, from just after its name
END_REST = re.compile(rb"\s*>")  # the rest of an end tag, from just after its name
NAME_ENDS = frozenset(b" \t\r\n/>")  # what may follow an element's name in its start tag
ROOT_END = b"</w:styles>"
# After the root's start tag, a comment, CDATA section, processing instruction (a DOCTYPE never gets
# here) or namespace declaration: the part is parsed whole. Each is looked for only when the one byte
# it needs is there at all (bytes.find is a memchr for one byte, much slower for two).
NOT_PLAIN_MARKUP = ((b"!", (b"<!--", b"<![CDATA[")), (b"?", (b"<?",)), (b"xmlns", (b"xmlns",)))


def style_sheet(package: Package, part: str | None) -> StyleSheet:
    """The style sheet of the package's styles part, read in pieces when its bytes allow."""
    if part is None:
        return StyleSheet.from_tree(None)
    data = package.checked_whole(part)
    index = _index_of(package, part, data) if data is not None else None
    if index is None or data is None:
        return StyleSheet.from_tree(package.tree(part))
    scanned = _Scanned(package, part, data, index)
    return StyleSheet(scanned.element, index.default_paragraph, index.default_font)


# The index of a styles part, by its bytes and the caps it was held to (4 ms to build for a
# template's styles.xml); it depends on nothing else.
_indexes = KeptByBytes()


def _index_of(package: Package, part: str, data: bytes) -> _Index | None:
    """The part's index, or None when it must be parsed whole; built once for the same bytes."""
    return _indexes.get((data, package.limits), lambda: _Index.of(package, part, data))


@dataclass(frozen=True, slots=True)
class _Index:
    """Where each w:style element of a styles.xml stands, and the defaults; bytes, no trees."""

    root_tag: bytes
    spans: dict[str, tuple[int, int]]  # (start, end) of the last w:style of each id
    default_paragraph: str
    default_font: str

    @classmethod
    def of(cls, package: Package, part: str, data: bytes) -> _Index | None:
        """The index, or None when the bytes may be cut otherwise than the tree (parse whole)."""
        found = ROOT.match(data)
        if found is None or found.group(1).endswith(b"/>"):
            return None
        root_tag, body = found.group(1), found.end()
        for needed, marks in NOT_PLAIN_MARKUP:
            if data.find(needed, body) >= 0 and any(data.find(mark, body) >= 0 for mark in marks):
                return None
        root = package.fragment(part, root_tag[:-1] + b"/>")
        names = root.nsmap
        if root.tag != w("styles") or names.get("w") != W_NS or None in names:
            return None
        if any(uri == W_NS for prefix, uri in names.items() if prefix != "w"):
            return None
        spans = _style_spans(package, part, data, root_tag, body)
        if spans is None:
            return None
        default_font = _default_font(package, part, data, root_tag, body)
        if default_font is None:
            return None
        return cls(root_tag, spans[0], spans[1], default_font)


def _style_spans(
    package: Package, part: str, data: bytes, root_tag: bytes, body: int
) -> tuple[dict[str, tuple[int, int]], str] | None:
    """Each w:style's span by id, and the default paragraph style, from the start tags (one small
    parse); None for an unclosed w:style or one inside another (the tree says what that means)."""
    elements = _elements(data, b"style", body)
    if elements is None or any(later[0] < span[2] for span, later in itertools.pairwise(elements)):
        return None
    tags = b"".join(_empty(data[start:tag_end]) for start, tag_end, _ in elements)
    spans: dict[str, tuple[int, int]] = {}
    default_paragraph = ""
    for style, (start, _, end) in zip(_parse(package, part, root_tag, tags), elements, strict=True):
        style_id = style.get(w("styleId"), "")
        spans[style_id] = (start, end)
        if is_default_paragraph(style):
            default_paragraph = style_id
    return spans, default_paragraph


def _default_font(package: Package, part: str, data: bytes, root_tag: bytes, body: int) -> str | None:
    """The document's default font, from w:docDefaults when it is the root's first child; None
    when it stands elsewhere (only the tree can tell whether it is the root's child)."""
    found = _elements(data, b"docDefaults", body)
    if not found:
        return None if found is None else ""
    start, _, end = found[0]
    if len(found) > 1 or data[body:start].strip():
        return None
    [defaults] = _parse(package, part, root_tag, data[start:end])
    return font_of(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"))


class _Scanned:
    """A document's styles part cut by its index: each w:style parsed the first time it is asked for."""

    def __init__(self, package: Package, part: str, data: bytes, index: _Index) -> None:
        self.package, self.part, self.data, self.index = package, part, data, index
        self.parsed: dict[str, etree._Element] = {}

    def element(self, style_id: str) -> etree._Element | None:
        """The w:style element of that id, parsed the first time it is asked for."""
        if style_id not in self.parsed:
            span = self.index.spans.get(style_id)
            if span is None:
                return None
            [self.parsed[style_id]] = _parse(self.package, self.part, self.index.root_tag,
                                             self.data[span[0] : span[1]])
        return self.parsed[style_id]


def _parse(package: Package, part: str, root_tag: bytes, pieces: bytes) -> list[etree._Element]:
    """Elements cut from the part, parsed inside the root's own start tag (its namespaces)."""
    return list(package.fragment(part, root_tag + pieces + ROOT_END))


def _elements(data: bytes, name: bytes, begin: int) -> list[tuple[int, int, int]] | None:
    """(start, end of start tag, end) of every w:NAME element after `begin`, in order, found with
    bytes.find; None when one has no end tag."""
    opening, closing = b"<w:" + name, b"</w:" + name
    found = []
    at = data.find(opening, begin)
    while at >= 0:
        after = at + len(opening)
        if after < len(data) and data[after] in NAME_ENDS:
            tag = TAG_REST.match(data, after)
            if tag is None:
                return None
            end = tag.end() if data[tag.end() - 2] == ord("/") else _end_tag(data, closing, tag.end())
            if end < 0:
                return None
            found.append((at, tag.end(), end))
        at = data.find(opening, after)
    return found


def _end_tag(data: bytes, closing: bytes, begin: int) -> int:
    """Just past the first end tag `closing` (</w:NAME, not a longer name) after `begin`; -1 if none."""
    at = data.find(closing, begin)
    while at >= 0:
        rest = END_REST.match(data, at + len(closing))
        if rest is not None:
            return rest.end()
        at = data.find(closing, at + len(closing))
    return -1


def _empty(start_tag: bytes) -> bytes:
    """A start tag as an empty element (its attributes alone)."""
    return start_tag if start_tag.endswith(b"/>") else start_tag[:-1] + b"/>"
