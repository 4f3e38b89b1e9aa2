"""Where a line Tesseract read sits on the page as it was received, so the scan can be cropped there.

Tesseract reads the page after it was deskewed (turned by a small angle on a canvas enlarged so
no corner is cut), so its word boxes are in that turned image. The review page crops the page as
received (the PDF page rendered again, or the photo itself), so each box is turned back with the
same affine map PIL's `rotate(expand=True)` used, and kept as fractions of the page's width and
height: a render at another resolution finds the same place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page (0..1)
PLACES = 4  # 1/10,000 of a page: a quarter of a pixel at 300 dpi, and a small store


@dataclass(frozen=True, slots=True)
class PageFrame:
    """The page as received (pixels, after EXIF orientation) and the angle it was turned for OCR."""

    size: tuple[int, int]
    angle: float = 0.0  # degrees, counter-clockwise, as given to PIL's rotate

    def on_page(self, box: tuple[int, int, int, int]) -> Box:
        """A pixel box of the turned image as the box around it on the page as received, in fractions."""
        left, top, right, bottom = box
        points = ((left, top), (right, top), (right, bottom), (left, bottom))
        corners = [self.received(x, y) for x, y in points]
        width, height = self.size
        xs = [min(max(x / width, 0.0), 1.0) for x, _ in corners]
        ys = [min(max(y / height, 0.0), 1.0) for _, y in corners]
        return (
            round(min(xs), PLACES), round(min(ys), PLACES), round(max(xs), PLACES), round(max(ys), PLACES)
        )

    def received(self, x: float, y: float) -> tuple[float, float]:
        """Where a point of the turned image was on the page as received."""
        if not self.angle:
            return x, y
        a, b, c, d, e, f = turn_matrix(self.size, self.angle)
        return a * x + b * y + c, d * x + e * y + f


def turn_matrix(size: tuple[int, int], angle: float) -> tuple[float, float, float, float, float, float]:
    """PIL's affine map from the pixels of `rotate(angle, expand=True)` back to the source's pixels
    (the same arithmetic as Image.rotate, so a box maps to exactly where its ink was)."""
    width, height = size
    radians = -math.radians(angle % 360.0)
    a, b = round(math.cos(radians), 15), round(math.sin(radians), 15)
    d, e = round(-math.sin(radians), 15), round(math.cos(radians), 15)
    cx, cy = width / 2, height / 2
    c = a * -cx + b * -cy + cx
    f = d * -cx + e * -cy + cy
    xs, ys = [], []
    for x, y in ((0, 0), (width, 0), (width, height), (0, height)):
        xs.append(a * x + b * y + c)
        ys.append(d * x + e * y + f)
    new_width = math.ceil(max(xs)) - math.floor(min(xs))
    new_height = math.ceil(max(ys)) - math.floor(min(ys))
    shift_x, shift_y = -(new_width - width) / 2.0, -(new_height - height) / 2.0
    return a, b, a * shift_x + b * shift_y + c, d, e, d * shift_x + e * shift_y + f
