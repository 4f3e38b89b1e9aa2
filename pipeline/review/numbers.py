"""Numbers as a Vietnamese officer reads and types them: `1.500.000` and `8,2`, never `1,500,000.00`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline.bounds import MAX_ABS_VALUE, within_bounds

_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")  # 1.500.000: dots group thousands
_VIETNAMESE = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$|^-?\d+,\d+$")  # 149.364,5 or 8,2
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")  # 1500000 or 1.5 (a dot not followed by exactly three digits)


MAX_TYPED_CHARS = 60  # "1.000.000.000.000.000.000,5" is 27; anything far longer is not a figure


class NumberError(ValueError):
    """A typed number that cannot be read; the message says how to write it."""


def format_number(value: Decimal | str | int | float | None) -> str:
    """`145140000000` → `145.140.000.000`, `8.2` → `8,2`: how the reports themselves write numbers."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = ".".join([whole, *groups])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def parse_number(text: str) -> Decimal:
    """Read `1.500.000`, `149.364,5`, `8,2`, `1500000` or `1.5` the way FIGURES.md reads reports."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    number = None
    try:
        if len(cleaned) > MAX_TYPED_CHARS:
            pass  # a 5,000-digit "correction" is not read at all
        elif _GROUPED.match(cleaned):
            number = Decimal(cleaned.replace(".", ""))
        elif _VIETNAMESE.match(cleaned):
            number = Decimal(cleaned.replace(".", "").replace(",", "."))
        elif _PLAIN.match(cleaned):
            number = Decimal(cleaned)
    except InvalidOperation:
        pass
    if number is not None and within_bounds(number):
        return number
    if number is not None or len(cleaned) > MAX_TYPED_CHARS:
        raise NumberError(
            f"Số quá lớn: một số liệu không vượt quá {format_number(MAX_ABS_VALUE)} "
            "(a figure is at most 10^18)."
        )
    raise NumberError(
        f"Không đọc được số '{text}': viết như 1.500.000 hoặc 8,2 (dấu chấm tách nghìn, dấu phẩy thập phân)."
    )
