"""The list sheets after the period sheets: sources, conflicts, breakdowns, targets, missing
units, unclassified figures. Each column says one thing; stored words get Vietnamese labels.

Each takes its rows as they stream from the store; they are spooled to a temporary file first so
the title can say how many there are, and a list longer than a sheet holds goes on in a sheet
"(2)", "(3)" … after it.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pipeline.safe_cells import FORMULA_STARTS
from pipeline.workbook.cells import (
    FORMULA_FIRST,
    LINE_HEIGHT,
    TITLE_SIZE,
    Cell,
    Cells,
    fitted_height,
    is_missing,
    text_lines,
)
from pipeline.workbook.names import sheet_title
from pipeline.workbook.printing import print_setup, title_rows
from pipeline.workbook.words import word
from pipeline.workbook.xlsx import MAX_ROWS

SPOOL_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, width in characters, and whether it holds numbers or wrapped text."""

    title: str
    width: float
    number: bool = False
    wrap: bool = True
    own: bool = False  # every row has its own text here (a hash, an id): not kept for reuse


class Spool:
    """Rows kept in a temporary file until they are all known (the title says how many)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed once read)
        self.count = 0
        self._chunk: list[Any] = []

    def add(self, row: Any) -> None:
        self._chunk.append(row)
        self.count += 1
        if len(self._chunk) >= SPOOL_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._chunk:
            pickle.dump(self._chunk, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunk = []

    def __iter__(self) -> Iterator[Any]:
        self._flush()
        self.file.seek(0)
        while True:
            try:
                yield from pickle.load(self.file)
            except EOFError:
                self.file.close()
                return


class Counted:
    """Rows whose number the store has told already: no spool is needed to learn it."""

    def __init__(self, count: int, rows: Iterable[Any]) -> None:
        self.count, self.rows = count, rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def counted_as(rows: Iterable[Any], shaped: Iterable[Any]) -> Iterable[Any]:
    """`shaped` (rows made from `rows`) keeping the count `rows` came with, if any."""
    return Counted(rows.count, shaped) if isinstance(rows, Counted) else shaped


def spooled(rows: Iterable[Any]) -> Spool:
    """Every row of `rows` in a spool."""
    spool = Spool()
    for row in rows:
        spool.add(row)
    return spool


def table_sheet(
    cells: Cells,
    name: str,
    taken: set[str],
    title: str,
    columns: list[Column],
    rows: Iterable[list[Any]],
    exported: date,
) -> None:
    """Title rows, a header row repeated on each printed page, then one row per entry."""
    spool = rows if isinstance(rows, Spool | Counted) else spooled(rows)
    widths = [c.width for c in columns]
    wrapped = [i for i, c in enumerate(columns) if c.wrap and not c.number]
    fits = [(i, one_line(widths[i]), widths[i]) for i in wrapped]
    plain = [0] * len(columns)  # each text column's style for plain text, once its first one came
    makers = [cells.number if c.number else text_maker(cells, c, plain, i) for i, c in enumerate(columns)]
    entries = iter(spool)
    part, left = 1, spool.count
    while True:
        sheet = cells.book.sheet(sheet_title(name if part == 1 else f"{name} ({part})", taken), widths, name)
        counted = [f"Số dòng: {spool.count}"] if part == 1 else [f"Tiếp theo ({part})"]
        top = title_rows(cells, sheet, title, counted, exported)
        cells.book.row(
            sheet,
            cells.header([c.title for c in columns]),
            fitted_height([(c.title, c.width) for c in columns]),
        )
        print_setup(sheet, top, title)
        for _ in range(min(left, MAX_ROWS - sheet.rows)):
            values = next(entries)
            lines = 1
            for i, fit, width in fits:  # as fitted_height, counting only the texts that may not fit one line
                text = values[i]
                if type(text) is not str:
                    text = shown_text(text)
                if len(text) > fit or "\n" in text:
                    lines = max(lines, text_lines(text, width))
            height = lines * LINE_HEIGHT if lines > 1 else None
            cells.book.table_row(sheet, values, plain, makers, FORMULA_STARTS, height)
            left -= 1
        if left <= 0:
            return
        part += 1


def register_looks(cells: Cells) -> None:
    """Every look a table sheet gives its cells, registered in one order: title rows, header,
    texts wrapped or not (quoted when a spreadsheet would take them for a formula), whole and
    decimal numbers."""
    cells.text("", bold=True, size=TITLE_SIZE)  # as title_rows asks for them
    cells.text("", wrap=True)
    cells.header([""])
    for wrap in (True, False):
        cells.text("", wrap=wrap)
        cells.text("=A1", wrap=wrap)
    cells.number(1)
    cells.number(Decimal("0.5"))


def one_line(width: float) -> int:
    """The longest text `fitted_height` keeps on one line in a column this wide (its own test)."""
    room = max(width - 1, 4)
    n = int(room / 0.95) + 2
    while n * 0.95 > room:
        n -= 1
    return n


def shown_text(value: Any) -> str:
    """The text `Cells.text` shows for a value that is not a str."""
    return "" if is_missing(value) else str(value)


def text_maker(cells: Cells, kind: Column, plain: list[int], column: int) -> Callable[[Any], Cell]:
    """`cells.text` for one column; its style for plain text is noted in `plain[column]` the first
    time one comes (negative for a column of `own` texts), so that `Book.table_row` writes the rest
    at once and the book's styles are numbered as they always were."""

    empty: list[Cell] = []  # what None shows (many figures have no unit), once made

    def make(value: Any) -> Cell:
        if value is None and empty:
            return empty[0]
        cell = cells.text(value, wrap=kind.wrap)
        if value is None:
            empty.append(cell)
        elif not plain[column] and type(value) is str and value[:1] not in FORMULA_FIRST:
            plain[column] = -cell[1] if kind.own else cell[1]
        return cell

    return make


