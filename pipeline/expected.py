"""Which units must report: the deployment's own list, from a file an officer writes or from the
gazetteer ("every commune of huyện Tư Nghĩa"), resolved to reporting-unit codes for the store.

A file is YAML (`units: [{name: …, place: …, code: …}]`) or CSV with the columns name, place and,
optionally, code. `name` is the unit as its reports name it ("Ủy ban MTTQ Việt Nam xã Nghĩa Kỳ"):
its organisation is read from it; `place` says where, as precisely as needed ("xã Nghĩa Kỳ, huyện
Tư Nghĩa, tỉnh Quảng Ngãi"); `code` ("old:X21250/MTTQ") wins over both when given.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.corrections import CorrectionError, find_area
from pipeline.matching import matching_key
from pipeline.reporting_unit import ReportingUnit, organisations, parent_name, split_code
from pipeline.units import gazetteer

DEFAULT_ORG = "MTTQ"


@dataclass(frozen=True, slots=True)
class UnitRow:
    line: int  # where it stands in the file, for the error message
    name: str
    place: str
    code: str


class UnitsFileError(ValueError):
    """The file cannot be read as a list of units; the message names the file and the line."""


def read_units_file(path: Path) -> list[UnitRow]:
    """The rows of an officer's units file (.yaml/.yml or .csv, UTF-8 with or without BOM)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text) or {}
        entries = data.get("units") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise UnitsFileError(f"{path.name}: cần danh sách 'units:' / expected a list under 'units:'")
        return [
            UnitRow(i, str(e.get("name", "")), str(e.get("place", "")), str(e.get("code", "")))
            for i, e in enumerate(entries, 1)
        ]
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise UnitsFileError(f"{path.name}: cần cột 'name' (và 'place', 'code') / needs a 'name' column")
    return [
        UnitRow(i, r.get("name", ""), r.get("place", "") or "", r.get("code", "") or "")
        for i, r in enumerate(reader, 2)
    ]


def organisation_of(name: str) -> str:
    """The organisation a unit's name starts with ("Ủy ban MTTQ Việt Nam xã …" -> MTTQ)."""
    key = matching_key(name)
    for org in organisations():
        for pattern in sorted(org.patterns, key=len, reverse=True):
            if re.match(rf"\s*(?:ban thường trực |btt )?{re.escape(pattern)}(?!\w)", key):
                return org.code
    return DEFAULT_ORG


def _place_of(name: str) -> str:
    """ "xã Nghĩa Kỳ" from "Ủy ban MTTQ Việt Nam xã Nghĩa Kỳ": the first place the name mentions."""
    spans = gazetteer().find_in_text(name)
    return name[spans[0][0] :].strip() if spans else name


def as_record(unit: ReportingUnit) -> dict[str, Any]:
    return {"unit_code": unit.code, "name": unit.name, "level": unit.level, "parent": parent_name(unit.code)}


def resolve_rows(
    rows: list[UnitRow], source: str, era: str | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each row as an expected-unit record, and an error line for each row that names no single unit."""
    units, errors = [], []
    for row in rows:
        try:
            if row.code:
                area_code, org = split_code(row.code)
                unit = ReportingUnit.of(gazetteer().unit(area_code), org or DEFAULT_ORG)
            else:
                where = row.place or _place_of(row.name)
                unit = ReportingUnit.of(find_area(where, era=era), organisation_of(row.name))
        except (CorrectionError, KeyError) as error:
            errors.append(f"{source}, dòng {row.line} «{row.name or row.code}»: {error}")
            continue
        units.append(as_record(unit))
    return units, errors


def communes_of(place: str, org: str = DEFAULT_ORG, era: str | None = None) -> list[dict[str, Any]]:
    """Every commune, ward and town of a district or province, as expected units of `org`."""
    area = find_area(place, era=era)
    return [as_record(ReportingUnit.of(c, org)) for c in gazetteer().communes_under(area)]


def missing_reports(documents: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each regular period an expected unit has reported results for, the expected units with no
    current document for it. Periods that only a template, a one-off report ("3 năm thực hiện …") or
    a unit nobody expects created list nobody."""
    codes = {u["unit_code"]: u for u in expected}
    reported: dict[tuple[str, str], set[str]] = {}  # (period key, label) -> unit codes
    for document in documents:
        if document["status"] != "loaded" or document.get("unit_code") not in codes:
            continue
        for period in (document.get("metadata") or {}).get("periods", []):
            if period.get("role", "results") == "results" and period.get("regular"):
                key = (period.get("start", "") + ".." + period.get("end", ""), period["period"])
                reported.setdefault(key, set()).add(document["unit_code"])
    missing = []
    for (_, label), units in sorted(reported.items()):
        for code, unit in codes.items():
            if code not in units:
                missing.append(
                    {
                        "period": label,
                        "unit": unit["name"],
                        "level": unit.get("level", ""),
                        "unit_code": code,
                        "parent": unit.get("parent", ""),
                    }
                )
    return missing
