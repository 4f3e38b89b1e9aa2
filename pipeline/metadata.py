"""What a report says about itself: issuer and level, province and places, type, date, periods.

Everything is read from the canonical text with the cue words of data/metadata_cues.yaml and
the provinces and districts of data/gazetteer.yaml, compared by `matching_key` so old and new
tone placement agree. The officer can override any field (`apply_overrides`).
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
from pipeline.matching import matching_key

DATA = Path(__file__).parent / "data"
TITLE_BLOCKS = 6  # how many blocks before the first heading can hold the title


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    short: str
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    provinces: dict[str, str]  # matching key of a name or alias -> official province name
    districts: dict[str, tuple[str, ...]]  # matching key of a district -> provinces that have one
    names: re.Pattern[str]  # every province, alias and district, longest first


@cache
def _cues() -> dict[str, Any]:
    return yaml.safe_load((DATA / "metadata_cues.yaml").read_text(encoding="utf-8"))


@cache
def _organisations() -> tuple[Organisation, ...]:
    return tuple(
        Organisation(o["name"], o["short"], tuple(o["patterns"])) for o in _cues()["organisations"]
    )


@cache
def _gazetteer() -> Gazetteer:
    data = yaml.safe_load((DATA / "gazetteer.yaml").read_text(encoding="utf-8"))
    provinces: dict[str, str] = {}
    districts: dict[str, list[str]] = {}
    for province in data["provinces"]:
        for alias in [province["name"], *province.get("aliases", [])]:
            provinces[matching_key(alias)] = province["name"]
        for district in province.get("districts", []):
            districts.setdefault(matching_key(district), []).append(province["name"])
    keys = sorted(set(provinces) | set(districts), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")
    return Gazetteer(provinces, {k: tuple(v) for k, v in districts.items()}, pattern)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _capitalised(original: str) -> bool:
    """A place name as written in a sentence: every word capitalised, not an all-caps title
    ("THỐNG NHẤT HÀNH ĐỘNG" is not the district of Thống Nhất)."""
    return all(word[:1].isupper() for word in original.split()) and not original.isupper()


@dataclass(slots=True)
class _Text:
    """The document's text, its matching key (same offsets) and its top-of-document blocks."""

    text: str
    key: str
    title: list[tuple[int, int]]  # (start, end) of the blocks before the first heading
    parts: list[tuple[str, int, int]]  # ("Phần thứ nhất", title start, title end) of each part

    def original(self, start: int, end: int) -> str:
        return self.text[start:end]


def _prepare(document: Document) -> _Text:
    text = document.text
    body = [b for b in document.blocks if b.kind != "footnote"]
    title: list[tuple[int, int]] = []
    for block in body:
        if block.kind == "heading":
            break
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
    cues = _cues()["template"]
    found = sum(1 for cue in cues["cues"] if re.search(cue, t.key, re.MULTILINE))
    return found >= int(cues["min_cues"])


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
        period = _first_period(line)
        stops = [m.start() for m in re.finditer(_cues()["issuer_ends_before"], line)]
        cut = min([*stops, period[0] if period else len(line)])
        return " ".join(line[:cut].split())
    if _news_date(t) or not has_headings:
        return cues["news_item"]["doc_type"]
    return ""


def _default_role(doc_type: str) -> str:
    cues = _cues()
    if doc_type == cues["news_item"]["doc_type"]:
        return cues["news_item"]["role"]
    for kind in cues["doc_types"]:
        if doc_type.startswith(kind["head"]):
            return kind["role"]
    return "results"


def _date(t: _Text) -> tuple[str, int | None]:
    """The document's own date: the scraped "date 2021-02" prefix or the place-and-date line."""
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


def _mentions(t: _Text) -> list[tuple[int, str, str, int]]:
    """(organisation index, level, place, offset) for each "<body> <level> [<Place>]" in the text."""
    cues = _cues()
    organisations = _organisations()
    level_of = {word: level for level, words in cues["levels"].items() for word in words}
    org_of = {p: i for i, o in enumerate(organisations) for p in o.patterns}
    pattern = re.compile(
        rf"(?<!\w)(?P<org>{_alternation(list(org_of))})\s+(?P<level>{_alternation(list(level_of))})(?!\w)"
    )
    gazetteer = _gazetteer()
    found = []
    for match in pattern.finditer(t.key):
        place = ""
        spaced = t.key[match.end() : match.end() + 1] == " "
        after = gazetteer.names.match(t.key, match.end() + 1) if spaced else None
        if after and _capitalised(t.original(after.start(), after.end())):
            place = t.original(after.start(), after.end())
        found.append((org_of[match.group("org")], level_of[match.group("level")], place, match.start()))
    return found


