"""Builds the .docx and .pdf twins of the seed reports, plus a scanned PDF and a TCVN3 .docx.

    python samples/build_samples.py          (or: make samples)

For each seed `samples/<stem>.txt` it writes `samples/<stem>.docx` (bold heading styles, REAL
Word automatic numbering for numbered headings and lists, a "PHỤ LỤC SỐ LIỆU" appendix table
in seed 000 built from the seed's own figures, real Word footnotes in seed 002) and
`samples/<stem>.pdf` converted FROM that .docx by LibreOffice. It also writes
`samples/scanned_report.pdf` (image only, no text layer) and `samples/legacy_tcvn3.docx`
(seed 004 typed in the TCVN3 `.VnTime` font).

Needs LibreOffice for the PDFs (Debian: `apt-get install -y libreoffice-writer-nogui
fonts-dejavu`). The generated files are committed, so tests and CI never need LibreOffice;
run this again only when the seeds or the layout change.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml as docx_parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.document import canonical_text  # noqa: E402
from pipeline.readers.docx_numbering import ListNumbering  # noqa: E402
from pipeline.readers.headings import classify_line  # noqa: E402
from pipeline.readers.legacy import TCVN3, from_unicode  # noqa: E402

SAMPLES = ROOT / "samples"
FONT = "Times New Roman"  # what Vietnamese offices use; LibreOffice draws it with Liberation Serif
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
APPENDIX_TITLE = "PHỤ LỤC SỐ LIỆU"

# Seed 000's own figures for its appendix: line 71 gives the relief for Central Vietnam per
# commune (they add up to the 458.358.000đ the text states), lines 55-66 the satisfaction survey.
APPENDIX_000 = {
    "caption": "(Kèm theo Chương trình phối hợp và thống nhất hành động năm 2021)",
    "places": ["Thị trấn Ea T'ling", "Xã Nam Dong", "Xã Tâm Thắng", "Xã Trúc Sơn", "Xã Đắk D'rông"],
    "rows": [
        ("Ủng hộ đồng bào Miền Trung (quy ra tiền)", "đồng",
         ["40.060.000", "214.383.000", "77.745.000", "21.300.000", "104.870.000"], "458.358.000"),
    ],
    "survey_places": ["Xã Cư K'nia", "Xã Ea Pô"],
    "survey_rows": [
        ("Tổng số hộ dân", "hộ", ["1.955", "2.763"], "4.718"),
        ("Số hộ được phát phiếu", "hộ", ["1.519", "2.682"], "4.201"),
        ("Tỷ lệ hộ được phát phiếu", "%", ["77", "97"], ""),
        ("Số phiếu được người dân trả lời", "phiếu", ["1.519", "2.682"], "4.201"),
    ],
}

# Seed 002's parenthetical remarks that its .docx moves into Word footnotes (the text in brackets).
FOOTNOTES_002 = [
    "tỉnh Attapur",
    "*về nâng cao chất lượng công tác giám sát, phản biện xã hội*",
    "như: Trang web Đoàn Thanh niên CSHCM; facebook Huyện đoàn; trang thông tin điện tử huyện Đắk Glei;...",
]

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
LEVEL_FORMATS = ("upperRoman", "decimal", "decimal", "decimal", "lowerLetter")
DEFAULT_LEVEL_TEXTS = ("%1.", "%2.", "%2.%3.", "%2.%3.%4.", "%5)")


def _roman_value(text: str) -> int:
    total = 0
    for i, char in enumerate(text):
        value = ROMAN[char]
        total += -value if i + 1 < len(text) and ROMAN[text[i + 1]] > value else value
    return total


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbered marker as Word would have to produce it: level, level text, counter values."""

    ilvl: int
    level_text: str
    values: tuple[int, ...]  # counters of levels 1..ilvl+1 that the marker shows (roman: level 0)


def parse_marker(numbering: str) -> Marker | None:
    """How the heading marker of a seed line maps onto a five-level Word list, if it can."""
    if m := re.fullmatch(r"([IVX]+)\s*([./)])", numbering):
        return Marker(0, "%1" + m[2], (_roman_value(m[1]),))
    if m := re.fullmatch(r"(\d+)\s*([./)])", numbering):
        return Marker(1, "%2" + m[2], (int(m[1]),))
    if m := re.fullmatch(r"(\d+(?:\.\d+){1,2})(\.?)", numbering):
        parts = [int(p) for p in m[1].split(".")]
        ilvl = len(parts)
        text = ".".join(f"%{k + 2}" for k in range(ilvl)) + m[2]
        return Marker(ilvl, text, tuple(parts))
    if m := re.fullmatch(r"([a-z])\s*([)/])", numbering):
        return Marker(4, "%5" + m[2], (ord(m[1]) - ord("a") + 1,))
    return None  # "Phần thứ nhất", "đ)", "1.1.1.1.": written as text


