"""The `tonghop` command: each command is a few lines over a library call."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="tonghop: tổng hợp số liệu từ báo cáo của MTTQ và UBND (consolidate report figures).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def read(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .txt, .docx or .pdf report")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole document model as JSON")] = False,
) -> None:
    """Print a report's canonical text with its block boundaries and metadata."""
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
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Reports to read")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
) -> None:
    """Print every figure of each file, one per line, with FIGURES.md's field names. No store needed."""
    from extractors import extract_figures
    from pipeline.errors import DocumentRejected
    from pipeline.figure import FIGURE_FIELDS
    from pipeline.readers import read_document

    if fmt not in ("jsonl", "csv"):
        raise typer.BadParameter("--format must be jsonl or csv")
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=FIGURE_FIELDS, extrasaction="ignore")
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
                typer.echo(json.dumps({k: record[k] for k in FIGURE_FIELDS}, ensure_ascii=False))
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
        inbox, every=interval, cron=cron, store=store, export_to=export_to,
        dask_address=dask, workers=workers, per_task=per_task, port=port, say=typer.echo,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Report files or folders of reports")],
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
) -> None:
    """Load reports into the store; exit 0 when every file loaded, 2 when some were rejected."""
    from rich.console import Console
    from rich.progress import Progress

    from pipeline.ingest import discover, ingest_paths, summary_table
    from pipeline.store import open_store

    opened = open_store(store or None)
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("Đang nạp báo cáo / loading", total=len(discover(paths)))
        results = ingest_paths(paths, opened, on_file=lambda _path, _result: progress.advance(task))
    Console().print(summary_table(results))
    raise typer.Exit(2 if any(r.status == "rejected" for r in results) else 0)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Folder to write the files to")] = Path(
        "output"
    ),
    store: Annotated[str, typer.Option("--store", help="Store URL (default $TONGHOP_STORE or output/)")] = "",
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only reviewed figures")] = False,
) -> None:
    """Write figures.csv, consolidated.csv and consolidated.xlsx from the store."""
    from pipeline.export import export_all
    from pipeline.store import open_store

    for path in export_all(open_store(store or None), out, reviewed_only=reviewed_only).values():
        typer.echo(path)


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
        web = create_app(store_url(store or None), auth_config=users)
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


if __name__ == "__main__":
    app()
