"""The `tonghop` command: each command is a few lines over a library call."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli_errors import Command

app = Command(
    help="tonghop: tổng hợp số liệu từ báo cáo của MTTQ và UBND (consolidate report figures).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def require_files(*paths: Path) -> None:
    """Stop with a message in the ingest errors' style (Vietnamese / English) when a file is missing."""
    for path in paths:
        if not path.exists():
            typer.echo(f"{path}: không tìm thấy tệp / file not found", err=True)
            raise typer.Exit(2)
        if path.is_dir():
            typer.echo(f"{path}: là thư mục, cần một tệp / is a folder, give a file", err=True)
            raise typer.Exit(2)


@app.command()
def read(
    file: Annotated[Path, typer.Argument(help="A .txt, .docx or .pdf report")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole document model as JSON")] = False,
) -> None:
    """Print a report's canonical text with its block boundaries and metadata."""
    require_files(file)
    from pipeline.errors import DocumentRejected
    from pipeline.readers import read_document
    from pipeline.show import render_document

    try:
        document = read_document(file)
    except DocumentRejected as rejected:
        typer.echo(rejected.message(), err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(document.to_record(), ensure_ascii=False, indent=1))
    else:
        typer.echo(render_document(document))


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Reports to read")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv (default: from --out, else jsonl)")] = "",
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="Write to this file (.csv: with a BOM)")
    ] = None,
) -> None:
    """Print every figure of each file, one per line, with FIGURES.md's field names. No store needed."""
    require_files(*files)
    from extractors import extract_figures
    from pipeline.errors import DocumentRejected
    from pipeline.figure import FIGURE_FIELDS
    from pipeline.readers import read_document

    fmt = fmt or ("csv" if out is not None and out.suffix.lower() == ".csv" else "jsonl")
    if fmt not in ("jsonl", "csv"):
        typer.echo(f"--format {fmt}: chỉ nhận jsonl hoặc csv / must be jsonl or csv", err=True)
        raise typer.Exit(2)
    # a CSV file gets a byte-order mark so Excel shows Vietnamese right; a pipe stays plain UTF-8
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    stream = out.open("w", encoding=encoding, newline="") if out else sys.stdout
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=FIGURE_FIELDS, extrasaction="ignore")
        writer.writeheader()
    failed = 0
    for file in files:
        try:
            document = read_document(file)
        except DocumentRejected as rejected:
            typer.echo(rejected.message(), err=True)
            failed += 1
            continue
        for figure in extract_figures(document):
            record = figure.to_record()
            if writer:
                writer.writerow(record)
            else:
                stream.write(json.dumps({k: record[k] for k in FIGURE_FIELDS}, ensure_ascii=False) + "\n")
    if out:
        stream.close()
        typer.echo(out)
    if failed:
        raise typer.Exit(2)


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option("--inbox", file_okay=False, help="Folder reports are dropped into")],
    every: Annotated[str, typer.Option("--every", help="How often to look: 30s, 1m, 10m, 2h")] = "10m",
    cron: Annotated[str, typer.Option("--cron", help='Cron schedule instead, e.g. "0 7 * * 1-5"')] = "",
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    export_to: Annotated[str, typer.Option("--export-to", help="Write exports here after each load")] = "",
    dask: Annotated[str, typer.Option("--dask", help="Run documents on this Dask scheduler (tcp://…)")] = "",
    workers: Annotated[int, typer.Option("--workers", help="Run documents on a local Dask cluster of N")] = 0,
    per_task: Annotated[
        int,
        typer.Option(
            "--per-task", min=0, help="Documents per Prefect task run (0: the flow's default; 1: one each)"
        ),
    ] = 0,
    port: Annotated[int, typer.Option("--port", help="Port of the Prefect server to start or reuse")] = 4200,
) -> None:
    """Load reports dropped into the inbox on a schedule (Prefect); shows where the Prefect UI is."""
    from flows.serve import parse_every, serve_inbox

    try:
        interval = None if cron else parse_every(every)
    except ValueError as wrong:
        raise typer.BadParameter(str(wrong)) from None
    serve_inbox(
        inbox,
        every=interval,
        cron=cron,
        store=store,
        export_to=export_to,
        dask_address=dask,
        workers=workers,
        per_task=per_task,
        port=port,
        say=typer.echo,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders of reports")],
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Files read at once (default 0: one per core)")
    ] = 0,
) -> None:
    """Load reports into the store; exit 0 when every file loaded, 2 when some were rejected."""
    from rich.console import Console
    from rich.progress import Progress

    from pipeline.ingest import discover, ingest_paths
    from pipeline.ingest_summary import explanations, store_state, summary_table
    from pipeline.lanes import default_jobs
    from pipeline.store import open_store

    for path in paths:
        if not path.exists() and not path.is_symlink():
            typer.echo(f"{path}: không tìm thấy tệp hoặc thư mục / file or folder not found", err=True)
            raise typer.Exit(2)

    opened = open_store(store or None)
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("Đang nạp báo cáo / loading", total=len(discover(paths)))
        results = ingest_paths(
            paths, opened, on_file=lambda _path, _result: progress.advance(task), jobs=jobs or default_jobs()
        )
    console = Console()
    console.print(summary_table(results))
    for line in [*explanations(results, opened), "", *store_state(opened)]:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2 if any(r.status == "rejected" for r in results) else 0)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Folder to write the files to")] = Path(
        "output"
    ),
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only reviewed figures")] = False,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Show old units as the units they became, e.g. 2025-07-01")
    ] = "",
) -> None:
    """Write figures.csv, consolidated.csv and consolidated.xlsx from the store."""
    from datetime import date

    from pipeline.export import export_all
    from pipeline.store import open_store

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"--as-of {as_of!r}: cần ngày YYYY-MM-DD / expected a date") from None
    for path in export_all(open_store(store or None), out, reviewed_only=reviewed_only, as_of=when).values():
        typer.echo(path)


