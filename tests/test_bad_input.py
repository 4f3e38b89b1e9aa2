"""The bad-input table: every broken or hostile file ends with its own stable outcome."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from badinput.make_corpus import CASES, HUGE_NUMBER, REPORT, SPECIAL, VIETNAMESE_NAME, write_corpus

from pipeline.document import FLAG_INVISIBLE, Document, canonical_text
from pipeline.errors import REASONS, DocumentRejected
from pipeline.figure import Figure
from pipeline.guarded_extract import extract_in_child
from pipeline.ingest import discover, file_sha256
from pipeline.readers.ocr import ocr_available
from pipeline.readers.word97 import office
from pipeline.sandbox import read_in_child

LOADED = "loaded"
SAMPLE_SUFFIXES = (".txt", ".docx", ".pdf")

# file in tests/badinput/make_corpus.py -> the outcome it must have, and why
TABLE: list[tuple[str, str, str]] = [
    ("empty.docx", "E001_EMPTY", "zero bytes"),
    ("legacy_word97.docx", "E005_CORRUPT" if office() else "E003_LEGACY_DOC",
     "a bare OLE2 WordDocument stream renamed .docx: LibreOffice cannot convert it (else E003)"),
    ("random_bytes.docx", "E002_UNKNOWN_FORMAT", "random bytes renamed .docx"),
    ("not_ooxml_zip.docx", "E002_UNKNOWN_FORMAT", "a zip of photos renamed .docx"),
    ("no_content_types.docx", "E005_CORRUPT", "a Word package without [Content_Types].xml"),
    ("password_protected.docx", "E004_ENCRYPTED", "Office password: OLE2 with EncryptedPackage"),
    ("zip_bomb_honest.docx", "E006_TOO_LARGE", "document.xml declares and holds 1 GB"),
    ("zip_bomb_lying.docx", "E006_TOO_LARGE", "document.xml declares 0 bytes, holds 1 GB"),
    ("doctype_entity_expansion.docx", "E007_UNSAFE_XML", "billion laughs in document.xml"),
    ("doctype_external_entity.docx", "E007_UNSAFE_XML", "SYSTEM file:///etc/passwd entity in styles.xml"),
    ("doctype_utf16_hidden_part.docx", "E007_UNSAFE_XML", "UTF-16 XML with an entity in a part named .bin"),
    ("paragraph_20mb.docx", "E006_TOO_LARGE", "one 20 MB paragraph"),
    ("paragraph_20mb.txt", "E006_TOO_LARGE", "one 20 MB line"),
    ("nested_300_deep.docx", "E013_TOO_DEEP", "300 nested customXml elements"),
    ("parts_3000.docx", "E006_TOO_LARGE", "a Word package with 3000 extra parts"),
    ("pages_2500.pdf", "E006_TOO_LARGE", "2500 blank pages"),
    ("truncated.pdf", "E005_CORRUPT", "a PDF cut at 60%"),
    ("broken_xref.pdf", LOADED, "every xref offset wrong: recovered by scanning the objects"),
    ("bad_mediabox.pdf", LOADED, "a page box of three numbers: PDFium takes the default box and reads "
     "the text (pdfplumber raised IndexError; found by the fuzzer)"),
    ("flate_bomb.pdf", "E006_TOO_LARGE", "a content stream of 1 GB of zeros, deflated to 1 MB"),
    ("encrypted.pdf", "E004_ENCRYPTED", "RC4 encryption with a user password"),
    ("image_only.pdf", "E012_NO_TEXT" if ocr_available() else "E009_NEEDS_OCR",
     "a scanned page of grey noise: OCR finds no text (E009 without Tesseract)"),
    ("cid_font.pdf", "E010_UNMAPPABLE_TEXT", "Identity-H font without ToUnicode: only (cid:N)"),
    ("tcvn3_vntime.docx", LOADED, "TCVN3 text in .VnTime, converted to Unicode"),
    ("tcvn3.txt", LOADED, "TCVN3 bytes in a .txt, converted to Unicode"),
    ("utf16.txt", LOADED, "UTF-16 with BOM"),
    ("cp1258.txt", LOADED, "Windows-1258 with combining tone marks"),
    (VIETNAMESE_NAME, LOADED, "diacritics and spaces in the file name"),
    ("no_figures.txt", LOADED, "a valid report without a single figure"),
    ("text_in_top_band.pdf", LOADED, "a one-page PDF whose text sits in the top tenth (was E012)"),
    ("text_in_bottom_band.pdf", LOADED, "a one-page PDF whose text sits in the bottom tenth (was E012)"),
    ("digits_50000.txt", LOADED, "50,000 digits: linear-time rules, no figure (took 36 s)"),
    ("digits_4_9mb.txt", "E006_TOO_LARGE", "4.9 MB of one digit run: over the digit-run budget"),
    ("percent_100kb.txt", "E006_TOO_LARGE", "100 KB of '5%' on one line: over the per-paragraph budget"),
    ("short_paragraphs_200000.docx", LOADED, "200,000 short paragraphs read in the child (parent: 1.1 GB)"),
    ("number_400_digits.txt", LOADED, "a 400-digit amount: not a figure (over 10^18), the rest loads"),
    ("formula_text.txt", LOADED, "lines starting with = + - @: loaded, neutralised on export"),
    ("text_pages_500.pdf", LOADED, "a 500-page text PDF: PDFium reads it in seconds (was over 120 s CPU)"),
    ("self_referencing.pdf", "E005_CORRUPT", "a page tree that lists itself: refused at once (burned 120 s)"),
    ("zero_width_in_number.txt", LOADED, "zero-width characters inside numbers: removed and flagged"),
    ("nul_byte.txt", LOADED, "one stray NUL byte in a UTF-8 report: removed and flagged (was E011)"),
    ("numbering_start_abc.docx", LOADED, 'w:start="abc" in Word numbering: taken as 1 (was E014)'),
    ("altchunk_html.docx", LOADED, "an HTML altChunk: its paragraph and table are read in place"),
    ("word97_report.doc", LOADED if office() else "E003_LEGACY_DOC", "Word 97, converted by LibreOffice"),
    ("appendix.xlsx", LOADED, "a data appendix as a workbook: cells with row and column headers"),
    ("appendix.xls", LOADED, "the appendix as Excel 97 (.xls, LibreOffice's when installed): read by xlrd"),
    ("truncated.xls", "E005_CORRUPT", "an .xls cut at three fifths: damaged, the batch goes on"),
    ("sheet_300000_cells.xls", "E006_TOO_LARGE", "300,000 cells in 1.8 MB: refused from the record headers"),
    ("photo_of_page.png", LOADED if ocr_available() else "E009_NEEDS_OCR", "a photo of a page: OCR"),
    ("fifo_named_pipe.txt", "E016_NOT_A_FILE", "a FIFO: refused before it is opened (it hung ingest)"),
    ("link_to_etc_passwd.txt", "E016_NOT_A_FILE", "a link out of the folder, not followed"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("badinput"))


def test_the_table_covers_the_whole_corpus() -> None:
    assert [name for name, _, _ in TABLE] == [*CASES, *SPECIAL]
    assert all(code == LOADED or code in REASONS for _, code, _ in TABLE)


def outcome_of(path: Path) -> tuple[Document, list[Figure]]:
    """What `tonghop ingest FOLDER` does with one entry of the folder: list it as discover() does,
    hash it (refusing what is not a regular file), read it and extract its figures in limited children."""
    [listed] = [p for p in discover([path.parent]) if p.name == path.name]
    if listed.is_symlink():
        raise DocumentRejected("E016_NOT_A_FILE", listed.name, "a link out of the folder, not followed")
    file_sha256(listed)
    document = read_in_child(listed)
    return document, extract_in_child(document)


@pytest.mark.parametrize("name", ["utf16.txt", "cp1258.txt", VIETNAMESE_NAME])
def test_re_encoded_reports_read_as_the_same_text(corpus: dict[str, Path], name: str) -> None:
    assert read_in_child(corpus[name]).text == canonical_text(REPORT)


def test_a_report_without_figures_is_not_flagged(corpus: dict[str, Path]) -> None:
    document = read_in_child(corpus["no_figures.txt"])
    assert document.flags == []
    assert "Nhân dân" in document.text


@pytest.mark.parametrize("name", ["tcvn3_vntime.docx", "tcvn3.txt"])
def test_tcvn3_text_comes_out_as_unicode(corpus: dict[str, Path], name: str) -> None:
    document = read_in_child(corpus[name])
    assert "vận động quỹ" in document.text and "361.432.000 đồng" in document.text
    assert document.encoding == "tcvn3"


def test_a_number_past_the_bound_is_not_a_figure_and_the_rest_stay(corpus: dict[str, Path]) -> None:
    document, figures = outcome_of(corpus["number_400_digits.txt"])
    assert HUGE_NUMBER in document.text
    assert [(f.value, f.unit) for f in figures] == [(25, "hộ")]


def test_invisible_characters_are_removed_and_flagged(corpus: dict[str, Path]) -> None:
    document, figures = outcome_of(corpus["zero_width_in_number.txt"])
    assert document.text == "Hỗ trợ 1500 hộ nghèo và 2361 suất quà.\n"
    assert FLAG_INVISIBLE in document.flags
    assert sorted(f.value for f in figures) == [1500, 2361]
    text, _ = outcome_of(corpus["nul_byte.txt"])
    assert text.text == canonical_text(REPORT) and FLAG_INVISIBLE in text.flags


def test_an_html_altchunk_is_read_where_it_stands(corpus: dict[str, Path]) -> None:
    document, figures = outcome_of(corpus["altchunk_html.docx"])
    assert document.text.index("năm 2024\n") < document.text.index("512.000.000 đồng")
    cells = {(b.cell.row_header, document.text[b.start : b.end]) for b in document.blocks if b.cell}
    assert {("Ea Pô", "17"), ("Nam Dong", "23")} <= cells
    assert {512_000_000, 17, 23} <= {f.value for f in figures}


def test_a_word_97_report_reads_as_its_docx(corpus: dict[str, Path]) -> None:
    if not office():
        pytest.skip("LibreOffice is not installed")
    document, figures = outcome_of(corpus["word97_report.doc"])
    assert document.format == "doc" and "361.432.000 đồng" in document.text
    assert {361_432_000, 25} <= {f.value for f in figures}


def test_an_excel_appendix_reads_as_table_cells_with_headers(corpus: dict[str, Path]) -> None:
    document, figures = outcome_of(corpus["appendix.xlsx"])
    cells = {(b.cell.row_header, b.cell.col_header, b.cell.unit, document.text[b.start : b.end])
             for b in document.blocks if b.cell}
    assert ("Xã Ea Pô", "Số tiền vận động (đồng)", "đồng", "361.432.000") in cells
    assert ("Xã Nam Dong", "Số hộ được hỗ trợ", "", "12") in cells
    assert {361_432_000, 128_500_000, 25, 12} <= {f.value for f in figures}


def test_an_excel_97_appendix_reads_as_the_same_table_cells(corpus: dict[str, Path]) -> None:
    document, figures = outcome_of(corpus["appendix.xls"])
    cells = {(b.cell.row_header, b.cell.col_header, b.cell.unit, document.text[b.start : b.end])
             for b in document.blocks if b.cell}
    assert document.format == "xls"
    assert ("Xã Ea Pô", "Số tiền vận động (đồng)", "đồng", "361.432.000") in cells
    assert ("Xã Nam Dong", "Số hộ được hỗ trợ", "", "12") in cells
    assert {361_432_000, 128_500_000, 25, 12} <= {f.value for f in figures}


# Runs `tonghop ingest` in this interpreter and reports the parent's own peak memory afterwards.
INGEST_WRAPPER = """
import resource, sys, time
from pipeline.cli import app
started = time.perf_counter()
try:
    app(sys.argv[1:], prog_name="tonghop")
