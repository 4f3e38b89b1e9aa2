"""The header block of an administrative document, read as the national format lays it out.

Masthead (issuing body top left, motto top right, "Số: …", "<place>, ngày … tháng … năm …"), then
the document type ("BÁO CÁO") and its summary line (trích yếu). Readers give the same blocks in
reading order whatever the layout: a .docx header table as cells, a PDF's two columns side by side
as lines holding both, a .txt as lines in sequence. So the masthead is the text before the title
line, with the motto, number and date blanked out; what is left is the issuing body's column.
Cue words live in data/header_cues.yaml and data/metadata_cues.yaml (document types).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.document import Block, Document
from pipeline.matching import matching_key
from pipeline.units.names import split_kind

DATA = Path(__file__).parent / "data"
PLACE_WORDS = 5  # a place in a date line is at most this many words ("Thị trấn Đăk Glei")


@dataclass(slots=True)
class Header:
    """What the top of a document says about itself; empty strings where it says nothing."""

    masthead: str = ""  # the issuing body's column, motto/number/date blanked; "" when no title line
    masthead_start: int = 0  # offset of `masthead` in the document text
    number: str = ""  # "15/BC-MTTQ"
    place: str = ""  # the place of the date line, as written: "Nghĩa Kỳ"
    date: str = ""  # ISO, as precise as written: "2024-06-18", "2024"
    year: int | None = None
    title: str = ""  # the document-type line: "BÁO CÁO", "KẾ HOẠCH", "Chương trình phối hợp …"
    title_start: int = -1  # offset of the title line in the document text
    summary: str = ""  # the trích yếu under the title
    recipients: list[str] = field(default_factory=list)  # "Kính gửi: …" — never the issuer
    why: list[str] = field(default_factory=list)  # how each part was found, for `tonghop read`


@cache
def _cues() -> dict[str, Any]:
    return yaml.safe_load((DATA / "header_cues.yaml").read_text(encoding="utf-8"))


@cache
def _doc_heads() -> re.Pattern[str]:
    metadata_cues = yaml.safe_load((DATA / "metadata_cues.yaml").read_text(encoding="utf-8"))
    heads = sorted((d["head"] for d in metadata_cues["doc_types"]), key=len, reverse=True)
    return re.compile(r"\s*(?:" + "|".join(re.escape(h) for h in heads) + r")(?!\w)")


@cache
def _body_start() -> re.Pattern[str]:
    return re.compile(r"\s*(?:" + "|".join(_cues()["body_starts"]) + r")")


def _is_title(line: str, key: str) -> bool:
    """A document-type line: "BÁO CÁO", "KẾ HOẠCH Tổ chức …", or a mixed-case title that names its
    type first ("Chương trình phối hợp … năm 2021"), but not a sentence that starts with "Báo cáo"."""
    if not _doc_heads().match(key):
        return False
    stripped = line.strip()
    letters = [c for c in stripped if c.isalpha()]
    upper = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
    return upper or (len(stripped) <= 200 and not stripped.endswith((".", ":", ";")))


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _place_before(text: str, at: int) -> str:
    """The place written just before ", ngày": capitalised words on that line ("Nghĩa Kỳ",
    "Tp. Quảng Ngãi"), not the all-caps issuer that a two-column PDF line puts in front of it."""
    line_start = text.rfind("\n", 0, at) + 1
    words = text[line_start:at].split()
    place: list[str] = []
    for word in reversed(words):
        bare = word.strip(".,")
        if not bare or len(place) >= PLACE_WORDS:
            break
        mixed = bare[:1].isupper() and not (len(bare) > 1 and bare.isupper())
        if not (mixed or bare.isdigit()):
            break
        place.insert(0, word)
    if not place and len(text[line_start:at].strip()) <= 40:
        return " ".join(text[line_start:at].split())  # an all-caps place alone on its line
    return " ".join(place)


def _date(year: str, month: str | None, day: str | None) -> str:
    iso = year
    if month:
        iso += f"-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    return iso


def _title_index(document: Document, blocks: list[Block]) -> int | None:
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.numbering:
            return None  # the body began: no title line in this document's header
        line = document.text[block.start : block.end]
        if _is_title(line, matching_key(line)):
            return index
    return None


def _summary(document: Document, blocks: list[Block]) -> str:
    """The trích yếu: up to a few short lines under the title, until the body starts."""
    cues = _cues()
    lines: list[str] = []
    for block in blocks[: int(cues["summary_max_lines"])]:
        line = document.text[block.start : block.end].strip()
        key = matching_key(line)
        if (block.kind == "heading" and block.numbering) or _body_start().match(key) or _is_title(line, key):
            break
        if len(" ".join([*lines, line])) > int(cues["summary_max_chars"]):
            break
        lines.append(line)
        if line.endswith("."):
            break
    return " ".join(lines)


def _recipients(document: Document, blocks: list[Block]) -> list[str]:
    pattern = re.compile(_cues()["recipients"])
    found = []
    for block in blocks:
        line = document.text[block.start : block.end]
        match = pattern.match(matching_key(line))
        if match:
            found.append(" ".join(line[match.start("to") :].split()))
    return found


def parse_header(document: Document) -> Header:
    """The document's header as the national format lays it out (see the module docstring)."""
    cues = _cues()
    blocks = [b for b in document.blocks if b.kind != "footnote"][: int(cues["max_blocks"])]
    header = Header(recipients=_recipients(document, blocks))
    title_at = _title_index(document, blocks)
    if title_at is None:
        return header
    title = blocks[title_at]
    header.title = " ".join(document.text[title.start : title.end].split())
    header.title_start = title.start
    header.summary = _summary(document, blocks[title_at + 1 :])
    header.why.append(f"loại văn bản từ dòng «{header.title[:60]}»")
    if title_at == 0:
        return header
    start, end = blocks[0].start, blocks[title_at - 1].end
    text = document.text[start:end]
    key = matching_key(text)
    chars = list(text)
    for motto in cues["mottos"]:
        for match in re.finditer(motto, key):
            _blank(chars, match.start(), match.end())
    number = re.search(cues["number"], key)
    if number:
        header.number = "".join(text[number.start("number") : number.end("number")].split())
        _blank(chars, number.start(), number.end())
        header.why.append(f"số văn bản «{header.number}»")
    dated = re.search(cues["date"], key)
    if dated:
        header.date = _date(dated.group("year"), dated.group("month"), dated.group("day"))
        header.year = int(dated.group("year"))
        header.place = _place_before(text, dated.start())
        # The place stays unless it names a unit itself ("Thị trấn La Hà, ngày …"): in a two-column
        # PDF line it may also be the end of the issuer's name ("… MTTQ Việt Nam xã Đặng Thùy Trâm, ngày").
        line_start = text.rfind("\n", 0, dated.start()) + 1
        place_at = text.rfind(header.place, line_start, dated.start()) if header.place else -1
        names_a_unit = place_at >= 0 and split_kind(header.place)[0] is not None
        _blank(chars, place_at if names_a_unit else dated.start(), dated.end())
        header.why.append(f"địa danh, ngày «{header.place}, {header.date}»")
    for recipient in re.finditer(r"(?m)^\s*kính gửi.*$", key):
        _blank(chars, recipient.start(), recipient.end())
    header.masthead = "".join(chars)
    header.masthead_start = start
    return header
