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
    writer = csv.DictWriter(sys.stdout, fieldnames=FIGURE_FIELDS, extrasaction="ignore") if fmt == "csv" else None
    if writer:
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


if __name__ == "__main__":
    app()
