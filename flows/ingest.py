"""The `ingest-inbox` flow: claim the inbox's new files and take each through the pipeline stages.

Only wiring lives here: every step is a function of `pipeline.inbox` or `pipeline.stages`; this
module adds what Prefect is for: tasks with retries for transient faults, reads cached by file
content, a choice of task runner (threads here, a Dask cluster beyond) and artifacts.
"""

from __future__ import annotations

import dataclasses
import math
import os
import queue
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import wait
from prefect.results import ResultStore, get_result_store
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.types._datetime import now
from prefect.utilities.annotations import opaque

from pipeline import stages
from pipeline.document import FLAG_OCR, Document
from pipeline.faults import is_transient
from pipeline.inbox import Inbox, claim_all, inbox_lock
from pipeline.run_report import counts, outcome_rows, stage_seconds, summary_markdown
from pipeline.sandbox import start_zygote_soon
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


CACHE_DAYS = 7
# A read is kept in the cache only when repeating it would cost more than keeping it: a .docx or a
# text PDF reads in tens of milliseconds, about what pickling it into the result storage and reading
# it back cost; OCR, LibreOffice's conversion of a .doc, or any read this slow, costs seconds.
READ_CACHE_SECONDS_ENV = "TONGHOP_READ_CACHE_SECONDS"
READ_CACHE_SECONDS = 1.0  # reads at least this long (wall clock, in the child) are kept
COSTLY_FORMATS = ("doc", "image")  # read through LibreOffice or by OCR: always worth keeping


def read_cache_seconds() -> float:
    """The read time from which a read is kept (`TONGHOP_READ_CACHE_SECONDS`; 0 keeps every read)."""
    value = os.environ.get(READ_CACHE_SECONDS_ENV, "")
    try:
        return max(0.0, float(value)) if value.strip() else READ_CACHE_SECONDS
    except ValueError:
        return READ_CACHE_SECONDS


def worth_caching(document: Document, read_seconds: float) -> bool:
    """A read that was costly (OCR, a .doc through LibreOffice, a slow read) is worth keeping; a
    cheap one is cheaper to repeat than to store and read back."""
    return (
        FLAG_OCR in document.flags
        or document.format in COSTLY_FORMATS
        or read_seconds >= read_cache_seconds()
    )


def read_cache_key(claimed: Claimed) -> str:
    """The file's sha256 (not its path) and the reading code's fingerprint: the same report under
    any name is read once; a fixed reader is never served results read before the fix."""
    return f"tonghop-read-{stages.code_fingerprint()}-{claimed.sha256}"


def prepare_through_cache(claimed: Claimed, cache: ResultStore) -> stages.Extracted | stages.Rejected:
    """Read and extract one file in one child, or, if this content was read before, take the
    document from Prefect's result storage and only extract it; then map its figures.

    Only documents that read, and whose read was costly (`worth_caching`), are kept: a refusal
    costs little to repeat, a file that timed out on a busy machine deserves a second try, and a
    .docx reads again faster than it is stored and read back. A document that read is kept even if
    its extraction then failed: the next try (after an extractor fix) need not read it again.
    """
    key = read_cache_key(claimed)
    started = time.perf_counter()
    cached = _cached(cache, key)
    if cached is not None:
        # A new item around the cached document, under this run's file name: Prefect keeps recent
        # records in memory, so the cached object may be the very one another file is using.
        document = dataclasses.replace(cached.document, path=claimed.name)
        item = stages.Extracted(claimed, document, [], timings={"read_cache": time.perf_counter() - started})
        return stages.normalise_stage(stages.extract_stage(item))

    def keep(document: Document, read_seconds: float) -> None:
        if not worth_caching(document, read_seconds):
            return
        read = stages.Extracted(claimed, dataclasses.replace(document), [])
        cache.write(read, key=key, expiration=now("UTC") + timedelta(days=CACHE_DAYS))

    return stages.prepare(claimed, keep)


