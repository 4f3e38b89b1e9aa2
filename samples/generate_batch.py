"""Build a batch of varied .docx reports from the seed reports, for the end-to-end benchmark.

Each generated report is one seed with a new issuing unit, province, period and document type,
a random share of its sections kept, its figures rescaled, and now and then a results table.
Deterministic for a given --random-seed; the output is not committed.

    python samples/generate_batch.py /tmp/batch --count 1000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from docx import Document as WordDocument

HERE = Path(__file__).resolve().parent
VOCAB_FILE = HERE / "batch_vocab.yaml"
HEADING = re.compile(r"^\s*(Phần thứ \S+|[IVX]+\.|\d+(\.\d+)*\.?)\s")
YEAR = re.compile(r"(?<![\d/.,])(20[12]\d)(?![\d])")


@dataclass(frozen=True, slots=True)
class Seed:
    name: str
    lines: list[str]


def load_seeds(folder: Path) -> list[Seed]:
    """The seed reports' lines, NFC, as the generator's raw material."""
    import unicodedata

    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
        seeds.append(Seed(path.stem, text.replace("\r\n", "\n").split("\n")))
    if not seeds:
        raise SystemExit(f"no seed .txt reports in {folder}")
    return seeds


def number_pattern(nouns: list[str]) -> re.Pattern[str]:
    """Numbers written the Vietnamese way and followed by a counted noun, scale or currency word."""
    words = "|".join(sorted((re.escape(n) for n in nouns), key=len, reverse=True))
    return re.compile(rf"(?<![\d/.,])(\d{{1,3}}(?:\.\d{{3}})+|\d+)(?=\s*(?:{words})\b)")


def vietnamese_integer(value: int) -> str:
    """1234567 → '1.234.567' (dots group thousands)."""
    return f"{value:,}".replace(",", ".")


def rescale(match: re.Match[str], rng: random.Random) -> str:
    text = match.group(1)
    value = int(text.replace(".", ""))
    if value == 0:
        return text
    new = max(1, int(Decimal(value) * Decimal(rng.uniform(0.4, 1.8))))
    if "." in text:
        return vietnamese_integer(new)
    return str(new).zfill(len(text)) if text.startswith("0") else str(new)


def sections(lines: list[str]) -> list[list[str]]:
    """Split a seed at its headings so whole sections can be kept or dropped."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if HEADING.match(line) and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    return parts


def heading_level(line: str) -> int:
    marker = line.strip().split()[0]
    if marker.startswith("Phần") or re.fullmatch(r"[IVX]+\.", marker):
        return 1
    return min(3, marker.rstrip(".").count(".") + 2)


def build_report(seed: Seed, index: int, vocab: dict, rng: random.Random) -> tuple[str, list[str], list]:
    """The file name, body lines and optional table rows of one generated report."""
    unit = rng.choice(vocab["units"])
    year = rng.randint(2019, 2025)
    period = rng.choice(vocab["period_templates"]).format(year=year)
    shift = year - 2020
    numbers = number_pattern(vocab["counted_nouns"])
    kept = [part for i, part in enumerate(sections(seed.lines)) if i == 0 or rng.random() < 0.6]
    body = []
    for line in (line for part in kept for line in part):
        line = numbers.sub(lambda m: rescale(m, rng), line)
        line = YEAR.sub(lambda m: str(int(m.group(1)) + shift), line)
        body.append(line)
    header = [
        "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
        unit.upper(),
        f"Số: {rng.randint(1, 120):02d}/BC-MTTQ",
        f"{unit.split(' ', 1)[1]}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year + 1}",
        f"{rng.choice(vocab['doc_types'])} {period}",
        f"Tỉnh {rng.choice(vocab['provinces'])}",
    ]
    table = []
    if rng.random() < 0.25:
        for indicator, measure in rng.sample(vocab["table_rows"], k=rng.randint(2, len(vocab["table_rows"]))):
            amount = rng.randint(10_000_000, 900_000_000) if measure == "đồng" else rng.randint(1, 900)
            table.append([indicator, measure, vietnamese_integer(amount)])
    slug = re.sub(r"\W+", "_", unit, flags=re.UNICODE).strip("_")
    name = f"{index:05d}_{seed.name[:3]}_{slug}_{year}.docx"
    return name, header + body, table


def write_docx(path: Path, lines: list[str], table: list) -> None:
    document = WordDocument()
    for line in lines:
        if not line.strip():
            continue
        if HEADING.match(line):
            document.add_heading(line.strip(), level=heading_level(line))
        else:
            document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=1, cols=3)
        for cell, text in zip(grid.rows[0].cells, ("Chỉ tiêu", "ĐVT", "Kết quả"), strict=True):
            cell.text = text
        for row in table:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text
    document.save(str(path))


def generate(out: Path, count: int = 1000, random_seed: int = 7, seeds_dir: Path = HERE) -> list[Path]:
    """Write `count` reports into `out` (reusing a complete earlier batch with the same settings)."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / ".batch"
    settings = f"{count} {random_seed} v1"
    existing = sorted(out.glob("*.docx"))
    if stamp.exists() and stamp.read_text() == settings and len(existing) == count:
        return existing
    for old in existing:
        old.unlink()
    vocab = yaml.safe_load(VOCAB_FILE.read_text(encoding="utf-8"))
    seeds = load_seeds(seeds_dir)
    rng = random.Random(random_seed)
    paths = []
    for index in range(count):
        name, lines, table = build_report(seeds[index % len(seeds)], index, vocab, rng)
        write_docx(out / name, lines, table)
        paths.append(out / name)
    stamp.write_text(settings)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the .docx reports into")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--random-seed", type=int, default=7)
    parser.add_argument("--seeds", type=Path, default=HERE, help="folder of seed .txt reports")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.count, args.random_seed, args.seeds)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} reports in {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
