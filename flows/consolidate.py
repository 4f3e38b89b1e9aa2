"""The `consolidate` flow: bring the stored cells up to date and write the exports from them."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from pipeline.run_report import summary_markdown


@task(name="summarise")
def summarise(store_url: str, document_ids: list[int] | None = None) -> dict[str, Any]:
    """Conflicts and units not reported for the run summary: the stored cells are brought up to date
    for the documents this run changed (pipeline.cells), never the whole store consolidated again;
    the conflicts listed are those the run's documents take part in, with the store's count."""
    from pipeline.cells.attention import attention
    from pipeline.store import open_store

    store = open_store(store_url)
    try:
        return attention(store, document_ids)
    finally:
        store.close()


@task(name="export")
def export(store_url: str, out: str) -> dict[str, Any]:
    """Write figures.csv, consolidated.csv and consolidated.xlsx; return what the summary shows."""
    from pipeline.cells.attention import attention
    from pipeline.export import export_all
    from pipeline.store import open_store

    store = open_store(store_url)
    try:
        written = export_all(store, out)
        return {"files": [str(path) for path in written.values()], **attention(store)}
    finally:
        store.close()


@flow(name="consolidate")
def consolidate(store: str = "", out: str = "output") -> dict[str, Any]:
    """Recompute the consolidated tables and write the exports; publish conflicts and missing units."""
    from pipeline.store import store_url

    summary = export(store_url(store or None), out)
    get_run_logger().info("Exports written / đã xuất: %s", ", ".join(summary["files"]))
    create_markdown_artifact(
        key="consolidation-summary",
        markdown=summary_markdown(None, summary["conflicts"], summary["not_reported"], summary["files"],
                                  conflict_total=summary["conflict_total"]),
        description="Mâu thuẫn và đơn vị chưa báo cáo / Conflicts and units not reported",
    )
    return summary
