"""Who issued a document: an organisation of an administrative unit, found in its header, else in
the phrases by which its body names itself, and resolved against the gazetteer of both eras.

The header decides when it names a unit: the lowest-level unit of the document's era named in the
issuing body's column (the last such) issues the document, the units above it are its parents
("ỦY BAN MTTQ VIỆT NAM HUYỆN TƯ NGHĨA / BAN THƯỜNG TRỰC UBMTTQVN XÃ NGHĨA KỲ" is the MTTQ of xã
Nghĩa Kỳ, in huyện Tư Nghĩa). Recipients ("Kính gửi")
and signatures are never issuers. A name that fits several units is narrowed by the parents, the
date line's place and the places the text names; if it still fits several, the unit stays unknown
rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from pipeline.alternation import trie_regex
from pipeline.header import Header
from pipeline.matching import matching_key
from pipeline.reporting_unit import organisations
from pipeline.units import LEVELS, AdminUnit, Era, gazetteer, name_key
from pipeline.units.names import split_kind

Span = tuple[int, int, list[AdminUnit]]


@dataclass(slots=True)
class Issuer:
    org: str = ""  # organisation code: "MTTQ", "UBND" …; "" when none was named
    area: AdminUnit | None = None  # resolved unit; None when unknown or ambiguous
    level: str = ""
    written: str = ""  # the place as the document wrote it: "NGHĨA KỲ", "Cư Jút"
    parents: list[AdminUnit] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


@cache
def _org_spellings(in_header: bool) -> dict[str, str]:
    """Every organisation spelling and its code (the first organisation listing it); in running
    text (in_header=False) not the header-only ones."""
    spellings: dict[str, str] = {}
    for o in organisations():
        if in_header or not o.header_only:
            for p in o.patterns:
                spellings.setdefault(p, o.code)
    return spellings


@cache
def _org_pattern(in_header: bool) -> re.Pattern[str]:
    """Every organisation spelling as one trie-shaped pattern (group "org"), the longest first."""
    return re.compile(rf"(?<!\w)(?P<org>{trie_regex(_org_spellings(in_header))})(?!\w)")


def _org_code(match: re.Match[str], in_header: bool = True) -> str:
    return _org_spellings(in_header)[match.group("org")]


def _in_era(candidates: list[AdminUnit], era: Era | None) -> list[AdminUnit]:
    return [c for c in candidates if era is None or c.era == era]


def _under(candidates: list[AdminUnit], parents: list[AdminUnit]) -> list[AdminUnit]:
    codes = {p.code for p in parents}
    g = gazetteer()
    return [c for c in candidates if codes & {a.code for a in g.ancestors(c)}]


def _context_votes(candidates: list[AdminUnit], spans: list[Span]) -> Counter[str]:
    """How often the text names each candidate's parents: "huyện Tư Nghĩa" makes its Nghĩa Kỳ likelier."""
    g = gazetteer()
    named = Counter(u.code for _, _, found in spans for u in found)
    return Counter({c.code: sum(named[a.code] for a in g.ancestors(c)) for c in candidates})


def narrow(
    candidates: list[AdminUnit],
    *,
    era: Era | None,
    parents: list[AdminUnit] = (),  # type: ignore[assignment]
    place: str = "",
    spans: list[Span] = (),  # type: ignore[assignment]
) -> tuple[AdminUnit | None, list[str]]:
    """The one candidate left after each test that still leaves some, with the reasons; None if several."""
    why: list[str] = []
    found = _in_era(candidates, era)
    if parents and len(found) > 1:
        under = _under(found, parents)
        if under:
            found = under
            why.append("thuộc " + ", ".join(p.full_name for p in parents))
    if place and len(found) > 1:
        same = [c for c in found if name_key(c.name) == name_key(place)]
        if same:
            found = same
            why.append(f"trùng địa danh dòng ngày «{place}»")
    if spans and len(found) > 1:
        votes = _context_votes(found, spans)
        ranked = votes.most_common(2)
        if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            found = [c for c in found if c.code == ranked[0][0]]
            why.append("theo địa danh cấp trên được nhắc trong văn bản")
    if len(found) == 1:
        return found[0], why
    if found:
        why.append(f"tên khớp {len(found)} đơn vị: chưa xác định được")
    return None, why


def _resolve_parents(spans: list[Span], era: Era | None) -> list[AdminUnit]:
    """Units named above the issuer, outermost first, each narrowed by those above it."""
    parents: list[AdminUnit] = []
    for _, _, candidates in spans:
        unit, _ = narrow(candidates, era=era, parents=list(reversed(parents)))
        if unit is not None:
            parents.append(unit)
    return list(reversed(parents))  # nearest first


def _capitals_only(text: str) -> str:
    """The all-capitals words of a masthead: its issuing-body column when a two-column PDF line has
    put the mixed-case date line in the middle of it ("BTT UBMTTQ VN XÃ TAM Tam Đàn, ngày … / ĐÀN")."""
    return " ".join(w for w in text.split() if not any(c.islower() for c in w))


