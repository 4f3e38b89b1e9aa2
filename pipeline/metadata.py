"""What a report says about itself: who issued it (a reporting unit with its code), its type,
date and periods.

The header is read as the national format lays it out (header.py), the issuer resolved against
the gazetteer of both eras (issuer.py, pipeline/units), periods normalised to values (periods.py).
Cue words are data (data/*.yaml), compared by `matching_key` so old and new tone placement agree.
The officer can override any field (`apply_overrides`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.document import Document, DocumentMetadata, Period
from pipeline.header import Header, parse_header
from pipeline.issuer import Issuer, Span, from_body, from_header
from pipeline.matching import matching_key
from pipeline.periods import PeriodValue, find_periods
from pipeline.reporting_unit import ReportingUnit, organisation
from pipeline.units import REORGANISATION, AdminUnit, Era, gazetteer
from pipeline.units.names import split_kind

DATA = Path(__file__).parent / "data"
TITLE_BLOCKS = 6  # how many blocks before the first heading can hold the title


@cache
def _cues() -> dict[str, Any]:
    return yaml.safe_load((DATA / "metadata_cues.yaml").read_text(encoding="utf-8"))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(slots=True)
class _Text:
    """The document's text, its matching key (same offsets) and its top-of-document blocks."""

    text: str
    key: str
    title: list[tuple[int, int]]  # (start, end) of the blocks before the first heading
    parts: list[tuple[str, int, int]]  # ("Phần thứ nhất", title start, title end) of each part
    template: bool | None = None  # whether it reads as a template to fill in (asked twice: kept)

    def original(self, start: int, end: int) -> str:
        return self.text[start:end]


def _prepare(document: Document, header: Header) -> _Text:
    text = document.text
    body = [b for b in document.blocks if b.kind != "footnote"]
    title: list[tuple[int, int]] = []
    for block in body:
        if block.kind == "heading":
            break
        if block.start >= header.title_start:  # a masthead above the title holds no title
            title.append((block.start, block.end))
    parts = []
    for i, block in enumerate(body):
        is_part = block.kind == "heading" and block.level == 1
        if is_part and block.numbering.lower().startswith(_cues()["part_heading"]):
            end = block.end
            following = body[i + 1] if i + 1 < len(body) else None
            if following is not None and following.kind == "paragraph":
                end = following.end  # "Phần thứ nhất" / "KẾT QUẢ CÔNG TÁC MẶT TRẬN NĂM 2020"
            parts.append((block.section[0] if block.section else block.numbering, block.start, end))
    return _Text(text, matching_key(text), title[:TITLE_BLOCKS], parts)


def _is_template(t: _Text) -> bool:
    if t.template is None:
        cues = _cues()["template"]
        found = sum(1 for cue in cues["cues"] if re.search(cue, t.key, re.MULTILINE))
        t.template = found >= int(cues["min_cues"])
    return t.template


def _news_date(t: _Text) -> re.Match[str] | None:
    return re.search(_cues()["news_item"]["date_prefix"], t.key)


def _doc_type(t: _Text, has_headings: bool) -> str:
    cues = _cues()
    if _is_template(t):
        return cues["template"]["doc_type"]
    heads = _alternation([d["head"] for d in cues["doc_types"]])
    closing = re.search(cues["closing_formula"].replace("{heads}", heads), t.key)
    if closing:
        return " ".join(closing.group("type").split())
    for index, (start, end) in enumerate(t.title):
        line = t.key[start:end].strip()
        head = re.match(rf"(?:{heads})\b", line)
        if not head:
            continue
        if line == head.group(0) and index + 1 < len(t.title):
            following = t.key[t.title[index + 1][0] : t.title[index + 1][1]].strip()
            kind = re.match(rf"(?:{_alternation(cues['report_kinds'])})\b", following)
            return f"{line} {kind.group(0)}" if kind else line
        period = find_periods(line)
        stops = [m.start() for m in re.finditer(_cues()["issuer_ends_before"], line)]
        cut = min([*stops, period[0][0] if period else len(line)])
        return " ".join(line[:cut].split())
    if _news_date(t) or not has_headings:
        return cues["news_item"]["doc_type"]
    return ""


def document_kind(doc_type: str) -> str:
    """The head of a document type ("báo cáo" of "báo cáo sơ kết"): what a resubmission must share."""
    for kind in _cues()["doc_types"]:
        if doc_type.startswith(kind["head"]):
            return str(kind["head"])
    return doc_type


def _default_role(doc_type: str) -> str:
    cues = _cues()
    if doc_type == cues["news_item"]["doc_type"]:
        return cues["news_item"]["role"]
    for kind in cues["doc_types"]:
        if doc_type.startswith(kind["head"]):
            return kind["role"]
    return "results"


