"""Photographed or scanned reports sent as images (.jpg, .png, .tif): every frame read by OCR."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageSequence

from pipeline.document import FLAG_OCR, Document
from pipeline.errors import DocumentRejected
from pipeline.readers.assemble import TextAssembler
from pipeline.readers.guards import active_limits
from pipeline.readers.ocr import read_image, require_ocr


def read_image_file(path: Path, raw: bytes, sha256: str) -> Document:
    """An image report: each frame (a multi-page TIFF has several) is one page, read by Tesseract."""
    require_ocr(path.name, "an image of a report")
    try:
        picture = Image.open(io.BytesIO(raw))
        picture.load()
    except Image.DecompressionBombError as error:
        raise DocumentRejected("E006_TOO_LARGE", path.name, str(error)[:200]) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise DocumentRejected("E005_CORRUPT", path.name, f"image: {error}") from None
    out = TextAssembler()
    pages = 0
    for number, frame in enumerate(ImageSequence.Iterator(picture), start=1):
        if number > active_limits().max_pages:
            raise DocumentRejected("E006_TOO_LARGE", path.name, f"over {active_limits().max_pages} pages")
        pages = number
        for paragraph in read_image(frame.copy(), path.name):
            out.add(
                paragraph.text, page=number, ocr_confidence=paragraph.confidence,
                ocr_lines=paragraph.line_records(),
            )
    if not out.blocks:
        raise DocumentRejected("E012_NO_TEXT", path.name, "OCR found no text in the image")
    return Document(out.text(), out.blocks, path.name, "image", sha256, flags=[FLAG_OCR], page_count=pages)
