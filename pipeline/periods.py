"""Reporting periods as values: "06 tháng đầu năm 2024" and "sáu tháng đầu năm" (dated 2024) are
one period, 2024-01-01 … 2024-06-30, labelled "6 tháng đầu năm 2024".

The phrases are data (data/periods.yaml). A period is never guessed: a phrase with no year takes
the year of the document's date, and without that it is not a period at all.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.matching import matching_key

DATA = Path(__file__).parent / "data" / "periods.yaml"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
QUARTER_LABEL = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True, slots=True)
class PeriodValue:
    """A normalised period: its label, first and last day, and whether units report on it by schedule."""

    label: str
    start: date
    end: date
    kind: str
    regular: bool

    @property
    def key(self) -> str:
        """ "2024-01-01..2024-06-30": what two documents must share to be about the same period."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class _Kind:
    kind: str
    regular: bool
    pattern: re.Pattern[str]
    label: str


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def _kinds() -> tuple[_Kind, ...]:
    return tuple(
        _Kind(k["kind"], bool(k["regular"]), re.compile(k["pattern"]), k["label"]) for k in _data()["kinds"]
    )


def _number(word: str) -> int:
    return int(word) if word.isdigit() else int(_data()["month_words"][word])


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _value(kind: _Kind, groups: dict[str, str | None], year: int) -> PeriodValue | None:
    """The period a matched phrase names, or None when its numbers make no sense (month 13)."""
    try:
        if kind.kind in ("months_first", "months_last"):
            months = _number(groups["months"] or "")
            if not 1 <= months <= 12:
                return None
            first = 1 if kind.kind == "months_first" else 13 - months
            last = months if kind.kind == "months_first" else 12
            start, end = date(year, first, 1), _last_day(year, last)
            label = kind.label.format(months=months, year=year)
        elif kind.kind == "quarter":
            text = groups["quarter"] or ""
            quarter = int(text) if text.isdigit() else ROMAN[text]
            start, end = date(year, 3 * quarter - 2, 1), _last_day(year, 3 * quarter)
            label = kind.label.format(quarter=QUARTER_LABEL[quarter], year=year)
        elif kind.kind == "month":
            month = int(groups["month"] or 0)
            start, end = date(year, month, 1), _last_day(year, month)
            label = kind.label.format(month=month, year=year)
        elif kind.kind in ("term", "stage"):
            first, last = int(groups["first"] or 0), int(groups["last"] or 0)
            if last < first:
                return None
            start, end = date(first, 1, 1), date(last, 12, 31)
            label = kind.label.format(first=first, last=last)
        else:  # year
            start, end = date(year, 1, 1), date(year, 12, 31)
            label = kind.label.format(year=year)
    except (ValueError, KeyError):
        return None
    return PeriodValue(label, start, end, kind.kind, kind.regular)


def find_periods(text: str, default_year: int | None = None) -> list[tuple[int, int, PeriodValue]]:
    """Every period phrase in `text` as (start, end, value), in order, overlaps resolved
    to the earliest, then longest, phrase. A phrase without a year uses `default_year`."""
    key = matching_key(text)
    found: list[tuple[int, int, PeriodValue]] = []
    for kind in _kinds():
        for match in kind.pattern.finditer(key):
            groups = match.groupdict()
            year_text = groups.get("year")
            year = int(year_text) if year_text else default_year
            if year is None and kind.kind not in ("term", "stage"):
                continue
            value = _value(kind, groups, year or 0)
            if value is not None:
                found.append((match.start(), match.end(), value))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, PeriodValue]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


def first_period(text: str, default_year: int | None = None) -> PeriodValue | None:
    """The earliest period phrase in a title or summary line."""
    found = find_periods(text, default_year)
    return found[0][2] if found else None


def parse_period(text: str, default_year: int | None = None) -> PeriodValue | None:
    """What an officer types ("6 tháng đầu năm 2024", "quý III/2025") as a period value."""
    return first_period(text, default_year)


def leading_period(clause: str, default_year: int | None = None) -> PeriodValue | None:
    """The period a sentence opens with ("Năm 2024, tỷ lệ … đạt 92%"; "6 tháng cuối năm phấn đấu …"),
    never a comparison ("So với cùng kỳ năm 2023, …")."""
    data = _data()
    found = find_periods(clause[: int(data["sentence_lead_chars"]) + 40], default_year)
    if not found:
        return None
    start, _, value = found[0]
    if start > int(data["sentence_lead_chars"]):
        return None
    if not re.match(data["lead_words"], matching_key(clause[:start])):
        return None
    return value


def _shifted(period: PeriodValue, year: int) -> PeriodValue | None:
    """The same months of another year: "6 tháng đầu năm 2026" -> "6 tháng đầu năm 2025"."""
    label = period.label.replace(str(period.start.year), str(year))
    return first_period(label, year)


def own_period(
    before: str, document_period: PeriodValue | None, default_year: int | None
) -> PeriodValue | None:
    """The period a figure's words name when it is not the document's: the sentence's opening period
    ("Năm 2024, tỷ lệ … đạt 92%"), a period in the figure's own clause right before it ("năm 2023 đạt
    92%"), or "cùng kỳ năm 2025" (the document's period a year earlier). None when they name none."""
    data = _data()
    clause_start = 0
    for match in re.finditer(data["clause_breaks"], before):
        clause_start = match.end()
    clause = before[clause_start:]
    same = next(reversed(list(re.finditer(data["same_time"], matching_key(clause)))), None)
    compared = same is not None and any(w in matching_key(clause[: same.start()]) for w in data["not_after"])
    if same is not None and document_period is not None and not compared:
        year = int(same.group("year")) if same.group("year") else document_period.start.year - 1
        return _shifted(document_period, year)
    found = find_periods(clause, default_year)
    if found:
        start, _, value = found[-1]
        if not any(word in matching_key(clause[:start])[-12:] for word in data["not_after"]):
            return value
    return leading_period(before, default_year)