def _date(t: _Text, header: Header) -> tuple[str, int | None]:
    """The document's own date: the header's place-and-date line, a scraped "date 2021-02" prefix,
    or a place-and-date line among the title lines."""
    if header.date:
        return header.date, header.year
    found = _news_date(t)
    if found is None:
        for start, end in t.title:
            found = re.search(_cues()["date_line"], t.key[start:end])
            if found:
                break
    if found is None:
        return "", None
    year, month, day = found.group("year"), found.group("month"), found.group("day")
    iso = year
    if month:
        iso += f"-{month.zfill(2)}" + (f"-{day.zfill(2)}" if day else "")
    return iso, int(year)


def _implementation_period(text: str, role: str) -> Period | None:
    """ "Sơ kết 03 năm thực hiện Chỉ thị số 06-CT/TU, ngày 07-9-2021" -> 2021–2024, not a regular period."""
    match = re.search(_cues()["periods"]["implementation"], matching_key(text))
    if not match:
        return None
    years, first = int(match.group("years")), int(match.group("start"))
    kind = text[match.start("kind") : match.end("kind")]
    code = text[match.start("code") : match.end("code")]
    label = _cues()["periods"]["implementation_label"].format(
        first=first, last=first + years, years=match.group("years"), kind=kind, code=code
    )
    return Period(label, role, "", f"{first}-01-01", f"{first + years}-12-31", "implementation", False)


def _role(title: str, default: str) -> str:
    cues = _cues()
    best = (len(title) + 1, default)
    for role, words in (("results", cues["results_words"]), ("programme", cues["programme_words"])):
        for word in words:
            at = title.find(word)
            if 0 <= at < best[0]:
                best = (at, role)
    return best[1]


def _first(text: str, year: int | None, date: str, role: str) -> PeriodValue | None:
    """The first period a title names; a results period whose year was left out takes the year of
    the document's date, or the year before when it would otherwise start after that date."""
    found = find_periods(text, year)
    if not found:
        return None
    start, end, value = found[0]
    written_year = re.search(r"\d{4}", text[start:end])
    starts_after_date = bool(date) and value.start.isoformat()[: len(date)] > date
    if year and not written_year and role == "results" and starts_after_date:
        value = find_periods(text[start:end], year - 1)[0][2]
    return value


def _as_period(value: PeriodValue, role: str, section: str = "") -> Period:
    return Period(
        value.label, role, section, value.start.isoformat(), value.end.isoformat(), value.kind, value.regular
    )


def _programme_section(document: Document) -> tuple[str, str] | None:
    """(section, title) of the first top-level heading that sets out what is to be done
    ("II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024")."""
    words = _cues()["programme_words"]
    for block in document.blocks:
        if block.kind == "heading" and block.level == 1 and block.section:
            title = matching_key(document.text[block.start : block.end])
            title = re.sub(r"^\s*[\w.]+\s+", "", title) if block.numbering else title
            if any(title.startswith(w) or title.startswith(f"{w},") for w in words):
                return block.section[0], title
    return None


def _summary_periods(
    document: Document, summary: str, year: int | None, date: str, default_role: str
) -> list[Period]:
    """The trích yếu's periods: the first for the whole document; a second one that follows
    programme words governs the programme section, when the document has one."""
    implementation = _implementation_period(summary, default_role)
    if implementation:
        return [implementation]
    found = find_periods(summary, year)
    if not found:
        return []
    first = _first(summary, year, date, _role(matching_key(summary[: found[0][1]]), default_role))
    role = _role(matching_key(summary[: found[0][1]]), default_role)
    periods = [_as_period(first or found[0][2], role)]
    section = _programme_section(document)
    if section is not None:
        name, title = section
        own = find_periods(title, year)
        later = [f for f in found[1:] if _role(matching_key(summary[found[0][1] : f[0]]), "") == "programme"]
        value = own[0][2] if own else (later[0][2] if later else None)
        if value is not None and role == "results":
            periods.append(_as_period(value, "programme", name))
    return periods


def _periods(
    t: _Text, document: Document, header: Header, default_role: str, year: int | None, date: str
) -> list[Period]:
    """One period per "Phần" with a period in its title; else the summary line's; else the title's."""
    periods = []
    for section, start, end in t.parts:
        title = t.key[start:end]
        role = _role(title, default_role)
        found = _first(t.original(start, end), year, date, role)
        if found:
            periods.append(_as_period(found, role, section))
    if periods:
        return periods
    if header.summary:
        periods = _summary_periods(document, header.summary, year, date, default_role)
        if periods:
            return periods
    date_line = re.compile(_cues()["date_line"])
    for start, end in t.title:
        if date_line.search(t.key[start:end]) and not _news_date(t):
            continue
        implementation = _implementation_period(t.original(start, end), default_role)
        if implementation:
            return [implementation]
        line = t.original(start, end)
        prefix = re.match(_cues()["news_item"]["date_prefix"], matching_key(line))
        found = _first(line[prefix.end() if prefix else 0 :], year, date, default_role)
        if found:
            return [_as_period(found, default_role)]
    return []


