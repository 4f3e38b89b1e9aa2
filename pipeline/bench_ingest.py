"""`make bench`, reading and ingest part: what a .docx costs to read, and ingest on one lane vs N.

    python -m pipeline.bench --part ingest [--docs 300]

Printed, never asserted: the CPU milliseconds per report of `read_document` on the seed .docx and
on a generated batch, beside python-docx's own `Document()` and unzip + lxml over the same parts
(yardsticks measured in the same run, so a busy machine shows in all three); then `ingest_paths`
over the generated batch into a fresh SQLite store with -j 1 and -j N, in documents per second,
with the CPU a document costs in the parent and in its sandboxed children (the zygote's start
measured apart and left out), and the rate that CPU allows on this machine's cores when nothing
else runs. The machine's load average is printed with each, since the cores may be shared.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu_ms(work: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time of `runs` calls, in milliseconds (the least is the least disturbed)."""
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return 1000 * best


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} CPUs"


def _unzip_and_parse(raw: bytes) -> None:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


def bench_docx_read(label: str, paths: list[Path]) -> None:
    """Per-report CPU ms of tonghop's reader against the two yardsticks, median over the files."""
    import docx

    from pipeline.readers import read_document

    read_document(paths[0])  # imports and caches warm
    ours, python_docx, bare = [], [], []
    for path in paths:
        raw = path.read_bytes()
        ours.append(cpu_ms(lambda p=path: read_document(p)))
        python_docx.append(cpu_ms(lambda r=raw: docx.Document(io.BytesIO(r))))
        bare.append(cpu_ms(lambda r=raw: _unzip_and_parse(r)))
    print(
        f"docx: {label}, {len(paths)} files: read_document {statistics.median(ours):.1f} ms CPU a report "
        f"(median; max {max(ours):.1f})  ·  python-docx Document() {statistics.median(python_docx):.1f} ms"
        f"  ·  unzip + lxml {statistics.median(bare):.1f} ms   [{load_note()}]"
    )


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the zygote's readers count once it is reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def zygote_start_cpu() -> float:
    """What starting (and stopping) the reading helper costs, to leave it out of the per-document CPU."""
    from pipeline.sandbox import uses_zygote
    from pipeline.zygote import shutdown, zygote

    if not uses_zygote():
        return 0.0
    before = children_cpu()
    zygote()
    shutdown()
    return children_cpu() - before


def bench_ingest_lanes(batch: list[Path], jobs: int) -> None:
    """Documents per second of `ingest_paths` with one lane and with `jobs` lanes, fresh store each."""
    from pipeline.ingest import ingest_paths
    from pipeline.store import open_store
    from pipeline.zygote import shutdown

    start_cpu = zygote_start_cpu()
    with tempfile.TemporaryDirectory(prefix="tonghop-bench-ingest-") as folder:
        inbox = Path(folder) / "batch"
        inbox.mkdir()
        for path in batch:
            shutil.copy(path, inbox / path.name)
        for lanes in sorted({1, jobs}):
            store = open_store(f"sqlite:///{Path(folder) / f'j{lanes}.db'}")
            started, cpu, children = time.perf_counter(), time.process_time(), children_cpu()
            results = ingest_paths([inbox], store, jobs=lanes)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            shutdown()  # reaps the zygote, so its readers' CPU is counted
            children = children_cpu() - children - start_cpu
            store.close()
            loaded = sum(r.status == "loaded" for r in results)
            count = len(results)
            per_doc = (cpu + children) / count
            cores = os.cpu_count() or 1
            print(
                f"ingest: -j {lanes}: {count} .docx in {wall:.1f} s  →  {count / wall:.1f} documents/s "
                f"({loaded} loaded); CPU a document: parent {1000 * cpu / count:.0f} ms + children "
                f"{1000 * children / count:.0f} ms = {1000 * per_doc:.0f} ms, at most "
                f"{cores / per_doc:.1f} documents/s on {cores} idle cores [{load_note()}]"
            )


def bench_ingest(docs: int = 300, jobs: int = 0) -> None:
    """The reading and ingest figures of `make bench`."""
    from pipeline.bench_flow import generated_batch
    from pipeline.lanes import default_jobs

    seeds = sorted((REPO / "samples").glob("[0-9][0-9][0-9]_*.docx"))
    bench_docx_read("seed reports", seeds)
    batch = generated_batch(docs, REPO / "output" / "bench" / f"batch-{docs}")
    bench_docx_read("generated batch", batch[:40])
    bench_ingest_lanes(batch, jobs or default_jobs())