@dataclass(slots=True)
class WordLists:
    """Adds list definitions to numbering.xml while the builder writes paragraphs, choosing
    for each numbered line a list that makes Word show exactly the seed's marker."""

    root: object
    next_id: int = 100
    abstracts: dict[tuple[str, ...], str] = field(default_factory=dict)
    bullets: dict[str, str] = field(default_factory=dict)
    history: list[tuple[str, int]] = field(default_factory=list)
    current: tuple[str, tuple[str, ...]] | None = None  # (numId, level texts of its abstract)
    shown_values: dict[int, int] = field(default_factory=dict)  # last value shown per level

    def _insert_abstract(self, xml: str) -> None:
        element = docx_parse_xml(xml)
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self.root.append(element)

    def _abstract(self, texts: tuple[str, ...]) -> str:
        if texts not in self.abstracts:
            abstract_id = str(self.next_id)
            self.next_id += 1
            levels = "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:suff w:val="space"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
                for i, (fmt, text) in enumerate(zip(LEVEL_FORMATS, texts, strict=True))
            )
            self._insert_abstract(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
            )
            self.abstracts[texts] = abstract_id
        return self.abstracts[texts]

    def _num(self, abstract_id: str, starts: dict[int, int]) -> str:
        num_id = str(self.next_id)
        self.next_id += 1
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
            for i, v in sorted(starts.items())
        )
        self.root.append(docx_parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>"
        ))
        return num_id

    def _shown(self, num_id: str, ilvl: int) -> str:
        numbering = ListNumbering(copy.deepcopy(self.root))
        for past in self.history:
            numbering.marker(*past)
        return numbering.marker(num_id, ilvl)[0]

    def numbered(self, numbering: str) -> tuple[str, int] | None:
        """(numId, ilvl) that makes Word show `numbering` next; None when only literal text can."""
        marker = parse_marker(numbering)
        if marker is None:
            return None
        texts = list(self.current[1]) if self.current else list(DEFAULT_LEVEL_TEXTS)
        same_level_text = self.current is not None and texts[marker.ilvl] == marker.level_text
        if same_level_text and self._shown(self.current[0], marker.ilvl) == numbering:
            return self._use(self.current[0], marker)
        texts[marker.ilvl] = marker.level_text
        starts = {0: self.shown_values.get(0, 1)} if marker.ilvl > 0 else {}
        first = 1 if marker.ilvl in (2, 3) else marker.ilvl
        for offset, value in enumerate(marker.values):
            starts[first + offset] = value
        num_id = self._num(self._abstract(tuple(texts)), starts)
        if self._shown(num_id, marker.ilvl) != numbering:
            return None
        self.current = (num_id, tuple(texts))
        return self._use(num_id, marker)

    def _use(self, num_id: str, marker: Marker) -> tuple[str, int]:
        self.history.append((num_id, marker.ilvl))
        self.shown_values[marker.ilvl] = marker.values[-1]
        return num_id, marker.ilvl

    def bullet(self, char: str) -> tuple[str, int]:
        """A one-level bullet list drawing `char` ("-", "+", "*", "•")."""
        if char not in self.bullets:
            abstract_id = str(self.next_id)
            self.next_id += 1
            self._insert_abstract(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                f'<w:numFmt w:val="bullet"/><w:suff w:val="space"/><w:lvlText w:val="{char}"/>'
                f'<w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
            )
            self.bullets[char] = self._num(abstract_id, {})
        return self.bullets[char], 0