finally:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ingest-measure: peak_rss_mb={peak_mb:.0f} seconds={time.perf_counter() - started:.1f}",
          file=sys.stderr)
"""


@dataclass
class Ingested:
    """One `tonghop ingest` over the whole corpus and the samples: what it printed and what it stored."""

    run: subprocess.CompletedProcess[str]
    sample_names: list[str]
    documents: dict[str, dict[str, Any]]  # file name -> its stored row (the last one of that name)
    texts: dict[str, str]  # file name -> stored text of each loaded file

    def outcome(self, name: str) -> str | None:
        """Loaded, or the error code; a seed's other formats supersede one another: that is loaded too."""
        row = self.documents.get(name)
        if row is None:
            return None
        status = row["error_code"] or row["status"]
        return LOADED if status == "superseded" else status


@pytest.fixture(scope="module")
def ingested(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    """The corpus is read once, the way an officer's batch is (every file in its own limited child),
    and each test below looks at its part of the result instead of reading the files again."""
    from pipeline.store import open_store

    samples = Path(__file__).resolve().parents[1] / "samples"
    # the seeds in every format present (the .docx/.pdf are built by `make samples`)
    sample_names = sorted(p.name for p in samples.glob("[0-9][0-9][0-9]_*") if p.suffix in SAMPLE_SUFFIXES)
    url = f"sqlite:///{tmp_path_factory.mktemp('ingest') / 'tonghop.db'}"
    folder = next(iter(corpus.values())).parent
    files = [str(folder), *(str(samples / name) for name in sample_names)]
    run = subprocess.run(
        [sys.executable, "-c", INGEST_WRAPPER, "ingest", *files, "--store", url],
        capture_output=True, text=True, timeout=900, env={**os.environ, "COLUMNS": "200"},
    )
    store = open_store(url)
    try:
        documents = {d["path"]: d for d in store.documents()}
        loaded = {name: row["id"] for name, row in documents.items() if not row["error_code"]}
        texts = {name: store.document(document_id)["text"] for name, document_id in loaded.items()}
    finally:
        store.close()
    return Ingested(run, sample_names, documents, texts)


@pytest.mark.parametrize(("name", "expected", "why"), TABLE, ids=[row[0] for row in TABLE])
def test_bad_input_has_its_outcome(ingested: Ingested, name: str, expected: str, why: str) -> None:
    assert ingested.outcome(name) == expected, f"{name} ({why}): {ingested.documents.get(name)}"
    row = ingested.documents[name]
    if expected == LOADED:
        assert ingested.texts[name].strip(), f"{name} loaded without text"
    else:  # the stored reason names the file and its code, as the console and the review page show it
        assert name in row["error"] and expected in row["error"], row["error"]


@pytest.mark.slow
def test_ingest_rejects_the_corpus_and_loads_the_samples(
    ingested: Ingested, corpus: dict[str, Path], measured: Callable[[str], None]
) -> None:
    run = ingested.run
    console = run.stdout + run.stderr
    found = re.search(r"peak_rss_mb=(\d+) seconds=([\d.]+)", run.stderr)
    assert found, console
    measured(f"ingest over {len(corpus)} bad-input files + {len(ingested.sample_names)} samples: "
             f"exit {run.returncode}, {found.group(2)} s, parent peak RSS {found.group(1)} MB")
    assert run.returncode == 2, console
    assert "Traceback" not in console, console
    # Time and memory (issue 14's targets: under 2 minutes, parent under 500 MB) are printed above, not
    # asserted: like every speed target they are measured, and on this shared machine they moved
    # 392–512 MB and 86–329 s between runs of the same code.
    names = ingested.sample_names
    assert {name: ingested.outcome(name) for name in names} == dict.fromkeys(names, LOADED)


def one_file_per_outcome() -> list[str]:
    """The inbox test files away one file of each outcome, a quick one where there is one (the table
    above checks every file's outcome through ingest; reading all of them again only repeats that)."""
    chosen: dict[str, str] = {}
    for name, code, _ in sorted(TABLE, key=lambda row: row[0] in SLOW_TO_READ):
        if name not in SPECIAL:  # a FIFO or a link in the inbox root: see test_hostile_ingest
            chosen.setdefault(code, name)
    return sorted(chosen.values())


# the files that take seconds to read (OCR, 500 pages, 200,000 paragraphs): one pass above is enough
SLOW_TO_READ = {"photo_of_page.png", "image_only.pdf", "text_pages_500.pdf", "short_paragraphs_200000.docx",
                "word97_report.doc", "digits_50000.txt"}


@pytest.mark.slow
def test_the_inbox_files_every_bad_input_in_quarantine_with_its_code(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    """The flow's stages, run as plain functions: good files to done/, bad ones to quarantine/."""
    from pipeline import stages
    from pipeline.inbox import Inbox, claim_all

    inbox = Inbox(tmp_path / "inbox").ensure()
    chosen = one_file_per_outcome()
    for name in chosen:
        shutil.copyfile(corpus[name], inbox.root / name)
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    for path in claim_all(inbox, settle_seconds=0):
        claimed = stages.claimed_file(path)
        item = stages.normalise_stage(stages.extract_stage(stages.read_stage(claimed)))
        stages.file_away_stage(stages.load_stage(item, claimed, url), inbox.root)

    assert not list(inbox.processing.iterdir())
    expected_of = {name: code for name, code, _ in TABLE}
    assert {expected_of[name] for name in chosen} == {code for name, code, _ in TABLE if name not in SPECIAL}
    for name in chosen:
        if expected_of[name] == LOADED:
            assert (inbox.done / name).is_file(), name
        else:
            reason = (inbox.quarantine / f"{name}.reason.txt").read_text(encoding="utf-8")
            assert reason.startswith(expected_of[name]) and (inbox.quarantine / name).is_file(), reason
