"""The charts page's routes: the form's choice drawn on the page, and one chart as an .svg file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from pipeline.review.charts import Choice, indicator_charts

MAX_PARAM = 300  # a period label or a unit's name is far shorter


def _choice(indicator: str, period: str, unit: str, modality: str) -> Choice:
    return Choice(indicator[:MAX_PARAM], period[:MAX_PARAM], unit[:MAX_PARAM], modality[:20] or "actual")


def add_chart_routes(app: FastAPI, store: Any, page: Callable[..., HTMLResponse]) -> None:
    """`/indicators`: choose indicator, period, unit; `/indicators/chart.svg`: the same chart alone."""

    @app.get("/indicators", response_class=HTMLResponse)
    def indicators_view(
        request: Request, indicator: str = "", period: str = "", unit: str = "", modality: str = "actual"
    ) -> HTMLResponse:
        """Units compared in one period, and one unit across periods of the same length."""
        return page(request, "indicators.html", **indicator_charts(store, _choice(indicator, period, unit,
                                                                                   modality)))

    @app.get("/indicators/chart.svg")
    def chart_file(
        chart: str = "compare", indicator: str = "", period: str = "", unit: str = "",
        modality: str = "actual", level: str = "",
    ) -> Response:
        """One chart as a standalone SVG file, to put into a report."""
        shown = indicator_charts(store, _choice(indicator, period, unit, modality))
        if chart == "trend":
            svg = (shown["trend"] or {}).get("svg")
        else:
            svg = next((c["svg"] for c in shown["compare"] if c["level"] == level), None)
        if svg is None:
            raise HTTPException(404, "Không có biểu đồ cho lựa chọn này.")
        name = "bieu-do-dien-bien.svg" if chart == "trend" else "bieu-do-so-sanh.svg"
        return Response(str(svg), media_type="image/svg+xml",
                        headers={"content-disposition": f'attachment; filename="{name}"'})
