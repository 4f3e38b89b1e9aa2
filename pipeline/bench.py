"""`make bench`: throughput numbers, printed, never asserted.

    python -m pipeline.bench [--part ingest|extract|pdf|flow|scale|all] [--mb 5] [--runs 5] [--top 15]
                             [--pages 300]

ingest: .docx read per report (beside python-docx and unzip + lxml), then `ingest -j 1` and
`-j N` over a generated batch of --ingest-docs reports (pipeline/bench_ingest.py).
extract: the seed reports replicated to at least --mb megabytes of text, run through
`extract_figures` on one pinned core with underthesea's word segmentation on (the default path);
prints the median MB/s (CPU time, so other jobs on a shared machine do not count) and figures/s
of --runs runs, the same on the seeds and on the real corpus with the segmenter's memory emptied
before each report, the load average, and a cProfile top-N of where the time goes.
pdf: the cost of a PDF page on a compiled report of --pages pages (pipeline/bench_pdf.py).
flow: the end-to-end part, added by the flow owner.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from extractors import extract_figures
from pipeline.document import Document, canonical_text

REPO = Path(__file__).resolve().parent.parent


def seed_documents(samples: Path, megabytes: float) -> list[Document]:
    """The sample .txt reports, repeated until their text reaches `megabytes` MB (UTF-8)."""
    texts = [canonical_text(p.read_text(encoding="utf-8-sig")) for p in sorted(samples.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt samples in {samples}")
    docs: list[Document] = []
    size = 0
    while size < megabytes * 1_000_000:
        for i, text in enumerate(texts):
            name = f"seed{i}_{len(docs)}.txt"
            docs.append(Document(text=text, blocks=[], path=name, format="txt", sha256=""))
            size += len(text.encode("utf-8"))
    return docs


def one_core() -> str:
    """Pin this process to one CPU (Linux), so the figure is what one core does; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "one thread (CPU pinning unavailable here)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def machine_load() -> str:
    """The 1-minute load average beside the core count: other work on a shared machine slows CPU time too."""
    if not hasattr(os, "getloadavg"):
        return "load unknown"
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def run_once(docs: list[Document]) -> tuple[float, int]:
    """(CPU seconds, figures) for one pass of extract_figures over every document.

    CPU time (time.process_time), not wall time: on a machine shared with other jobs, waiting for
    the core is not the extractor's cost."""
    start = time.process_time()
    count = sum(len(extract_figures(d)) for d in docs)
    return time.process_time() - start, count


def bench_extract(samples: Path, megabytes: float, runs: int, top: int) -> None:
    """Print median extraction throughput (MB/s of UTF-8 text, CPU time on one core) and a profile."""
    from extractors.count.vi.segment import load as load_segmenter
    from extractors.count.vi.segment import nlp_enabled

    where = one_core()
    docs = seed_documents(samples, megabytes)
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1_000_000
    load_segmenter()
    extract_figures(docs[0])  # load the language data and the segmenter before timing
    results = [run_once(docs) for _ in range(runs)]
    seconds = statistics.median(r[0] for r in results)
    figures = results[0][1]
    segmenter = "on (underthesea, the default path)" if nlp_enabled() else "OFF (TONGHOP_NLP=0)"
    print(f"extract: {len(docs)} documents, {mb:.2f} MB of text, {figures} figures per pass; "
          f"word segmenter {segmenter}; {where}; {machine_load()}")
    print(f"extract: median of {runs} runs {seconds:.2f} s of CPU  →  {mb / seconds:.2f} MB/s on one core  "
          f"{figures / seconds:,.0f} figures/s  (runs: {', '.join(f'{r[0]:.2f}' for r in results)} s CPU)")
    bench_cold_segmenter(samples, runs)
    bench_distinct(REPO / "tests" / "realcorpus", runs)
    profile = cProfile.Profile()
    profile.enable()
    run_once(docs)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"extract: cProfile, top {top} by cumulative time (one pass; profiling slows it down)")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def _cold(paths: list[Path], runs: int) -> tuple[int, float, float, int, int]:
    """Each text extracted once per run with the word segmenter's memory emptied before it: reports,
    MB, median CPU seconds, figures and segmenter calls of a run."""
    from extractors.count.vi.segment import first_word_syllables

    docs = [
        Document(text=canonical_text(p.read_text(encoding="utf-8-sig")), blocks=[], path=p.name, format="txt",
                 sha256="")
        for p in paths
    ]
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1_000_000
    times = []
    figures = calls = 0
    for _ in range(runs):
        elapsed = 0.0
        figures = calls = 0
        for d in docs:
            first_word_syllables.cache_clear()
            start = time.process_time()
            figures += len(extract_figures(d))
            elapsed += time.process_time() - start
            calls += first_word_syllables.cache_info().misses
        times.append(elapsed)
    return len(docs), mb, statistics.median(times), figures, calls


