"""The parsing child: same document as in-process, and every way it can fail has a code."""

from __future__ import annotations

import signal
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.guards import DEFAULT_LIMITS, MB
from pipeline.sandbox import _outcome, classify, read_in_child

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples").glob("[0-9][0-9][0-9]_*.txt"))


def rejection(path: Path, **limits: object) -> DocumentRejected:
    with pytest.raises(DocumentRejected) as caught:
        read_in_child(path, replace(DEFAULT_LIMITS, **limits))
    return caught.value


@pytest.mark.parametrize("sample", SAMPLES[:2], ids=lambda p: p.name[:3])
def test_child_returns_the_same_document_as_in_process(sample: Path) -> None:
    assert read_in_child(sample).to_record() == read_document(sample).to_record()


def test_a_reader_that_outlives_the_wall_clock_is_killed(tmp_path: Path) -> None:
    report = tmp_path / "bao_cao.txt"
    report.write_text("Hỗ trợ 25 hộ nghèo.\n", encoding="utf-8")
    rejected = rejection(report, wall_seconds=0.001)
    assert rejected.code == "E008_TIMEOUT" and rejected.path == "bao_cao.txt"


def test_a_reader_over_its_cpu_time_is_stopped(tmp_path: Path) -> None:
    report = tmp_path / "many_lines.txt"
    report.write_text("".join(f"{i}. Hỗ trợ {i} hộ nghèo\n" for i in range(600_000)), encoding="utf-8")
    rejected = rejection(report, cpu_seconds=1, max_chars=100_000_000)
    assert rejected.code == "E008_TIMEOUT"
    assert "CPU" in rejected.detail


def test_a_reader_over_its_memory_is_stopped(tmp_path: Path) -> None:
    report = tmp_path / "one_paragraph.txt"
    report.write_text("hỗ trợ hộ nghèo xây nhà đại đoàn kết " * 500_000, encoding="utf-8")
    rejected = rejection(report, memory_bytes=100 * MB, max_chars=100_000_000)
    assert rejected.code == "E006_TOO_LARGE"
    assert "MemoryError" in rejected.detail


def test_an_oversized_file_is_refused_before_a_child_starts(tmp_path: Path) -> None:
    report = tmp_path / "lon.txt"
    report.write_bytes(b"a" * 2048)
    rejected = rejection(report, max_file_bytes=1024)
    assert rejected.code == "E006_TOO_LARGE"


def test_the_child_prints_nothing_to_the_console(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    garbled = tmp_path / "hong.docx"
    garbled.write_bytes(b"PK\x03\x04" + bytes(300))
    assert rejection(garbled).code == "E005_CORRUPT"
    read_in_child(SAMPLES[0])
    assert capfd.readouterr() == ("", "")


def test_parser_exceptions_are_classified(tmp_path: Path) -> None:
    import pdfplumber

    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << >>\n%%EOF")
    with pytest.raises(Exception) as pdf_error, pdfplumber.open(broken) as pdf:
        pdf.pages[0].extract_text()
    assert classify(pdf_error.value)[0] == "E005_CORRUPT"

    with pytest.raises(zipfile.BadZipFile) as zip_error:
        zipfile.ZipFile(broken)
    assert classify(zip_error.value)[0] == "E005_CORRUPT"

    def recurse(depth: int) -> int:
        return recurse(depth + 1) + 1

    with pytest.raises(RecursionError) as deep:
        recurse(0)
    assert classify(deep.value)[0] == "E013_TOO_DEEP"
    assert classify(ValueError("bug in a reader")) == ("E014_PARSER_CRASH", "ValueError: bug in a reader")


def test_a_child_killed_by_a_signal_is_a_crash_or_a_timeout() -> None:
    with pytest.raises(DocumentRejected) as crash:
        _outcome(-signal.SIGSEGV, b"", "", "a.pdf", DEFAULT_LIMITS)
    assert crash.value.code == "E014_PARSER_CRASH" and "SIGSEGV" in crash.value.detail
    with pytest.raises(DocumentRejected) as cpu:
        _outcome(-signal.SIGXCPU, b"", "", "a.pdf", DEFAULT_LIMITS)
    assert cpu.value.code == "E008_TIMEOUT"
    with pytest.raises(DocumentRejected) as oom:
        _outcome(-signal.SIGKILL, b"", "", "a.pdf", DEFAULT_LIMITS)
    assert oom.value.code == "E014_PARSER_CRASH" and "memory" in oom.value.detail
    for out in (b"not json", b'{"document": {"text": 1}}', b"[]"):
        with pytest.raises(DocumentRejected) as garbage:
            _outcome(0, out, "Traceback ...\nSystemError: boom", "a.pdf", DEFAULT_LIMITS)
        assert garbage.value.code == "E014_PARSER_CRASH" and "boom" in garbage.value.detail


def test_an_error_raised_in_our_own_code_stays_a_crash() -> None:
    with pytest.raises(IndexError) as ours:
        [][0]  # raised here, in tonghop's code, not inside a parser library
    assert classify(ours.value)[0] == "E014_PARSER_CRASH"
