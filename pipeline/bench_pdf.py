"""`make bench`, PDF part: what a page of PDF costs to read, on a compiled report of 300+ pages.

The five seed PDFs (exported from Word, with tables, footnotes and running headers) are joined
again and again into one PDF of at least --pages pages, as a district compiles its communes'
reports. Printed: seconds and CPU seconds for `read_document` in this process and through the
sandbox (`read_in_child`), milliseconds per page, and, for comparison, what pdfplumber alone
spends per page extracting the text of the first 20 pages. Never asserted.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def compiled_pdf(samples: Path, pages: int, out: Path) -> int:
    """Write the seed PDFs joined until at least `pages` pages; returns the page count."""
    import pypdfium2 as pdfium

    seeds = sorted(samples.glob("[0-9][0-9][0-9]_*.pdf"))
    if not seeds:
        raise SystemExit(f"no seed PDFs in {samples}")
    joined = pdfium.PdfDocument.new()
    while len(joined) < pages:
        for seed in seeds:
            joined.import_pages(pdfium.PdfDocument(str(seed)))
    joined.save(str(out))
    return len(joined)


def bench_pdf(samples: Path, pages: int = 300) -> None:
    from pipeline.readers import read_document
    from pipeline.sandbox import read_in_child

    with tempfile.TemporaryDirectory(prefix="tonghop-bench-pdf-") as folder:
        path = Path(folder) / "bao-cao-tong-hop.pdf"
        count = compiled_pdf(samples, pages, path)
        size_mb = path.stat().st_size / 1e6
        read_document(next(samples.glob("004_*.pdf")))  # imports and caches warm before timing
        wall, cpu = time.perf_counter(), time.process_time()
        document = read_document(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"pdf: {count} pages ({size_mb:.1f} MB), {len(document.text):,} characters, "
              f"{len(document.blocks):,} blocks")
        print(f"pdf: read_document {wall:.2f} s ({cpu:.2f} s CPU)  →  {1000 * cpu / count:.1f} ms CPU a page")
        started = time.perf_counter()
        read_in_child(path)
        child = time.perf_counter() - started
        print(f"pdf: read_in_child (sandboxed) {child:.2f} s  →  {1000 * child / count:.1f} ms a page")
        import pdfplumber

        sample = min(20, count)
        cpu = time.process_time()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages[:sample]:
                page.extract_text()
                page.close()
        cpu = time.process_time() - cpu
        print(f"pdf: pdfplumber alone, first {sample} pages: {1000 * cpu / sample:.0f} ms CPU a page "
              f"(the reader before PDFium)")
