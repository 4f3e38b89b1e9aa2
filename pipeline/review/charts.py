"""What the charts page draws for the officer's choice: one indicator, one period, units compared,
and one unit's values across periods of the same length, in time order.

The numbers are the consolidated lines of `pipeline.consolidate` (the store's cells, the same sums
the workbook carries, read by index: only the chosen indicator × period and one unit's lines):
rejected figures out, parts never added to their totals, repeated paragraphs counted once. A
comparison never mixes two periods, and a trend never puts a 3-year total beside a 6-month figure:
it keeps the periods shaped like the chosen one (same months, same length).
A province's hundreds of communes are not drawn as hundreds of bars: the largest MAX_BARS are, and
the chart says how many are left out.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.periods import parse_period
from pipeline.review.chart import Bar, compare_chart, trend_chart
from pipeline.review.chart_frame import LineFrame
from pipeline.review.labels import LABELS, label
from pipeline.review.numbers import format_number
from pipeline.workbook.names import period_order

CHARTED_KINDS = ("money", "count", "quantity", "percent", "rate")  # a ratio's value is only its numerator
SERIES_KEYS = ["indicator_code", "kind", "unit", "per"]
MAX_BARS = 40  # a province's communes: the largest drawn, the others counted in a note


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


def series_options(widths: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, str]]:
    """Every indicator (with its unit of measure) that has a line, by name: "Name (đồng) · CODE"."""
    options = {}
    for line in widths:
        key = series_key(line)
        name = names.get(line["indicator_code"]) or line["indicator_code"]
        options[key] = f"{name} ({measure(line['unit'], line['per'])}) · {line['indicator_code']}"
    return [{"key": k, "label": v} for k, v in sorted(options.items(), key=lambda item: item[1].lower())]


def series_fields(key: str) -> dict[str, str]:
    """The form's "CODE|kind|unit|per" back as the series' fields."""
    return dict(zip(SERIES_KEYS, [*key.split("|", 3), "", "", ""][:4], strict=True))


def _default_series(widths: list[dict[str, Any]]) -> str:
    """The indicator with the most lines in one period: the comparison that says the most."""
    best = min(widths, key=lambda w: (-w["lines"], *(w[k] for k in SERIES_KEYS), w["period"]))
    return series_key(best)


def _default_unit(counts: dict[str, int], chosen: pd.DataFrame) -> str:
    """Of the chosen period's units, the one with the most periods shaped like it (its trend says the
    most), then the one with the largest value in it (the comparison's first bar)."""
    now = {unit: Decimal(str(value)) for unit, value in zip(chosen["reporting_unit"].tolist(),
                                                            chosen["value"].tolist(), strict=True)}
    return sorted(counts.items(), key=lambda item: (-item[1], -now.get(item[0], Decimal(0)), item[0]))[0][0]


def _bars(rows: pd.DataFrame, label_column: str) -> list[Bar]:
    """A bar per line: its unit's or period's name, its value, written as the workbook writes it."""
    columns = (rows[k].tolist() for k in (label_column, "value", "shown", "unit", "per"))
    return [
        Bar(label=str(name), value=Decimal(str(value)), shown=f"{shown} {measure(unit, per)}".strip())
        for name, value, shown, unit, per in zip(*columns, strict=True)
    ]


def comparison(rows: pd.DataFrame, period: str, title: str, colour: str) -> list[dict[str, Any]]:
    """The units of one period compared, one chart per level (a district beside its communes misleads);
    past MAX_BARS units only the largest are drawn, and the chart says how many are left out."""
    charts = []
    for level, group in rows.groupby(rows["level"].fillna(""), sort=True):
        bars = sorted(_bars(group, "reporting_unit"), key=lambda b: (-b.value, b.label))
        drawn, left_out = bars[:MAX_BARS], len(bars) - len(bars[:MAX_BARS])
        where = f"cấp {level}, " if level else ""
        if left_out:
            subtitle = (f"Kỳ báo cáo: {period} · {where}{MAX_BARS} đơn vị có số lớn nhất trong "
                        f"{format_number(len(bars))} đơn vị, xếp từ lớn đến nhỏ")
            note = (f"Còn {format_number(left_out)} đơn vị có số nhỏ hơn không vẽ; "
                    "xem đủ trong bảng tổng hợp của tệp xuất.")
        else:
            subtitle, note = f"Kỳ báo cáo: {period} · {where}{len(bars)} đơn vị, xếp từ lớn đến nhỏ", ""
        charts.append({"level": level, "bars": drawn, "units": len(bars), "left_out": left_out,
                       "note": note, "svg": compare_chart(title, subtitle, drawn, colour, note)})
    return charts


def trend(rows: pd.DataFrame, unit: str, period: str, title: str, colour: str) -> dict[str, Any]:
    """One unit's values in the periods shaped like `period`, in time order; the others listed apart."""
    shape = period_shape(period)
    alike = rows[rows["period"].map(period_shape) == shape]
    alike = alike.assign(order=alike["period"].map(period_order)).sort_values("order")
    points = _bars(alike, "period")
    others = sorted(set(rows["period"]) - set(alike["period"]), key=period_order)
    subtitle = f"{unit} · các kỳ cùng độ dài với «{period}», theo thời gian"
    return {"points": points, "others": others,
            "svg": trend_chart(title, subtitle, points, colour) if points else None}


def _modality(choice: Choice) -> str:
    return choice.modality if choice.modality in LABELS["modality"] else "actual"


def draw(source: Any, names: dict[str, str], choice: Choice) -> dict[str, Any]:
    """Everything the charts page shows for one choice, defaults filled in where the choice is empty,
    asking `source` (the stored cells, or lines in memory) only for what this choice needs."""
    modality = _modality(choice)
    page: dict[str, Any] = {"modality": modality, "modalities": LABELS["modality"], "options": [],
                            "periods": [], "units": [], "compare": [], "trend": None}
    widths = source.widths()
    if not widths:
        return page
    options = series_options(widths, names)
    key = choice.indicator if choice.indicator in {o["key"] for o in options} else _default_series(widths)
    series = series_fields(key)
    periods = sorted({w["period"] for w in widths if series_key(w) == key}, key=period_order)
    period = choice.period if choice.period in periods else periods[-1]
    chosen = source.period_rows(series, period)
    # the units of the chosen period (a province's thousands in other periods would make no menu)
    counts = source.units(series, [p for p in periods if period_shape(p) == period_shape(period)], period)
    units = sorted(counts)
    unit = choice.unit if choice.unit in counts else _default_unit(counts, chosen)
    code, kind, unit_of_measure, per = (series[k] for k in SERIES_KEYS)
    title = f"{names.get(code) or code} ({measure(unit_of_measure, per)}) – {label('modality', modality)}"
    colour = LABELS["kinds"].get(kind, {}).get("colour", "#4a7bd0")
    page.update(
        options=options, indicator=key, code=code, periods=periods, period=period, units=units, unit=unit,
        title=title, compare=comparison(chosen, period, title, colour),
        trend=trend(source.unit_rows(series, unit), unit, period, title, colour),
    )
    return page


def chart_page(consolidated: pd.DataFrame, names: dict[str, str], choice: Choice) -> dict[str, Any]:
    """The charts page over consolidated lines held in memory (`consolidate(store).consolidated`)."""
    lines = chartable(consolidated)
    lines = lines[lines["modality"] == _modality(choice)] if not lines.empty else lines
    return draw(LineFrame(lines), names, choice)


def indicator_charts(store: Any, choice: Choice | None = None) -> dict[str, Any]:
    """The charts page for `choice` over what the store holds now (consolidated as the exports are)."""
    from pipeline.cells.chart_cells import StoredSeries  # the stored cells, read by index
    from pipeline.normalise.catalogue import store_catalogue

    choice = choice or Choice()
    names = {code: line.name for code, line in store_catalogue(store).by_code().items()}
    return draw(StoredSeries(store, _modality(choice), CHARTED_KINDS), names, choice)
