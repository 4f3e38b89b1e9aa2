"""Word's automatic list numbering (numbering.xml) turned into the marker a reader sees: "1.1.", "a)", "-"."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from lxml import etree

from pipeline.readers.docx_styles import run_font
from pipeline.readers.ooxml import number, w, wval

MAX_NUMBER = 32767  # Word numbers a list up to 32767; a larger start is a broken file
BULLETS = Path(__file__).parent / "data" / "bullet_glyphs.tsv"


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False  # isLgl: every number of the marker shown as decimal
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 = never
    suffix: str = " "  # what stands between the marker and the text
    font: str = ""


def _level(lvl: etree._Element) -> Level:
    suffix = {"nothing": "", "space": " "}.get(wval(lvl, "suff") or "tab", " ")
    restart = wval(lvl, "lvlRestart")
    return Level(
        start=number(wval(lvl, "start"), 1, 0, MAX_NUMBER),
        fmt=wval(lvl, "numFmt") or "decimal",
        text=wval(lvl, "lvlText") if wval(lvl, "lvlText") is not None else "",
        legal=wval(lvl, "isLgl") is not None and wval(lvl, "isLgl") not in ("0", "false"),
        restart=number(restart, 0, 0, 9) if restart else None,
        suffix=suffix,
        font=run_font(lvl.find(w("rPr"))),
    )


def _roman(number: int) -> str:
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def _letters(number: int) -> str:
    """Word's letter numbering: a…z, then aa…zz, aaa…"""
    index = (number - 1) % 26
    return chr(ord("a") + index) * ((number - 1) // 26 + 1)


def format_number(number: int, fmt: str) -> str:
    """One level's counter as Word shows it."""
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "upperRoman":
        return _roman(number)
    if fmt == "lowerRoman":
        return _roman(number).lower()
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "none":
        return ""
    return str(number)


@cache
def _bullet_glyphs() -> dict[tuple[str, str], str]:
    with BULLETS.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {(row["font"], row["code"]): row["glyph"] for row in rows}


def bullet_glyph(text: str, font: str) -> str:
    """A bullet as shown: symbol-font private-use characters become the glyph they draw."""
    glyphs = _bullet_glyphs()
    out = []
    for char in text:
        code = ord(char)
        if 0xF000 <= code <= 0xF0FF or font.lower() in ("symbol", "wingdings"):
            key = f"{code & 0xFF:x}"
            out.append(glyphs.get((font.lower(), key)) or glyphs[("*", "*")])
        else:
            out.append(char)
    return "".join(out)


class ListNumbering:
    """Counts list paragraphs in body order, the way Word does, and gives each its marker."""

    def __init__(self, root: etree._Element | None) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, tuple[int | None, Level | None]]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            levels = {number(lvl.get(w("ilvl")), 0, 0, 8): _level(lvl) for lvl in abstract.iter(w("lvl"))}
            self._abstract[abstract.get(w("abstractNumId"), "")] = levels
        for num in root.iter(w("num")):
            overrides: dict[int, tuple[int | None, Level | None]] = {}
            for override in num.iter(w("lvlOverride")):
                start = wval(override, "startOverride")
                lvl = override.find(w("lvl"))
                overrides[number(override.get(w("ilvl")), 0, 0, 8)] = (
                    number(start, 1, 0, MAX_NUMBER) if start else None,
                    _level(lvl) if lvl is not None else None,
                )
            self._nums[num.get(w("numId"), "")] = (wval(num, "abstractNumId") or "", overrides)

    def _levels(self, num_id: str) -> tuple[str, dict[int, Level]]:
        abstract_id, overrides = self._nums[num_id]
        levels = dict(self._abstract.get(abstract_id, {}))
        for ilvl, (start, level) in overrides.items():
            base = level or levels.get(ilvl, Level())
            levels[ilvl] = replace(base, start=start) if start is not None else base
        return abstract_id, levels

    def marker(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """(marker, suffix) for the next paragraph of list `num_id` at level `ilvl`; ("", "") if none."""
        if num_id in ("", "0") or num_id not in self._nums:
            return "", ""
        abstract_id, levels = self._levels(num_id)
        level = levels.get(ilvl, Level())
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for index, (start, _) in self._nums[num_id][1].items():
                if start is not None:  # a list restarted with startOverride counts afresh
                    counters.pop(index, None)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, Level()).restart
            if restart is None or restart > ilvl:
                del counters[deeper]
        if level.fmt == "bullet":
            return bullet_glyph(level.text, level.font), level.suffix
        text = level.text
        for index in range(9):
            placeholder = f"%{index + 1}"
            if placeholder in text:
                shown = levels.get(index, Level())
                number = counters.get(index, shown.start)
                fmt = "decimal" if level.legal else shown.fmt
                text = text.replace(placeholder, format_number(number, fmt))
        return text, level.suffix
