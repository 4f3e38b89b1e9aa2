"""Growing a store to a province's size for `pipeline.bench_scale`, through the store's own load path.

Reading and extracting 100,000 files would measure the readers (another benchmark's job) and take
hours here, so the district batches and seed reports are read and extracted once, for real, and
their documents and figures are then loaded again and again as reports of other communes
(of the 63-province map, by `vietnam-provinces`/`vietnamadminunits`) and other periods: the same
figures, units and sentences a real batch has, with varied units, organisations and periods.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path

from pipeline.document import Document, Period
from pipeline.figure import Figure
from pipeline.periods import parse_period
from pipeline.reporting_unit import ReportingUnit
from pipeline.units import gazetteer

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_FILES = (
    *sorted((REPO / "samples").glob("00[0-4]_*.txt")),
    *sorted(p for p in (REPO / "samples" / "batches").glob("*/*") if p.suffix in (".txt", ".docx", ".pdf")),
)
PERIODS = tuple(f"{half} {year}" for year in range(2019, 2024) for half in ("6 tháng đầu năm", "năm"))
ORGS = ("MTTQ", "UBND")

Template = tuple[Document, list[Figure], list[tuple[str, float]]]


def templates(cache: Path | None, files: tuple[Path, ...] = TEMPLATE_FILES) -> list[Template]:
    """Each template file read, extracted and mapped by the real stages (cached between runs)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    from pipeline.stages import Extracted, claimed_file, extract_stage, normalise_stage, read_stage

    found: list[Template] = []
    for path in files:
        item = normalise_stage(extract_stage(read_stage(claimed_file(path))))
        if isinstance(item, Extracted) and item.figures and item.indicators is not None:
            found.append((item.document, item.figures, item.indicators))
    if cache is not None:
        cache.write_bytes(pickle.dumps(found))
    return found


def reporting_units(count: int) -> list[ReportingUnit]:
    """`count` reporting units: communes of the old map, each with its Front and People's Committee."""
    areas = gazetteer().units(era="old", level="xã")
    units: list[ReportingUnit] = []
    for area in areas:
        for org in ORGS:
            units.append(ReportingUnit.of(area, org))
            if len(units) == count:
                return units
    return units


def period(label: str) -> Period:
    """A regular results period as a document's metadata holds it."""
    value = parse_period(label)
    assert value is not None, label
    return Period(value.label, start=value.start.isoformat(), end=value.end.isoformat(), kind=value.kind,
                  regular=value.regular)


def report(number: int, source: list[Template], units: list[ReportingUnit]) -> Template:
    """Report `number`: a template's text and figures as the report of one unit for one period;
    unit and period pairs never repeat, so no report replaces another (a province's year has few)."""
    document, figures, indicators = source[number % len(source)]
    unit = units[(number // len(PERIODS)) % len(units)]
    when = period(PERIODS[number % len(PERIODS)])
    meta = dataclasses.replace(
        document.metadata, issuer=unit.name, unit_code=unit.code, unit_name=unit.name, level=unit.level,
        province=unit.province, era="old", periods=[when], date=when.end, overridden=[],
    )
    sha = hashlib.sha256(f"bench report {number}".encode()).hexdigest()
    clone = dataclasses.replace(document, sha256=sha, path=f"bc_{number:06d}_{document.path}", metadata=meta)
    return clone, figures, indicators
