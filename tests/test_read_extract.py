"""One child reads and extracts a file: each phase keeps its own code, and the zygote's workers
serve several files but never carry on after a refused one."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from test_sandbox import children, ended, wait_for

from pipeline.document import Document
from pipeline.guarded_extract import extract_in_child
from pipeline.normalise import map_figures
from pipeline.read_extract import outcome_of, read_and_extract_in_child
from pipeline.readers import read_document
from pipeline.readers.guards import DEFAULT_LIMITS
from pipeline.sandbox import NO_ZYGOTE_ENV, read_in_child, uses_zygote
from pipeline.zygote import shutdown, zygote

REPO = Path(__file__).resolve().parents[1]
REPORTS = sorted((REPO / "samples").glob("00[0-2]_*"))  # three reports as .txt, .docx and .pdf
linux_only = pytest.mark.skipif(not uses_zygote(), reason="the zygote needs fork and Linux")


def document_line(path: Path) -> bytes:
    """The first line a child writes for a file that read."""
    return json.dumps({"document": read_document(path).to_record()}, ensure_ascii=False).encode() + b"\n"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.suffix)
def test_one_child_gives_what_a_child_per_phase_gives(path: Path) -> None:
    result = read_and_extract_in_child(path)
    document = read_in_child(path)
    document.path = path.name
    assert result.rejected is None and result.document is not None and result.figures
    assert result.document.to_record() == document.to_record()
    assert [f.to_record() for f in result.figures] == [f.to_record() for f in extract_in_child(document)]
    # the child mapped the figures to the catalogue as the parent would have
    assert result.indicators == map_figures(result.document, result.figures)
    assert result.read_seconds > 0


def test_a_child_result_without_mappings_leaves_them_to_the_parent() -> None:
    figures = json.dumps({"figures": [], "indicators": [["X", 1.0, "", ""]]}).encode() + b"\n"
    result = outcome_of(0, False, document_line(REPORTS[0]) + figures, "", "x.txt", DEFAULT_LIMITS)
    assert result.rejected is None and result.figures == [] and result.indicators is None  # 1 for 0
    figures = json.dumps({"figures": [], "indicators": None}).encode() + b"\n"
    result = outcome_of(0, False, document_line(REPORTS[0]) + figures, "", "x.txt", DEFAULT_LIMITS)
    assert result.rejected is None and result.indicators is None


def test_without_the_zygote_a_fresh_interpreter_does_both_phases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_ZYGOTE_ENV, "1")
    path = REPORTS[0]
    result = read_and_extract_in_child(path)
    assert result.rejected is None and result.document is not None
    assert result.document.text == read_document(path).text and result.figures


def test_a_file_that_does_not_read_is_refused_with_the_readers_code(tmp_path: Path) -> None:
    garbled = tmp_path / "hong.docx"
    garbled.write_bytes(b"PK\x03\x04" + bytes(300))
    result = read_and_extract_in_child(garbled)
    assert result.document is None and result.rejected is not None
    assert result.rejected.code == "E005_CORRUPT" and result.rejected.path == "hong.docx"


def test_a_text_over_the_extraction_budget_keeps_its_document_and_gets_e006(tmp_path: Path) -> None:
    digits = tmp_path / "so.txt"
    digits.write_text("Báo cáo năm 2024.\n" + " ".join(["5"] * 1500) + "\n", encoding="utf-8")
    result = read_and_extract_in_child(digits)
    assert result.rejected is not None and result.rejected.code == "E006_TOO_LARGE"
    assert result.document is not None and result.figures is None  # the read cache can keep it


@pytest.mark.parametrize(
    ("lines", "status", "code", "kept"),
    [
        (0, -signal.SIGSEGV, "E014_PARSER_CRASH", False),  # died while reading
        (0, -signal.SIGXCPU, "E008_TIMEOUT", False),
        (0, -signal.SIGALRM, "E008_TIMEOUT", False),  # its own wall-clock timer for the read
        (1, -signal.SIGSEGV, "E015_EXTRACT_FAILED", True),  # died while extracting
        (1, -signal.SIGXCPU, "E008_TIMEOUT", True),
        (1, -signal.SIGALRM, "E008_TIMEOUT", True),
        (1, 0, "E015_EXTRACT_FAILED", True),  # ended without a word on its figures
        (1, -signal.SIGKILL, "E015_EXTRACT_FAILED", True),  # the system's OOM killer
    ],
)
def test_the_phase_a_child_died_in_gives_the_code(lines: int, status: int, code: str, kept: bool) -> None:
    out = document_line(REPORTS[0])[: None if lines else 40]  # a first line cut short is no line
    result = outcome_of(status, False, out, "Traceback …\nboom\n", "bao-cao.txt", DEFAULT_LIMITS)
    assert result.rejected is not None and result.rejected.code == code
    assert result.rejected.path == "bao-cao.txt"
    assert (result.document is not None) is kept and result.figures is None


def test_a_child_killed_for_time_gives_e008_in_either_phase() -> None:
    for out in (b"", document_line(REPORTS[0])):
        result = outcome_of(-signal.SIGKILL, True, out, "", "x.txt", DEFAULT_LIMITS)
        assert result.rejected is not None and result.rejected.code == "E008_TIMEOUT"


def test_a_refusal_written_by_the_extracting_phase_keeps_its_code() -> None:
    refusal = json.dumps({"rejected": {"code": "E006_TOO_LARGE", "detail": "over 1,000 numbers"}})
    out = document_line(REPORTS[0]) + refusal.encode() + b"\n"
    result = outcome_of(0, False, out, "", "x.txt", DEFAULT_LIMITS)
    assert result.rejected is not None and result.rejected.code == "E006_TOO_LARGE"
    assert isinstance(result.document, Document)


@linux_only
def test_a_worker_serves_file_after_file_until_one_is_refused(tmp_path: Path) -> None:
    shutdown()  # a fresh zygote, with no worker yet
    helper = zygote().process.pid
    for path in REPORTS:
        assert read_and_extract_in_child(path).rejected is None
    [worker] = children(helper)  # one worker read all three, one after the other
    garbled = tmp_path / "hong.docx"
    garbled.write_bytes(b"PK\x03\x04" + bytes(300))
    assert read_and_extract_in_child(garbled).rejected is not None
    wait_for(lambda: ended(worker), "the worker to exit after a refused file")
    assert read_and_extract_in_child(REPORTS[0]).rejected is None
    live = [pid for pid in children(helper) if not ended(pid)]
    assert live and worker not in live  # the next file had a fresh worker
    shutdown()