def _set_numbering(paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(docx_parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def _plain_fonts(document, size: int = 13) -> None:
    """Every style in Times New Roman, black: no theme fonts for LibreOffice to swap."""
    for style in document.styles:
        if not hasattr(style, "font") or style.type not in (1, 2):
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            rpr.remove(fonts)
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        if style.name == "Normal" or style.name.startswith("Heading"):
            style.font.size = Pt(size)


def _page_layout(document) -> None:
    """A4 with the margins and justified, first-line-indented body of Vietnamese administrative text."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"].paragraph_format
    normal.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.first_line_indent = Mm(10)
    normal.space_after = Pt(6)


def _title_style(document) -> None:
    for level in range(1, 5):
        style = document.styles[f"Heading {level}"]
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.first_line_indent = Mm(0)


def _header_footer(document, title: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = title
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Trang ")
    footer._p.append(docx_parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))


@dataclass(slots=True)
class Footnotes:
    """Real Word footnotes: a footnotes.xml part (python-docx 1.2 has no API for it)."""

    notes: list[str] = field(default_factory=list)

    def reference(self, paragraph, text: str) -> None:
        self.notes.append(text)
        run = paragraph.add_run()
        run._r.append(docx_parse_xml(
            f'<w:rPr {nsdecls("w")}><w:vertAlign w:val="superscript"/></w:rPr>'
        ))
        run._r.append(docx_parse_xml(
            f'<w:footnoteReference {nsdecls("w")} w:id="{len(self.notes)}"/>'
        ))

    def attach(self, document) -> None:
        if not self.notes:
            return
        body = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
            "</w:r></w:p></w:footnote>",
        ]
        small = '<w:sz w:val="20"/>'  # footnotes in 10 pt
        for number, text in enumerate(self.notes, start=1):
            escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            body.append(
                f'<w:footnote w:id="{number}"><w:p><w:pPr><w:rPr>{small}</w:rPr></w:pPr>'
                f'<w:r><w:rPr><w:vertAlign w:val="superscript"/>{small}</w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr>{small}</w:rPr><w:t xml:space="preserve"> {escaped}</w:t></w:r></w:p>'
                "</w:footnote>"
            )
        xml = (
            f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:footnotes {nsdecls('w')}>"
            + "".join(body) + "</w:footnotes>"
        )
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"),
                    document.part.package)
        document.part.relate_to(part, RT.FOOTNOTES)


def _write_line(document, lists: WordLists, line: str, notes: Footnotes, pending: list[str]) -> None:
    shape = classify_line(line)
    text = line.strip()
    placement = None
    if shape.kind == "heading":
        placement = lists.numbered(shape.numbering)
    elif shape.kind == "list_item":
        placement = lists.bullet(shape.numbering)
    if placement is not None:
        text = text[len(shape.numbering):].strip()
    is_title = shape.kind == "heading" and len(text) < 200
    style = f"Heading {min(max(shape.rank - 1, 1), 4)}" if is_title else None
    paragraph = document.add_paragraph(style=style)
    if placement is not None:
        _set_numbering(paragraph, *placement)
    if shape.kind == "paragraph" and text.isupper():
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Mm(0)
    chunks = [text]
    for note in pending:
        remark = f" ({note})"
        if remark in chunks[-1]:
            before, after = chunks[-1].split(remark, 1)
            chunks[-1:] = [before, note, after]
    for i, chunk in enumerate(chunks):
        if i % 2 == 1:
            notes.reference(paragraph, chunk)
        elif chunk:
            run = paragraph.add_run(chunk)
            run.bold = bool(is_title or (shape.kind == "paragraph" and text.isupper()))


def _appendix_table(document, places: list[str], rows: list, title: str) -> None:
    """Indicators as rows, communes + "Tổng cộng" as columns, an ĐVT column, merged header cells."""
    columns = 3 + len(places) + 1
    table = document.add_table(rows=2 + len(rows), cols=columns)
    table.style = "Table Grid"
    head, sub = table.rows[0].cells, table.rows[1].cells
    for col, label in ((0, "STT"), (1, "Chỉ tiêu"), (2, "ĐVT"), (columns - 1, "Tổng cộng")):
        merged = head[col].merge(sub[col])
        merged.text = label
    area = head[3].merge(head[2 + len(places)])
    area.text = title
    for i, place in enumerate(places):
        table.rows[1].cells[3 + i].text = place
    for r, (indicator, unit, values, total) in enumerate(rows, start=2):
        cells = table.rows[r].cells
        cells[0].text = str(r - 1)
        cells[1].text = indicator
        cells[2].text = unit
        for i, value in enumerate(values):
            cells[3 + i].text = value
        cells[columns - 1].text = total
    table.autofit = False
    widths = [Mm(12), Mm(60), Mm(16)] + [Mm(round(159 / (len(places) + 1)))] * (len(places) + 1)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.first_line_indent = Mm(0)
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.text == row.cells[1].text else (
                    WD_ALIGN_PARAGRAPH.CENTER)
                for run in paragraph.runs:
                    run.font.size = Pt(10)


def _appendix(document, data: dict) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)  # a landscape page, as wide tables get
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(APPENDIX_TITLE).bold = True
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.add_run(data["caption"]).italic = True
    _appendix_table(document, data["places"], data["rows"], "Ủng hộ theo địa bàn")
    document.add_paragraph()
    _appendix_table(document, data["survey_places"], data["survey_rows"], "Lấy ý kiến sự hài lòng")


def _fixed_properties(document) -> None:
    """The same properties on every build, so a rebuild changes only what the layout changed."""
    props = document.core_properties
    props.author = props.last_modified_by = "tonghop samples"
    props.created = props.modified = datetime(2024, 1, 1, tzinfo=UTC)
    props.revision = 1


def build_docx(seed: Path) -> Path:
    """The .docx twin of a seed: same lines, Word numbering, appendix/footnotes where planned."""
    text = canonical_text(seed.read_text(encoding="utf-8"))
    lines = [line for line in text.split("\n") if line.strip()]
    document = docx.Document()
    _plain_fonts(document)
    _page_layout(document)
    _title_style(document)
    _header_footer(document, lines[0].strip()[:80])
    lists = WordLists(document.part.numbering_part.element)
    notes = Footnotes()
    pending = FOOTNOTES_002 if seed.name.startswith("002") else []
    for line in lines:
        _write_line(document, lists, line, notes, pending)
    if seed.name.startswith("000"):
        _appendix(document, APPENDIX_000)
    notes.attach(document)
    out = seed.with_suffix(".docx")
    _fixed_properties(document)
    document.save(out)
    return out


def build_pdfs(docx_files: list[Path]) -> None:
    """PDFs converted from the .docx files by LibreOffice headless (not needed by tests or CI)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice not found: PDFs not rebuilt (apt-get install -y libreoffice-writer-nogui)")
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(SAMPLES), *map(str, docx_files)],
            check=True, capture_output=True, timeout=600,
        )


