"""An officer's words for who reported and for which period, turned into document metadata fields.

The review page and `tonghop document set` both come here, so a unit typed either way ("xã Nghĩa
Kỳ, huyện Tư Nghĩa", a code "old:X21250/MTTQ", or a pick from the search list) means the same.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pipeline.document import Period
from pipeline.periods import parse_period
from pipeline.reporting_unit import ReportingUnit, organisations, split_code
from pipeline.units import AdminUnit, gazetteer


class CorrectionError(ValueError):
    """A correction that cannot be applied; the message says why, in Vietnamese and English."""


def find_area(text: str, *, era: str | None = None) -> AdminUnit:
    """The one unit "xã Nghĩa Kỳ, huyện Tư Nghĩa, tỉnh Quảng Ngãi" (or an area code) names; `era`
    ("old"/"new") says which map, else a name on both maps is today's."""
    g = gazetteer()
    text = text.strip()
    if ":" in text.split(",")[0]:
        try:
            return g.unit(text.split("/")[0])
        except KeyError:
            raise CorrectionError(f"Không có mã đơn vị {text!r} / unknown unit code") from None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise CorrectionError("Chưa nhập đơn vị / no unit given")
    within: list[AdminUnit] = []
    for part in reversed(parts[1:]):  # outermost first: the province narrows the district
        found = g.lookup(part, era=era, within=within)  # type: ignore[arg-type]
        if found:
            within = found
    candidates = g.lookup(parts[0], era=era, within=within)  # type: ignore[arg-type]
    if len(candidates) > 1 and era is None and len({c.era for c in candidates}) == len(candidates) == 2:
        # the same name on both maps (phường Nghĩa Lộ before and after 1 July 2025): today's map,
        # unless the text names a district (only the old map has them) or the caller asks for the old
        candidates = [c for c in candidates if c.era == "new"]
    if len(candidates) != 1:
        shown = "; ".join(
            f"{c.full_name} ({', '.join(a.full_name for a in g.ancestors(c))}) [{c.code}]"
            for c in candidates[:6]
        )
        reason = "không tìm thấy" if not candidates else f"khớp {len(candidates)} đơn vị: {shown}"
        raise CorrectionError(f"«{text}»: {reason} — ghi rõ huyện/tỉnh hoặc mã / name the parent or the code")
    return candidates[0]


def unit_fields(text: str, org: str = "MTTQ", *, era: str | None = None) -> dict[str, Any]:
    """The metadata fields of a reporting unit typed by an officer: code, names, level, province."""
    if "/" in text and ":" in text:
        area_code, org = split_code(text.strip())
        text = area_code
    if org not in {o.code for o in organisations()}:
        raise CorrectionError(f"Tổ chức {org!r} không có trong danh mục / unknown organisation")
    unit = ReportingUnit.of(find_area(text, era=era), org)
    return {
        "unit_code": unit.code,
        "unit_name": unit.name,
        "issuer": unit.name,
        "level": unit.level,
        "province": unit.province,
    }


def period_fields(text: str, current: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The periods field for a typed period ("6 tháng đầu năm 2024", "quý III/2025"): it replaces the
    document-wide results period; a programme period of a section is kept."""
    value = parse_period(text)
    if value is None:
        raise CorrectionError(
            f"«{text}» không phải một kỳ báo cáo / not a period (e.g. 6 tháng đầu năm 2024)"
        )
    kept = [p for p in current or [] if p.get("section") and p.get("role") == "programme"]
    period = Period(
        value.label, "results", "", value.start.isoformat(), value.end.isoformat(), value.kind, value.regular
    )
    return {"periods": [asdict(period), *kept]}
