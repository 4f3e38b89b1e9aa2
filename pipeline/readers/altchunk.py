"""Word's altChunk: a part of another format (HTML, MHT, plain text, a whole .docx) that Word
imports where it stands. Web forms and mail-merge tools write reports this way, so the chunk's
paragraphs and tables are read in place, as if they were the document's own.

A chunk of a format read here becomes items: ("line", text) or ("table", grid). One that is not
(RTF) is not dropped in silence: the document is flagged.
"""

from __future__ import annotations

import email
import io
import zipfile
from collections.abc import Callable
from typing import Literal

from lxml import etree, html

from pipeline.readers.tables import GridCell

Item = tuple[Literal["line"], str] | tuple[Literal["table"], list[list[GridCell]]]
BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "dt", "dd"}
MAX_SPAN = 63  # colspan/rowspan beyond this is a broken or hostile chunk
HTML_TYPES = ("text/html", "application/xhtml+xml")


def chunk_items(
    content_type: str, blob: bytes, read_docx_items: Callable[[bytes], list[Item]]
) -> list[Item] | None:
    """The chunk's lines and tables, or None when its format is not one tonghop reads."""
    kind = content_type.split(";")[0].strip().lower()
    if blob.startswith(b"PK\x03\x04") and _is_docx(blob):
        return read_docx_items(blob)
    if kind in HTML_TYPES or blob.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return html_items(blob)
    if kind in ("message/rfc822", "multipart/related"):
        return _mht_items(blob)
    if kind == "text/plain":
        return [("line", line) for line in _decode(blob).splitlines() if line.strip()]
    return None


def _is_docx(blob: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _decode(blob: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            return blob.decode(encoding)
        except UnicodeDecodeError:
            continue
    return blob.decode("utf-8", "replace")


def _mht_items(blob: bytes) -> list[Item]:
    """A web archive (MHT): its HTML part."""
    message = email.message_from_bytes(blob)
    for part in message.walk():
        if part.get_content_type() in HTML_TYPES:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return html_items(payload)
    return []


def html_items(blob: bytes) -> list[Item]:
    """An HTML chunk's block elements as lines and its tables as grids, in document order."""
    if b"<!entity" in blob.lower():  # entity declarations have no place in a report: not expanded, not read
        return []
    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(blob, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    items: list[Item] = []
    _walk(root, items)
    return items


def _walk(element: etree._Element, items: list[Item]) -> None:
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("script", "style", "head"):
            continue
        if child.tag == "table":
            items.append(("table", _grid(child)))
        elif child.tag in BLOCK_TAGS and not any(
            isinstance(d.tag, str) and d.tag in (*BLOCK_TAGS, "table") for d in child.iterdescendants()
        ):
            items.append(("line", " ".join(child.text_content().split())))
        else:
            _walk(child, items)
            if child.tail and child.tail.strip():
                items.append(("line", " ".join(child.tail.split())))


def _grid(table: etree._Element) -> list[list[GridCell]]:
    """An HTML table as a grid; colspan and rowspan repeat the cell's text as Word's merges do."""
    grid: list[list[GridCell]] = []
    pending: dict[tuple[int, int], GridCell] = {}  # positions a rowspan above covers
    rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
    for r, tr in enumerate(rows):
        row: list[GridCell] = []
        for td in (c for c in tr if c.tag in ("td", "th")):
            while (r, len(row)) in pending:
                row.append(pending.pop((r, len(row))))
            text = " ".join(td.text_content().split())
            span = _span(td.get("colspan"))
            down = _span(td.get("rowspan"))
            col = len(row)
            row.append(GridCell(text, True))
            row.extend(GridCell(text, False, "left") for _ in range(span - 1))
            for extra in range(1, down):
                for c in range(col, col + span):
                    pending[(r + extra, c)] = GridCell(text, False, "above")
        while (r, len(row)) in pending:
            row.append(pending.pop((r, len(row))))
        grid.append(row)
    return grid


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1
