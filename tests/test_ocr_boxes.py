"""A box Tesseract gives on the deskewed page maps back to where its ink is on the page as received."""

from __future__ import annotations

import math

import pytest
from PIL import Image, ImageDraw

from pipeline.readers.ocr_boxes import PageFrame


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The box around every dark pixel."""
    box = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None
    return box


@pytest.mark.parametrize("angle", [0.0, 1.25, -2.5, 4.0])
def test_a_box_on_the_turned_page_is_found_again_on_the_page_as_received(angle: float) -> None:
    page = Image.new("L", (1240, 1754), 255)
    drawn = (700, 300, 900, 340)  # a word, right of the middle, near the top
    ImageDraw.Draw(page).rectangle(drawn, fill=0)
    turned = page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    left, top, right, bottom = PageFrame(page.size, angle).on_page(ink_box(turned))
    width, height = page.size
    found = (left * width, top * height, right * width, bottom * height)
    tolerance = 3  # pixels: bilinear edges and rounding
    assert found[0] <= drawn[0] + tolerance and found[1] <= drawn[1] + tolerance
    assert found[2] >= drawn[2] - tolerance and found[3] >= drawn[3] - tolerance
    # and it stays tight: boxed, turned back and boxed again, a 200 x 40 word grows by its tilt only
    tilt = math.sin(math.radians(abs(angle)))
    assert found[2] - found[0] <= 200 + 2 * 40 * tilt + 2 * tolerance
    assert found[3] - found[1] <= 40 + 2 * 200 * tilt + 2 * tolerance


def test_fractions_stay_on_the_page() -> None:
    box = PageFrame((1000, 2000), 3.0).on_page((-50, -50, 5000, 5000))
    assert all(0.0 <= value <= 1.0 for value in box)
