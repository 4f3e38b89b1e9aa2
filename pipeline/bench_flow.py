"""`make bench`, end-to-end part: a generated batch of .docx reports through the inbox flow.

    python -m pipeline.bench --part flow [--docs 1000]

The same batch runs three ways into a fresh SQLite store each time:
  plain    the pipeline stages in a thread pool, no Prefect: the yardstick;
  prefect  the `ingest-inbox` flow with the local thread runner;
  dask     the same flow with a local Dask cluster of 2 worker processes.
Prefect's overhead is the flow's extra wall time over the plain run with the same concurrency.
`--per-task 1` gives every document its own task chain, to see what parcels save.
Numbers are printed, never asserted.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
STAGES = ("read_extract", "read_cache", "extract", "normalise", "load", "move")


def generated_batch(count: int, folder: Path) -> list[Path]:
    """The generated reports (built once, reused while the count and seed stay the same)."""
    sys.path.insert(0, str(REPO / "samples"))
    from generate_batch import generate

    started = time.perf_counter()
    if not (folder / ".batch").exists():  # build aside, then rename: two benches never share a half batch
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
        generate(partial, count)
        try:
            partial.rename(folder)
        except OSError:  # another bench finished first; use its batch
            shutil.rmtree(partial, ignore_errors=True)
    paths = generate(folder, count)
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"flow: batch of {len(paths)} .docx ({size:.1f} MB) ready in {time.perf_counter() - started:.1f} s")
    return paths


def fresh_inbox(batch: list[Path], root: Path) -> Path:
    """A new inbox holding a copy of the batch (the flow moves files, the batch stays)."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for path in batch:
        try:
            os.link(path, root / path.name)
        except OSError:
            shutil.copy2(path, root / path.name)
    return root


def run_plain(inbox_root: Path, store_url: str, threads: int) -> dict[str, Any]:
    """The same stages and the same run summary as the flow, with a plain thread pool."""
    from pipeline import stages
    from pipeline.consolidate import consolidate
    from pipeline.inbox import Inbox, claim_all
    from pipeline.run_report import counts, stage_seconds
    from pipeline.store import open_store

    def chain(claimed: stages.Claimed) -> stages.Outcome:
        item = stages.prepare(claimed)
        return stages.file_away_stage(stages.load_stage(item, claimed, store_url), inbox_root)

    claimed = [stages.claimed_file(p) for p in claim_all(Inbox(inbox_root), settle_seconds=0)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(chain, claimed))
    store = open_store(store_url)
    started = time.process_time()
    consolidate(store)
    spent = time.process_time() - started
    share = 1000 * spent / max(1, len(claimed))
    print(f"flow:   of which the final consolidation: {share:.0f} ms of CPU a document (this process)")
    store.close()
    return {"counts": counts(outcomes), "stage_seconds": stage_seconds(outcomes)}


def run_flow(inbox_root: Path, store_url: str, **options: Any) -> dict[str, Any]:
    from flows.ingest import ingest_inbox

    return ingest_inbox(str(inbox_root), store=store_url, settle_seconds=0, **options)


