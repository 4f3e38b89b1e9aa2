"""A PDF page's text layer through pypdfium2 (PDFium): every glyph with its box and size, as lines.

PDFium reads a page's text some 50 times faster than pdfminer, so a 300-page report takes seconds.
Each glyph comes out as the same kind of dict pdfplumber gives (text, x0, x1, top, bottom, size,
measured from the top of the page), and glyphs are grouped into lines the way pdfplumber does:
by their height on the page, left to right. Two text columns side by side (the two-column header
of a Vietnamese administrative document: issuing body on the left, national motto on the right)
therefore share lines: "ỦY BAN NHÂN DÂN  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is one line.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import DocumentRejected

MAP_CHECK_EVERY = 4  # glyphs checked for a missing Unicode map: a sample is enough for a page's share
DESCENT = 0.2  # share of the font size below the baseline, as pdfminer's boxes have it
LINE_TOLERANCE = 3.0  # points: glyphs whose tops differ by less than this sit on one line
IMAGE, PATH = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH
# A page is sent to pdfplumber's table finder when it draws this many path objects (a ruled
# table draws a few per cell), or one path of this many segments (a grid drawn in one go).
RULED_PATHS = 4
RULED_SEGMENTS = 8


def open_pdf(raw: bytes, name: str) -> pdfium.PdfDocument:
    """The document, or DocumentRejected: E004 when it needs a password, E005 when PDFium cannot load it."""
    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise DocumentRejected("E004_ENCRYPTED", name) from None
        raise DocumentRejected("E005_CORRUPT", name, f"PDFium: {error}") from None


def page_chars(page: pdfium.PdfPage) -> list[dict[str, Any]]:
    """The page's glyphs in content order, each a pdfplumber-style dict. Spaces and line breaks
    (PDFium's generated ones and the font's own) are left out: lines and word gaps are measured
    from the boxes. The text comes in one call; boxes and sizes per glyph, on the raw handle."""
    textpage = page.get_textpage()
    height = page.get_height()
    box = pdfium_c.FS_RECTF()
    handle = textpage.raw
    size_of, box_of, origin_of = (
        pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin,
    )
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    x, y = ctypes.c_double(), ctypes.c_double()
    chars = []
    size, height_of_box = 0.0, -1.0
    try:
        count = pdfium_c.FPDFText_CountChars(handle)
        for index, char in enumerate(_page_text(handle, count)):
            if char.isspace() or char == "\x00":
                continue
            if char in "\x02\ufffe":  # PDFium's mark for a hyphen that ends a line: it is printed, keep it
                char = "-"
            checked = index % MAP_CHECK_EVERY == 0
            if checked and map_error(handle, index) == 1:
                char = "\ufffd"  # a glyph number, not a letter (Identity-H without ToUnicode)
            box_of(handle, index, box)  # its advance width, as pdfminer measures it
            if abs(box.top - box.bottom - height_of_box) > 0.01:  # the font or its size changed
                size, height_of_box = size_of(handle, index), box.top - box.bottom
            origin_of(handle, index, x, y)  # the baseline: the same for every glyph of a line
            bottom = height - y.value + DESCENT * size
            chars.append({"text": char, "x0": box.left, "x1": box.right, "top": bottom - size,
                          "bottom": bottom, "size": size, "checked": checked})
    finally:
        textpage.close()
    return chars


def _page_text(handle: Any, count: int) -> str:
    """The page's characters, one per PDFium index (UTF-16 read unit by unit, so indices agree)."""
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium_c.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    units = memoryview(buffer.raw[: count * 2]).cast("H")
    return "".join(chr(unit) if not 0xD800 <= unit <= 0xDFFF else "\ufffd" for unit in units)


def unmapped_share(chars: list[dict[str, Any]]) -> float:
    """The share of the checked glyphs that have no Unicode value (page_chars checks a sample)."""
    checked = [c for c in chars if c["checked"]]
    return sum(c["text"] == "\ufffd" for c in checked) / len(checked) if checked else 0.0


def text_lines(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Glyphs grouped into lines top to bottom, each line's glyphs left to right, with its box
    (pdfplumber's extract_text_lines shape: text, x0, x1, top, bottom, chars)."""
    lines: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: c["top"]):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    out = []
    for members in lines:
        members.sort(key=lambda c: c["x0"])
        while members and not members[0]["text"].strip():
            members.pop(0)
        while members and not members[-1]["text"].strip():
            members.pop()
        if not members:
            continue
        out.append({
            "text": "".join(c["text"] for c in members),
            "x0": min(c["x0"] for c in members), "x1": max(c["x1"] for c in members),
            "top": min(c["top"] for c in members), "bottom": max(c["bottom"] for c in members),
            "chars": members,
        })
    return out


def has_images(page: pdfium.PdfPage) -> bool:
    """Whether the page draws any image (directly or inside a form XObject): a scan if it has no text."""
    return any(True for _ in page.get_objects(filter=[IMAGE], max_depth=4))


def looks_ruled(page: pdfium.PdfPage) -> bool:
    """Whether the page draws enough lines to hold a ruled table worth pdfplumber's table finder."""
    for paths, obj in enumerate(page.get_objects(filter=[PATH], max_depth=4), 1):
        if paths >= RULED_PATHS or pdfium_c.FPDFPath_CountSegments(obj.raw) >= RULED_SEGMENTS:
            return True
    return False


def single_page_pdf(pdf: pdfium.PdfDocument, index: int) -> bytes:
    """Page `index` alone, as a new PDF written by PDFium: what pdfplumber is given for its tables,
    so pdfminer never walks the original file's page tree or cross-references."""
    alone = pdfium.PdfDocument.new()
    try:
        alone.import_pages(pdf, [index])
        import io

        out = io.BytesIO()
        alone.save(out)
        return out.getvalue()
    finally:
        alone.close()
