"""Old units as the units they became: a report of 2024 from "xã X, huyện Y, tỉnh Z" and a report of
2026 from the ward that absorbed it side by side (`tonghop export --as-of 2025-07-01`).

Only additive lines add up when several old units became one (two communes' houses built are the
new commune's); a percent or rate of two old communes is not the new one's, so such a line shows
no value and says why. A district has no successor (districts were abolished): it stays as it was.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pipeline.combine import combined_approx, shown_value
from pipeline.line_keys import ADDITIVE_KINDS
from pipeline.reporting_unit import ReportingUnit, split_code
from pipeline.units import REORGANISATION, gazetteer

if TYPE_CHECKING:
    import pandas as pd

# what makes a consolidated line (line_keys.LINE_KEYS and the indicator's name)
GROUP_KEYS = ("period", "reporting_unit", "level", "indicator_code", "indicator_name", "kind", "unit", "per",
              "modality")


def successor(code: str, as_of: date) -> ReportingUnit | None:
    """The reporting unit an old one had become by `as_of`; None when it stays what it is."""
    if as_of < REORGANISATION or not code.startswith("old:"):
        return None
    area_code, org = split_code(code)
    g = gazetteer()
    try:
        area = g.unit(area_code)
    except KeyError:
        return None
    if area.level == "huyện":
        return None
    after = g.successors(area)
    return ReportingUnit.of(after[0], org) if after else None


def lines_as_of(lines: pd.DataFrame, unit_codes: dict[str, str], as_of: date) -> pd.DataFrame:
    """Consolidated lines regrouped under the units their reporting units had become by `as_of`."""
    if lines.empty:
        return lines.assign(units_before=[])
    renamed = lines.copy()
    before = renamed["reporting_unit"].tolist()
    after = []
    for name in before:
        unit = successor(unit_codes.get(name, ""), as_of)
        after.append(unit.name if unit is not None else name)
    renamed["reporting_unit"] = after
    renamed["units_before"] = before
    keys = [k for k in GROUP_KEYS if k in lines.columns]
    rows = []
    for key, group in renamed.groupby(keys, sort=True, dropna=False):
        record = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        sources = group["units_before"].tolist()
        kind = record["kind"]
        if len(group) == 1:
            value, note = group["value"].iloc[0], group["note"].iloc[0]
        elif kind in ADDITIVE_KINDS:
            value = sum((Decimal(v) for v in group["value"]), Decimal(0))
            note = "cộng từ " + "; ".join(sources)
        else:
            value = None
            note = f"{len(group)} đơn vị cũ ({'; '.join(sources)}): không cộng tỷ lệ / not summed"
        rows.append(
            {
                **group.iloc[0].to_dict(),  # what a line shows besides its value (approx, combine …)
                **record,
                "value": value,
                "figures": int(group["figures"].sum()),
                "unreviewed": int(group["unreviewed"].sum()),
                "documents": "; ".join(group["documents"]),
                "figure_ids": " ".join(group["figure_ids"]),
                "note": note,
                "units_before": "; ".join(dict.fromkeys(sources)),
                **(merged_display(group, value) if len(group) > 1 else {}),
            }
        )
    import pandas as pd  # only where old units are shown as new: its callers hold frames already

    return pd.DataFrame(rows, columns=[*lines.columns, "units_before"])


def merged_display(group: pd.DataFrame, value: Decimal | None) -> dict[str, Any]:
    """A line of several old units shows its own sum, approx as pipeline.combine would give it."""
    approx = combined_approx(list(group["approx"])) if "approx" in group else "exact"
    shown = shown_value(value, approx, None) if value is not None else ""
    return {"approx": approx, "upper": None, "shown": shown}