def _issuer_span(masthead: str, era: Era | None) -> tuple[str, list[Span], int] | None:
    """(text, spans, index of the issuer's span): the lowest-level unit of the document's era that the
    masthead names, the last of them; read from the whole masthead and from its capitals alone, the
    longer name wins ("XÃ TƯ NGHĨA" over "XÃ TƯ" cut by a date line)."""
    g = gazetteer()
    best: tuple[tuple[bool, int, int], str, list[Span], int] | None = None
    for text in (masthead, _capitals_only(masthead)):
        spans = g.find_in_text(text)
        for index, (start, end, candidates) in enumerate(spans):
            in_era = era is None or any(c.era == era for c in candidates)
            depth = max((LEVELS.index(c.level) for c in candidates), default=-1)
            rank = (in_era, depth, end - start)
            if best is None or rank >= best[0]:
                best = (rank, text, spans, index)
    return None if best is None else best[1:]


def from_header(header: Header, era: Era | None, text_spans: list[Span]) -> Issuer | None:
    """The issuer named in the masthead, or None when the masthead names no unit."""
    if not header.masthead.strip():
        return None
    # a name may wrap onto the next line of its column
    found = _issuer_span(" ".join(header.masthead.split()), era)
    if found is None:
        return None
    masthead, spans, index = found
    start, end, candidates = spans[index]
    key = matching_key(masthead)
    orgs = list(_org_pattern(True).finditer(key))
    before = [m for m in orgs if m.end() <= start]
    after = [m for m in orgs if m.start() >= end]
    org = _org_code(before[-1]) if before else (_org_code(after[0]) if after else "")
    parents = _resolve_parents(spans[:index], era)
    area, why = narrow(candidates, era=era, parents=parents, place=header.place, spans=text_spans)
    written = masthead[start:end]
    issuer = Issuer(org, area, area.level if area else (candidates[0].level if candidates else ""), written)
    issuer.parents = parents
    issuer.why = [f"đầu văn bản: «{written}»" + (f", cơ quan {org}" if org else ""), *why]
    return issuer


def _body_mentions(
    key: str, spans: list[Span], levels: dict[str, str]
) -> list[tuple[str, str, int, Span | None]]:
    """ "<organisation> <level word> [<Name>]" in running text: (org, level, offset, place span or None).
    "Ủy ban MTTQ Việt Nam huyện Cư Jút" names its place; "Ủy ban MTTQVN huyện" only its level."""
    by_start = {s[0]: s for s in spans}
    words = trie_regex(levels)
    pattern = re.compile(rf"{_org_pattern(False).pattern}\s+(?P<level_word>{words})(?!\w)")
    found = []
    for match in pattern.finditer(key):
        org = _org_code(match, in_header=False)
        span = by_start.get(match.start("level_word"))
        found.append((org, levels[match.group("level_word")], match.start(), span))
    return found


def from_body(
    text: str,
    key: str,
    era: Era | None,
    spans: list[Span],
    levels: dict[str, str],
    self_references: list[str],
) -> Issuer | None:
    """The issuer of a document without a masthead: the organisation and level the text names most,
    self-references ("Trên đây là … của Ủy ban MTTQ huyện X", "TM. …") weighing ten mentions; its
    place is the one named with it most, else the most named place of that level. `key` is the
    text's matching key (same offsets), computed once by the caller."""
    mentions = _body_mentions(key, spans, levels)
    if not mentions:
        return None
    weights: Counter[tuple[str, str]] = Counter((org, level) for org, level, _, _ in mentions)
    orgs = trie_regex(_org_spellings(False))
    for template in self_references:
        for match in re.finditer(template.replace("{org}", orgs), key):
            for org, level, offset, _ in mentions:
                if offset == match.start("org"):
                    weights[(org, level)] += 10
    (org, level), _ = weights.most_common(1)[0]
    named = [span for o, lv, _, span in mentions if (o, lv) == (org, level) and span is not None]
    if not named:
        named = [s for s in spans if s[2] and s[2][0].level == level and _capitalised(text[s[0] : s[1]])]
    if not named:
        return Issuer(org, None, level, "", why=[f"văn bản tự nêu {org} cấp {level}, không rõ tên"])
    counts = Counter(name_key(_name_part(text[s[0] : s[1]])) for s in named)
    best, _ = counts.most_common(1)[0]
    start, end, candidates = next(s for s in named if name_key(_name_part(text[s[0] : s[1]])) == best)
    area, why = narrow([c for c in candidates if c.level == level] or candidates, era=era, spans=spans)
    place = _name_part(text[start:end])
    return Issuer(org, area, level, place, why=[f"văn bản tự nêu «{text[start:end]}» ({org})", *why])


def _name_part(written: str) -> str:
    """ "Cư Jút" from "huyện Cư Jút": the name without its kind word."""
    _, name = split_kind(written)
    return " ".join(name.split())


def _capitalised(written: str) -> bool:
    """A place as a sentence writes it ("huyện Cư Jút"), not a title in capitals."""
    name = _name_part(written)
    return all(w[:1].isupper() for w in name.split()) and not name.isupper()
