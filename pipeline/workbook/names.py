"""Sheet names: at most 31 characters, unique, periods in time order under a short label."""

from __future__ import annotations

import re
from datetime import date

from pipeline.periods import parse_period

MAX_SHEET_NAME = 31
YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)\b")  # "2021–2024": a programme period


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name of at most 31 characters."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text).strip("' ")
    if len(base) > MAX_SHEET_NAME:
        base = base[: MAX_SHEET_NAME - 1].rstrip() + "…"
    base = base or "Kỳ"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: MAX_SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def short_period(label: str) -> str:
    """ "2021–2024 (03 năm thực hiện Chỉ thị …)" → "2021–2024": the period's own label when it fits,
    else its months; the full label stays in the sheet's title row."""
    if len(label) <= MAX_SHEET_NAME:
        return label
    value = parse_period(label)
    if value is None:
        before = label.split("(")[0].strip()  # "2021–2024 (03 năm thực hiện …)" → "2021–2024"
        return before if before and len(before) <= MAX_SHEET_NAME else label
    if len(value.label) <= MAX_SHEET_NAME:
        return value.label
    if value.start.year != value.end.year and value.start.month == 1 and value.end.month == 12:
        return f"{value.start.year}–{value.end.year}"
    return f"{value.start:%m.%Y}–{value.end:%m.%Y}"


def period_order(label: str) -> tuple[date, date, str]:
    """Sort key: first day, last day, then the label; a label that is no period goes last."""
    value = parse_period(label)
    if value is None:
        span = YEAR_SPAN.search(label)
        if span:
            return (date(int(span[1]), 1, 1), date(int(span[2]), 12, 31), label)
        return (date.max, date.max, label)
    return (value.start, value.end, label)
