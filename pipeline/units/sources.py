"""Read the units of both eras and the old → new mapping from the installed packages' data files.

New era (34 provinces, 3,321 communes/wards, official codes): vietnam-provinces'
data/nested-divisions.json. Old era (63 provinces, 696 districts, 10,035 communes/wards):
vietnamadminunits' data/dataset.db, table admin_units_legacy. Old → new: vietnamadminunits'
data/converter_2025.json, whose keys are tied to codes through the same dataset.db.

The files are found with `importlib.util.find_spec`, which locates an installed package without
running it: importing vietnamadminunits costs about 1.5 s (it loads shapely, geopy and its parser
data) and its converter may geocode over the network, which tonghop never does.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.units.model import AdminUnit, unit_code
from pipeline.units.names import ascii_key, name_key

PACKAGES = ("vietnam-provinces", "vietnamadminunits")


class UnitDataError(RuntimeError):
    """The packages' data is missing or not shaped as expected."""


@dataclass(frozen=True, slots=True)
class Sources:
    units: tuple[AdminUnit, ...]
    successors: dict[str, tuple[str, ...]]  # old code -> new codes, the package's default first
    versions: dict[str, str]  # package -> installed version


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise UnitDataError(f"gói {package} chưa được cài (package {package} is not installed)")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise UnitDataError(f"thiếu tệp {path} của gói {package} (missing data file)")
    return path


def versions() -> dict[str, str]:
    """The installed versions of the two data packages (part of any cache key)."""
    return {name: importlib.metadata.version(name) for name in PACKAGES}


def _short(full: str, prefix: str) -> str:
    """ "Xã Nghĩa Kỳ" without its kind word "Xã" -> "Nghĩa Kỳ"."""
    if full.casefold().startswith(prefix.casefold() + " "):
        return full[len(prefix) + 1 :].strip()
    return full.strip()


def _new_units() -> list[AdminUnit]:
    path = package_file("vietnam_provinces", "data/nested-divisions.json")
    units: list[AdminUnit] = []
    for province in json.loads(path.read_text(encoding="utf-8")):
        city = province["division_type"] == "thành phố trung ương"
        code = unit_code("new", "tỉnh", province["code"])
        name = _short(province["name"], "Thành phố") if city else _short(province["name"], "Tỉnh")
        units.append(AdminUnit(code, "new", "tỉnh", "thành phố" if city else "tỉnh", name, ""))
        for ward in province["wards"]:
            kind = ward["division_type"]
            units.append(
                AdminUnit(
                    unit_code("new", "xã", ward["code"]), "new", "xã", kind, _short(ward["name"], kind), code
                )
            )
    return units


def _dataset_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of vietnamadminunits' dataset.db: (63-province table, 34-province table)."""
    path = package_file("vietnamadminunits", "data/dataset.db")
    with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtType, districtCode,"
            " districtKey, ward, wardType, wardCode, wardKey FROM admin_units_legacy"
        ).fetchall()
        new = conn.execute(
            "SELECT provinceCode, provinceKey, ward, wardCode, wardKey FROM admin_units"
        ).fetchall()
    return [dict(r) for r in rows], [dict(r) for r in new]


def _old_units(rows: list[dict[str, Any]]) -> tuple[list[AdminUnit], dict[str, str]]:
    """Old units, and the converter key ("tinhquangngai_huyentunghia_xanghiaky") of each."""
    units: dict[str, AdminUnit] = {}
    keys: dict[str, str] = {}
    for row in rows:
        province = unit_code("old", "tỉnh", row["provinceCode"])
        if province not in units:
            city = row["province"].startswith("Thành phố ")
            units[province] = AdminUnit(
                province, "old", "tỉnh", "thành phố" if city else "tỉnh", row["provinceShort"], ""
            )
            keys[row["provinceKey"]] = province
        district = unit_code("old", "huyện", row["districtCode"])
        if district not in units:
            kind = row["districtType"].lower()
            name = _short(row["district"], row["districtType"])
            units[district] = AdminUnit(district, "old", "huyện", kind, name, province)
        if not row["wardCode"]:  # an island district without communes (Lý Sơn, Côn Đảo, ...)
            keys[f"{row['provinceKey']}_{row['districtKey']}_"] = district
            continue
        ward = unit_code("old", "xã", row["wardCode"])
        name = _short(row["ward"], row["wardType"])
        units[ward] = AdminUnit(ward, "old", "xã", row["wardType"].lower(), name, district)
        keys[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = ward
    return list(units.values()), keys


def _new_keys(rows: list[dict[str, Any]], new_units: list[AdminUnit]) -> dict[tuple[str, str], str]:
    """(province key, ward key) of vietnamadminunits' 34-province table -> official new code.

    The two packages number about a hundred wards differently; vietnam-provinces holds the
    official codes, so rows are tied by name within the province (exact spelling breaks ties
    between names equal without diacritics, such as "Văn Lang" / "Văn Lăng").
    """
    by_plain: dict[tuple[str, str], list[AdminUnit]] = defaultdict(list)
    for unit in new_units:
        if unit.level == "xã":
            by_plain[(unit.parent, ascii_key(unit.full_name))].append(unit)
    keys: dict[tuple[str, str], str] = {}
    for row in rows:
        province = unit_code("new", "tỉnh", row["provinceCode"])
        keys[(row["provinceKey"], "")] = province
        found = by_plain.get((province, ascii_key(row["ward"])), [])
        if len(found) > 1:
            found = [u for u in found if name_key(u.full_name) == name_key(row["ward"])]
        if len(found) != 1:
            raise UnitDataError(f"không nối được phường/xã mới {row['ward']} (cannot tie new ward to a code)")
        keys[(row["provinceKey"], row["wardKey"])] = found[0].code
    return keys


def _successors(
    old_keys: dict[str, str], new_keys: dict[tuple[str, str], str], old_units: list[AdminUnit]
) -> dict[str, tuple[str, ...]]:
    path = package_file("vietnamadminunits", "data/converter_2025.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    successors: dict[str, tuple[str, ...]] = {}
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                successors[old_keys[old]] = (new_keys[(new_province, new_ward)],)
    for new_province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            ordered = sorted(news, key=lambda n: not n["isDefaultNewWard"])
            successors[old_keys[old]] = tuple(new_keys[(new_province, n["newWardKey"])] for n in ordered)
    for new_province, olds in data["DICT_PROVINCE"].items():
        for old in olds:
            successors[old_keys[old]] = (new_keys[(new_province, "")],)
    # A district became the wards its communes became, those taking most of its communes first.
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for unit in old_units:
        if unit.level == "xã":
            counts[unit.parent].update(successors.get(unit.code, ()))
    for district, counter in counts.items():
        if district not in successors:
            successors[district] = tuple(code for code, _ in counter.most_common())
    return successors


def load() -> Sources:
    """Both eras' units and the old → new mapping, from the installed packages."""
    legacy_rows, new_rows = _dataset_rows()
    new_units = _new_units()
    old_units, old_keys = _old_units(legacy_rows)
    successors = _successors(old_keys, _new_keys(new_rows, new_units), old_units)
    return Sources(tuple(old_units + new_units), successors, versions())
