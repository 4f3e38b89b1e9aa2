"""One generated commune report: the choices drawn for it (Plan) and the text they give (Report).

The random draws all happen in plan_report, so a corrected resubmission is the same Plan with a
later date and one figure changed, and renders to the same report but for those two things.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from district_units import Area
from generate_batch import vietnamese_integer

FORMS = ("abbreviated", "full", "mixed_case")  # issuer forms, given in turn (a cycle apart from the styles')


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything drawn for one document; rendering it needs no randomness."""

    area: Area
    org: str
    style: str
    file_stem: str
    issued: date
    number: int
    issuer_form: str
    issuer_template: str
    parent_template: str
    period_form: str
    summary_form: str
    motto: tuple[str, str]
    signer: str
    signer_title: str
    neighbours: tuple[str, str]
    paragraphs: tuple[str, ...]
    figures: dict[str, int] = field(hash=False)
    with_recipient: bool = True
    old_tone: bool = False
    nfd_part: str = "body"  # .txt only: which part is written with decomposed diacritics
    interleaved: bool = False  # .txt only: header columns interleaved line by line
    replaces: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """The text of a report, laid out as the two header columns, the body and the closing columns."""

    header_left: list[tuple[str, bool]]  # (line, bold)
    header_right: list[str]
    title: str
    summary: str
    recipient: str | None
    paragraphs: list[str]
    closing_left: list[str]
    closing_right: list[str]


def ascii_name(text: str) -> str:
    """'Tam Đàn' → 'Tam Dan' (file names are typed without diacritics)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def draw_figures(rng: random.Random) -> dict[str, int]:
    """Plausible half-year figures of one commune (invented)."""
    fund = rng.randrange(70, 520) * 500_000
    gifts = rng.randrange(120, 850)
    disputes = rng.randrange(4, 18)
    return {
        "fund": fund,  # Quỹ "Vì người nghèo" raised in the period, đồng
        "fund_rate": rng.randrange(72, 126),  # % of the fund target set by the district/province
        "fund_spent": fund * rng.randrange(35, 80) // 100 // 100_000 * 100_000,
        "houses_new": rng.randrange(1, 6),  # nhà Đại đoàn kết built
        "houses_repaired": rng.randrange(1, 5),  # nhà Đại đoàn kết repaired
        "houses_plan": rng.randrange(2, 7),  # houses planned for the next half-year (a target)
        "gifts": gifts,  # suất quà Tết given
        "gifts_value": gifts * rng.choice((300_000, 400_000, 500_000)),
        "poor": rng.randrange(25, 180),  # hộ nghèo remaining
        "near_poor": rng.randrange(30, 220),
        "escaped": rng.randrange(3, 25),
        "meetings": rng.randrange(2, 6),  # hội nghị tiếp xúc cử tri
        "voters": rng.randrange(150, 620),
        "opinions": rng.randrange(8, 45),
        "disputes": disputes,  # hòa giải cases received
        "settled": disputes - rng.randrange(0, 4),
        "hamlets": rng.randrange(5, 15),  # khu dân cư
        "prev_culture_rate": rng.randrange(85, 97),  # "prev_": a figure of the year before
        "prev_fund": rng.randrange(60, 480) * 500_000,
        "supervisions": rng.randrange(1, 5),
    }


def plan_report(
    area: Area,
    org: str,
    index: int,
    style: str,
    batch: dict,
    vocab: dict,
    rng: random.Random,
    others: list[Area],
) -> Plan:
    """Draw the layout, wording, date and figures of the report of `area` (index = place in the batch)."""
    orgs = vocab["orgs"][org]
    form = FORMS[index % len(FORMS)]
    first, last = (date.fromisoformat(day) for day in batch["dates"])
    issued = date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))
    number = rng.randrange(3, 60)
    person = vocab["people"]
    signer = f"{rng.choice(person['family'])} {rng.choice(person['middle'])} {rng.choice(person['given'])}"
    body = vocab["body"]
    optional = rng.sample(body["optional"], k=rng.randint(1, min(6, len(body["optional"]))))
    paragraphs = (
        rng.choice(body["opening"][org]),
        rng.choice(body["fund"]),
        *optional,
        rng.choice(body["directions"]),
        rng.choice(body["closing"]),
    )
    neighbours = tuple(other.name for other in rng.sample([o for o in others if o != area], k=2))
    values = {
        "year": batch["period"]["year"],
        "no": f"{number:02d}",
        "unit_ascii": ascii_name(area.short),
        "unit_compact": ascii_name(area.short).replace(" ", ""),
        "unit_ascii_lower": ascii_name(area.short).lower(),
    }
    period_forms = vocab["period_forms"]
    return Plan(
        area=area,
        org=org,
        style=style,
        file_stem=orgs["file_names"][index % len(orgs["file_names"])].format(**values),
        issued=issued,
        number=number,
        issuer_form=form,
        issuer_template=rng.choice(orgs["issuer"][form]),
        parent_template=rng.choice(orgs["parent_lines"]),
        period_form=period_forms[(index + index // len(period_forms)) % len(period_forms)],  # not the style
        summary_form=rng.choice(vocab["summary_forms"]),
        motto=tuple(rng.choice(vocab["motto"])),
        signer=signer,
        signer_title=rng.choice(orgs["signer_titles"]),
        neighbours=neighbours,  # type: ignore[arg-type]
        paragraphs=paragraphs,
        figures=draw_figures(rng),
        with_recipient=style.startswith("txt") or rng.random() < 0.6,
        old_tone=area.short in batch.get("old_tone_units", []) or rng.random() < vocab["old_tone_share"],
        nfd_part=rng.choice(("header", "body")),
        interleaved=rng.random() < 0.5,
    )


def resubmission(plan: Plan, original_name: str, days_later: int, suffix: str, rng: random.Random) -> Plan:
    """The corrected copy: same report, later date, one figure changed, a '_sua lai' file name."""
    figures = dict(plan.figures)
    figures["fund"] += rng.randrange(2, 30) * 500_000
    return replace(
        plan,
        style="docx-header-table",
        file_stem=f"{plan.file_stem}{suffix}",
        issued=date.fromordinal(plan.issued.toordinal() + days_later),
        figures=figures,
        replaces=original_name,
    )


def same_day_copy(plan: Plan, suffix: str, rng: random.Random) -> Plan:
    """Another copy sent the same day: same unit, period and date, the fund's figure different, so
    nothing tells which one holds (an officer must choose; it is neither summed nor replaced)."""
    figures = dict(plan.figures)
    figures["fund"] += rng.randrange(2, 30) * 500_000
    return replace(plan, file_stem=f"{plan.file_stem}{suffix}", figures=figures)


def used_figures(plan: Plan, other_periods: bool = False) -> dict[str, int]:
    """The figures the report's text states for its own period (or, other_periods, for an earlier one)."""
    named = {name for text in plan.paragraphs for name in re.findall(r"\{(\w+)\}", text)}
    return {
        name: value
        for name, value in plan.figures.items()
        if name in named and name.startswith("prev_") == other_periods
    }