def sources(cells: Cells, name: str, taken: set[str], rows: Iterable[dict[str, Any]], exported: date) -> None:
    columns = [
        Column("Mã văn bản", 8, number=True),
        Column("Tệp", 26, own=True),
        Column("Định dạng", 8),
        Column("Trạng thái", 11),
        Column("Đơn vị ban hành", 26),
        Column("Mã đơn vị", 12),
        Column("Cấp", 8),
        Column("Kỳ báo cáo", 18),
        Column("Loại văn bản", 12),
        Column("Số số liệu", 8, number=True),
        Column("Số chưa duyệt", 8, number=True),
        Column("Lỗi (mã – lý do)", 24),
        Column("Thay thế / bị thay bởi", 24),
        Column("SHA-256", 18, own=True),
    ]

    def shaped(s: dict[str, Any]) -> list[Any]:
        error = " – ".join(str(v) for v in (s["error_code"], s["error"]) if not is_missing(v) and v)
        replaced = [
            f"bị thay bởi văn bản {int(s['superseded_by'])}" if not is_missing(s["superseded_by"]) else "",
            "" if is_missing(s["replace_note"]) else str(s["replace_note"]),
            f"cùng ngày với văn bản {s['ambiguous_with']}" if not is_missing(s["ambiguous_with"]) else "",
        ]
        return [
            s["document_id"],
            s["path"],
            str(s["format"]).upper(),
            word("document_status", s["status"]),
            s["issuer"],
            s["unit_code"],
            s["level"],
            s["period"],
            s["doc_type"],
            s["figures"],
            s["unreviewed"],
            error,
            "; ".join(filter(None, replaced)),
            s["sha256"],
        ]

    listed = counted_as(rows, map(shaped, rows))
    table_sheet(cells, name, taken, "CÁC TỆP BÁO CÁO ĐÃ NHẬN", columns, listed, exported)


def conflicts(
    cells: Cells, name: str, taken: set[str], rows: Iterable[dict[str, Any]], exported: date
) -> None:
    columns = [
        Column("Kỳ báo cáo", 18),
        Column("Đơn vị báo cáo", 26),
        Column("Mã chỉ tiêu", 16),
        Column("Loại số liệu", 10),
        Column("Đơn vị tính", 10),
        Column("Tính chất", 12),
        Column("Kiểu mâu thuẫn", 16),
        Column("Các số ghi trong báo cáo", 44),
        Column("Số được dùng", 16, number=True),
    ]
    shaped = (
        [
            c["period"],
            c["reporting_unit"],
            c["indicator_code"] or "(chưa phân loại)",
            word("kinds", c["kind"]),
            c["unit"],
            word("modality", c["modality"]),
            word("conflict_types", c["type"]),
            c["detail"],
            c["used"],
        ]
        for c in rows
    )
    table_sheet(cells, name, taken, "MÂU THUẪN CẦN XEM LẠI", columns, shaped, exported)


