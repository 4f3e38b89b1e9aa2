"""styles.xml read in pieces answers every question exactly as its whole tree does, or is parsed whole."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.errors import DocumentRejected
from pipeline.readers.docx_style_scan import _Index, style_sheet
from pipeline.readers.docx_styles import StyleSheet
from pipeline.readers.guards import DEFAULT_LIMITS
from pipeline.readers.ooxml import W_NS
from pipeline.readers.package import Package, open_package

ROOT = Path(__file__).resolve().parent.parent
STYLES = "word/styles.xml"
WORD_FILES = sorted((ROOT / "samples").rglob("*.docx"))
W = f'xmlns:w="{W_NS}"'


def package_of(raw: bytes) -> Package:
    return open_package(raw, "report.docx", DEFAULT_LIMITS)


def answers(sheet: StyleSheet, ids: list[str]) -> list[object]:
    """Everything the reader ever asks a style sheet, for every style id (and one that is absent)."""
    asked: list[object] = [sheet.default_paragraph, sheet.default_font]
    for style_id in [*ids, "", "NoSuchStyle"]:
        asked += [sheet.numbering(style_id), sheet.outline_level(style_id)]
        other = ids[0] if ids else ""
        asked += [sheet.font(style_id, ""), sheet.font("", style_id), sheet.font(style_id, other)]
    return asked


def both_ways(styles_xml: bytes) -> tuple[list[object], list[object], bool]:
    """(answers read in pieces, answers of the whole tree, whether the pieces were used)."""
    raw = with_styles(docx_bytes(), styles_xml)
    ids = [s.get(f"{{{W_NS}}}styleId", "") for s in package_of(raw).tree(STYLES).iter()]
    ids = sorted({i for i in ids if i})
    scanned_package = package_of(raw)
    data = scanned_package.checked_whole(STYLES)
    pieces = data is not None and _Index.of(scanned_package, STYLES, data) is not None
    in_pieces = answers(style_sheet(package_of(raw), STYLES), ids)
    whole = answers(StyleSheet.from_tree(package_of(raw).tree(STYLES)), ids)
    return in_pieces, whole, pieces


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo", style="Heading 1")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_styles(raw: bytes, styles_xml: bytes) -> bytes:
    """The package with its styles part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, styles_xml if info.filename == STYLES else source.read(info))
    return out.getvalue()


def template_styles() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        return archive.read(STYLES)


