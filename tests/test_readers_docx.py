"""The .docx reader on the real sample twins of the seeds, and on small documents made here."""

from __future__ import annotations

import importlib.util
import io
import sys
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.document import FLAG_LEGACY_TCVN3, FLAG_LEGACY_VNI, Block, Document
from pipeline.readers import read_document
from pipeline.readers.legacy import VNI, from_unicode

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEEDS = sorted(p.stem for p in SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))
APPENDIX_TITLE = "PHỤ LỤC SỐ LIỆU"


@cache
def read(name: str) -> Document:
    return read_document(SAMPLES / name)


@cache
def build_script():  # the samples builder, for the data it put into the documents
    spec = importlib.util.spec_from_file_location("build_samples", SAMPLES / "build_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def squeeze(text: str) -> str:
    """Whitespace aside: how the same paragraph is compared across formats."""
    return "".join(text.split())


def body_lines(document: Document) -> list[str]:
    """The body paragraphs (not cells, not footnotes), up to the appendix the .docx adds."""
    body = [b for b in document.blocks if b.kind not in ("table_cell", "footnote")]
    lines = [document.text[b.start : b.end] for b in body]
    if APPENDIX_TITLE in lines:
        lines = lines[: lines.index(APPENDIX_TITLE)]
    return lines


def with_footnotes_inlined(document: Document) -> Document:
    """The text with each footnote put back where it is referenced, as "(note)"."""
    text = document.text
    notes = [b for b in document.blocks if b.kind == "footnote"]
    bodies = {n.footnote_ref: text[n.start : n.end][len(n.footnote_marker) + 1 :] for n in notes}
    for ref in sorted(bodies, reverse=True):
        text = text[:ref] + f" ({bodies[ref]})" + text[ref:]
    return text


@pytest.mark.parametrize("stem", SEEDS, ids=lambda s: s[:3])
def test_docx_paragraphs_equal_the_txt(stem: str) -> None:
    txt, word = read(f"{stem}.txt"), read(f"{stem}.docx")
    expected = [squeeze(line) for line in body_lines(txt)]
    got = body_lines(word)
    if any(b.kind == "footnote" for b in word.blocks):
        inlined = with_footnotes_inlined(word)
        got = [line for line in inlined.split("\n") if line][: len(expected)]
    assert [squeeze(line) for line in got] == expected
    kinds = [b.kind for b in word.blocks if b.kind not in ("table_cell", "footnote")][: len(expected)]
    assert kinds == [b.kind for b in txt.blocks]


@pytest.mark.parametrize("stem", SEEDS, ids=lambda s: s[:3])
def test_docx_sections_and_numbering_equal_the_txt(stem: str) -> None:
    txt, word = read(f"{stem}.txt"), read(f"{stem}.docx")
    body = [b for b in word.blocks if b.kind not in ("table_cell", "footnote")][: len(txt.blocks)]
    assert [(b.numbering, b.level) for b in body] == [(b.numbering, b.level) for b in txt.blocks]
    expected = [tuple(map(squeeze, b.section)) for b in txt.blocks]
    assert [tuple(map(squeeze, b.section)) for b in body] == expected


@pytest.mark.parametrize("stem", SEEDS[:4], ids=lambda s: s[:3])
def test_numbered_headings_come_from_word_numbering_not_typed_text(stem: str) -> None:
    """The sample's numbers are Word's automatic numbering: not typed in, shown by the reader."""
    typed = {}
    for paragraph in docx.Document(str(SAMPLES / f"{stem}.docx")).paragraphs:
        has_numbering = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        typed[" ".join(paragraph.text.split())] = has_numbering
    word = read(f"{stem}.docx")
    word_can_number = build_script().parse_marker  # "I.", "1.", "1.1.", "a)"; not "Phần thứ nhất"
    numbered = [b for b in word.blocks if b.kind == "heading" and word_can_number(b.numbering)]

    def numbered_by_word(block: Block) -> bool:
        return bool(typed.get(" ".join(word.text[block.start : block.end][len(block.numbering) :].split())))

    assert numbered and all(numbered_by_word(b) for b in numbered)
    assert all(numbered_by_word(b) for b in word.blocks if b.kind == "list_item")


def test_headers_and_footers_are_kept_out_of_the_body() -> None:
    word = read("002_bb16b2840fea809a.docx")
    assert "Trang 1" in word.headers_footers
    assert "Trang 1" not in word.text
    assert word.headers_footers[0] == read("002_bb16b2840fea809a.txt").text.strip().split("\n")[0]


def test_footnotes_of_002_are_real_word_footnotes_placed_after_the_body() -> None:
    word = read("002_bb16b2840fea809a.docx")
    notes = [b for b in word.blocks if b.kind == "footnote"]
    assert [n.footnote_marker for n in notes] == ["1", "2", "3"]
    assert [word.text[n.start : n.end].split(" ", 1)[1] for n in notes] == build_script().FOOTNOTES_002
    body_end = max(b.end for b in word.blocks if b.kind != "footnote")
    assert all(n.start > body_end for n in notes)
    first = notes[0]
    assert word.text[first.footnote_ref - len("Xản Xay") : first.footnote_ref] == "Xản Xay"
    assert first.section == word.block_at(first.footnote_ref).section
    with zipfile.ZipFile(SAMPLES / "002_bb16b2840fea809a.docx") as archive:
        assert "word/footnotes.xml" in archive.namelist()


def test_appendix_cells_carry_row_column_headers_and_unit() -> None:
    word = read("000_064a08cc418c8552.docx")
    appendix = build_script().APPENDIX_000
    cells = [b for b in word.blocks if b.kind == "table_cell"]
    assert {b.cell.table for b in cells} == {1, 2}
    indicator, unit, values, total = appendix["rows"][0]
    row = [b for b in cells if b.cell.table == 1 and b.cell.row_header == indicator]
    by_column = {b.cell.col_header: word.text[b.start : b.end] for b in row if b.cell.col >= 3}
    expected = {f"Ủng hộ theo địa bàn > {p}": v for p, v in zip(appendix["places"], values, strict=True)}
    expected["Tổng cộng"] = total
    assert by_column == expected
    assert {b.cell.unit for b in row if b.cell.col >= 3} == {unit}
    assert all(b.section == (APPENDIX_TITLE,) for b in cells)
    survey = [b for b in cells if b.cell.table == 2 and b.cell.row_header == "Tỷ lệ hộ được phát phiếu"]
    assert {word.text[b.start : b.end] for b in survey if b.cell.col >= 3} == {"77", "97"}
    assert {b.cell.unit for b in survey if b.cell.col >= 3} == {"%"}


def test_appendix_figures_are_the_seeds_own() -> None:
    """Every number in the appendix is written in seed 000 itself (the totals are their sums)."""
    appendix = build_script().APPENDIX_000
    seed = read("000_064a08cc418c8552.txt").text
    for _, _, values, _ in appendix["rows"] + appendix["survey_rows"]:
        assert all(value in seed for value in values)


def _numbered_docx(path: Path) -> None:
    """A document with its own multi-level list (I., 1., 1.1., a)) and a Symbol-font bullet."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("upperRoman", "%1."), ("decimal", "%2."), ("decimal", "%2.%3."), ("lowerLetter", "%4)")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    bullet = ('<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>'
              '<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr></w:lvl>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for abstract_id, body in (("90", lvl_xml), ("91", bullet)):
        first_num.addprevious(parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{body}</w:abstractNum>'
        ))
    for num_id, abstract_id in (("90", "90"), ("91", "91")):
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                                   f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    plan = [(0, "Kết quả"), (1, "Công tác tuyên truyền"), (2, "Tuyên truyền miệng"), (2, "Tờ rơi"),
            (3, "Ở xã"), (3, "Ở thị trấn"), (1, "Công tác vận động"), (2, "Quỹ vì người nghèo"),
            (0, "Nhiệm vụ"), (1, "Tuyên truyền")]
    for ilvl, text in plan:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>'))
    item = document.add_paragraph("Phát 1.000 tờ rơi")
    item._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>'))
    document.save(path)


def test_word_list_numbering_is_resolved_as_word_shows_it(tmp_path: Path) -> None:
    _numbered_docx(tmp_path / "numbered.docx")
    document = read_document(tmp_path / "numbered.docx")
    lines = document.text.split("\n")
    assert lines[:11] == [
        "I. Kết quả", "1. Công tác tuyên truyền", "1.1. Tuyên truyền miệng", "1.2. Tờ rơi", "a) Ở xã",
        "b) Ở thị trấn", "2. Công tác vận động", "2.1. Quỹ vì người nghèo", "II. Nhiệm vụ", "1. Tuyên truyền",
        "• Phát 1.000 tờ rơi",
    ]
    assert document.blocks[4].section == ("I. Kết quả", "1. Công tác tuyên truyền", "1.2. Tờ rơi", "a) Ở xã")
    assert document.blocks[10].kind == "list_item"


def test_tcvn3_sample_is_converted_back_to_the_original_and_flagged() -> None:
    legacy = read("legacy_tcvn3.docx")
    original = read("004_386d69b07cae7cb5.txt")
    assert FLAG_LEGACY_TCVN3 in legacy.flags and legacy.encoding == "tcvn3"
    assert [" ".join(line.split()) for line in legacy.text.strip().split("\n")] == [
        " ".join(original.text[b.start : b.end].split()) for b in original.blocks
    ]
    with zipfile.ZipFile(SAMPLES / "legacy_tcvn3.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert ".VnTime" in xml and "Mặt trận" not in xml  # really stored in TCVN3, not Unicode


def test_vni_font_runs_are_converted_and_flagged(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    run = paragraph.add_run(from_unicode("Ủy ban MTTQ huyện vận động được 361.432.000 đồng", VNI))
    run.font.name = "VNI-Times"
    paragraph.add_run(" (Unicode)")
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "vni.docx").write_bytes(buffer.getvalue())
    read_back = read_document(tmp_path / "vni.docx")
    assert read_back.text == "Ủy ban MTTQ huyện vận động được 361.432.000 đồng (Unicode)\n"
    assert read_back.flags == [FLAG_LEGACY_VNI] and read_back.encoding == "vni"
    assert unicodedata.is_normalized("NFC", read_back.text)


def test_text_box_paragraphs_follow_their_anchor_once(tmp_path: Path) -> None:
    """Nothing in a text box is lost, and a box Word stores twice (DrawingML + VML) is read once."""
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    drawing = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
               'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
    document = docx.Document()
    document.add_paragraph("Kết quả vận động:")._p.append(parse_xml(
        f'<w:r {nsdecls("w")} {vml}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>'
        "<w:t>Quỹ vì người nghèo: 361.432.000 đồng</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r>"
    ))
    box = "<w:txbxContent><w:p><w:r><w:t>Xây mới 05 nhà Đại đoàn kết</w:t></w:r></w:p></w:txbxContent>"
    document.add_paragraph("Nhà Đại đoàn kết:")._p.append(parse_xml(
        f'<w:r {nsdecls("w")} {drawing} {vml}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f"<v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    ))
    document.save(tmp_path / "boxes.docx")
    assert read_document(tmp_path / "boxes.docx").text.split("\n") == [
        "Kết quả vận động:", "Quỹ vì người nghèo: 361.432.000 đồng",
        "Nhà Đại đoàn kết:", "Xây mới 05 nhà Đại đoàn kết", "",
    ]


def test_unnumbered_word_headings_open_sections(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("I. KẾT QUẢ THỰC HIỆN", style="Heading 1")
    document.add_paragraph("Công tác tuyên truyền", style="Heading 2")
    document.add_paragraph("Phát 1.000 tờ rơi tại các xã.")
    document.add_paragraph("Công tác vận động", style="Heading 2")
    document.add_paragraph("Vận động được 200 triệu đồng.")
    document.save(tmp_path / "styled.docx")
    blocks = read_document(tmp_path / "styled.docx").blocks
    assert [b.kind for b in blocks] == ["heading", "heading", "paragraph", "heading", "paragraph"]
    assert blocks[4].section == ("I. KẾT QUẢ THỰC HIỆN", "Công tác vận động")
    assert (blocks[3].numbering, blocks[3].level) == ("", 2)
