"""One reporting unit at a glance, opened from the overview (a missing unit above all): whether it
must report, what it has sent for each period, and the reports of other bodies of the same place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from pipeline.workbook.names import period_order


def _area(code: str) -> str:
    """ "old:X20395/MTTQ" → "old:X20395": the place, whatever body reports for it."""
    return code.split("/", 1)[0]


def unit_view(store: Any, code: str, period: str = "") -> dict[str, Any]:
    """What the unit page shows: the expected-list entry, the unit's own reports, its neighbours'."""
    expected = next((u for u in store.expected_units() if u["unit_code"] == code), None)
    documents = store.place_documents(code)
    own = [d for d in documents if d.get("unit_code") == code]
    same_place = [d for d in documents if d.get("unit_code") and d["unit_code"] != code
                  and _area(d["unit_code"]) == _area(code)]
    current = [d for d in own if d["status"] == "loaded"]
    name = expected["name"] if expected else next((d["unit_name"] or d["issuer"] for d in own), code)
    return {
        "code": code,
        "name": name,
        "expected": expected,
        "period": period,
        "reported_in_period": [d for d in current if d["period"] == period] if period else current,
        "documents": sorted(own, key=lambda d: (period_order(d["period"] or ""), d["id"])),
        "same_place": same_place,
        "periods": sorted({d["period"] for d in current if d["period"]}, key=period_order),
        "chart_unit": next((d["unit_name"] for d in current if d.get("unit_name")), ""),
    }


def add_unit_routes(app: FastAPI, store: Any, page: Callable[..., HTMLResponse]) -> None:
    """`/unit?code=old:X20395/MTTQ&period=…`: the unit page (codes hold ':' and '/': a query, not a path)."""

    @app.get("/unit", response_class=HTMLResponse)
    def unit_page(request: Request, code: str = "", period: str = "") -> HTMLResponse:
        """A unit: must it report, what it sent, what is missing for the period."""
        if not code.strip():
            raise HTTPException(404, "Chưa chọn đơn vị: mở từ trang tổng quan kỳ báo cáo.")
        return page(request, "unit.html", **unit_view(store, code[:80], period[:300]))