def _era(date: str, periods: list[Period]) -> Era | None:
    """The map a document was written on: its date's, else the era its periods end in."""
    if len(date) >= 7 or (date and date[:4] != str(REORGANISATION.year)):
        return "new" if date[:7] >= REORGANISATION.isoformat()[:7] else "old"
    ends = {("new" if p.end >= REORGANISATION.isoformat() else "old") for p in periods if p.end}
    return ends.pop() if len(ends) == 1 else None


def _capitalised(written: str) -> bool:
    """A place as a sentence writes it ("huyện Cư Jút"), not a title in capitals."""
    _, name = split_kind(written)
    return all(w[:1].isupper() for w in name.split()) and not name.isupper()


def _places(text: str, spans: list[Span], era: Era | None) -> list[str]:
    """Provinces and districts the text names (official spelling where the name is unambiguous),
    in order of first mention."""
    names: list[str] = []
    for start, end, candidates in spans:
        found = [c for c in candidates if c.level in ("tỉnh", "huyện") and (era is None or c.era == era)]
        if not found or not _capitalised(text[start:end]):
            continue
        _, written = split_kind(text[start:end])
        name = found[0].name if len({c.name for c in found}) == 1 else " ".join(written.split())
        if name not in names:
            names.append(name)
    return names


def _province(text: str, spans: list[Span], era: Era | None, area: AdminUnit | None) -> str:
    """The issuer's province; else the province the text's places agree on most."""
    g = gazetteer()
    if area is not None:
        return g.province(area).name
    votes: Counter[str] = Counter()
    for start, end, candidates in spans:
        found = [c for c in candidates if c.level in ("tỉnh", "huyện") and (era is None or c.era == era)]
        provinces = {g.province(c).name for c in found}
        if len(provinces) == 1 and _capitalised(text[start:end]):
            votes[provinces.pop()] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _issuer_name(issuer: Issuer, news: bool) -> str:
    """ "Ủy ban MTTQ Việt Nam xã Nghĩa Kỳ": the organisation's name, the unit's kind and its name as
    the document wrote it (official spelling when the document wrote it in capitals)."""
    if not issuer.org:
        return ""
    org = organisation(issuer.org)
    name = org.short if news else org.name
    kind, written = split_kind(issuer.written) if issuer.written else (None, "")
    if issuer.area is not None:
        kind = issuer.area.kind
        if not written or written.isupper():
            written = issuer.area.name
    elif written.isupper():
        written = written.title()
    kind = kind or {"tỉnh": "tỉnh", "huyện": "huyện", "xã": "xã"}.get(issuer.level, "")
    return " ".join(f"{name} {kind} {written}".split())


def detect_metadata(document: Document) -> DocumentMetadata:
    """Metadata found in the document's text; empty fields where the text does not say."""
    header = parse_header(document)
    t = _prepare(document, header)
    has_headings = any(b.kind == "heading" for b in document.blocks)
    doc_type = _doc_type(t, has_headings)
    date, year = _date(t, header)
    default_role = _default_role(doc_type)
    periods = _periods(t, document, header, default_role, year, date)
    era = _era(date, periods)
    spans = gazetteer().find_in_text(t.text, t.key)  # the text is NFC (readers make it so): one key
    template = _is_template(t)
    issuer = None
    if not template:
        issuer = from_header(header, era, spans) or from_body(
            t.text, t.key, era, spans, _cues()["levels_of_words"], _cues()["self_references"]
        )
    issuer = issuer or Issuer()
    area = issuer.area
    unit = ReportingUnit.of(area, issuer.org) if area is not None and issuer.org else None
    news = doc_type == _cues()["news_item"]["doc_type"]
    places = _places(t.text, spans, era)
    if issuer.written and area is not None and area.level != "xã" and area.name not in places:
        places.insert(0, area.name)
    return DocumentMetadata(
        issuer=_issuer_name(issuer, news),
        level=issuer.level,
        province=_province(t.text, spans, era, area),
        unit_code=unit.code if unit else "",
        unit_name=unit.name if unit else "",
        era=era or "",
        number=header.number,
        place=header.place,
        summary=header.summary,
        recipients=header.recipients,
        why=[*header.why, *issuer.why],
        places=places,
        doc_type=doc_type,
        date=date,
        date_year=year,
        periods=periods,
    )


def apply_overrides(metadata: DocumentMetadata, overrides: dict[str, Any] | None) -> DocumentMetadata:
    """The user's values replace detected ones; the replaced field names are recorded."""
    if not overrides:
        return metadata
    known = {f.name for f in fields(DocumentMetadata)} - {"overridden"}
    for name, value in overrides.items():
        if name not in known:
            raise ValueError(f"unknown metadata field {name!r}; known: {', '.join(sorted(known))}")
        if name == "periods":
            value = [p if isinstance(p, Period) else Period(**p) for p in value]
        setattr(metadata, name, value)
        if name not in metadata.overridden:
            metadata.overridden.append(name)
    return metadata
