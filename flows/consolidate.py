"""The `consolidate` flow: recompute the consolidation from the store and write the exports."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from pipeline.run_report import summary_markdown


def _attention(result: Any) -> dict[str, Any]:
    """What the run summary shows from a consolidation: conflicts and units that have not reported."""
    return {"conflicts": list(result.conflicts), "not_reported": list(result.not_reported)}


@task(name="summarise")
def summarise(store_url: str) -> dict[str, Any]:
    """Consolidate without writing files, for the run summary."""
    from pipeline.consolidate import consolidate as compute
    from pipeline.store import open_store

    store = open_store(store_url)
    try:
        return _attention(compute(store))
    finally:
        store.close()


@task(name="export")
def export(store_url: str, out: str) -> dict[str, Any]:
    """Write figures.csv, consolidated.csv and consolidated.xlsx; return what the summary shows."""
    from pipeline.consolidate import consolidate as compute
    from pipeline.export import write_exports
    from pipeline.store import open_store

    store = open_store(store_url)
    try:
        result = compute(store)
    finally:
        store.close()
    written = write_exports(result, out)
    return {"files": [str(path) for path in written.values()], **_attention(result)}


@flow(name="consolidate")
def consolidate(store: str = "", out: str = "output") -> dict[str, Any]:
    """Recompute the consolidated tables and write the exports; publish conflicts and missing units."""
    from pipeline.store import store_url

    summary = export(store_url(store or None), out)
    get_run_logger().info("Exports written / đã xuất: %s", ", ".join(summary["files"]))
    create_markdown_artifact(
        key="consolidation-summary",
        markdown=summary_markdown(None, summary["conflicts"], summary["not_reported"], summary["files"]),
        description="Mâu thuẫn và đơn vị chưa báo cáo / Conflicts and units not reported",
    )
    return summary