def _issuer(t: _Text) -> tuple[int | None, str, str]:
    """The issuing body (index), its level and its place, self-references weighing most."""
    mentions = _mentions(t)
    if not mentions:
        return None, "", ""
    weight: Counter[tuple[int, str]] = Counter((org, level) for org, level, _, _ in mentions)
    orgs = _alternation([p for o in _organisations() for p in o.patterns])
    for template in _cues()["self_references"]:
        for match in re.finditer(template.replace("{org}", orgs), t.key):
            at = match.start("org")
            for org, level, _, offset in mentions:
                if offset == at:
                    weight[(org, level)] += 10
    (org, level), _ = weight.most_common(1)[0]
    places = Counter(place for o, lv, place, _ in mentions if (o, lv) == (org, level) and place)
    if not places:
        words = _cues()["levels"][level]
        gazetteer = _gazetteer()
        for match in re.finditer(rf"(?<!\w)(?:{_alternation(words)}) ", t.key):
            name = gazetteer.names.match(t.key, match.end())
            if name and _capitalised(t.original(name.start(), name.end())):
                places[t.original(name.start(), name.end())] += 1
    place = places.most_common(1)[0][0] if places else ""
    return org, level, place


def _places(t: _Text) -> list[str]:
    """Provinces and districts the text names, official spelling, in order of first mention."""
    gazetteer = _gazetteer()
    names: list[str] = []
    for match in gazetteer.names.finditer(t.key):
        if not _capitalised(t.original(match.start(), match.end())):
            continue
        key = match.group(0)
        name = gazetteer.provinces.get(key) or t.original(match.start(), match.end())
        if name not in names:
            names.append(name)
    return names


def _province(t: _Text, level: str, place: str) -> str:
    gazetteer = _gazetteer()
    if place:
        key = matching_key(place)
        if level == "tỉnh" and key in gazetteer.provinces:
            return gazetteer.provinces[key]
        owners = gazetteer.districts.get(key, ())
        if len(owners) == 1:
            return owners[0]
    votes: Counter[str] = Counter()
    for match in gazetteer.names.finditer(t.key):
        if not _capitalised(t.original(match.start(), match.end())):
            continue
        key = match.group(0)
        if key in gazetteer.provinces:
            votes[gazetteer.provinces[key]] += 1
        elif len(gazetteer.districts.get(key, ())) == 1:
            votes[gazetteer.districts[key][0]] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _first_period(key_text: str) -> tuple[int, str] | None:
    """The earliest period phrase in a piece of key text: (offset, phrase)."""
    best: tuple[int, str] | None = None
    for pattern in _cues()["periods"]["phrases"]:
        match = re.search(pattern, key_text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.group(0))
    return best


def _implementation_period(t: _Text, start: int, end: int) -> str:
    match = re.search(_cues()["periods"]["implementation"], t.key[start:end])
    if not match:
        return ""
    years, first = int(match.group("years")), int(match.group("start"))
    kind = t.original(start + match.start("kind"), start + match.end("kind"))
    code = t.original(start + match.start("code"), start + match.end("code"))
    label = _cues()["periods"]["implementation_label"]
    return label.format(first=first, last=first + years, years=match.group("years"), kind=kind, code=code)


def _role(title: str, default: str) -> str:
    cues = _cues()
    best = (len(title) + 1, default)
    for role, words in (("results", cues["results_words"]), ("programme", cues["programme_words"])):
        for word in words:
            at = title.find(word)
            if 0 <= at < best[0]:
                best = (at, role)
    return best[1]


def _periods(t: _Text, default_role: str) -> list[Period]:
    """One period per "Phần" with a period in its title; else one for the whole document."""
    periods = []
    for section, start, end in t.parts:
        title = t.key[start:end]
        found = _first_period(title)
        if found:
            periods.append(Period(found[1], _role(title, default_role), section))
    if periods:
        return periods
    date_line = re.compile(_cues()["date_line"])
    for start, end in t.title:
        if date_line.search(t.key[start:end]) and not _news_date(t):
            continue
        implementation = _implementation_period(t, start, end)
        if implementation:
            return [Period(implementation, default_role, "")]
        line = re.sub(_cues()["news_item"]["date_prefix"], "", t.key[start:end])
        found = _first_period(line)
        if found:
            return [Period(found[1], default_role, "")]
    return []


def detect_metadata(document: Document) -> DocumentMetadata:
    """Metadata found in the document's text; empty fields where the text does not say."""
    t = _prepare(document)
    has_headings = any(b.kind == "heading" for b in document.blocks)
    doc_type = _doc_type(t, has_headings)
    date, year = _date(t)
    org, level, place = _issuer(t)
    province = _province(t, level, place)
    issuer = ""
    if _is_template(t):
        level = ""
    elif org is not None:
        organisation = _organisations()[org]
        name = organisation.short if doc_type == _cues()["news_item"]["doc_type"] else organisation.name
        issuer = " ".join(f"{name} {level} {place}".split())
    places = _places(t)
    if place and place not in places:
        places.insert(0, place)
    return DocumentMetadata(
        issuer=issuer, level=level, province=province, places=places, doc_type=doc_type,
        date=date, date_year=year, periods=_periods(t, _default_role(doc_type)),
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