def _cached(cache: ResultStore, key: str) -> stages.Extracted | None:
    """The cached read, or None; a record that cannot be read back only means reading again."""
    try:
        if cache.exists(key):
            item = cache.read(key).result
            return item if isinstance(item, stages.Extracted) else None
    except Exception as unreadable:  # a damaged or foreign record must never fail the file
        get_run_logger().warning("Read cache %s unreadable (%s); reading the file again.", key, unreadable)
    return None


_retry_transient = {
    "retries": RETRIES,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_condition_fn": _transient_only,
}


# Each task takes a parcel of a few documents, not one: a Prefect task run costs about as much as
# extracting a document (see `make bench`), so a task run per document and stage would spend more
# time on orchestration than on the work. Within a parcel every document keeps its own outcome,
# and the read cache stays keyed by each document's content. Reading and extraction are one task
# because they are one child process (pipeline/read_extract.py), as in `tonghop ingest`; mapping
# to indicators is cheap and rides along.
@task(name="read-extract", task_run_name="read+extract · {label}", cache_policy=NO_CACHE, **_retry_transient)
def read_extract(parcel: list[Claimed], label: str) -> list[stages.Extracted | stages.Rejected]:
    cache = get_result_store()
    return [prepare_through_cache(claimed, cache) for claimed in parcel]


# Loading and filing away share one task: both are cheap next to reading and both are safe to
# repeat. The parcel is loaded in one transaction (`stages.load_parcel`), then each file is moved.
# A retry after a transient fault resumes at the first document not yet filed away: the ones
# before it are already in done/ with their outcome kept on the item, and the others, committed or
# not, are loaded again as what they are (a document this run stored is seen as its own retry).
@task(name="load", task_run_name="load · {label}", cache_policy=NO_CACHE, **_retry_transient)
def load(
    items: list[stages.Extracted | stages.Rejected],
    label: str,
    store_url: str,
    run_id: int | None,
    inbox_root: str,
) -> list[Outcome]:
    waiting = [item for item in items if item.filed is None]
    if waiting:  # the parcel in one transaction, then each file moved: a retry loads none twice
        for item, outcome in zip(waiting, stages.load_parcel(waiting, store_url, run_id), strict=True):
            item.filed = stages.file_away_stage(outcome, Path(inbox_root))
        try:  # the cells kept current on the way, not all at the end
            stages.refresh_cells_if_due(store_url)
        except Exception as fault:  # the files are stored and filed: the run's summary refreshes again
            get_run_logger().warning("Cells not refreshed on the way (%s); the summary will.", fault)
    return [item.filed for item in items]


TASKS_PER_PARCEL = 2  # read-extract (with normalise), load
DOCUMENTS_PER_TASK = 16  # 8 cost about 8 ms more CPU a report (Prefect client and server, 400 reports)


def default_threads() -> int:
    """Parcels under way at once with the thread runner: two per CPU, since each mostly waits
    on its reader child process or on the Prefect API."""
    return 2 * (os.cpu_count() or 1)


def parcel_size(files: int, per_task: int, lanes: int) -> int:
    """Up to `per_task` documents per task run, but never so many that a small inbox leaves lanes idle."""
    return max(1, min(per_task, math.ceil(files / max(1, lanes))))


def parcels(claimed: list[Claimed], size: int) -> list[list[Claimed]]:
    """Consecutive files, about `size` to a parcel, copies of the same content always together:
    loaded one after the other, the first in claim order is stored and the others are duplicates,
    whichever parcel reaches the store first."""
    copies: dict[str, list[Claimed]] = {}
    for item in claimed:
        copies.setdefault(item.sha256, []).append(item)
    packed: list[list[Claimed]] = [[]]
    for same_content in copies.values():
        if len(packed[-1]) >= size:
            packed.append([])
        packed[-1].extend(same_content)
    return [parcel for parcel in packed if parcel]


def parcel_label(parcel: list[Claimed]) -> str:
    """How a task run is named in the Prefect UI: its first file, and how many more."""
    more = f" +{len(parcel) - 1}" if len(parcel) > 1 else ""
    return f"{parcel[0].name}{more}"


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
    # A submitted task holds its thread while it waits for the task before it, so each parcel
    # under way needs one thread per task of its chain, or the waiting tasks starve the reads.
    return ThreadPoolTaskRunner(max_workers=(threads or default_threads()) * TASKS_PER_PARCEL)


