"""The `ingest-inbox` flow: claim the inbox's new files and take each through the pipeline stages.

Only wiring lives here: every step is a function of `pipeline.inbox` or `pipeline.stages`; this
module adds what Prefect is for: tasks with retries for transient faults, results cached by
file content, a choice of task runner (threads here, a Dask cluster beyond) and artifacts.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import wait
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from pipeline import stages
from pipeline.faults import is_transient
from pipeline.inbox import Inbox, claim_all, inbox_lock
from pipeline.run_report import counts, outcome_rows, stage_seconds, summary_markdown
from pipeline.stages import Claimed, Outcome

RETRIES = 3


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry database and shared-drive faults, never a bad file or a bug."""
    fault = state.data if isinstance(state.data, BaseException) else None
    if fault is None:
        try:
            fault = state.result(raise_on_failure=False)
        except Exception:  # the state carries no readable exception: do not retry blindly
            return False
    return isinstance(fault, BaseException) and is_transient(fault)


def _by_content(context: Any, parameters: dict[str, Any]) -> str:
    """A cache key from the file's sha256 (not its path) and the reading code's fingerprint:
    the same report under any name is read once; a fixed reader is never served stale results."""
    return f"tonghop-read-{stages.code_fingerprint()}-{parameters['claimed'].sha256}"


_retry_transient = {
    "retries": RETRIES,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_condition_fn": _transient_only,
}


# Only reading is cached: it is the costly step (a child process per file); extraction and
# normalising take a few tens of milliseconds, less than writing and reading back a cached result.
@task(
    name="read",
    cache_key_fn=_by_content,
    persist_result=True,
    cache_expiration=timedelta(days=7),
    **_retry_transient,
)
def read(claimed: Claimed) -> stages.Extracted | stages.Rejected:
    return stages.read_stage(claimed)


@task(name="extract", **_retry_transient)
def extract(item: stages.Extracted | stages.Rejected) -> stages.Extracted | stages.Rejected:
    return stages.extract_stage(item)


@task(name="normalise", **_retry_transient)
def normalise(item: stages.Extracted | stages.Rejected) -> stages.Extracted | stages.Rejected:
    return stages.normalise_stage(item)


# Loading and filing away share one task: both are cheap next to reading, both are safe to repeat
# (the store answers "unchanged" for content it already holds), and every task costs Prefect time.
@task(name="load", **_retry_transient)
def load(
    item: stages.Extracted | stages.Rejected,
    claimed: Claimed,
    store_url: str,
    run_id: int | None,
    inbox_root: str,
) -> Outcome:
    outcome = stages.load_stage(item, claimed, store_url, run_id)
    return stages.file_away_stage(outcome, Path(inbox_root))


TASKS_PER_DOCUMENT = 4  # read, extract, normalise, load


def default_threads() -> int:
    """Documents under way at once with the thread runner: two per CPU, since each mostly waits
    on its reader child process or on the Prefect API."""
    return 2 * (os.cpu_count() or 1)


def task_runner_for(dask_address: str = "", workers: int = 0, threads: int = 0) -> Any:
    """Threads on this machine by default; a Dask cluster (given, or local with N workers) to scale out."""
    if dask_address or workers:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # Several threads per worker process: a reading thread mostly waits on its child process.
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 4, "processes": True}
        )
    # A submitted task holds its thread while it waits for the task before it, so each document
    # under way needs one thread per task of its chain, or the waiting tasks starve the reads.
    return ThreadPoolTaskRunner(max_workers=(threads or default_threads()) * TASKS_PER_DOCUMENT)


def _failed(claimed: Claimed, futures: list[Any]) -> Outcome:
    """The outcome of a chain that did not finish: the file stays in processing/ for the next run."""
    message = "unfinished"
    for future in futures:
        state = future.state
        if state.is_failed() or state.is_crashed():
            message = state.message or repr(state.data)
            break
    return Outcome(
        claimed.name, claimed.sha256, "failed", message=message, filed_as=f"processing/{claimed.name}"
    )