def breakdowns(
    cells: Cells, name: str, taken: set[str], rows: Iterable[dict[str, Any]], exported: date
) -> None:
    columns = [
        Column("Kỳ báo cáo", 16),
        Column("Đơn vị báo cáo", 24),
        Column("Mã chỉ tiêu", 16),
        Column("Tổng (như báo cáo ghi)", 18),
        Column("Tổng", 14, number=True),
        Column("Địa bàn / thành phần", 26),
        Column("Số của phần", 14, number=True),
        Column("Cộng các phần", 14, number=True),
        Column("Khớp với tổng", 10),
        Column("Tệp", 22),
    ]
    shaped = (
        [
            b["period"],
            b["reporting_unit"],
            b["indicator_code"],
            b["total_quote"],
            b["total"],
            b["subject"],
            b["part"],
            b["parts_sum"],
            word("matches", bool(b["matches"])),
            b["doc"],
        ]
        for b in rows
    )
    table_sheet(cells, name, taken, "TỔNG VÀ CÁC PHẦN (THEO ĐỊA BÀN, THÀNH PHẦN)", columns, shaped, exported)


def targets(cells: Cells, name: str, taken: set[str], rows: Iterable[dict[str, Any]], exported: date) -> None:
    columns = [
        Column("Kỳ báo cáo", 18),
        Column("Đơn vị báo cáo", 26),
        Column("Mã chỉ tiêu", 18),
        Column("Loại số liệu", 10),
        Column("Đơn vị tính", 10),
        Column("Tính theo", 10),
        Column("Kế hoạch", 16, number=True),
        Column("Thực hiện", 16, number=True),
        Column("Đạt (%)", 9, number=True),
    ]
    shaped = (
        [
            t["period"],
            t["reporting_unit"],
            t["indicator_code"],
            word("kinds", t["kind"]),
            t["unit"],
            t["per"],
            t["target"],
            t["actual"],
            t["achieved_percent"],
        ]
        for t in rows
    )
    table_sheet(cells, name, taken, "KẾ HOẠCH VÀ THỰC HIỆN", columns, shaped, exported)


def not_reported(
    cells: Cells, name: str, taken: set[str], rows: Iterable[dict[str, Any]], exported: date
) -> None:
    columns = [
        Column("Kỳ báo cáo", 24),
        Column("Đơn vị chưa gửi báo cáo", 36),
        Column("Cấp", 10),
        Column("Thuộc", 30),
        Column("Mã đơn vị", 14),
    ]
    shaped = ([m["period"], m["unit"], m["level"], m.get("parent", ""), m.get("unit_code", "")] for m in rows)
    table_sheet(cells, name, taken, "ĐƠN VỊ CHƯA BÁO CÁO", columns, shaped, exported)


def unclassified(
    cells: Cells, name: str, taken: set[str], rows: Counted, exported: date
) -> None:
    """`rows`: (doc, quote, kind, value, unit, indicator, sentence, figure_id) tuples
    (pipeline.cells.unclassified), counted before they are read."""
    columns = [
        Column("Tệp", 22),
        Column("Số như báo cáo ghi", 16),
        Column("Loại số liệu", 10),
        Column("Giá trị", 14, number=True),
        Column("Đơn vị tính", 10),
        Column("Nội dung", 26),
        Column("Câu trong báo cáo", 60),
        Column("Mã số liệu", 14, own=True),
    ]
    kinds: dict[Any, str] = {}
    # a figure an officer rejected is no figure: it waits for no line (pipeline.cells.unclassified)
    shaped = (
        [doc, quote, kinds.get(kind) or kinds.setdefault(kind, word("kinds", kind)), value, unit, indicator,
         sentence, figure_id]
        for doc, quote, kind, value, unit, indicator, sentence, figure_id in rows
    )
    title = "SỐ LIỆU CHƯA PHÂN LOẠI VÀO CHỈ TIÊU"
    table_sheet(cells, name, taken, title, columns, Counted(rows.count, shaped), exported)
