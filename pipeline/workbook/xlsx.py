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
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from pipeline.workbook.package import Deflated, Package, deflate, inflate

MAX_ROWS = 1_048_576  # the format's limits
MAX_COLUMNS = 16_384
MAX_ROW_HEIGHT = 409.0


def column_letters(number: int) -> str:
    """A column's letters from its number (1 → "A", 27 → "AA"): bijective base 26."""
    letters = ""
    while number > 0:
        number, digit = divmod(number - 1, 26)
        letters = chr(ord("A") + digit) + letters
    return letters


LETTERS = [column_letters(i) for i in range(1, MAX_COLUMNS + 1)]  # column 0 → "A"
CELL_HEADS = ['<c r="' + letter for letter in LETTERS]  # a cell's start, before its row number
SPACES = " \n\t"  # a text starting or ending with one keeps it only with xml:space
TEXT, KEPT_TEXT = ' t="inlineStr"><is><t>', ' t="inlineStr"><is><t xml:space="preserve">'
TEXTS_KEPT, SHORT_TEXT = 20_000, 200  # short text elements kept for reuse (names, words repeat)
PENDING_ROWS = 256  # rows kept before they are written to the sheet's file
COPY_CHUNK = 1 << 20  # bytes read at a time when a sheet's rows are copied into the package
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
    data: IO[str] | None  # its rows; None once they are deflated for another book (`deflated`)
    freeze: tuple[int, int] | None = None  # the first scrolling row and column (1-based)
    printing: PrintSetup | None = None
    merged: list[str] = field(default_factory=list)
    rows: int = 0
    columns: int = 0
    deflated: Deflated | None = None  # its whole XML, ready for the package, when another book wrote it
    pending: list[str] = field(default_factory=list)  # rows not yet written to `data`
    restyle: list[int] | None = None  # its cells' style numbers → the book's, when they differ


@dataclass(slots=True)
class Part:
    """Sheets another book wrote (in another process): their styles by number and each sheet with
    the name of the list it belongs to; `Book.take` puts them into this book."""

    styles: list[Style]
    sheets: list[tuple[str, Sheet]]