@pytest.mark.parametrize("path", WORD_FILES, ids=lambda p: p.name)
def test_every_sample_reads_its_styles_in_pieces_with_the_trees_answers(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        if STYLES not in archive.namelist():
            pytest.skip("no styles part")
        styles_xml = archive.read(STYLES)
    in_pieces, whole, pieces = both_ways(styles_xml)
    assert pieces  # Word's and python-docx's styles.xml are cut, not parsed whole
    assert in_pieces == whole


HEADING = (
    b'<w:style w:type="paragraph" w:styleId="H1"><w:basedOn w:val="Base"/>'
    b'<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
)
BASE = (
    b'<w:style w:type="paragraph" w:default="1" w:styleId="Base"><w:pPr><w:numPr><w:numId w:val="3"/>'
    b'</w:numPr></w:pPr><w:rPr><w:rFonts w:ascii=".VnTime"/></w:rPr></w:style>'
)
DEFAULTS = (
    b'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:hAnsi="VNI-Times"/></w:rPr></w:rPrDefault>'
    b"</w:docDefaults>"
)


def styles(body: bytes, root: bytes = b"<w:styles " + W.encode() + b">") -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + root + body + b"</w:styles>"


OTHER_PREFIX = b"<w:styles " + W.encode() + b" " + W.replace("w=", "x=").encode() + b">"
TWICE = HEADING.replace(b"0", b"2")  # the same id again, another outline level
CDATA = b"<w:x><![CDATA[<w:style w:styleId='Base'>]]></w:x>"


def edited(old: bytes, new: bytes) -> bytes:
    """The plain styles.xml with one edit in its first style."""
    return styles(DEFAULTS + HEADING.replace(old, new) + BASE)


# each: a styles.xml the pieces must answer as the tree does, and whether it may be cut at all
CASES = {
    "plain": (styles(DEFAULTS + HEADING + BASE), True),
    "a '>' in an attribute value": (edited(b'"H1"', b'"H>1"'), True),
    "an end tag with a space": (edited(b"</w:style>", b"</w:style >"), True),
    "an element whose name starts with style": (edited(b"<w:basedOn", b"<w:styleX/><w:basedOn"), True),
    "the same id twice: the last wins": (styles(DEFAULTS + BASE + HEADING + TWICE), True),
    "empty style elements": (styles(b'<w:style w:styleId="E"/>' + HEADING + BASE), True),
    "no defaults": (styles(HEADING + BASE), True),
    "defaults after the styles": (styles(HEADING + BASE + DEFAULTS), False),
    "a comment holding a style": (styles(DEFAULTS + b"<!--" + HEADING + b"-->" + BASE), False),
    "CDATA": (styles(DEFAULTS + HEADING + CDATA + BASE), False),
    "a processing instruction": (styles(DEFAULTS + b"<?x <w:style?>" + HEADING + BASE), False),
    "a namespace declared below the root": (edited(b"<w:pPr>", b"<w:pPr " + W.encode() + b">"), False),
    "another prefix for WordprocessingML": (styles(DEFAULTS + HEADING + BASE, OTHER_PREFIX), False),
    "a style inside a style": (styles(DEFAULTS + HEADING.replace(b"</w:pPr>", b"</w:pPr>" + BASE)), False),
}


@pytest.mark.parametrize("case", CASES)
def test_cut_styles_answer_as_the_tree_or_are_parsed_whole(case: str) -> None:
    styles_xml, may_cut = CASES[case]
    in_pieces, whole, pieces = both_ways(styles_xml)
    assert in_pieces == whole
    assert pieces == may_cut


def test_the_python_docx_template_is_cut_and_its_headings_found() -> None:
    sheet = style_sheet(package_of(docx_bytes()), STYLES)
    assert sheet.outline_level("Heading1") == 0 and sheet.outline_level("Heading3") == 2
    assert sheet.default_paragraph == "Normal" and sheet.outline_level("Normal") is None
    assert len(template_styles()) > 300_000  # why it is cut: a report names a few of its 160 styles


def test_a_style_asked_for_is_held_to_the_depth_cap() -> None:
    deep = b"<w:pPr>" + b"<w:x>" * 130 + b"</w:x>" * 130 + b"</w:pPr>"
    styles_xml = styles(DEFAULTS + HEADING.replace(b'<w:pPr><w:outlineLvl w:val="0"/></w:pPr>', deep) + BASE)
    sheet = style_sheet(package_of(with_styles(docx_bytes(), styles_xml)), STYLES)
    assert sheet.outline_level("Base") is None  # the shallow styles are read; the deep one only when asked
    with pytest.raises(DocumentRejected) as deep_style:
        sheet.outline_level("H1")
    assert deep_style.value.code == "E013_TOO_DEEP"


@pytest.mark.parametrize(
    ("styles_xml", "code"),
    [(styles(HEADING + b"<w:style>"), "E005_CORRUPT"),  # not well-formed: refused as the tree refuses it
     (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + styles(BASE)[38:], "E007_UNSAFE_XML")],
    ids=["malformed", "doctype"],
)
def test_a_styles_part_the_pieces_cannot_vouch_for_is_refused_as_before(styles_xml: bytes, code: str) -> None:
    with pytest.raises(DocumentRejected) as refused:
        style_sheet(package_of(with_styles(docx_bytes(), styles_xml)), STYLES)
    assert refused.value.code == code


def test_a_styles_part_seen_before_answers_the_same_and_names_its_own_file() -> None:
    """The verdict and index kept for equal bytes change no answer, and an error still names the
    file it happened in (each document parses the styles it asks for from its own bytes)."""
    deep = b"<w:pPr>" + b"<w:x>" * 130 + b"</w:x>" * 130 + b"</w:pPr>"
    styles_xml = styles(DEFAULTS + HEADING.replace(b'<w:pPr><w:outlineLvl w:val="0"/></w:pPr>', deep) + BASE)
    raw = with_styles(docx_bytes(), styles_xml)
    for name in ("first.docx", "second.docx"):
        sheet = style_sheet(open_package(raw, name, DEFAULT_LIMITS), STYLES)
        assert sheet.outline_level("Base") is None
        with pytest.raises(DocumentRejected) as deep_style:
            sheet.outline_level("H1")
        assert deep_style.value.code == "E013_TOO_DEEP" and deep_style.value.path == name
    malformed = with_styles(docx_bytes(), styles(HEADING + b"<w:style>"))
    for name in ("first.docx", "second.docx"):
        with pytest.raises(DocumentRejected) as refused:
            style_sheet(open_package(malformed, name, DEFAULT_LIMITS), STYLES)
        assert refused.value.code == "E005_CORRUPT" and refused.value.path == name
    template, ids = docx_bytes(), ["Heading1", "Normal"]
    first, second = (answers(style_sheet(package_of(template), STYLES), ids) for _ in "12")
    assert first == second == answers(StyleSheet.from_tree(package_of(template).tree(STYLES)), ids)
