"""Scanned reports and photos read with Tesseract's Vietnamese model, page by page.

Offices sign, stamp and scan their reports, or photograph them. Each page image is cleaned before
Tesseract sees it: the red channel is taken as the grey image (a red seal over a paragraph turns
almost white while black ink stays black), the page is deskewed (the angle whose row profile is
sharpest, searched within ±MAX_SKEW degrees) and Tesseract (`vie`, layout analysis on) returns
words with their confidence. Its paragraphs become the document's paragraphs; each carries the
mean confidence of its words, which the figures read from it inherit ("đọc từ ảnh"), and where
each of its lines sits on the page (ocr_boxes.py), so the review page can show the officer the
piece of the scan a figure was read from.

Tesseract is a Debian package (`tesseract-ocr`, `tesseract-ocr-vie`), called through pytesseract
as a subprocess of the sandboxed reader, so the reader's limits hold for it too. Without it the
document is refused E009, saying how to enable OCR.
"""

from __future__ import annotations

import functools
import shutil
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageFilter, ImageOps

from pipeline.errors import DocumentRejected
from pipeline.readers.ocr_boxes import Box, PageFrame

LANGUAGE = "vie"
RENDER_DPI = 300  # scanned PDF pages are rendered at this resolution for Tesseract
MAX_SKEW = 4.0  # degrees searched when deskewing; a hand-fed scanner skews a page 1-2 degrees
SKEW_STEP = 0.25
PAGE_SECONDS = 90  # Tesseract is stopped on a page that takes longer than this
MIN_CONFIDENCE = 0  # Tesseract gives -1 to its layout rows; every real word, however unsure, is kept
REDNESS = 70  # a pixel this much redder than its green and blue is seal ink, not text
ENABLE_HINT = "install tesseract-ocr and tesseract-ocr-vie (apt-get install tesseract-ocr tesseract-ocr-vie)"
MAX_PIXELS = 200_000_000  # a 600 dpi A3 scan is 35 million; beyond this, a decompression bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(slots=True)
class OcrLine:
    """One line of a paragraph: its characters in the paragraph's text, its place on the page."""

    start: int
    end: int
    box: Box  # left, top, right, bottom as fractions of the page image as received (before deskew)


@dataclass(slots=True)
class OcrParagraph:
    """One paragraph Tesseract found: its text, where it sits (pixels), its words' mean confidence
    and its lines' boxes."""

    text: str
    top: int
    left: int
    confidence: float
    lines: list[OcrLine] = field(default_factory=list)

    def line_records(self) -> list[list[float]]:
        """The lines as the document's blocks keep them: [start, end, left, top, right, bottom]."""
        return [[line.start, line.end, *line.box] for line in self.lines]


@functools.cache
def ocr_available() -> bool:
    """Whether Tesseract and its Vietnamese model are installed."""
    if shutil.which("tesseract") is None:
        return False
    import pytesseract

    try:
        return LANGUAGE in pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError):
        return False


def require_ocr(name: str, what: str) -> None:
    """Refuse (E009, with how to enable OCR) when Tesseract or its Vietnamese model is missing."""
    if not ocr_available():
        raise DocumentRejected("E009_NEEDS_OCR", name, f"{what}; to read it, {ENABLE_HINT}")


def prepared(image: Image.Image) -> tuple[Image.Image, PageFrame]:
    """The page as Tesseract reads it best: grey from the red channel (seals vanish), specks
    removed, upright; and the frame that maps its pixels back onto the page as received."""
    import numpy as np

    image = ImageOps.exif_transpose(image)
    received = image.size
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    grey = pixels[..., 0].copy()  # the red channel: red ink is light in it, black ink stays dark
    seal = pixels[..., 0] - np.maximum(pixels[..., 1], pixels[..., 2]) > REDNESS
    grey[seal] = 255  # what is plainly red goes white; black text under the seal stays
    page = Image.fromarray(grey.astype(np.uint8), mode="L").filter(ImageFilter.MedianFilter(3))
    angle = skew_angle(page)
    if abs(angle) < SKEW_STEP:
        return page, PageFrame(received, 0.0)
    page = page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return page, PageFrame(received, angle)


def skew_angle(grey: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal: the angle
    whose dark-pixel row profile varies most, on a reduced copy of the page."""
    import numpy as np

    small = grey.copy()
    small.thumbnail((800, 800))
    ink = small.point(lambda v: 255 if v < 160 else 0)
    best, best_score = 0.0, -1.0
    steps = int(MAX_SKEW / SKEW_STEP)
    for step in range(-steps, steps + 1):
        angle = step * SKEW_STEP
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False)
        rows = np.asarray(turned, dtype=np.float32)
        profile = rows.sum(axis=1)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


def read_image(image: Image.Image, name: str) -> list[OcrParagraph]:
    """Tesseract's paragraphs of one page image, top to bottom."""
    import pytesseract

    page, frame = prepared(image)
    try:
        data = pytesseract.image_to_data(
            page, lang=LANGUAGE, config="--psm 3", output_type=pytesseract.Output.DICT, timeout=PAGE_SECONDS,
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise DocumentRejected("E008_TIMEOUT", name, f"OCR of one page: {error}") from None
    except pytesseract.TesseractError as error:
        raise DocumentRejected("E005_CORRUPT", name, f"Tesseract: {error.message[:200]}") from None
    return paragraphs(data, frame)


def paragraphs(data: dict[str, list[Any]], frame: PageFrame | None = None) -> list[OcrParagraph]:
    """Words grouped by Tesseract's (block, paragraph), lines joined with spaces, in reading order;
    with `frame`, each line's box on the page as received."""
    groups: dict[tuple[int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not str(word).strip() or confidence < MIN_CONFIDENCE:
            continue
        groups.setdefault((data["block_num"][i], data["par_num"][i]), []).append(i)
    out = []
    for members in groups.values():
        words = [unicodedata.normalize("NFC", str(data["text"][i]).strip()) for i in members]
        text = " ".join(words)
        top = min(int(data["top"][i]) for i in members)
        left = min(int(data["left"][i]) for i in members)
        confidence = statistics.fmean(float(data["conf"][i]) for i in members)
        lines = _lines(data, members, words, frame) if frame is not None else []
        out.append(OcrParagraph(text, top, left, round(confidence, 1), lines))
    return out


def _lines(
    data: dict[str, list[Any]], members: list[int], words: list[str], frame: PageFrame
) -> list[OcrLine]:
    """Each Tesseract line of one paragraph: the range its words take in the joined text, and the
    box around their word boxes, on the page as received."""
    spans: dict[int, list[int]] = {}  # line number -> [start, end, left, top, right, bottom] (pixels)
    offset = 0
    for i, word in zip(members, words, strict=True):
        x0, y0 = int(data["left"][i]), int(data["top"][i])
        x1, y1 = x0 + int(data["width"][i]), y0 + int(data["height"][i])
        span = spans.get(data["line_num"][i])
        if span is None:
            spans[data["line_num"][i]] = [offset, offset + len(word), x0, y0, x1, y1]
        else:
            span[1] = offset + len(word)
            span[2:] = [min(span[2], x0), min(span[3], y0), max(span[4], x1), max(span[5], y1)]
        offset += len(word) + 1
    return [OcrLine(s[0], s[1], frame.on_page((s[2], s[3], s[4], s[5]))) for s in spans.values()]
