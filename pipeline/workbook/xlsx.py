"""A streaming .xlsx writer: rows go to a temporary file as they come, memory stays flat.

openpyxl's write-only mode costs 40 µs per styled cell and XlsxWriter's constant-memory mode 19 µs
(measured here); a province's workbook holds millions of cells (a row per source file and per
unclassified figure), so the SpreadsheetML is written directly (~1.5 µs a cell): inline strings
(never a shared-string table that grows), styles registered once by what they look like, the
print set-up, frozen panes, widths and merged title rows of the Office Open XML schema. Text is
always written as a string, never a formula; text a spreadsheet would take for one also gets the
quote prefix (pipeline/safe_cells.py).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAX_ROWS = 1_048_576  # the format's limits
MAX_COLUMNS = 16_384
MAX_ROW_HEIGHT = 409.0
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass(frozen=True, slots=True)
class Style:
    """What a cell looks like; each distinct one becomes one entry of styles.xml."""

    number_format: str = "General"
    bold: bool = False
    size: float = 11
    fill: str = ""  # RRGGBB of a solid fill
    wrap: bool = False
    horizontal: str = ""
    vertical: str = "top"
    quote: bool = False  # shown as typed text, never evaluated


@dataclass(slots=True)
class PrintSetup:
    """Landscape A4, fit to the width, the header row on every page, a page header and footer."""

    title_row: int
    header: str
    footer: str = "Trang &P / &N"


@dataclass(slots=True)
class Sheet:
    """One worksheet: its rows stream to a temporary file; the rest is written when the book closes."""

    title: str
    widths: list[float]
    data: IO[str]
    freeze: tuple[int, int] | None = None  # the first scrolling row and column (1-based)
    printing: PrintSetup | None = None
    merged: list[str] = field(default_factory=list)
    rows: int = 0
    columns: int = 0


class Book:
    """Sheets appended row by row, saved as one .xlsx by `close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheets: list[Sheet] = []
        # style 0 is what a cell without a style shows; spreadsheets read their own default for it
        self._styles: dict[Style, int] = {Style(vertical=""): 0}
        self._letters = [get_column_letter(i) for i in range(1, 703)]

    def style(self, style: Style) -> int:
        """The style's index (registered the first time it is asked for)."""
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = len(self._styles)
        return found

    def sheet(self, title: str, widths: list[float]) -> Sheet:
        """A new sheet at the end of the book, with its column widths in characters."""
        data = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by `close`)
        sheet = Sheet(title, widths, data)
        self.sheets.append(sheet)
        return sheet

    def letter(self, column: int) -> str:
        """Column letters, 1 → A."""
        if column < len(self._letters):
            return self._letters[column - 1]
        return get_column_letter(column)

    def row(self, sheet: Sheet, cells: list[tuple[Any, int] | None], height: float | None = None) -> int:
        """Append a row of (value, style) cells, None for an empty one; returns its number."""
        if sheet.rows >= MAX_ROWS:
            raise ValueError(f"sheet {sheet.title!r}: more than {MAX_ROWS} rows")
        sheet.rows += 1
        number = sheet.rows
        sheet.columns = max(sheet.columns, len(cells))
        if sheet.columns > MAX_COLUMNS:
            raise ValueError(f"sheet {sheet.title!r}: more than {MAX_COLUMNS} columns")
        shown = f' ht="{min(height, MAX_ROW_HEIGHT):g}" customHeight="1"' if height else ""
        parts = [f'<row r="{number}"{shown}>']
        letters = self._letters
        for column, cell in enumerate(cells, 1):
            if cell is None:
                continue
            value, style = cell
            ref = f"{letters[column - 1] if column <= len(letters) else get_column_letter(column)}{number}"
            s = f' s="{style}"' if style else ""
            kind = type(value)
            if kind is str:
                if value and not value.isprintable():  # a newline, a tab, or a character XML cannot hold
                    value = ILLEGAL.sub("", value)
                if not value:
                    if style:
                        parts.append(f'<c r="{ref}"{s}/>')
                    continue
                if "&" in value or "<" in value or ">" in value:
                    value = escape(value)
                space = ' xml:space="preserve"' if value[0] in " \n\t" or value[-1] in " \n\t" else ""
                parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value}</t></is></c>')
            elif value is None:
                if style:
                    parts.append(f'<c r="{ref}"{s}/>')
            elif kind is bool:
                parts.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
            else:
                number_text = format(value, "f") if kind is Decimal else repr(value)
                parts.append(f'<c r="{ref}"{s}><v>{number_text}</v></c>')
        parts.append("</row>")
        sheet.data.write("".join(parts))
        return number

    def close(self) -> Path:
        """Write the package: content types, workbook, styles and each sheet."""
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            package.writestr("[Content_Types].xml", self._content_types())
            package.writestr(
                "_rels/.rels",
                _relationships(
                    [("officeDocument", "xl/workbook.xml")],
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                ),
            )
            package.writestr("xl/workbook.xml", self._workbook())
            package.writestr(
                "xl/_rels/workbook.xml.rels",
                _relationships(
                    [
                        *(("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(self.sheets) + 1)),
                        ("styles", "styles.xml"),
                    ],
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                ),
            )
            package.writestr("xl/styles.xml", self._stylesheet())
            for number, sheet in enumerate(self.sheets, 1):
                with package.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
                    out.write(self._sheet_head(sheet).encode("utf-8"))
                    sheet.data.seek(0)
                    with _Utf8(out) as text:
                        shutil.copyfileobj(sheet.data, text, 1 << 20)
                    out.write(self._sheet_tail(sheet).encode("utf-8"))
                sheet.data.close()
        return self.path

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        return (
            f"{XML_HEAD}"
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheets}</Types>"
        )

    def _workbook(self) -> str:
        sheets, names = [], []
        for i, sheet in enumerate(self.sheets):
            sheets.append(f'<sheet name={quoteattr(sheet.title)} sheetId="{i + 1}" r:id="rId{i + 1}"/>')
            if sheet.printing is not None:
                quoted = sheet.title.replace("'", "''")
                row = sheet.printing.title_row
                reference = escape(f"'{quoted}'!${row}:${row}")
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{reference}</definedName>'
                )
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{"".join(sheets)}</sheets>'
            f"{defined}</workbook>"
        )

    def _stylesheet(self) -> str:
        formats: dict[str, int] = {"General": 0}
        fonts: dict[tuple[bool, float], int] = {(False, 11): 0}
        fills: dict[str, int] = {"": 0, "gray125": 1}
        xfs = []
        for style in self._styles:  # in registration order: index = position
            if style.number_format not in formats:
                formats[style.number_format] = 163 + len(formats)
            font = fonts.setdefault((style.bold, style.size), len(fonts))
            fill = fills.setdefault(style.fill, len(fills))
            align = "".join(
                f' {name}="{value}"'
                for name, value in (
                    ("horizontal", style.horizontal),
                    ("vertical", style.vertical),
                    ("wrapText", "1" if style.wrap else ""),
                )
                if value
            )
            quote = ' quotePrefix="1"' if style.quote else ""
            xfs.append(
                f'<xf numFmtId="{formats[style.number_format]}" fontId="{font}" fillId="{fill}" borderId="0"'
                f' xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyAlignment="1"'
                f"{quote}><alignment{align}/></xf>"
            )
        custom = [(code, i) for code, i in formats.items() if i]
        font_xml = "".join(
            f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="Calibri"/><family val="2"/></font>'
            for bold, size in fonts
        )
        fill_xml = (
            '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
        )
        fill_xml += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{color}"/><bgColor indexed="64"/>'
            "</patternFill></fill>"
            for color in list(fills)[2:]
        )
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            f'<numFmts count="{len(custom)}">'
            + "".join(f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>' for code, i in custom)
            + f'</numFmts><fonts count="{len(fonts)}">{font_xml}</fonts>'
            f'<fills count="{len(fills)}">{fill_xml}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    def _sheet_head(self, sheet: Sheet) -> str:
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if sheet.printing else ""
        view = '<sheetView workbookViewId="0"/>'
        if sheet.freeze is not None:
            row, column = sheet.freeze
            split = (f' xSplit="{column - 1}"' if column > 1 else "") + (
                f' ySplit="{row - 1}"' if row > 1 else ""
            )
            pane = "bottomRight" if column > 1 and row > 1 else ("bottomLeft" if row > 1 else "topRight")
            view = (
                f'<sheetView workbookViewId="0"><pane{split} topLeftCell="{self.letter(column)}{row}"'
                f' activePane="{pane}" state="frozen"/><selection pane="{pane}"/></sheetView>'
            )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>'
            for i, width in enumerate(sheet.widths, 1)
        )
        return (
            f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'{fit}<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
        )

    def _sheet_tail(self, sheet: Sheet) -> str:
        merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merged)
        tail = "</sheetData>" + (
            f'<mergeCells count="{len(sheet.merged)}">{merged}</mergeCells>' if merged else ""
        )
        if sheet.printing is not None:
            tail += (
                '<printOptions horizontalCentered="1"/>'
                '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                f"<headerFooter><oddHeader>{escape('&C' + sheet.printing.header)}</oddHeader>"
                f"<oddFooter>{escape('&C' + sheet.printing.footer)}</oddFooter></headerFooter>"
            )
        return tail + "</worksheet>"


class _Utf8:
    """A text view of a binary zip member (copyfileobj writes str into it)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def __enter__(self) -> _Utf8:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def write(self, text: str) -> int:
        return self.raw.write(text.encode("utf-8"))


def _relationships(targets: list[tuple[str, str]], base: str) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{base}{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{items}</Relationships>'
