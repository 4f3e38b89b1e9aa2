"""Real administrative units for the district-batch generator, read from the vietnamadminunits data.

Codes follow the gazetteer's era-qualified form: old:T49 / old:H518 / old:X20365 before 1 July 2025,
new:T51 / new:X21235 from then. Nothing here is typed by hand: names and codes come from the package.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import vietnamadminunits

DATASET = Path(vietnamadminunits.__file__).resolve().parent / "data" / "dataset.db"


@dataclass(frozen=True, slots=True)
class Area:
    """One commune-level unit (xã, phường, thị trấn, đặc khu) with its parents."""

    code: str  # "old:X20365"
    level: str  # "xã"
    short: str  # "Tam Thành"
    parent_code: str  # the district "old:H518" before 2025, the province "new:T51" after
    parent: str  # "huyện Phú Ninh" / "tỉnh Quảng Ngãi"
    province: str  # "tỉnh Quảng Nam"

    @property
    def name(self) -> str:
        """'xã Tam Thành'."""
        return f"{self.level} {self.short}"

    @property
    def place(self) -> str:
        """The full address an officer writes: 'xã Tam Thành, huyện Phú Ninh, tỉnh Quảng Nam'."""
        parts = [self.name, self.parent] if self.parent != self.province else [self.name]
        return ", ".join([*parts, self.province])


def _rows(sql: str, *args: str) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{DATASET}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql, args).fetchall()


def _lower_first(text: str) -> str:
    """'Huyện Phú Ninh' → 'huyện Phú Ninh' (the level word is lower case inside a sentence)."""
    return text[:1].lower() + text[1:]


def old_district_units(province_code: str, district_code: str) -> list[Area]:
    """Every commune of one pre-2025 district, in the package's order."""
    rows = _rows(
        "SELECT * FROM admin_units_legacy WHERE provinceCode = ? AND districtCode = ? ORDER BY rowid",
        province_code,
        district_code,
    )
    if not rows:
        raise ValueError(f"no district {district_code} in province {province_code} in {DATASET}")
    return [
        Area(
            code=f"old:X{row['wardCode']}",
            level=row["wardType"].lower(),
            short=row["wardShort"],
            parent_code=f"old:H{row['districtCode']}",
            parent=_lower_first(row["district"]),
            province=_lower_first(row["province"]),
        )
        for row in rows
    ]


def new_province_units(province_code: str, shorts: list[str]) -> list[Area]:
    """The named wards/communes of one province of the 34-province era, in the order given."""
    areas = []
    for short in shorts:
        rows = _rows(
            "SELECT * FROM admin_units WHERE provinceCode = ? AND wardShort = ?", province_code, short
        )
        if len(rows) != 1:
            raise ValueError(f"{len(rows)} units named {short!r} in province {province_code} in {DATASET}")
        row = rows[0]
        province = _lower_first(row["province"])
        areas.append(
            Area(
                code=f"new:X{row['wardCode']}",
                level=row["wardType"].lower(),
                short=short,
                parent_code=f"new:T{row['provinceCode']}",
                parent=province,
                province=province,
            )
        )
    return areas
