"""Write batches of commune reports as a district or province receives them, with an answer key.

Each batch (defined in samples/district_batch.yaml) is the half-year reports of real units (names
and codes from the package vietnamadminunits): the Ủy ban MTTQ Việt Nam of every commune of one
district before 1 July 2025, or of some wards/communes of one province after it. One unit never
reports, one sends a corrected copy ("…_sua lai.docx", later date, one figure changed), one sends two
different copies dated the same day (a conflict an officer must settle), one report comes from a unit
nobody asked (a commune's women's union or People's Committee). Layouts are mixed:
.docx with the header in a borderless two-column table or on tab stops, .txt (CRLF, part NFD) and
.pdf. answer_key.json says, for every file, who reported and for which period; expected_units.yaml
and .csv are the list an officer writes of who must report.

PDFs: the header-table .docx is printed with LibreOffice headless (`soffice --convert-to pdf`,
package libreoffice-writer-nogui); they are committed, so tests and `make run` need no converter.
Everything else is reproducible from the random seed: the tests regenerate with --no-pdf and
compare the .txt files, the .docx XML parts and the answer key with the committed batches.

    python samples/generate_district_batch.py samples/batches            # every batch, with PDFs
    python samples/generate_district_batch.py /tmp/b --batch huyen_phu_ninh_2024 --no-pdf
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the helper modules beside this script

from district_report import (  # noqa: E402
    Plan,
    compose,
    plan_report,
    resubmission,
    same_day_copy,
    used_figures,
)
from district_units import Area, new_province_units, old_district_units  # noqa: E402
from district_writers import print_pdfs, write_docx_table, write_docx_tabs, write_txt  # noqa: E402

VOCAB_FILE = HERE / "district_batch.yaml"
BATCHES = HERE / "batches"
KEY_FILE = "answer_key.json"
KEY_FIELDS = ("batch", "era", "parent", "period", "expected_units", "documents", "superseded", "missing")
SUFFIX = {
    "docx-header-table": ".docx",
    "docx-header-tabs": ".docx",
    "txt-header-lines": ".txt",
    "pdf-header-table": ".pdf",
}
WRITTEN = (".docx", ".txt", ".pdf", ".json", ".yaml", ".csv")


def load_vocab(path: Path = VOCAB_FILE) -> dict:
    """The batches and the office wording (commented YAML)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_answer_key(folder: Path | str) -> dict:
    """The answer key of a batch folder: who reported, for which period, what is missing or replaced."""
    path = Path(folder) / KEY_FILE
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: cannot read the answer key ({error})") from error
    absent = [name for name in KEY_FIELDS if name not in key]
    if absent:
        raise ValueError(f"{path}: the answer key lacks {', '.join(absent)}")
    return key


def batch_areas(batch: dict) -> list[Area]:
    """The units a batch expects reports from."""
    if batch["era"] == "old":
        return old_district_units(batch["province_code"], batch["district_code"])
    return new_province_units(batch["province_code"], batch["units"])


def _area(areas: list[Area], short: str) -> Area:
    for area in areas:
        if area.short == short:
            return area
    raise ValueError(f"{short!r} is not a unit of this batch ({', '.join(a.short for a in areas)})")


def file_name(plan: Plan) -> str:
    return plan.file_stem + SUFFIX[plan.style]


def plan_batch(batch: dict, vocab: dict) -> tuple[list[Area], list[Plan]]:
    """The expected units and the documents received: one per unit but the missing, a correction, an extra."""
    rng = random.Random(batch["random_seed"])
    areas = batch_areas(batch)
    styles = vocab["styles"]
    missing = {_area(areas, short).short for short in batch["missing"]}
    plans = [
        plan_report(area, "MTTQ", index, styles[index % len(styles)], batch, vocab, rng, areas)
        for index, area in enumerate(areas)
        if area.short not in missing
    ]
    again = batch["resubmission"]
    original = next(plan for plan in plans if plan.area == _area(areas, again["unit"]))
    plans.append(resubmission(original, file_name(original), again["days_later"], again["suffix"], rng))
    extra = batch["extra"]
    style = styles[len(areas) % len(styles)]
    plans.append(
        plan_report(_area(areas, extra["unit"]), extra["org"], len(areas), style, batch, vocab, rng, areas)
    )
    copy = batch.get("same_day_copy")
    if copy:  # last, so the documents drawn before keep their random draws
        first = next(plan for plan in plans if plan.area == _area(areas, copy["unit"]) and plan.org == "MTTQ")
        plans.append(same_day_copy(first, copy["suffix"], rng))
    names = [file_name(plan) for plan in plans]
    if len(set(names)) != len(names):
        raise ValueError(f"two documents of the batch share a file name: {sorted(names)}")
    return areas, plans


def unit_entry(area: Area, org: str, vocab: dict) -> dict:
    return {
        "unit_code": f"{area.code}/{org}",
        "area_code": area.code,
        "org": org,
        "name": f"{vocab['orgs'][org]['name']} {area.name}",
        "level": area.level,
    }


def _same_day_as(plan: Plan, plans: list[Plan]) -> list[str]:
    """The other copies of the same unit and date whose figures differ: a conflict to review."""
    return sorted(
        file_name(other) for other in plans
        if other is not plan and (other.area, other.org, other.issued) == (plan.area, plan.org, plan.issued)
        and other.figures != plan.figures
    )


