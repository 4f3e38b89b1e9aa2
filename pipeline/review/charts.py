"""What the charts page draws for the officer's choice: one indicator, one period, units compared,
and one unit's values across periods of the same length, in time order.

The numbers are the consolidated lines of `pipeline.consolidate` (read from the store's cells, the
same sums the workbook carries): rejected figures out, parts never added to their totals, repeated
paragraphs counted once. A comparison never mixes two periods, and a trend never puts a 3-year total
beside a 6-month figure: it keeps the periods shaped like the chosen one (same months, same length).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.periods import parse_period
from pipeline.review.chart import Bar, compare_chart, trend_chart
from pipeline.review.labels import LABELS, label
from pipeline.workbook.names import period_order

CHARTED_KINDS = ("money", "count", "quantity", "percent", "rate")  # a ratio's value is only its numerator
SERIES_KEYS = ["indicator_code", "kind", "unit", "per"]


@dataclass(frozen=True, slots=True)
class Choice:
    """What the officer asked for on the form (GET parameters); empty means "the page's default"."""

    indicator: str = ""  # a series key: "CODE|kind|unit|per"
    period: str = ""
    unit: str = ""  # a reporting unit, for the trend
    modality: str = "actual"


def measure(unit: str, per: str = "") -> str:
    """ "VND" → "đồng", "VND/suất" → "đồng/suất"; a rate adds what it is per ("đồng/hộ")."""
    words = "/".join(label("measure_units", part) for part in str(unit or "").split("/"))
    return f"{words}/{per}" if per and "/" not in words else words


def series_key(line: dict[str, Any]) -> str:
    """One indicator in one unit of measure: the form's value for it."""
    return "|".join(str(line[k] or "") for k in SERIES_KEYS)


def period_shape(period: str) -> Hashable:
    """Periods that may stand side by side in a trend: same first and last month, same length."""
    value = parse_period(period)
    if value is None:
        return ("label", period)
    months = (value.end.year - value.start.year) * 12 + value.end.month - value.start.month + 1
    return (value.start.month, value.end.month, months)


def chartable(lines: pd.DataFrame) -> pd.DataFrame:
    """Consolidated lines a chart may show: known indicator and period, a kind whose value means itself."""
    if lines.empty:
        return lines
    keep = lines["kind"].isin(CHARTED_KINDS) & (lines["indicator_code"] != "") & lines["value"].notna()
    return lines[keep].fillna({"unit": "", "per": "", "level": "", "shown": ""})


def series_options(lines: pd.DataFrame, names: dict[str, str]) -> list[dict[str, str]]:
    """Every indicator (with its unit of measure) that has a line, by name: "Name (đồng) · CODE"."""
    options = {}
    for line in lines[SERIES_KEYS].drop_duplicates().to_dict("records"):
        key = series_key(line)
        name = names.get(line["indicator_code"]) or line["indicator_code"]
        options[key] = f"{name} ({measure(line['unit'], line['per'])}) · {line['indicator_code']}"
    return [{"key": k, "label": v} for k, v in sorted(options.items(), key=lambda item: item[1].lower())]


def _series(lines: pd.DataFrame, key: str) -> pd.DataFrame:
    code, kind, unit, per = [*key.split("|", 3), "", "", ""][:4]
    same = (lines["indicator_code"] == code) & (lines["kind"] == kind) & (lines["unit"] == unit)
    return lines[same & (lines["per"] == per)]


def _default_series(lines: pd.DataFrame) -> str:
    """The indicator most units reported in one period: the comparison that says the most."""
    widest = lines.groupby([*SERIES_KEYS, "period"], dropna=False)["reporting_unit"].nunique()
    best = widest.reset_index().sort_values(["reporting_unit", "indicator_code"], ascending=[False, True])
    return series_key(best.iloc[0].to_dict())


def _default_unit(series: pd.DataFrame, period: str) -> str:
    """The unit with the most periods shaped like the chosen one (its trend says the most), then the
    one with the largest value in the chosen period (the comparison's first bar)."""
    alike = series[series["period"].map(period_shape) == period_shape(period)]
    counts = alike.groupby("reporting_unit")["period"].nunique()
    chosen = alike[alike["period"] == period].to_dict("records")
    now = {r["reporting_unit"]: Decimal(str(r["value"])) for r in chosen}
    return sorted(counts.items(), key=lambda item: (-item[1], -now.get(item[0], Decimal(0)), item[0]))[0][0]


