"""`make eval`, OCR part: the seed reports rendered as scans, read back by OCR, figures compared.

    python -m pipeline.evaluate_ocr [--samples samples] [--dpi 300 200] [--pages N] [--jobs 2]

Each seed's PDF is rendered page by page at 300 and at 200 dpi, then made to look scanned: turned
by a slight angle (a different one per page, within ±1.2°), sprinkled with salt-and-pepper noise,
and stamped with a red seal over a paragraph of the first page. The images go into an image-only
PDF that the PDF reader must OCR. The figures extracted from it are compared with the figures
extracted from the seed's .txt: the share of the .txt's figure values found again (as a multiset
of values) is printed per seed and per resolution. Printed, never asserted; OCR needs Debian's
tesseract-ocr and tesseract-ocr-vie.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.95


def scanned(page_image: object, dpi: int, seed: int, stamp: bool) -> object:
    """A rendered page made to look like a scan: slight turn, noise, and (first page) a red seal."""
    from PIL import Image, ImageChops, ImageDraw

    rng = random.Random(seed)
    image = page_image.convert("RGB")  # type: ignore[attr-defined]
    turn = rng.uniform(-1.2, 1.2)
    image = image.rotate(turn, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
    width, height = image.size
    if stamp:  # ink on paper: the seal darkens what is under it (multiply), never hides black text
        seal = Image.new("RGB", image.size, "white")
        draw = ImageDraw.Draw(seal)
        size = int(dpi * 1.6)  # a 4 cm seal
        left, top = int(width * 0.45), int(height * 0.35)
        red = (210, 35, 40)
        draw.ellipse((left, top, left + size, top + size), outline=red, width=max(4, dpi // 20))
        draw.ellipse((left + size // 6, top + size // 6, left + size * 5 // 6, top + size * 5 // 6),
                     outline=red, width=max(2, dpi // 40))
        draw.text((left + size // 3, top + size // 2), "ỦY BAN MTTQ", fill=red)
        image = ImageChops.multiply(image, seal)
    pixels = image.load()
    for _ in range(width * height // 400):  # 0.25 % of the pixels flipped to black or white
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = (0, 0, 0) if rng.random() < 0.5 else (255, 255, 255)
    return image


def scan_pdf(pdf_path: Path, dpi: int, out: Path, pages: int | None) -> Path:
    """An image-only PDF of the seed's pages as scans at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    count = len(document) if pages is None else min(pages, len(document))
    images = [scanned(document[i].render(scale=dpi / 72).to_pil(), dpi, seed=i * 7 + dpi, stamp=i == 0)
              for i in range(count)]
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)  # type: ignore[attr-defined]
    return out


def figure_values(path: Path) -> Counter[str]:
    """The multiset of figure values the extractor finds in a file (through the readers)."""
    from extractors import extract_figures
    from pipeline.figure import decimal_text
    from pipeline.readers import read_document

    return Counter(decimal_text(f.value) for f in extract_figures(read_document(path)))


def one(seed_pdf: Path, dpi: int, pages: int | None) -> tuple[str, int, int, int, float]:
    """(seed, dpi, .txt values, of them found by OCR, seconds) for one seed at one resolution."""
    text = seed_pdf.with_suffix(".txt")
    with tempfile.TemporaryDirectory(prefix="tonghop-ocr-") as folder:
        scan = scan_pdf(seed_pdf, dpi, Path(folder) / f"{seed_pdf.stem}-{dpi}.pdf", pages)
        started = time.perf_counter()
        found = figure_values(scan)
        seconds = time.perf_counter() - started
    expected = figure_values(text) if pages is None else _first_pages_values(seed_pdf, text, pages)
    hit = sum((expected & found).values())
    return seed_pdf.name[:3], dpi, sum(expected.values()), hit, seconds


def _first_pages_values(seed_pdf: Path, text: Path, pages: int) -> Counter[str]:
    """With --pages, the .txt values that the text layer of those first pages holds."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(seed_pdf))
    with tempfile.TemporaryDirectory(prefix="tonghop-ocr-") as folder:
        alone = pdfium.PdfDocument.new()
        alone.import_pages(document, list(range(min(pages, len(document)))))
        part = Path(folder) / "part.pdf"
        alone.save(str(part))
        return figure_values(part) & figure_values(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--dpi", type=int, nargs="+", default=[300, 200])
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages of each seed")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    from pipeline.readers.ocr import ocr_available

    if not ocr_available():
        print("OCR: skipped, Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
        return 0
    seeds = sorted(p for p in args.samples.glob("[0-9][0-9][0-9]_*.pdf") if p.with_suffix(".txt").exists())
    jobs = [(seed, dpi) for dpi in args.dpi for seed in seeds]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, *zip(*jobs, strict=True), [args.pages] * len(jobs)))
    print("\n== OCR of the seed reports rendered as scans (slight turn, noise, red seal) ==")
    print(f"{'seed':6}{'dpi':>5}{'.txt values':>13}{'found':>8}{'share':>8}{'OCR s':>8}")
    for dpi in args.dpi:
        rows = [r for r in results if r[1] == dpi]
        for seed, _, expected, hit, seconds in rows:
            print(f"{seed:6}{dpi:>5}{expected:>13}{hit:>8}{hit / max(expected, 1):>8.1%}{seconds:>8.1f}")
        expected, hit = sum(r[2] for r in rows), sum(r[3] for r in rows)
        verdict = "meets" if hit >= TARGET * expected else "BELOW"
        share = hit / max(expected, 1)
        print(f"{'all':6}{dpi:>5}{expected:>13}{hit:>8}{share:>8.1%}   {verdict} the {TARGET:.0%} target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