def period_written(plan: Plan, year: int) -> str:
    """The period as the title writes it ('06 tháng đầu năm 2024', or no year at all)."""
    return plan.period_form.format(year=year)


def to_old_tone(text: str, pairs: dict[str, str]) -> str:
    """Move tone marks to the old place: 'hòa' → 'hoà', 'Ủy' → 'Uỷ' (only at a syllable's end)."""
    table = {
        **pairs,
        **{k.upper(): v.upper() for k, v in pairs.items()},
        **{k.capitalize(): v.capitalize() for k, v in pairs.items()},
    }
    pattern = re.compile("(" + "|".join(map(re.escape, table)) + r")(?!\w)")
    return pattern.sub(lambda m: table[m.group(1)], text)


def compose(plan: Plan, batch: dict, vocab: dict) -> Report:
    """The report's text from its plan."""
    area, orgs = plan.area, vocab["orgs"][plan.org]
    year = batch["period"]["year"]
    period = period_written(plan, year)
    next_period = vocab["next_period"].format(year=year)
    if "{year}" not in plan.period_form:
        next_period = next_period.removesuffix(f" {year}")
    abbr = f"{vocab['level_abbreviations'][area.level]} {area.short.upper()}"
    names = {"UNIT": area.name.upper(), "unit": area.name, "ABBR": abbr, "PARENT": area.parent.upper()}
    own = orgs["own_body"].format(unit=area.name)
    values = {
        **{k: vietnamese_integer(v) for k, v in plan.figures.items()},
        "own": own,
        "unit": area.name,
        "parent": area.parent,
        "level": area.level,
        "neighbour": plan.neighbours[0],
        "neighbour2": plan.neighbours[1],
        "year": year,
        "prev_year": year - 1,
        "period": period,
        "next_period": next_period,
        "next_period_cap": next_period[:1].upper() + next_period[1:],
    }
    parent_lines = [line for line in plan.parent_template.format(**names).split("|") if line]
    issuer_lines = plan.issuer_template.format(**names).split("|")
    number = f"Số: {plan.number:02d}/{orgs['numbers'][plan.number % len(orgs['numbers'])]}"
    day = plan.issued
    date_line = f"{area.short}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    if plan.number % 2:
        date_line = f"{area.short}, ngày {day.day} tháng {day.month} năm {day.year}"
    board, *title = [orgs["board"], *plan.signer_title.split("|")]
    report = Report(
        header_left=[
            *((line, False) for line in parent_lines),
            *((line, True) for line in issuer_lines),
            (number, False),
        ],
        header_right=[plan.motto[0], plan.motto[1], date_line],
        title="BÁO CÁO",
        summary=plan.summary_form.format(topic=orgs["topic"], period=period, next_period=next_period),
        recipient=f"Kính gửi: {orgs['recipient'].format(parent=area.parent, unit=area.name)}"
        if plan.with_recipient
        else None,
        paragraphs=[text.format(**values) for text in plan.paragraphs],
        closing_left=[
            "Nơi nhận:",
            *(f"- {line.format(parent=area.parent, unit=area.name)}" for line in orgs["copies"]),
        ],
        closing_right=[board, *title, "(Đã ký)", plan.signer],
    )
    return old_tone_report(report, vocab["old_tone"]) if plan.old_tone else report


def old_tone_report(report: Report, pairs: dict[str, str]) -> Report:
    """The same report written with the old tone placement throughout."""

    def old(text: str) -> str:
        return to_old_tone(text, pairs)

    return Report(
        header_left=[(old(text), bold) for text, bold in report.header_left],
        header_right=[old(text) for text in report.header_right],
        title=report.title,
        summary=old(report.summary),
        recipient=old(report.recipient) if report.recipient else None,
        paragraphs=[old(text) for text in report.paragraphs],
        closing_left=[old(text) for text in report.closing_left],
        closing_right=[old(text) for text in report.closing_right],
    )
