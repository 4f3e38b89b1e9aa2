"""The piece of a scanned page a figure was read from, cut again from the submitted file on demand.

The store keeps no page images (a 300 dpi page is megabytes; the store would grow a hundredfold):
each block read by OCR keeps its lines' boxes as fractions of the page (ocr_boxes.py), and the
page is rendered again from the submitted file, a PDF by PDFium or a photo by PIL, the same way
the reader saw it, when an officer wants to compare a figure with the scan. (A 40-line page's
boxes are about 2 KB of the blocks' JSON; its 200 dpi photo was 1.3 MB.) The file rendered here
is one whose figures exist, so the sandboxed reader has already rendered that page once within
its limits, and the review page checks it is that very file (sha256) first.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, ImageSequence

from pipeline.readers.ocr import MAX_PIXELS
from pipeline.readers.ocr_boxes import Box

CROP_DPI = 200  # enough to read digits; a third less to render than the reader's 300
PADDING = 0.3  # around the lines, in line heights: a margin, not half of the lines above and below
CONTEXT_CHARS = 24  # characters shown either side of a figure on its line (about three words)
MAX_CROP_PIXELS = 4_000_000  # a crop larger than this (a whole-page paragraph) is scaled down
PDF_MAGIC = b"%PDF-"
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # the reader's cap on a decompression bomb holds here too


def figure_region(blocks: list[dict[str, Any]], start: int, end: int) -> tuple[int, Box] | None:
    """The page and the box (fractions of the page) of the OCR lines holding text[start:end],
    narrowed to the figure and its neighbouring words when it sits on one line; None when that
    text was not read from a page image."""
    for block in blocks:
        if not block["start"] <= start < block["end"]:
            continue
        lines, page = block.get("ocr_lines"), block.get("page")
        if not lines or not page:
            return None
        first, last = start - block["start"], max(end - block["start"], start - block["start"] + 1)
        held = [line for line in lines if line[0] < last and first < line[1]] or lines
        if len(held) == 1:
            return int(page), _around(held[0], first, last)
        return int(page), (
            min(line[2] for line in held), min(line[3] for line in held),
            max(line[4] for line in held), max(line[5] for line in held),
        )
    return None


def _around(line: list[float], first: int, last: int) -> Box:
    """The part of one line that holds characters first..last and CONTEXT_CHARS either side; where
    a character is, is estimated by its share of the line's characters."""
    start, end, left, top, right, bottom = line
    chars = max(end - start, 1)
    shown_from, shown_to = max(first - CONTEXT_CHARS, start), min(last + CONTEXT_CHARS, end)
    width = right - left
    return (
        left + width * (shown_from - start) / chars, top, left + width * (shown_to - start) / chars, bottom
    )


def page_image(path: Path, page: int) -> Image.Image:
    """Page `page` (1-based) of a submitted scan, as the reader saw it before deskewing: a PDF page
    rendered by PDFium (its /Rotate applied), or a frame of a photo turned by its EXIF orientation.
    IndexError when the file has no such page."""
    stat = path.stat()
    return _page_image(str(path), stat.st_mtime_ns, stat.st_size, page)


@functools.lru_cache(maxsize=4)  # an officer goes figure by figure down one page
def _page_image(path: str, _mtime: int, _size: int, page: int) -> Image.Image:
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if PDF_MAGIC in head:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(path)
        try:
            if not 1 <= page <= len(document):
                raise IndexError(f"page {page} of {len(document)}")
            return document[page - 1].render(scale=CROP_DPI / 72).to_pil().convert("RGB")
        finally:
            document.close()
    with Image.open(path) as picture:
        for number, frame in enumerate(ImageSequence.Iterator(picture), start=1):
            if number == page:
                return ImageOps.exif_transpose(frame.copy()).convert("RGB")
    raise IndexError(f"page {page} of {path}")


def crop_png(image: Image.Image, box: Box, padding: float = PADDING) -> bytes:
    """The box of the page (fractions), widened by `padding` line heights, as PNG bytes."""
    width, height = image.size
    left, top, right, bottom = box
    line = (bottom - top) * height
    margin = max(line * padding, 8)
    area = (
        max(int(left * width - margin), 0), max(int(top * height - margin), 0),
        min(int(right * width + margin) + 1, width), min(int(bottom * height + margin) + 1, height),
    )
    piece = image.crop(area)
    if piece.width * piece.height > MAX_CROP_PIXELS:
        scale = (MAX_CROP_PIXELS / (piece.width * piece.height)) ** 0.5
        piece = piece.resize((max(int(piece.width * scale), 1), max(int(piece.height * scale), 1)))
    out = io.BytesIO()
    piece.save(out, "PNG", optimize=False)
    return out.getvalue()
