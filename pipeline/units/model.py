"""What an administrative unit is, in either era of Vietnam's map (before and after 1 July 2025)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Era = Literal["old", "new"]  # old: before 1 July 2025 (63 provinces, 3 levels); new: 34, 2 levels
REORGANISATION = date(2025, 7, 1)  # provinces merged, districts abolished
LEVELS = ("tỉnh", "huyện", "xã")  # province, district, commune: the level words tonghop uses


@dataclass(frozen=True, slots=True)
class AdminUnit:
    code: str  # era-qualified: "old:T51", "old:H528", "old:X21250", "new:T51", "new:X21250"
    era: Era
    level: str  # "tỉnh" | "huyện" | "xã"
    kind: str  # "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"
    name: str  # short proper name, official spelling: "Nghĩa Kỳ", "Hồ Chí Minh", "1" (Phường 1)
    parent: str  # code of the parent unit, "" for a province

    @property
    def full_name(self) -> str:
        """The name as in a sentence: "xã Nghĩa Kỳ", "thành phố Hồ Chí Minh", "phường 1"."""
        return f"{self.kind} {self.name}"

    def __str__(self) -> str:
        return self.full_name


def unit_code(era: Era, level: str, number: str) -> str:
    """The era-qualified code of a unit from its official number: ("old", "huyện", "528") -> "old:H528"."""
    letter = {"tỉnh": "T", "huyện": "H", "xã": "X"}[level]
    width = {"tỉnh": 2, "huyện": 3, "xã": 5}[level]
    return f"{era}:{letter}{int(number):0{width}d}"