def api_server_cpu() -> float:
    """CPU seconds so far of the Prefect API server this process started (the test harness's
    subprocess, not reaped until the end, so `children_cpu` misses it); 0 when there is none."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if "uvicorn" in " ".join(child.cmdline()) or "prefect" in child.name():
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def timed(label: str, docs: int, run: Callable[[], dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    """Run, then print documents/s, the CPU a document cost (this process, every child it reaped:
    readers, Dask workers, and the Prefect API server) and the load average, since the cores may be
    shared."""
    from pipeline.bench_ingest import children_cpu, load_note
    from pipeline.zygote import shutdown

    started, cpu = time.perf_counter(), time.process_time()
    children, server = children_cpu(), api_server_cpu()
    result = run()
    wall = time.perf_counter() - started
    shutdown()  # reaps this process's zygote, so its readers' CPU is counted
    cpu, children = time.process_time() - cpu, children_cpu() - children
    server = api_server_cpu() - server
    total = cpu + children + server
    print(
        f"flow: {label:<26} {wall:7.1f} s  {docs / wall:5.2f} documents/s   outcomes {result['counts']}\n"
        f"flow:   CPU a document: this process {1000 * cpu / docs:.0f} ms + children "
        f"{1000 * children / docs:.0f} ms (zygote start included) + API server {1000 * server / docs:.0f} ms"
        f" = {1000 * total / docs:.0f} ms  [{load_note()}]"
    )
    return wall, result


def stage_line(result: dict[str, Any]) -> str:
    seconds = result["stage_seconds"]
    total = sum(seconds.values()) or 1.0
    return "  ".join(f"{s} {seconds.get(s, 0):.0f} s ({seconds.get(s, 0) / total:.0%})" for s in STAGES)


RUNNERS = ("plain", "prefect", "dask")


def bench_flow(
    docs: int = 1000,
    workdir: Path | None = None,
    threads: int = 0,
    per_task: int = 0,
    runners: tuple[str, ...] = RUNNERS,
) -> None:
    """Print documents/s and Prefect's share of the time for the local and the Dask runner
    (`runners`: which of plain, prefect, dask to run)."""
    from flows.serve import quiet_prefect_environment, tuned_server_environment

    quiet_prefect_environment()
    tuned_server_environment()  # the temporary server below runs as `tonghop serve` starts its own
    batch = generated_batch(docs, REPO / "output" / "bench" / f"batch-{docs}")
    workdir = workdir or REPO / "output" / "bench" / f"run-{os.getpid()}"  # one per bench process
    workdir.mkdir(parents=True, exist_ok=True)
    from flows.ingest import DOCUMENTS_PER_TASK, TASKS_PER_PARCEL, default_threads, parcel_size

    threads = threads or default_threads()
    per_task = per_task or DOCUMENTS_PER_TASK
    size = parcel_size(docs, per_task, threads)
    task_runs = -(-docs // size) * TASKS_PER_PARCEL
    print(
        f"flow: {os.cpu_count()} CPUs; local runner {threads} parcels at once, {size} documents per "
        f"task run ({task_runs} task runs); reading and extraction in one child process per file"
    )

    from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    def store(name: str) -> str:
        path = workdir / f"{name}.db"
        for leftover in workdir.glob(f"{name}.db*"):
            leftover.unlink()
        return f"sqlite:///{path}"

    results_dir = workdir / "prefect-results"
    shutil.rmtree(results_dir, ignore_errors=True)
    with temporary_settings({PREFECT_RESULTS_LOCAL_STORAGE_PATH: results_dir}), prefect_test_harness(120):
        walls: dict[str, float] = {}
        if "plain" in runners:
            walls["plain"], plain = timed(
                "plain (no Prefect)",
                docs,
                lambda: run_plain(fresh_inbox(batch, workdir / "inbox"), store("plain"), threads),
            )
            print(f"flow:   inside stages: {stage_line(plain)}")
        if "prefect" in runners:
            walls["prefect"], local = timed(
                "prefect, thread runner",
                docs,
                lambda: run_flow(
                    fresh_inbox(batch, workdir / "inbox"), store("local"), threads=threads, per_task=per_task
                ),
            )
            print(f"flow:   inside stages: {stage_line(local)}")
        if "plain" in walls and "prefect" in walls:
            plain_wall, local_wall = walls["plain"], walls["prefect"]
            share = max(0.0, 1 - plain_wall / local_wall)
            per_run = (local_wall - plain_wall) / task_runs * 1000
            print(
                f"flow:   Prefect overhead {share:.0%} of the run "
                f"({local_wall - plain_wall:.1f} s over plain; ≈{per_run:.0f} ms of wall time per task run)"
            )
        if "dask" in runners:
            shutil.rmtree(results_dir, ignore_errors=True)  # no cache hits from the previous run
            walls["dask"], dask = timed(
                "prefect, Dask 2 workers",
                docs,
                lambda: run_flow(
                    fresh_inbox(batch, workdir / "inbox"), store("dask"), workers=2, per_task=per_task
                ),
            )
            print(f"flow:   inside stages: {stage_line(dask)}")
            if "plain" in walls:
                ratio = walls["dask"] / walls["plain"]
                print(f"flow:   Dask run vs plain threads: {ratio:.2f}× the wall time")
    shutil.rmtree(workdir, ignore_errors=True)