def _bars(rows: pd.DataFrame, label_column: str) -> list[Bar]:
    """A bar per line: its unit's or period's name, its value, written as the workbook writes it."""
    return [
        Bar(label=str(row[label_column]), value=Decimal(str(row["value"])),
            shown=f"{row['shown']} {measure(row['unit'], row['per'])}".strip())
        for row in rows.to_dict("records")
    ]


def comparison(lines: pd.DataFrame, key: str, period: str, title: str, colour: str) -> list[dict[str, Any]]:
    """The units of one period compared, one chart per level (a district beside its communes misleads)."""
    rows = _series(lines, key)
    rows = rows[rows["period"] == period]
    charts = []
    for level, group in rows.groupby(rows["level"].fillna(""), sort=True):
        bars = _bars(group, "reporting_unit")
        where = f"cấp {level}, " if level else ""
        subtitle = f"Kỳ báo cáo: {period} · {where}{len(bars)} đơn vị, xếp từ lớn đến nhỏ"
        charts.append({"level": level, "bars": sorted(bars, key=lambda b: (-b.value, b.label)),
                       "svg": compare_chart(title, subtitle, bars, colour)})
    return charts


def trend(
    lines: pd.DataFrame, key: str, unit: str, period: str, title: str, colour: str
) -> dict[str, Any]:
    """One unit's values in the periods shaped like `period`, in time order; the others listed apart."""
    rows = _series(lines, key)
    rows = rows[rows["reporting_unit"] == unit]
    shape = period_shape(period)
    alike = rows[rows["period"].map(period_shape) == shape]
    alike = alike.assign(order=alike["period"].map(period_order)).sort_values("order")
    points = _bars(alike, "period")
    others = sorted(set(rows["period"]) - set(alike["period"]), key=period_order)
    subtitle = f"{unit} · các kỳ cùng độ dài với «{period}», theo thời gian"
    return {"points": points, "others": others,
            "svg": trend_chart(title, subtitle, points, colour) if points else None}


def chart_page(consolidated: pd.DataFrame, names: dict[str, str], choice: Choice) -> dict[str, Any]:
    """Everything the charts page shows for one choice, defaults filled in where the choice is empty."""
    modality = choice.modality if choice.modality in LABELS["modality"] else "actual"
    lines = chartable(consolidated)
    lines = lines[lines["modality"] == modality] if not lines.empty else lines
    page: dict[str, Any] = {"modality": modality, "modalities": LABELS["modality"], "options": [],
                            "periods": [], "units": [], "compare": [], "trend": None}
    if lines.empty:
        return page
    options = series_options(lines, names)
    keys = {o["key"] for o in options}
    key = choice.indicator if choice.indicator in keys else _default_series(lines)
    series = _series(lines, key)
    periods = sorted(set(series["period"]), key=period_order)
    period = choice.period if choice.period in periods else periods[-1]
    units = sorted(set(series["reporting_unit"]))
    unit = choice.unit if choice.unit in units else _default_unit(series, period)
    code, kind, unit_of_measure, per = key.split("|", 3)
    title = f"{names.get(code) or code} ({measure(unit_of_measure, per)}) – {label('modality', modality)}"
    colour = LABELS["kinds"].get(kind, {}).get("colour", "#4a7bd0")
    page.update(
        options=options, indicator=key, code=code, periods=periods, period=period, units=units, unit=unit,
        title=title, compare=comparison(lines, key, period, title, colour),
        trend=trend(lines, key, unit, period, title, colour),
    )
    return page


def indicator_charts(store: Any, choice: Choice | None = None) -> dict[str, Any]:
    """The charts page for `choice` over what the store holds now (consolidated as the exports are)."""
    from pipeline.cells import consolidated_lines  # the stored cells: the same lines, not recomputed
    from pipeline.normalise.catalogue import store_catalogue

    names = {code: line.name for code, line in store_catalogue(store).by_code().items()}
    return chart_page(consolidated_lines(store), names, choice or Choice())
