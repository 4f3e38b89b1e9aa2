"""Province-scale benchmark (issue 16): grow a store to 1k / 10k / 100k reports and print, at each
size, what an officer waits for: adding one report, a scheduled run of 50 new reports with the
tables brought up to date, the export's time and peak memory, and each review page's time.

    python -m pipeline.bench_scale --sizes 1000,10000 [--store postgresql://…] [--workdir DIR]

Figures are printed, never asserted (the machine is shared). Reports come from `pipeline.bench_grow`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.bench_grow import PERIODS, report, reporting_units, templates

TARGETS = "targets at 100k: 50 reports < 30 s, export < 120 s and < 1 GB, pages < 1 s, one report flat ≤ 2×"
COPY_CHUNK = 500  # copied reports per transaction
LIST_PAGES = (
    "document list", "document list, page 100", "one document", "overview", "overview, page 20", "unit"
)
PEAK_OF_CHILD = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def grow(store: Any, source: list, units: list, start: int, stop: int) -> float:
    """Load reports start..stop-1 and bring the cells up to date; returns seconds."""
    from pipeline.cells.refresh import refresh

    began = time.perf_counter()
    for number in range(start, stop):
        document, figures, indicators = report(number, source, units)
        store.load(document, figures, indicators=indicators)
    refresh(store)
    return time.perf_counter() - began


def grow_by_copies(store: Any, source: list, units: list, start: int, stop: int) -> float:
    """Reports start..stop-1, the first cycle really loaded and the rest copied from it
    (`pipeline.bench_clone`), in chunks of one transaction each; returns seconds."""
    from pipeline.bench_clone import copy_reports, cycle, read_slot
    from pipeline.bench_grow import report

    began = time.perf_counter()
    every = cycle(source)
    if start < every:
        grow(store, source, units, start, min(stop, every))
        start = min(stop, every)
    with store._read() as conn:
        slots = {n: read_slot(conn, report(n, source, units)[0].sha256) for n in range(every)}
    for first in range(start, stop, COPY_CHUNK):
        with store._write() as conn:
            copy_reports(conn, slots, source, units, range(first, min(stop, first + COPY_CHUNK)))
    return time.perf_counter() - began


def one_report(store: Any, source: list, units: list, number: int, repeats: int = 5) -> float:
    """Median seconds to load one report and update the cells it touches."""
    times = [grow(store, source, units, n, n + 1) for n in range(number, number + repeats)]
    return statistics.median(times)


def scheduled_run(store: Any, source: list, units: list, number: int) -> float:
    """50 new reports loaded, then what the inbox run's summary does (refresh, conflicts, missing)."""
    from pipeline.cells.attention import attention

    began = time.perf_counter()
    loaded = []
    for n in range(number, number + 50):
        document, figures, indicators = report(n, source, units)
        loaded.append(store.load(document, figures, indicators=indicators).document_id)
    attention(store, loaded)  # as the inbox flow's summary: the run's own conflicts, the store's count
    return time.perf_counter() - began


def export(url: str, out: Path) -> tuple[float, float, tuple[int, int]]:
    """`tonghop export` in a child process: seconds, the peak resident memory of its largest process
    (MB), and the peak of all its processes' memory added up at one instant (bytes: resident, and
    proportional, where a page shared by n processes counts 1/n in each). The export runs several
    processes at once (`pipeline.export`), so the bound of 1 GB is on the sum; it is sampled every
    0.1 s, so a peak shorter than that can be missed."""
    import psutil

    tonghop = str(Path(sys.executable).with_name("tonghop"))
    command = [sys.executable, "-c", PEAK_OF_CHILD, tonghop, "export", "--out", str(out), "--store", url]
    together = (0, 0)
    began = time.perf_counter()
    with tempfile.TemporaryFile() as said, tempfile.TemporaryFile() as errors:
        wrapper = subprocess.Popen(command, stdout=said, stderr=errors)
        watched = psutil.Process(wrapper.pid)
        while wrapper.poll() is None:
            now = _memory_below(watched)
            together = (max(together[0], now[0]), max(together[1], now[1]))
            time.sleep(0.1)
        seconds = time.perf_counter() - began
        said.seek(0)
        errors.seek(0)
        if wrapper.returncode:
            raise subprocess.CalledProcessError(wrapper.returncode, command, stderr=errors.read().decode())
        largest = int(said.read().decode().strip().splitlines()[-1]) / 1024
    return seconds, largest, together


