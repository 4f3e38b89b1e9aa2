"""Files and text that try to break a batch: each costs only its own outcome, nothing reaches a
spreadsheet as a live formula, and no number breaks an export."""

from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pipeline.errors import DocumentRejected
from pipeline.export import export_all
from pipeline.ingest import ingest_paths
from pipeline.review.numbers import NumberError, parse_number
from pipeline.safe_cells import csv_safe

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = next(SAMPLES.glob("004_*.txt"))
FORMULAS = (
    "BÁO CÁO\n"
    '=HYPERLINK("http://vi-du.invalid/","Bấm") hỗ trợ 25 hộ nghèo.\n'
    "- Vận động Quỹ được 361.432.000 đồng.\n"
    "@SUM(1+1) hộ đạt 85% kế hoạch.\n"
)


def test_text_cells_that_start_like_a_formula_are_neutralised(sqlite_store, tmp_path):
    report = tmp_path / "in" / "cong-thuc.txt"
    report.parent.mkdir()
    report.write_text(FORMULAS, encoding="utf-8")
    [loaded] = ingest_paths([report], sqlite_store)
    assert loaded.status == "loaded" and loaded.figures >= 3
    paths = export_all(sqlite_store, tmp_path / "out")
    with paths["figures.csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [value for row in rows for value in row.values() if value]
    assert any(value.startswith("'=HYPERLINK") for value in cells)
    assert not [value for value in cells if value[0] in "=+@\t\r"]
    assert not [v for v in cells if v.startswith("-") and not v[1:].replace(".", "").isdigit()]
    book = openpyxl.load_workbook(paths["consolidated.xlsx"])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r}"


def test_a_stored_number_past_the_bound_does_not_break_the_export(sqlite_store, seed, tmp_path):
    document, figures = seed("004")
    figures[0].value = Decimal("9" * 400)  # a value stored before the bound existed
    sqlite_store.load(document, figures)
    paths = export_all(sqlite_store, tmp_path / "out")
    assert "9" * 400 not in paths["figures.csv"].read_text(encoding="utf-8-sig")
    assert paths["consolidated.xlsx"].stat().st_size > 0


def test_csv_cells_keep_numbers_and_quote_formulas():
    assert csv_safe("-5") == "-5" and csv_safe(Decimal("-5")) == Decimal("-5")
    assert csv_safe("- Vận động") == "'- Vận động" and csv_safe("\tx") == "'\tx"
    assert csv_safe(Decimal(10) ** 19) != Decimal(10) ** 19


@pytest.mark.parametrize("typed", ["9" * 5000, "1" + "0" * 19, "1.000.000.000.000.000.000.000"])
def test_a_correction_past_the_bound_is_refused(typed):
    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert "10^18" in str(refused.value)


def test_a_correction_at_the_bound_is_read():
    assert parse_number("1.000.000.000.000.000.000") == Decimal(10) ** 18


def test_a_file_deleted_during_the_batch_costs_only_its_own_outcome(sqlite_store, tmp_path):
    folder = tmp_path / "nop"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(SEED.read_text(encoding="utf-8").replace("năm", f"năm {name}", 1))

    def delete_the_next(path: Path, _result: object) -> None:
        if path.name == "a.txt":
            (folder / "b.txt").unlink()  # gone between the listing and its turn

    results = {Path(r.path).name: r for r in ingest_paths([folder], sqlite_store, on_file=delete_the_next)}
    assert results["b.txt"].status == "rejected" and results["b.txt"].code == "E017_FILE_GONE"
    assert results["a.txt"].status == "loaded" and results["c.txt"].status in ("loaded", "superseded")


def test_ingest_never_follows_a_link_out_of_the_folder_and_never_opens_a_fifo(sqlite_store, tmp_path):
    folder = tmp_path / "nop"
    (folder / "con").mkdir(parents=True)
    (folder / "con" / "bao-cao.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "mat-khau.txt").symlink_to("/etc/passwd")
    (folder / "thu-muc-ngoai").symlink_to(SAMPLES, target_is_directory=True)
    (folder / "ban-sao.txt").symlink_to(folder / "con" / "bao-cao.txt")  # inside: read once
    os.mkfifo(folder / "ong.txt")
    results = {Path(r.path).name: r for r in ingest_paths([folder], sqlite_store)}
    assert {name: (r.status, r.code) for name, r in results.items()} == {
        "bao-cao.txt": ("loaded", ""),
        "mat-khau.txt": ("rejected", "E016_NOT_A_FILE"),
        "thu-muc-ngoai": ("rejected", "E016_NOT_A_FILE"),
        "ong.txt": ("rejected", "E016_NOT_A_FILE"),
    }
    assert "root:" not in "".join(d["path"] for d in sqlite_store.documents())


def test_a_fifo_named_on_the_command_line_is_refused_not_waited_for(sqlite_store, tmp_path):
    fifo = tmp_path / "ong.txt"
    os.mkfifo(fifo)
    [result] = ingest_paths([fifo], sqlite_store)
    assert (result.status, result.code) == ("rejected", "E016_NOT_A_FILE")
    assert "FIFO" in result.message


def test_inbox_entries_that_are_not_loaded_get_an_outcome(tmp_path):
    from pipeline import stages
    from pipeline.inbox import Inbox, claim_all

    inbox = Inbox(tmp_path / "inbox").ensure()
    (inbox.root / "thang-6").mkdir()
    (inbox.root / "thang-6" / "bao-cao.txt").write_text("Hỗ trợ 25 hộ.\n", encoding="utf-8")
    (inbox.root / "lien-ket.txt").symlink_to(SEED)
    (inbox.root / "that.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    claimed = claim_all(inbox, settle_seconds=0)
    assert [p.name for p in claimed] == ["that.txt"]
    skipped = {o.name: (o.status, o.code) for o in stages.skipped_outcomes(inbox.root)}
    refused = ("skipped", "E016_NOT_A_FILE")
    assert skipped == {"thang-6": refused, "lien-ket.txt": refused}
    assert "1 entries" in next(o.message for o in stages.skipped_outcomes(inbox.root) if o.name == "thang-6")


def test_a_file_that_vanishes_from_processing_costs_only_its_own_outcome(tmp_path):
    from pipeline import stages
    from pipeline.inbox import Inbox, claim_all

    inbox = Inbox(tmp_path / "inbox").ensure()
    for name in ("a.txt", "b.txt"):
        (inbox.root / name).write_text(SEED.read_text(encoding="utf-8").replace("năm", f"năm {name}", 1))
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    paths = claim_all(inbox, settle_seconds=0)
    paths[0].unlink()  # taken out of processing/ by hand before the run reached it
    outcomes = []
    for path in paths:
        claimed = stages.claimed_file(path)
        item = stages.normalise_stage(stages.extract_stage(stages.read_stage(claimed)))
        outcomes.append(stages.file_away_stage(stages.load_stage(item, claimed, url), inbox.root))
    assert [(o.name, o.status, o.code) for o in outcomes] == [
        ("a.txt", "rejected", "E017_FILE_GONE"), ("b.txt", "loaded", ""),
    ]
    assert outcomes[0].filed_as == "" and (inbox.done / "b.txt").is_file()


def test_document_rejected_codes_for_special_files_are_documented():
    for code in ("E016_NOT_A_FILE", "E017_FILE_GONE"):
        assert code in DocumentRejected(code, "x").message("en")