def bench_cold_segmenter(samples: Path, runs: int) -> None:
    """The seeds once each with the word segmenter's memory emptied before every report, so no noun
    window is remembered from another copy: the rate for reports that share nothing."""
    reports, mb, seconds, _, calls = _cold(sorted(samples.glob("*.txt")), runs)
    print(f"extract: the seeds, segmenter memory emptied before each report: {mb * 1000:.0f} KB in "
          f"{seconds:.3f} s of CPU → {mb / seconds:.2f} MB/s ({calls} segmenter calls, {reports} reports)")


def bench_distinct(folder: Path, runs: int) -> None:
    """The real development corpus (90 distinct passages, about twice as many figures per KB as the
    seeds), segmenter memory emptied before each passage: the rate on text that repeats nothing."""
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        return
    passages, mb, seconds, figures, _ = _cold(paths, runs)
    print(f"extract: real corpus ({passages} passages, {figures} figures), segmenter memory emptied before "
          f"each: {mb * 1000:.0f} KB in {seconds:.3f} s of CPU  →  {mb / seconds:.2f} MB/s")


def bench_flow(samples: Path, docs: int = 1000, per_task: int = 0, runners: str = "") -> None:
    """End-to-end: a batch generated from the samples through the inbox flow (pipeline/bench_flow.py)."""
    from pipeline.bench_flow import RUNNERS
    from pipeline.bench_flow import bench_flow as run_flow_bench

    chosen = tuple(r for r in runners.split(",") if r) or RUNNERS
    run_flow_bench(docs, per_task=per_task, runners=chosen)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=("ingest", "extract", "pdf", "flow", "scale", "all"), default="all")
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--mb", type=float, default=5.0, help="megabytes of text for the extract part")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--top", type=int, default=15, help="profile lines to print")
    ap.add_argument("--pages", type=int, default=300, help="pages of the compiled PDF for the pdf part")
    ap.add_argument("--docs", type=int, default=1000, help="generated .docx reports for the flow part")
    ap.add_argument("--ingest-docs", type=int, default=300, help="generated .docx for the ingest part")
    ap.add_argument("--jobs", type=int, default=0, help="lanes for the ingest part (default: one per core)")
    ap.add_argument(
        "--per-task", type=int, default=0, help="documents per Prefect task run (default: the flow's own)"
    )
    ap.add_argument(
        "--runners", default="", help="flow part: which of plain,prefect,dask to run (default: all three)"
    )
    a = ap.parse_args(argv)
    if a.part in ("ingest", "all"):
        from pipeline.bench_ingest import bench_ingest

        bench_ingest(a.ingest_docs, a.jobs)
    if a.part in ("extract", "all"):
        bench_extract(a.samples, a.mb, a.runs, a.top)
    if a.part in ("pdf", "all"):
        from pipeline.bench_pdf import bench_pdf

        bench_pdf(a.samples, a.pages)
    if a.part in ("flow", "all"):
        bench_flow(a.samples, a.docs, a.per_task, a.runners)
    if a.part in ("scale", "all"):  # a district's 3,000 reports (the review page's size in issue 15);
        from pipeline.bench_scale import main as bench_scale  # `make bench-scale` goes to 10k and 100k

        bench_scale(["--sizes", "3000"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