@app.command()
def consolidate(
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Recompute every cell, not only what changed (old stores)")
    ] = False,
) -> None:
    """Bring the consolidated cells kept in the store up to date (exports and the review page read them)."""
    import time

    from pipeline.cells.refresh import rebuild as rebuild_cells
    from pipeline.cells.refresh import refresh
    from pipeline.store import open_store

    opened = open_store(store or None)
    started = time.perf_counter()
    try:
        done = rebuild_cells(opened) if rebuild else refresh(opened)
    finally:
        opened.close()
    typer.echo(f"{done} văn bản tính lại / documents recomputed ({time.perf_counter() - started:.1f} s)")


@app.command()
def review(
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; not 127.0.0.1 needs --users")] = (
        "127.0.0.1"
    ),
    users: Annotated[
        Path | None, typer.Option("--users", exists=True, dir_okay=False, help="name:hash users file (login)")
    ] = None,
    sources: Annotated[
        list[Path] | None,
        typer.Option("--sources", help="Folder holding the submitted files, for the scan beside OCR figures"),
    ] = None,
) -> None:
    """Open the review page: check every figure against its sentence, accept, correct or reject it."""
    import uvicorn

    from pipeline.review import create_app
    from pipeline.review.users import UsersFileError
    from pipeline.store import store_url

    if host not in ("127.0.0.1", "localhost") and users is None:
        typer.echo(
            "Trang duyệt dùng chung trên mạng cần đăng nhập: thêm --users TỆP "
            "(tạo bằng: python -m pipeline.review.users TỆP TÊN).",
            err=True,
        )
        raise typer.Exit(2)
    try:
        web = create_app(store_url(store or None), auth_config=users, sources=sources)
    except UsersFileError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Trang duyệt số liệu: http://{host}:{port}/  (Ctrl+C để dừng)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def remap(
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    taught: Annotated[
        Path | None, typer.Option("--export-taught", help="Also write what officers taught as YAML here")
    ] = None,
) -> None:
    """Map stored figures again after indicators.yaml was edited or officers taught phrases when reviewing."""
    from pipeline.normalise.remap import remap_store
    from pipeline.store import open_store

    opened = open_store(store or None)
    typer.echo(f"{remap_store(opened)} số liệu đổi chỉ tiêu / figures re-mapped")
    if taught is not None:
        taught.write_text(opened.teaching_yaml(), encoding="utf-8")
        typer.echo(f"Cụm từ và chỉ tiêu do cán bộ thêm / taught by officers → {taught}")


units_app = typer.Typer(
    help="Đơn vị phải báo cáo (units that must report), kept in the store.", no_args_is_help=True
)
app.add_typer(units_app, name="units")
StoreOption = Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")]
EraOption = Annotated[
    str | None, typer.Option("--era", help="old: the map before 1 July 2025; new: today's (default)")
]


@units_app.command("set")
def units_set(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="units.yaml or units.csv")],
    store: StoreOption = "",
    add: Annotated[bool, typer.Option("--add", help="Add to the list instead of replacing it")] = False,
    era: EraOption = None,
) -> None:
    """Set the units that must report from an officer's file (name, place, optional code)."""
    from pipeline.expected import UnitsFileError, read_units_file, resolve_rows
    from pipeline.store import open_store

    try:
        units, errors = resolve_rows(read_units_file(file), file.name, era)
    except UnitsFileError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    for error in errors:
        typer.echo(f"✗ {error}", err=True)
    if errors:
        typer.echo("Chưa lưu: sửa các dòng trên / nothing saved: fix the lines above", err=True)
        raise typer.Exit(2)
    total = open_store(store or None).set_expected_units(units, source=file.name, replace=not add)
    typer.echo(f"{len(units)} đơn vị từ {file.name}; danh sách có {total} đơn vị / units expected")


