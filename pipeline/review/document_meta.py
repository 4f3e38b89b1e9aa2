"""The review page's side of "who reported, for which period": an officer corrects a document's
reporting unit (picked from the gazetteer, searchable with or without diacritics), its period and
its type, or chooses between two same-day copies of one report. Every change goes to the audit log
and is kept by content, so a re-ingest keeps it; the tables follow at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from pipeline.corrections import CorrectionError, period_fields, unit_fields
from pipeline.units import gazetteer

MAX_RESULTS = 20


def unit_choices(query: str, limit: int = MAX_RESULTS) -> list[dict[str, str]]:
    """Gazetteer units matching what the officer types, for the picker: code, name, where."""
    g = gazetteer()
    return [
        {
            "code": unit.code,
            "name": unit.full_name,
            "where": ", ".join(a.full_name for a in g.ancestors(unit)),
            "era": "từ 1/7/2025" if unit.era == "new" else "trước 1/7/2025",
        }
        for unit in g.search(query, limit=limit)
    ] if len(query.strip()) >= 2 else []


def add_document_routes(
    app: FastAPI,
    store: Any,
    load_document: Callable[[int], dict[str, Any]],
    user_of: Callable[[Request], str],
) -> None:
    """Register the unit search, the metadata correction and the same-day choice on the review app."""

    @app.get("/api/units")
    def units_search(q: str = "") -> JSONResponse:
        """Type-ahead over every unit of both maps ("nghia ky", "Phường 1 Đông Hà")."""
        return JSONResponse(unit_choices(q[:80]))

    @app.post("/documents/{document_id}/metadata")
    def correct_metadata(
        request: Request,
        document_id: int,
        unit: Annotated[str, Form(max_length=200)] = "",
        org: Annotated[str, Form(max_length=20)] = "MTTQ",
        period: Annotated[str, Form(max_length=120)] = "",
        doc_type: Annotated[str, Form(max_length=120)] = "",
        comment: Annotated[str, Form(max_length=2000)] = "",
    ) -> RedirectResponse:
        """Set the document's unit, period and/or type; the figures' periods and the tables follow."""
        document = load_document(document_id)
        changes: dict[str, Any] = {}
        try:
            if unit.strip():
                changes.update(unit_fields(unit, org.strip() or "MTTQ"))
            if period.strip():
                changes.update(period_fields(period, (document.get("metadata") or {}).get("periods")))
            if doc_type.strip() and doc_type.strip() != document["doc_type"]:
                changes["doc_type"] = doc_type.strip()
            if not changes:
                raise CorrectionError("Chưa có gì để sửa / nothing to change")
            store.set_document_metadata(document_id, changes, user=user_of(request), comment=comment.strip())
        except (CorrectionError, ValueError) as error:
            raise HTTPException(422, str(error)) from None
        notice = quote("Đã sửa thông tin văn bản: " + ", ".join(sorted(changes)))
        return RedirectResponse(f"/documents/{document_id}?notice={notice}", status_code=303)

    @app.post("/documents/{document_id}/use")
    def use_this_copy(
        request: Request, document_id: int, comment: Annotated[str, Form(max_length=2000)] = ""
    ) -> RedirectResponse:
        """Of two copies of one report sent the same day, this one counts; the other is replaced."""
        load_document(document_id)
        try:
            replaced = store.choose_document(document_id, user=user_of(request), comment=comment.strip())
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        notice = quote(f"Dùng bản này; đã thay {len(replaced)} bản cùng ngày.")
        return RedirectResponse(f"/documents/{document_id}?notice={notice}", status_code=303)