class Book:
    """Sheets appended row by row, saved as one .xlsx by `close`."""

    def __init__(self, path: Path, spool: Path | None = None) -> None:
        self.path, self.spool = path, spool  # spool: the folder of its temporary files (and its Part's)
        self.sheets: list[Sheet] = []
        self.groups: list[str] = []  # the list each sheet belongs to (a long list spans sheets)
        # style 0 is what a cell without a style shows; spreadsheets read their own default for it
        self._styles: dict[Style, int] = {Style(vertical=""): 0}
        self._opened = ['"']  # what follows a cell's reference, by style: '"' or '" s="3"'
        self._texts: dict[str, str] = {}  # a text → its cell's element after the style (texts repeat)

    def style(self, style: Style) -> int:
        """The style's index (registered the first time it is asked for)."""
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = len(self._styles)
            self._opened.append(f'" s="{found}"')
        return found

    def sheet(self, title: str, widths: list[float], group: str = "") -> Sheet:
        """A new sheet at the end of the book, with its column widths in characters."""
        data = tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.spool)  # noqa: SIM115 (closed by `close`)
        sheet = Sheet(title, widths, data)
        self.sheets.append(sheet)
        self.groups.append(group)
        return sheet

    def part(self) -> Part:
        """This book's sheets and styles for another book to take: each sheet's whole XML deflated
        into the spool, ready to be copied into that book's package."""
        assert self.spool is not None, "a book that gives its sheets away spools them"
        sheets = []
        for number, (group, sheet) in enumerate(zip(self.groups, self.sheets, strict=True)):
            member = deflate(self._sheet_xml(sheet), self.spool / f"sheet{number}.deflated")
            assert sheet.data is not None
            sheet.data.close()
            sheets.append((group, replace(sheet, data=None, deflated=member)))
        return Part(list(self._styles), sheets)

    def take(self, parts: list[Part], at: dict[str, int]) -> None:
        """Put the `parts`' sheets in this book, each list's sheets at `at[list]` (a position among
        this book's sheets). The first part's style numbers are kept, and a later part's as long as
        they agree with those before it (list parts register the same looks first, so they do);
        this book's own are renumbered after them (the parts' sheets are the long lists, this
        book's the few period rows). A part numbered otherwise is renumbered here, the slow way."""
        shift = 0  # sheets already put in before this place
        given = [(name, sheet) for part in parts for name, sheet in part.sheets]
        for group in sorted(at, key=at.__getitem__):  # stable: lists kept at one place stay in order
            position = at[group] + shift
            taken = [sheet for name, sheet in given if name == group]
            self.sheets[position:position] = taken
            self.groups[position:position] = [group] * len(taken)
            shift += len(taken)
        merged: dict[Style, int] = {}
        for part in parts:
            numbers = [merged.setdefault(style, len(merged)) for style in part.styles]
            if numbers != list(range(len(numbers))):
                for _name, sheet in part.sheets:
                    sheet.deflated = restyled_member(sheet.deflated, numbers)
        own = [merged.setdefault(style, len(merged)) for style in self._styles]
        self._styles = merged
        self._opened = ['"', *(f'" s="{number}"' for number in range(1, len(merged)))]
        if own != list(range(len(own))):
            for sheet in self.sheets:
                if sheet.deflated is None:
                    sheet.restyle = own

    def letter(self, column: int) -> str:
        """Column letters, 1 → A."""
        return LETTERS[column - 1]

    def row(self, sheet: Sheet, cells: list[tuple[Any, int] | None], height: float | None = None) -> int:
        """Append a row of (value, style) cells, None for an empty one; returns its number."""
        number = self._next_row(sheet, len(cells))
        parts = [_row_opening(number, height)]
        heads, opened = CELL_HEADS, self._opened
        for column, cell in enumerate(cells):
            if cell is not None:
                self._cell(parts, heads[column] + number + opened[cell[1]], cell)
        parts.append("</row>")
        self._pending(sheet, "".join(parts))
        return sheet.rows

    def table_row(
        self,
        sheet: Sheet,
        values: Sequence[Any],
        plain: list[int],
        makers: list[Callable[[Any], tuple[Any, int]]],
        formula_starts: tuple[str, ...],
        height: float | None = None,
    ) -> None:
        """Append a list table's row of plain values: a str in a column whose `plain` style is
        known (> 0) and that does not start as a formula may (`formula_starts`) is written as text
        in that style at once; any other value becomes its column's `makers` cell. A list sheet
        has hundreds of thousands of rows, nearly all plain text: no (value, style) pair each.
        A column's `plain` style below 0 (as -style) marks texts each row has its own (ids, file
        names), never kept for reuse: they would only push out the texts that repeat."""
        number = self._next_row(sheet, len(values))
        parts = [_row_opening(number, height)]
        heads, opened, texts = CELL_HEADS, self._opened, self._texts
        for column, value in enumerate(values):
            style = plain[column]
            if style and type(value) is str and value and not value.startswith(formula_starts):
                if style > 0:
                    text = texts.get(value) or self._text(value)
                else:
                    style, text = -style, _text_element(value)
                parts.append(f"{heads[column]}{number}{opened[style]}{text or '/>'}")
            else:
                cell = makers[column](value)
                self._cell(parts, heads[column] + number + opened[cell[1]], cell)
        parts.append("</row>")
        self._pending(sheet, "".join(parts))

    def _next_row(self, sheet: Sheet, columns: int) -> str:
        """The next row's number, as its reference writes it (the format's limits checked)."""
        if sheet.rows >= MAX_ROWS:
            raise ValueError(f"sheet {sheet.title!r}: more than {MAX_ROWS} rows")
        if columns > MAX_COLUMNS:
            raise ValueError(f"sheet {sheet.title!r}: more than {MAX_COLUMNS} columns")
        sheet.rows += 1
        if columns > sheet.columns:
            sheet.columns = columns
        return str(sheet.rows)

    def _text(self, value: str) -> str:
        """A text's element after its cell's style; a short one kept (names and words repeat)."""
        text = _text_element(value)
        if len(value) <= SHORT_TEXT:
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.clear()
            self._texts[value] = text
        return text

    def _cell(self, parts: list[str], head: str, cell: tuple[Any, int]) -> None:
        """One cell's XML after `head` ('<c r="B7" s="3"'); nothing for an empty one without a style."""
        value, style = cell
        kind = type(value)
        if kind is str:
            text = self._texts.get(value) or self._text(value)
            if text:
                parts.append(head + text)
            elif style:
                parts.append(head + "/>")
        elif value is None:
            if style:
                parts.append(head + "/>")
        elif kind is bool:
            parts.append(f"{head} t=\"b\"><v>{int(value)}</v></c>")
        else:
            number_text = format(value, "f") if kind is Decimal else repr(value)
            parts.append(head + "><v>" + number_text + "</v></c>")

    def _pending(self, sheet: Sheet, row: str) -> None:
        """Keep a finished row; write them to the sheet's file a few hundred at a time."""
        sheet.pending.append(row)
        if len(sheet.pending) >= PENDING_ROWS:
            _flush(sheet)

    def close(self) -> Path:
        """Write the package: content types, workbook, styles and each sheet."""
        kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        sheets = [("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(self.sheets) + 1)]
        with tempfile.TemporaryDirectory(prefix="tonghop-book-", dir=self.spool) as folder:
            spool, package = Path(folder), Package(self.path)
            package.add_text("[Content_Types].xml", self._content_types(), spool)
            package_parts = _relationships([("officeDocument", "xl/workbook.xml")], kinds)
            package.add_text("_rels/.rels", package_parts, spool)
            package.add_text("xl/workbook.xml", self._workbook(), spool)
            workbook_parts = _relationships([*sheets, ("styles", "styles.xml")], kinds)
            package.add_text("xl/_rels/workbook.xml.rels", workbook_parts, spool)
            package.add_text("xl/styles.xml", self._stylesheet(), spool)
            for number, sheet in enumerate(self.sheets, 1):
                member = sheet.deflated or deflate(self._sheet_xml(sheet), spool / f"sheet{number}.deflated")
                package.add(f"xl/worksheets/sheet{number}.xml", member)
                if sheet.data is not None:
                    sheet.data.close()
            package.close()
        return self.path

    def _sheet_xml(self, sheet: Sheet) -> Iterator[bytes]:
        """A sheet's whole XML in pieces: its head, its rows (renumbered if need be), its tail."""
        yield self._sheet_head(sheet).encode("utf-8")
        rows = _rows_of(sheet)
        if sheet.restyle is None:
            yield from _chunks(rows)
        else:
            yield from _restyled(_chunks(rows), sheet.restyle)
        yield self._sheet_tail(sheet).encode("utf-8")

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


def _row_opening(number: str, height: float | None) -> str:
    """A row's start tag, with its height when the row must be taller than one line."""
    if height:
        return f'<row r="{number}" ht="{min(height, MAX_ROW_HEIGHT):g}" customHeight="1">'
    return f'<row r="{number}">'


def _text_element(value: str) -> str:
    """What follows `<c r="A1" s="3"` for a text: "" for a text that is empty once cleaned."""
    if not value.isprintable():  # a newline, a tab, or a character XML cannot hold
        value = ILLEGAL.sub("", value)
    if not value:
        return ""
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    spaced = value[0] in SPACES or value[-1] in SPACES
    return (KEPT_TEXT if spaced else TEXT) + value + "</t></is></c>"


def _flush(sheet: Sheet) -> None:
    """Write the sheet's pending rows to its file."""
    if sheet.pending:
        assert sheet.data is not None
        sheet.data.write("".join(sheet.pending))
        sheet.pending.clear()


STYLE_NUMBER = re.compile(rb'(<c r="[A-Z]+[0-9]+") s="([0-9]+)"')  # a cell's style (a text never holds "<")


def _rows_of(sheet: Sheet) -> IO[bytes]:
    """The sheet's rows as the UTF-8 bytes they were written as (no decoding and encoding again)."""
    assert sheet.data is not None
    _flush(sheet)
    sheet.data.flush()
    rows = sheet.data.buffer
    rows.seek(0)
    return rows


def _restyled(chunks: Iterable[bytes], numbers: list[int]) -> Iterator[bytes]:
    """The XML with each cell's style number n written as numbers[n]; whole rows at a time."""
    shown = [f' s="{n}"'.encode() for n in numbers]

    def renumbered(match: re.Match[bytes]) -> bytes:
        return match[1] + shown[int(match[2])]

    rest = b""
    for chunk in chunks:
        chunk = rest + chunk
        end = chunk.rfind(b"</row>")
        cut = end + len(b"</row>") if end >= 0 else 0
        yield STYLE_NUMBER.sub(renumbered, chunk[:cut])
        rest = chunk[cut:]
    yield STYLE_NUMBER.sub(renumbered, rest)


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    """A file's bytes, COPY_CHUNK at a time."""
    while chunk := source.read(COPY_CHUNK):
        yield chunk


def restyled_member(member: Deflated | None, numbers: list[int]) -> Deflated:
    """A sheet another book deflated, with its style numbers n written as numbers[n] (beside it)."""
    assert member is not None, "only a part's sheets are deflated"
    path = Path(member.path)
    return deflate(_restyled(inflate(path), numbers), path.with_name(path.name + ".restyled"))


def _relationships(targets: list[tuple[str, str]], base: str) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{base}{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{items}</Relationships>'