def _hand_over(future: Any) -> Any:
    """What a task is given of the task before it. With threads the result is passed as it is
    (`opaque`: Prefect does not walk every block and figure looking for futures). Dask must see
    its own futures to move data between workers, and would unwrap `opaque` into a plain tuple."""
    runner = FlowRunContext.get().task_runner  # type: ignore[union-attr]
    return opaque(future) if isinstance(runner, ThreadPoolTaskRunner) else future


def _failed(parcel: list[Claimed], futures: list[Any]) -> list[Outcome]:
    """The outcomes of a chain that did not finish: its files stay in processing/ for the next run."""
    message = "unfinished"
    for future in futures:
        state = future.state
        if state.is_failed() or state.is_crashed():
            message = state.message or repr(state.data)
            break
    return [
        Outcome(
            claimed.name, claimed.sha256, "failed", message=message, filed_as=f"processing/{claimed.name}"
        )
        for claimed in parcel
    ]


@flow(name="process-documents")
def process_documents(
    claimed: list[Claimed],
    store_url: str,
    inbox_root: str,
    run_id: int | None,
    in_flight: int = 64,
    per_task: int = DOCUMENTS_PER_TASK,
) -> list[Outcome]:
    """Per parcel of documents: read and extract (one child a file) → normalise → load (and file
    away), parcels in parallel.

    At most `in_flight` parcels are under way at once: a new one starts as soon as any finishes,
    and a batch of thousands keeps memory flat.
    """
    outcomes: list[Outcome] = []
    under_way: dict[int, tuple[list[Claimed], list[Any]]] = {}
    finished: queue.SimpleQueue[int] = queue.SimpleQueue()  # chains whose last task ended, in that order

    def collect(number: int) -> None:
        parcel, chain = under_way.pop(number)
        wait(chain)
        last = chain[-1]
        outcomes.extend(last.result() if last.state.is_completed() else _failed(parcel, chain))

    for number, parcel in enumerate(parcels(claimed, parcel_size(len(claimed), per_task, in_flight))):
        while len(under_way) >= in_flight:
            collect(finished.get())  # woken when a chain ends: no polling, no CPU while waiting
        label = parcel_label(parcel)
        prepared_f = read_extract.submit(parcel, label)
        load_f = load.submit(_hand_over(prepared_f), label, store_url, run_id, inbox_root)
        under_way[number] = (parcel, [prepared_f, load_f])
        load_f.add_done_callback(lambda _future, number=number: finished.put(number))
    while under_way:
        collect(finished.get())
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
    per_task: int = DOCUMENTS_PER_TASK,
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
        skipped = stages.skipped_outcomes(box.root)
        if not claimed:
            logger.info("No new files in %s. / Không có tệp mới.", inbox)
            if skipped:
                publish(skipped)
            return {"counts": counts(skipped), "stage_seconds": {}}
        start_zygote_soon()  # its warm-up overlaps opening the store and starting the flow's tasks
        store_ = open_store(url)
        run_id = store_.start_run("inbox")
        runner = task_runner_for(dask_address, workers, threads)
        in_flight = 8 * workers if workers else 64 if dask_address else threads or default_threads()
        outcomes = process_documents.with_options(task_runner=runner)(
            claimed, url, str(box.root), run_id, in_flight, per_task
        )
        outcomes = [*outcomes, *skipped]
        tally = counts(outcomes)
        store_.finish_run(run_id, tally)
        store_.close()
    logger.info("Run %s: %s", run_id, tally)
    consolidation = None
    if tally.get("loaded") or tally.get("superseded"):
        from flows.consolidate import consolidate, summarise

        changed = [o.document_id for o in outcomes if o.status in ("loaded", "superseded") and o.document_id]
        consolidation = consolidate(store=url, out=export_to) if export_to else summarise(url, changed)
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
            conflict_total=consolidation.get("conflict_total"),
        ),
        description="Tóm tắt lần chạy / Run summary",
    )