def answer_key(name: str, batch: dict, vocab: dict, areas: list[Area], plans: list[Plan]) -> dict:
    """The machine answer key (stable snake_case JSON)."""
    period = {k: batch["period"][k] for k in ("label", "start", "end")}
    documents = {}
    for plan in sorted(plans, key=file_name):
        entry = {
            **unit_entry(plan.area, plan.org, vocab),
            "doc_type": "báo cáo",
            "date": plan.issued.isoformat(),
            "period": period,
            "replaces": plan.replaces,
            "same_day_as": _same_day_as(plan, plans),
            "style": plan.style,
            "issuer_form": plan.issuer_form,
            "period_written": plan.period_form.format(year=batch["period"]["year"]),
            "old_tone": plan.old_tone,
            "figures": used_figures(plan),
            "figures_other_periods": used_figures(plan, other_periods=True),
        }
        if plan.replaces:
            before = next(p for p in plans if file_name(p) == plan.replaces)
            entry["changed_figures"] = {
                name: {"before": before.figures[name], "after": value}
                for name, value in plan.figures.items()
                if before.figures[name] != value
            }
        documents[file_name(plan)] = entry
    reported = {plan.area for plan in plans if plan.org == "MTTQ"}
    return {
        "batch": name,
        "era": batch["era"],
        "parent": {"code": areas[0].parent_code, "name": areas[0].parent},
        "period": period,
        "expected_units": [{**unit_entry(area, "MTTQ", vocab), "place": area.place} for area in areas],
        "documents": documents,
        "superseded": sorted(plan.replaces for plan in plans if plan.replaces),
        "missing": [f"{area.code}/MTTQ" for area in areas if area not in reported],
    }


def write_expected_units(folder: Path, areas: list[Area], batch: dict, vocab: dict) -> None:
    """The officer's list of who must report, as YAML (commented) and as CSV (UTF-8 with BOM)."""
    forms = vocab["officer_names"]
    rows = [(forms[i % len(forms)].format(unit=area.name), area.place) for i, area in enumerate(areas)]
    head = areas[0].parent if batch["era"] == "old" else areas[0].province
    lines = [
        f"# Đơn vị phải gửi báo cáo {batch['period']['label']}",
        f"# về Ban Thường trực Ủy ban MTTQ Việt Nam {head}.",
        "# (Units that must send their report, typed by the receiving office; names as officers type them)",
    ]
    for (name, place), area in zip(rows, areas, strict=True):
        lines += [f"- name: {name}   # {area.level}", f"  place: {place}"]
    (folder / "expected_units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "expected_units.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["name", "place"])
        writer.writerows(rows)


def write_batch(folder: Path, name: str, batch: dict, vocab: dict, pdf: bool = True) -> dict:
    """Write one batch's documents, answer key and expected-unit lists into `folder`; return the key."""
    folder.mkdir(parents=True, exist_ok=True)
    areas, plans = plan_batch(batch, vocab)
    key = answer_key(name, batch, vocab, areas, plans)
    for old in folder.iterdir():
        if old.suffix in WRITTEN and old.name not in key["documents"] and (pdf or old.suffix != ".pdf"):
            old.unlink()
    to_print = []
    with tempfile.TemporaryDirectory(prefix="district-batch-") as scratch:
        for plan in plans:
            report = compose(plan, batch, vocab)
            path = folder / file_name(plan)
            if plan.style == "docx-header-table":
                write_docx_table(path, report, plan.issued)
            elif plan.style == "docx-header-tabs":
                write_docx_tabs(path, report, plan.issued)
            elif plan.style == "txt-header-lines":
                write_txt(path, report, plan.interleaved, plan.nfd_part)
            elif pdf:
                source = Path(scratch) / f"{plan.file_stem}.docx"
                write_docx_table(source, report, plan.issued)
                to_print.append(source)
        if to_print:
            print_pdfs(to_print, folder)
    (folder / KEY_FILE).write_text(json.dumps(key, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_expected_units(folder, areas, batch, vocab)
    return key


def generate(out: Path, names: list[str] | None = None, pdf: bool = True) -> dict[str, dict]:
    """Write the named batches (all by default) under `out`/<batch name>/; return their answer keys."""
    vocab = load_vocab()
    chosen = names or list(vocab["batches"])
    unknown = [name for name in chosen if name not in vocab["batches"]]
    if unknown:
        raise SystemExit(f"unknown batch {', '.join(unknown)}; known: {', '.join(vocab['batches'])}")
    return {name: write_batch(out / name, name, vocab["batches"][name], vocab, pdf) for name in chosen}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out", type=Path, nargs="?", default=BATCHES, help="folder to write the batch folders into"
    )
    parser.add_argument("--batch", action="append", help="a batch name from district_batch.yaml (repeatable)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no LibreOffice needed)")
    args = parser.parse_args(argv)
    for name, key in generate(args.out, args.batch, pdf=not args.no_pdf).items():
        folder = args.out / name
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"{name}: {len(key['documents'])} documents, {len(key['expected_units'])} expected units, "
            f"{len(key['missing'])} missing, {size / 1e3:.0f} kB in {folder}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