def build_scanned_pdf(seed: Path, out: Path) -> None:
    """An image-only PDF: the first lines of a seed drawn as pixels, as a scanner would produce."""
    font = ImageFont.truetype(str(DEJAVU), 15)
    page = Image.new("L", (827, 1169), 255)  # A4 at 100 dpi
    draw = ImageDraw.Draw(page)
    y = 70
    for line in canonical_text(seed.read_text(encoding="utf-8")).split("\n"):
        words, current = line.split(), ""
        for word in words:
            if draw.textlength(current + " " + word, font=font) > 690:
                draw.text((70, y), current, font=font, fill=0)
                y, current = y + 22, word
            else:
                current = (current + " " + word).strip()
        if current:
            draw.text((70, y), current, font=font, fill=0)
            y += 22
        if y > 1080:
            break
    page.convert("1").save(out, "PDF", resolution=100.0)


def tcvn3_runs(text: str) -> list[tuple[str, str]]:
    """Runs (font, stored text) that type `text` as a TCVN3 user would: .VnTime for ordinary
    letters, .VnTimeH (capitals drawn from lower-case codes) for capitals with diacritics."""
    runs: list[tuple[str, str]] = []
    for word in re.split(r"(\s+)", text):
        try:
            runs.append((".VnTime", from_unicode(word, TCVN3)))
        except ValueError:
            for char in word:
                try:
                    runs.append((".VnTime", from_unicode(char, TCVN3)))
                except ValueError:
                    runs.append((".VnTimeH", from_unicode(char.lower(), TCVN3)))
    merged: list[tuple[str, str]] = []
    for font, chunk in runs:
        if merged and merged[-1][0] == font:
            merged[-1] = (font, merged[-1][1] + chunk)
        else:
            merged.append((font, chunk))
    return merged


def build_legacy_docx(seed: Path, out: Path) -> None:
    """A .docx typed in TCVN3 (.VnTime/.VnTimeH fonts), as many offices still send."""
    document = docx.Document()
    text = canonical_text(seed.read_text(encoding="utf-8"))
    for line in (line for line in text.split("\n") if line.strip()):
        paragraph = document.add_paragraph()
        for font, chunk in tcvn3_runs(line.strip()):
            run = paragraph.add_run(chunk)
            run.font.name = font
    _fixed_properties(document)
    document.save(out)


def main() -> None:
    seeds = sorted(SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))
    built = [build_docx(seed) for seed in seeds]
    build_legacy_docx(SAMPLES / "004_386d69b07cae7cb5.txt", SAMPLES / "legacy_tcvn3.docx")
    build_scanned_pdf(SAMPLES / "004_386d69b07cae7cb5.txt", SAMPLES / "scanned_report.pdf")
    build_pdfs(built)
    total = sum(p.stat().st_size for p in SAMPLES.iterdir() if p.suffix in (".docx", ".pdf"))
    print(f"built {len(built)} .docx/.pdf pairs, legacy_tcvn3.docx, scanned_report.pdf "
          f"({total / 1e6:.2f} MB in all)")


if __name__ == "__main__":
    main()