@flow(name="process-documents")
def process_documents(
    claimed: list[Claimed], store_url: str, inbox_root: str, run_id: int | None, in_flight: int = 64
) -> list[Outcome]:
    """Per document: read → extract → normalise → load (and file away), documents in parallel.

    At most `in_flight` documents are under way at once: a new one starts as soon as any finishes,
    and a batch of thousands keeps memory flat.
    """
    outcomes: list[Outcome] = []
    under_way: list[tuple[Claimed, list[Any]]] = []

    def collect(finished: tuple[Claimed, list[Any]]) -> None:
        item, chain = finished
        wait(chain)
        last = chain[-1]
        outcomes.append(last.result() if last.state.is_completed() else _failed(item, chain))

    for item in claimed:
        while len(under_way) >= in_flight:
            done = [entry for entry in under_way if entry[1][-1].wrapped_future.done()]
            if not done:
                time.sleep(0.005)
            for entry in done:
                under_way.remove(entry)
                collect(entry)
        read_f = read.submit(item)
        extract_f = extract.submit(read_f)
        normalise_f = normalise.submit(extract_f)
        load_f = load.submit(normalise_f, item, store_url, run_id, inbox_root)
        under_way.append((item, [read_f, extract_f, normalise_f, load_f]))
    for entry in under_way:
        collect(entry)
    return outcomes


@flow(name="ingest-inbox")
def ingest_inbox(
    inbox: str,
    store: str = "",
    settle_seconds: float = 2.0,
    dask_address: str = "",
    workers: int = 0,
    threads: int = 0,
    export_to: str = "",
) -> dict[str, Any]:
    """Claim the inbox's new (and left-over) files, load each, file it away, report what happened.

    Returns {"counts": files per outcome, "stage_seconds": time spent inside each pipeline stage}.
    """
    from pipeline.store import open_store, store_url

    logger = get_run_logger()
    box = Inbox(Path(inbox))
    url = store_url(store or None)
    with inbox_lock(box) as held:
        if not held:
            logger.warning(
                "Another run is processing %s; this run skips it. / Hộp thư đang được xử lý.", inbox
            )
            return {"counts": {}, "stage_seconds": {}}
        claimed = [stages.claimed_file(path) for path in claim_all(box, settle_seconds)]
        if not claimed:
            logger.info("No new files in %s. / Không có tệp mới.", inbox)
            return {"counts": {}, "stage_seconds": {}}
        store_ = open_store(url)
        run_id = store_.start_run("inbox")
        runner = task_runner_for(dask_address, workers, threads)
        in_flight = 8 * workers if workers else 64 if dask_address else threads or default_threads()
        outcomes = process_documents.with_options(task_runner=runner)(
            claimed, url, str(box.root), run_id, in_flight
        )
        tally = counts(outcomes)
        store_.finish_run(run_id, tally)
        store_.close()
    logger.info("Run %s: %s", run_id, tally)
    consolidation = None
    if tally.get("loaded") or tally.get("superseded"):
        from flows.consolidate import consolidate, summarise

        consolidation = consolidate(store=url, out=export_to) if export_to else summarise(url)
    publish(outcomes, consolidation)
    return {"counts": tally, "stage_seconds": stage_seconds(outcomes)}


def publish(outcomes: list[Outcome], consolidation: dict[str, Any] | None = None) -> None:
    """The run's artifacts: a table of files and outcomes, a markdown summary."""
    create_table_artifact(
        key="inbox-outcomes",
        table=outcome_rows(outcomes),
        description="Từng tệp và kết quả xử lý / Each file and its outcome",
    )
    consolidation = consolidation or {}
    create_markdown_artifact(
        key="inbox-summary",
        markdown=summary_markdown(
            outcomes,
            consolidation.get("conflicts"),
            consolidation.get("not_reported"),
            consolidation.get("files"),
        ),
        description="Tóm tắt lần chạy / Run summary",
    )