def _memory_below(process: Any) -> tuple[int, int]:
    """Resident and proportional bytes of every process under `process` (not counting the measuring
    wrapper itself)."""
    import psutil

    resident = proportional = 0
    try:
        below = process.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for child in below:
        try:
            memory = child.memory_full_info()
        except psutil.Error:  # it ended between the listing and the reading
            continue
        resident += memory.rss
        proportional += memory.pss
    return resident, proportional


def pages(url: str, names: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Seconds per review page, wall and CPU (this process's, the handler's thread included: what the
    page costs when the shared machine is busy), through the app itself (TestClient, no network)."""
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    from pipeline.review import create_app

    client = TestClient(create_app(url), base_url="http://127.0.0.1")  # the local-only host check
    first = client.get("/documents")
    assert first.status_code == 200, first.text[:300]
    last, code = _last_document(url)
    timings = {}
    for name, path in (
        ("document list", "/documents"),
        ("document list, page 100", "/documents?page=100"),
        ("one document", f"/documents/{last}"),
        ("overview", "/"),
        ("overview, page 20", "/?page=20"),
        ("unit", f"/unit?code={quote(code)}"),
        ("indicators", "/indicators"),
    ):
        if name not in names:
            continue
        began, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings[name] = (time.perf_counter() - began, time.process_time() - cpu)
        assert response.status_code == 200, (path, response.status_code)
    return timings


def _last_document(url: str) -> tuple[int, str]:
    """The newest current document's id and unit code."""
    from pipeline.store import open_store

    store = open_store(url)
    try:
        last = store.count_documents(("loaded",)) - 1
        row = store.document_page(("loaded",), offset=last, limit=1)[0]
        return int(row["id"]), row["unit_code"] or ""
    finally:
        store.close()


def bench(url: str, sizes: list[int], workdir: Path, skip_pages: tuple[str, ...] = ()) -> None:
    """Grow the store through each size and print the measurements there."""
    from pipeline.store import open_store

    source = templates(workdir / "templates.pickle")
    units = reporting_units(max(sizes) // len(PERIODS) + 100)
    store = open_store(url)
    engine = store.engine.dialect.name
    print(f"store: {engine}; {len(source)} template reports, {len(units)} units, {len(PERIODS)} periods;"
          f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(TARGETS)
    loaded = store.count_documents(("loaded", "superseded"))
    for size in sizes:
        if loaded < size:
            seconds = grow_by_copies(store, source, units, loaded, size)
            rate = (size - loaded) / seconds
            print(f"\n== {size:,} reports (grown {size - loaded:,} in {seconds:.0f} s, {rate:.0f} reports/s;"
                  f" load average {os.getloadavg()[0]:.1f})", flush=True)
            loaded = size
        else:
            print(f"\n== {size:,} reports")
        # the next reports in sequence: new units and periods, as a province's next run brings
        one = one_report(store, source, units, loaded)
        print(f"  adding one report (load + cells): {one * 1000:.0f} ms", flush=True)
        run = scheduled_run(store, source, units, loaded + 5)
        print(f"  scheduled run, 50 new reports + tables: {run:.1f} s", flush=True)
        loaded += 55
        for name, (seconds, cpu) in pages(url, LIST_PAGES).items():
            print(f"  page {name}: {seconds * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", flush=True)
        seconds, largest, together = export(url, workdir / f"export-{size}")
        resident, proportional = (amount / 2**20 for amount in together)
        print(f"  export (figures.csv, consolidated.csv, .xlsx): {seconds:.1f} s, peak memory of all its"
              f" processes together {resident:.0f} MB resident, {proportional:.0f} MB proportional"
              f" (the largest process {largest:.0f} MB)", flush=True)
        for name, (seconds, cpu) in pages(url, ("indicators",)).items():  # choices grouped, one chart read
            print(f"  page {name}: {seconds * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", flush=True)
    store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="store sizes in reports, comma separated")
    ap.add_argument("--store", default="", help="a store URL (default: a new SQLite file in --workdir)")
    ap.add_argument("--pg", default="", help="a PostgreSQL server URL: the store is a new schema there")
    ap.add_argument("--workdir", type=Path, default=None, help="where the store and exports go")
    a = ap.parse_args(argv)
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="tonghop-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    if a.pg:
        with pg_schema(a.pg) as url:
            bench(url, sizes, workdir)
    else:
        bench(a.store or f"sqlite:///{workdir / 'scale.db'}", sizes, workdir)
    return 0


@contextmanager
def pg_schema(admin: str) -> Iterator[str]:
    """A schema of its own on a PostgreSQL server, dropped afterwards (as tests/conftest.py does)."""
    import psycopg

    schema = f"tonghop_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{admin}{'&' if '?' in admin else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    raise SystemExit(main())
