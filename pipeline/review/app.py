"""The review page: an officer checks each figure against its sentence and accepts, corrects or rejects it."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pipeline.guarded_extract import OCR_MARK
from pipeline.normalise.catalogue import store_catalogue
from pipeline.reporting_unit import organisations
from pipeline.review import bulk, decisions
from pipeline.review import indicators as lines
from pipeline.review.auth import Authenticator
from pipeline.review.chart_routes import add_chart_routes
from pipeline.review.csrf import CsrfTokens
from pipeline.review.document_meta import add_document_routes
from pipeline.review.labels import LABELS, kinds_css
from pipeline.review.layout import lay_out
from pipeline.review.middleware import BodyLimit, Gate
from pipeline.review.numbers import NumberError
from pipeline.review.overview import period_overview
from pipeline.review.scans import SourceFiles, add_scan_routes, default_sources, scan_panel
from pipeline.review.unit_page import add_unit_routes
from pipeline.review.views import figure_fragments, render

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 1024 * 1024  # the largest form is a bulk accept: ids of a few thousand figures
SORTS = ("position", "confidence")  # "confidence": least sure of its line first, then of its value
EXPORT_FILES = ("consolidated.xlsx", "consolidated.csv", "figures.csv")
PAGE_SIZE = 50  # documents per page of the list
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def _user(request: Request) -> str:
    return request.state.user


def page_links(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of this one (None: a gap)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[int | None] = []
    for number in wanted:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, user=_user(request), csrf_token=request.state.csrf_token, **context))


def _filtered(figures: list[dict[str, Any]], kind: str, status: str, sort: str) -> list[dict[str, Any]]:
    """The figures the officer asked to see, lowest confidence first when asked."""
    chosen = [
        f for f in figures if (not kind or f["kind"] == kind) and (not status or f["review_status"] == status)
    ]
    if sort == "confidence":
        chosen.sort(key=lambda f: (f["indicator_score"], f["confidence"], f["seq"]))
    return chosen


def _read_reference_data(store: Any) -> None:
    """The indicator catalogue and the units' gazetteer, read when the app is made (each once per
    process, about 0.3 s together) rather than by the first officer to open the overview."""
    from pipeline.units import gazetteer

    store_catalogue(store)
    gazetteer()


def create_app(
    store_url: str, *, auth_config: Path | None = None, sources: Sequence[Path] | None = None
) -> FastAPI:
    """The review web app over one store; `auth_config` is a users file for a shared deployment;
    `sources` the folders holding the submitted files (for the scan beside an OCR figure)."""
    from pipeline.store import open_store

    store = open_store(store_url)
    _read_reference_data(store)
    scans = SourceFiles(sources or default_sources())
    authenticator = Authenticator(auth_config)
    app = FastAPI(title="tonghop – duyệt số liệu", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def load_document(document_id: int) -> dict[str, Any]:
        try:
            return store.document(document_id)
        except KeyError:
            raise HTTPException(404, f"Không có văn bản số {document_id}.") from None

    def _replacement(document: dict[str, Any]) -> dict[str, Any] | None:
        """The corrected submission that replaced this one (its id and name), followed to the newest."""
        newer, seen = None, {document["id"]}
        next_id = document.get("superseded_by")
        while next_id and next_id not in seen:
            newer = store.document(next_id)
            seen.add(next_id)
            next_id = newer.get("superseded_by")
        return {"id": newer["id"], "path": newer["path"]} if newer else None

    add_document_routes(app, store, load_document, _user)
    add_chart_routes(app, store, _page)
    add_unit_routes(app, store, _page)

    def load_figure(document_id: int, figure_id: str) -> dict[str, Any]:
        try:
            figure = store.figure(figure_id)
        except KeyError:
            raise HTTPException(404, f"Không có số liệu {figure_id}.") from None
        if figure["document_id"] != document_id:
            raise HTTPException(404, f"Số liệu {figure_id} không thuộc văn bản số {document_id}.")
        return figure

    add_scan_routes(app, load_document, load_figure, scans)

    def decided(request: Request, figure: dict[str, Any], message: str) -> JSONResponse:
        lines.name_figures([figure], store_catalogue(store))
        if OCR_MARK in (figure.get("rule") or ""):  # the new card keeps its piece of the scan
            figure["scan"] = scan_panel(store.document(figure["document_id"]), figure, scans)
        counts = Counter(f["review_status"] for f in store.figures(document_id=figure["document_id"]))
        last = store.reviews(figure_id=figure["figure_id"])
        return JSONResponse(
            {
                "figure_id": figure["figure_id"],
                "status": figure["review_status"],
                "review_id": last[-1]["id"] if last else None,
                "message": message,
                "counts": {s: counts.get(s, 0) for s in LABELS["review_status"]},
                **figure_fragments(figure, last),
            }
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse({"message": error.detail}, status_code=error.status_code)
        return HTMLResponse(
            render(
                "error.html",
                user=getattr(request.state, "user", ""),
                csrf_token=getattr(request.state, "csrf_token", ""),
                status=error.status_code,
                message=error.detail,
            ),
            status_code=error.status_code,
        )

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, period: str = "", page: int = 1) -> HTMLResponse:
        """The home page: one period's reports, missing units, what is left to review, its alarms."""
        names = {code: line.name for code, line in store_catalogue(store).by_code().items()}
        return _page(request, "overview.html", indicator_names=names,
                     **period_overview(store, period[:300], page))

    @app.get("/documents", response_class=HTMLResponse)
    def documents_list(request: Request, replaced: int = 0, page: int = 1) -> HTMLResponse:
        """Current documents a page at a time with their review progress (replaced ones on request);
        failed ones with their reason; the export dialog with how many figures each choice holds."""
        statuses = ("loaded", "superseded") if replaced else ("loaded",)
        total = store.count_documents(statuses)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = store.document_page(statuses, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        failed = store.document_page(("rejected",), limit=PAGE_SIZE)
        return _page(
            request,
            "documents.html",
            loaded=shown,
            replaced_count=store.count_documents(("superseded",)),
            show_replaced=bool(replaced),
            export_counts={"all": store.count_figures(), "reviewed": store.count_figures(reviewed_only=True)},
            names=store.document_paths(sorted({d["superseded_by"] for d in shown if d["superseded_by"]})),
            failed=failed,
            failed_count=store.count_documents(("rejected",)),
            export_files=EXPORT_FILES,
            paging={"page": page, "pages": pages, "total": total, "first": (page - 1) * PAGE_SIZE + 1,
                    "last": (page - 1) * PAGE_SIZE + len(shown), "replaced": int(bool(replaced)),
                    "links": page_links(page, pages)},
        )

    @app.get("/documents/{document_id}", response_class=HTMLResponse)
    def document_view(
        request: Request,
        document_id: int,
        kind: str = "",
        status: str = "",
        sort: str = "position",
        accepted: int | None = None,
        notice: str = "",
    ) -> HTMLResponse:
        """The text with every figure marked, and the list of figures to decide on."""
        document = load_document(document_id)
        replaced_by = _replacement(document)
        figures = store.figures(document_id=document_id, include_superseded=True)
        lines.name_figures(figures, store_catalogue(store))
        for figure in figures:
            figure["scan"] = scan_panel(document, figure, scans)
        shown = _filtered(figures, kind, status, sort if sort in SORTS else "position")
        ids = {f["figure_id"] for f in figures}
        log = store.document_review_log(document_id)  # this document's decisions only, by index
        last_reviews = {e["figure_id"]: e for e in log if e["figure_id"] in ids}
        return _page(
            request,
            "document.html",
            document=document,
            replaced_by=replaced_by,
            items=lay_out(document["text"], document["blocks"], figures),
            figures=shown,
            counts=Counter(f["review_status"] for f in figures),
            total=len(figures),
            selection=[f["figure_id"] for f in shown if f["review_status"] == "unreviewed"],
            filters={"kind": kind, "status": status, "sort": sort},
            last_reviews=last_reviews,
            undo_stack=decisions.undo_stack(last_reviews.values(), _user(request)),
            notice=f"Đã chấp nhận {accepted} số liệu." if accepted is not None else notice[:300],
            batch=bulk.last_batch(store, document_id),
            organisations=[(o.code, o.name) for o in organisations()],
        )

    @app.get("/documents/{document_id}/audit", response_class=HTMLResponse)
    def audit_view(request: Request, document_id: int) -> HTMLResponse:
        """Every decision on this document's figures: who, when, before, after, comment."""
        document = load_document(document_id)
        figures = {f["figure_id"]: f for f in store.figures(document_id=document_id, include_superseded=True)}
        entries = [e for e in store.document_review_log(document_id) if e["figure_id"] in figures]
        return _page(request, "audit.html", document=document, entries=entries[::-1], figures=figures)

    @app.get("/kinds.css")
    def kind_colours() -> Response:
        """The colour of each figure kind, from labels.yaml, as a style sheet."""
        return Response(kinds_css(), media_type="text/css")

    @app.post("/documents/{document_id}/figures/{figure_id}/decision")
    def decide(
        request: Request,
        document_id: int,
        figure_id: str,
        action: Annotated[str, Form()],
        comment: Annotated[str, Form(max_length=2000)] = "",
        value: Annotated[str | None, Form()] = None,
        denominator: Annotated[str | None, Form()] = None,
        upper: Annotated[str | None, Form()] = None,
        unit: Annotated[str | None, Form()] = None,
        per: Annotated[str | None, Form()] = None,
        kind: Annotated[str | None, Form()] = None,
        approx: Annotated[str | None, Form()] = None,
        modality: Annotated[str | None, Form()] = None,
        indicator: Annotated[str | None, Form()] = None,
        subject: Annotated[str | None, Form()] = None,
    ) -> JSONResponse:
        """Accept, reject or correct one figure; the store keeps the original and logs the decision."""
        figure = load_figure(document_id, figure_id)
        typed = {
            "value": value, "denominator": denominator, "upper": upper, "unit": unit, "per": per,
            "kind": kind, "approx": approx, "modality": modality, "indicator": indicator, "subject": subject,
        }
        try:
            updated, message = decisions.apply(store, figure, action, _user(request), typed, comment.strip())
        except (decisions.DecisionError, NumberError) as error:
            raise HTTPException(422, str(error)) from None
        return decided(request, updated, message)

    @app.get("/catalogue/search")
    def catalogue_search(q: str = "") -> JSONResponse:
        """Catalogue lines whose code, name or phrases hold every word typed (diacritics optional)."""
        return JSONResponse({"indicators": lines.search_indicators(store, q)})

    @app.post("/documents/{document_id}/figures/{figure_id}/indicator")
    def move_indicator(
        request: Request,
        document_id: int,
        figure_id: str,
        code: Annotated[str, Form(max_length=60)] = "",
        remember: Annotated[str, Form(max_length=200)] = "",
        comment: Annotated[str, Form(max_length=2000)] = "",
        new_code: Annotated[str, Form(max_length=60)] = "",
        new_name: Annotated[str, Form(max_length=300)] = "",
        new_kind: Annotated[str, Form(max_length=12)] = "",
        new_unit: Annotated[str, Form(max_length=60)] = "",
        new_combine: Annotated[str, Form(max_length=8)] = "sum",
    ) -> JSONResponse:
        """Move a figure to another line (or to a new one); "remember" teaches the phrase for next time."""
        figure = load_figure(document_id, figure_id)
        new = {
            "new_code": new_code,
            "new_name": new_name,
            "new_kind": new_kind,
            "new_unit": new_unit,
            "new_combine": new_combine,
        }
        try:
            if new_code.strip():
                code = lines.create_indicator(store, new, _user(request))
            if not code:
                raise decisions.DecisionError("Chọn một chỉ tiêu trong danh mục hoặc tạo chỉ tiêu mới.")
            updated, message = lines.move_figure(
                store, figure, code, _user(request), remember=remember.strip(), comment=comment.strip()
            )
        except decisions.DecisionError as error:
            raise HTTPException(422, str(error)) from None
        return decided(request, updated, message)

    @app.post("/documents/{document_id}/figures/{figure_id}/exclude")
    def exclude(
        request: Request,
        document_id: int,
        figure_id: str,
        comment: Annotated[str, Form(max_length=2000)] = "",
    ) -> JSONResponse:
        """Keep a figure on the page but never add it into the consolidated table."""
        figure = load_figure(document_id, figure_id)
        try:
            updated, message = lines.exclude_figure(store, figure, _user(request), comment.strip())
        except decisions.DecisionError as error:
            raise HTTPException(422, str(error)) from None
        return decided(request, updated, message)

    @app.post("/documents/{document_id}/figures/{figure_id}/undo")
    def undo(
        request: Request, document_id: int, figure_id: str, review_id: Annotated[int, Form()]
    ) -> JSONResponse:
        """Put a figure back the way it was before one decision (backspace on the page)."""
        load_figure(document_id, figure_id)
        try:
            updated = decisions.undo(store, figure_id, review_id, _user(request))
        except decisions.DecisionError as error:
            raise HTTPException(422, str(error)) from None
        return decided(request, updated, "Đã hoàn tác quyết định.")

    @app.post("/documents/{document_id}/accept-selection", response_model=None)
    def accept_selection(
        request: Request,
        document_id: int,
        figure_id: Annotated[list[str] | None, Form()] = None,
        comment: Annotated[str, Form(max_length=2000)] = "",
        back: Annotated[str, Form()] = "",
        confirmed: Annotated[str, Form()] = "",
    ) -> HTMLResponse | RedirectResponse:
        """Accept every still-unreviewed figure of the filtered list at once, after the officer
        confirms how many; the batch is logged as one step that can be undone."""
        document = load_document(document_id)
        query = back if back.startswith("?") else ""
        if confirmed != "yes":
            return _page(
                request,
                "confirm_bulk.html",
                document=document,
                chosen=list(dict.fromkeys(figure_id or [])),
                comment=comment,
                back=query,
            )
        _, accepted = bulk.accept_batch(store, document_id, figure_id or [], _user(request), comment)
        separator = "&" if query else "?"
        return RedirectResponse(
            f"/documents/{document_id}{query}{separator}accepted={accepted}", status_code=303
        )

    @app.post("/documents/{document_id}/undo-batch")
    def undo_batch(
        request: Request, document_id: int, batch: Annotated[str, Form(max_length=16)] = ""
    ) -> RedirectResponse:
        """Undo the last bulk accept of this document as one step (its log survives a reload)."""
        load_document(document_id)
        try:
            undone = bulk.undo_batch(store, document_id, batch, _user(request))
        except decisions.DecisionError as error:
            raise HTTPException(422, str(error)) from None
        notice = quote(f"Đã hoàn tác lô chấp nhận: {undone} số liệu trở về chưa duyệt.")
        return RedirectResponse(f"/documents/{document_id}?notice={notice}", status_code=303)

    @app.post("/export")
    def export(
        request: Request,
        file: Annotated[str, Form()] = "consolidated.xlsx",
        reviewed_only: Annotated[bool, Form()] = False,
        ticket: Annotated[str, Form(max_length=40)] = "",
    ) -> FileResponse:
        """Write the exports (only reviewed figures when asked) and send the chosen file; the cookie
        naming the form's ticket tells the page the file has arrived (its progress line stops)."""
        if file not in EXPORT_FILES:
            raise HTTPException(422, "Chọn một trong các tệp: " + ", ".join(EXPORT_FILES))
        try:
            from pipeline.export import export_all
        except ImportError:
            raise HTTPException(503, "Chức năng xuất số liệu chưa có trong bản cài đặt này.") from None
        folder = Path(tempfile.mkdtemp(prefix="tonghop-export-"))
        path = export_all(store, folder, reviewed_only=reviewed_only).get(file)
        if path is None or not path.exists():
            raise HTTPException(500, f"Không tạo được tệp {file}.")
        suffix = "_da_duyet" if reviewed_only else ""
        response = FileResponse(
            path,
            filename=f"{path.stem}{suffix}{path.suffix}",
            background=BackgroundTask(_remove_tree, folder),
        )
        if ticket.isdigit():
            response.set_cookie("tonghop_export", ticket, max_age=120, samesite="strict")
        return response

    # the last added runs first: the size limit sees the raw request, then the gate checks login and CSRF
    app.add_middleware(Gate, authenticator=authenticator, tokens=CsrfTokens())
    if auth_config is None:  # no login: only this machine may talk to it (also defeats DNS rebinding)
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS))
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    return app


def _remove_tree(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink(missing_ok=True)
    os.rmdir(folder)