@units_app.command("communes")
def units_communes(
    place: Annotated[str, typer.Argument(help='"huyện Tư Nghĩa, tỉnh Quảng Ngãi" or a code "old:H528"')],
    org: Annotated[str, typer.Option("--org", help="MTTQ, UBND, HLHPN, HND, HCCB, DTN …")] = "MTTQ",
    store: StoreOption = "",
    add: Annotated[bool, typer.Option("--add", help="Add to the list instead of replacing it")] = False,
    era: EraOption = None,
) -> None:
    """Expect a report from every commune, ward and town of a district or province."""
    from pipeline.corrections import CorrectionError
    from pipeline.expected import communes_of
    from pipeline.store import open_store

    try:
        units = communes_of(place, org, era)
    except CorrectionError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    total = open_store(store or None).set_expected_units(units, source=f"communes {place}", replace=not add)
    typer.echo(f"{len(units)} đơn vị cấp xã của {place}; danh sách có {total} đơn vị / units expected")


@units_app.command("list")
def units_list(store: StoreOption = "") -> None:
    """Print the units that must report, with their codes."""
    from pipeline.store import open_store

    for unit in open_store(store or None).expected_units():
        typer.echo(f"{unit['unit_code']}\t{unit['name']}\t{unit['parent']}")


@units_app.command("search")
def units_search(
    query: Annotated[str, typer.Argument(help="Part of a name, with or without diacritics")],
    limit: Annotated[int, typer.Option("--limit")] = 20,
) -> None:
    """Find a unit of either era in the gazetteer (to write its code in a file or a correction)."""
    from pipeline.units import gazetteer

    g = gazetteer()
    for unit in g.search(query, limit=limit):
        where = ", ".join(a.full_name for a in g.ancestors(unit))
        typer.echo(f"{unit.code}\t{unit.full_name}\t{where}")


document_app = typer.Typer(
    help="Sửa đơn vị, kỳ, loại của một văn bản (correct a document).", no_args_is_help=True
)
app.add_typer(document_app, name="document")


@document_app.command("set")
def document_set(
    document_id: Annotated[int, typer.Argument(help="The document's number (review page, Nguồn sheet)")],
    unit: Annotated[
        str, typer.Option("--unit", help='"xã Nghĩa Kỳ, huyện Tư Nghĩa" or "old:X21250/MTTQ"')
    ] = "",
    org: Annotated[str, typer.Option("--org", help="Organisation of --unit given as a place")] = "MTTQ",
    period: Annotated[str, typer.Option("--period", help='"6 tháng đầu năm 2024", "quý III/2025"')] = "",
    doc_type: Annotated[str, typer.Option("--type", help='"báo cáo", "kế hoạch" …')] = "",
    user: Annotated[str, typer.Option("--user", help="Who corrects (default: your login)")] = "",
    comment: Annotated[str, typer.Option("--comment")] = "",
    store: StoreOption = "",
) -> None:
    """Correct who reported, for which period or the type of a document (audited; survives re-ingest)."""
    import getpass

    from pipeline.corrections import CorrectionError, period_fields, unit_fields
    from pipeline.store import open_store

    opened = open_store(store or None)
    try:
        current = opened.document(document_id)
        changes: dict[str, object] = {}
        if unit:
            changes.update(unit_fields(unit, org))
        if period:
            changes.update(period_fields(period, current["metadata"].get("periods")))
        if doc_type:
            changes["doc_type"] = doc_type.strip()
        if not changes:
            raise CorrectionError("Chưa có gì để sửa: --unit, --period hoặc --type / nothing to change")
        after = opened.set_document_metadata(
            document_id, changes, user=user or getpass.getuser(), comment=comment
        )
    except (CorrectionError, KeyError, ValueError) as error:
        typer.echo(f"#{document_id}: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"#{document_id} {after['path']}: {after['unit_name'] or after['issuer']} · {after['period']} · "
        f"{after['doc_type']} ({after['status']})"
    )


@document_app.command("use")
def document_use(
    document_id: Annotated[int, typer.Argument(help="The copy that counts")],
    user: Annotated[str, typer.Option("--user", help="Who decides (default: your login)")] = "",
    comment: Annotated[str, typer.Option("--comment")] = "",
    store: StoreOption = "",
) -> None:
    """Of two copies of one report sent the same day, use this one (the others are replaced)."""
    import getpass

    from pipeline.store import open_store

    try:
        replaced = open_store(store or None).choose_document(
            document_id, user=user or getpass.getuser(), comment=comment
        )
    except (KeyError, ValueError) as error:
        typer.echo(f"#{document_id}: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Dùng bản #{document_id}; thay: {', '.join(f'#{i}' for i in replaced) or 'không có'}")


if __name__ == "__main__":
    app(prog_name="tonghop")
