"""A reporting unit: an organisation of an administrative unit, e.g. the MTTQ of xã Nghĩa Kỳ.

Its code is the area's era-qualified code plus the organisation ("old:X21250/MTTQ"), so two reports
of the same unit compare equal however their headers spelled it, and the MTTQ and the UBND of one
commune stay two units. Organisations are data (data/metadata_cues.yaml, `organisations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.units import AdminUnit, gazetteer

DATA = Path(__file__).parent / "data" / "metadata_cues.yaml"


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str  # "MTTQ", "UBND", "HLHPN" …
    name: str  # "Ủy ban MTTQ Việt Nam": how tonghop writes the issuer
    short: str  # "MTTQ": how a news item names it
    patterns: tuple[str, ...]  # matching-key spellings, most specific first
    header_only: bool  # only a document header (not a mention in the body) makes it the issuer


@cache
def organisations() -> tuple[Organisation, ...]:
    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple(
        Organisation(o["code"], o["name"], o["short"], tuple(o["patterns"]), bool(o.get("header_only")))
        for o in data["organisations"]
    )


def organisation(code: str) -> Organisation:
    """The organisation of a code; KeyError when the catalogue has none."""
    for org in organisations():
        if org.code == code:
            return org
    raise KeyError(code)


def unit_code(area: AdminUnit | None, org: str) -> str:
    """ "old:X21250/MTTQ"; "" when the area is unknown (the unit is then only a name)."""
    return f"{area.code}/{org}" if area is not None and org else ""


def split_code(code: str) -> tuple[str, str]:
    """("old:X21250", "MTTQ") from "old:X21250/MTTQ"."""
    area, _, org = code.partition("/")
    return area, org


@dataclass(frozen=True, slots=True)
class ReportingUnit:
    """Who reported: code, the name tonghop writes, its level, and the area and province."""

    code: str
    name: str
    level: str
    province: str

    @classmethod
    def of(cls, area: AdminUnit, org: str) -> ReportingUnit:
        """The unit of an organisation `org` ("MTTQ") in `area`, named in the official spelling."""
        province = gazetteer().province(area)
        return cls(
            unit_code(area, org), f"{organisation(org).name} {area.full_name}", area.level, province.name
        )

    @classmethod
    def from_code(cls, code: str) -> ReportingUnit:
        """The unit of a code; KeyError when the area or the organisation is unknown."""
        area, org = split_code(code)
        return cls.of(gazetteer().unit(area), org)


@lru_cache(maxsize=1 << 16)  # pages name thousands of units, each time: the gazetteer never changes
def parent_name(code: str) -> str:
    """ "huyện Tư Nghĩa, tỉnh Quảng Ngãi": the units above a reporting unit's area, nearest first."""
    g = gazetteer()
    try:
        area = g.unit(split_code(code)[0])
    except KeyError:
        return ""
    return ", ".join(a.full_name for a in g.ancestors(area))
