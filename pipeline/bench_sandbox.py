"""What reading one file in a sandboxed child costs: the zygote's fork against a fresh interpreter.

    python -m pipeline.bench_sandbox [--docs 200] [--threads 4]

Reads the first N generated .docx reports of the flow benchmark's batch through `read_in_child`,
one after another and then from a thread pool, once per kind of child. Prints wall time per
file, documents/s and the CPU the children spent (the zygote's start included). Numbers are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.bench_flow import REPO, generated_batch
from pipeline.sandbox import NO_ZYGOTE_ENV, read_in_child, uses_zygote
from pipeline.zygote import shutdown

BATCH_SIZE = 1000  # the flow benchmark's batch, reused when it is already built


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(label: str, paths: list[Path], threads: int) -> None:
    """One sequential pass and one threaded pass, with the child kind the environment selects."""
    for workers in (1, threads):
        cpu_before = children_cpu()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(read_in_child, paths))
        wall = time.perf_counter() - started
        shutdown()  # reaps the zygote, so its CPU and its readers' CPU are counted
        cpu = children_cpu() - cpu_before
        print(
            f"sandbox: {label:<18} {workers} thread(s)  {wall / len(paths) * 1000:6.1f} ms/file wall  "
            f"{len(paths) / wall:6.1f} documents/s  child CPU {cpu / len(paths) * 1000:6.1f} ms/file"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="how many generated .docx to read")
    parser.add_argument("--threads", type=int, default=4, help="threads for the concurrent pass")
    options = parser.parse_args(argv)
    batch = generated_batch(BATCH_SIZE, REPO / "output" / "bench" / f"batch-{BATCH_SIZE}")
    paths = batch[: options.docs]
    print(f"sandbox: {len(paths)} .docx, {os.cpu_count()} CPUs")
    if uses_zygote():
        measure("zygote (fork)", paths, options.threads)
    os.environ[NO_ZYGOTE_ENV] = "1"
    measure("fresh interpreter", paths, options.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
