"""The parsing child: same document as in-process, and every way it can fail has a code.

Most tests run twice: with the zygote that forks a reader per file (Linux) and with the
fresh-interpreter child (the fallback elsewhere). The zygote's own tests use real processes:
they kill it, hang a reader on a FIFO that nobody writes, and look for leftovers in /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.guards import DEFAULT_LIMITS, MB
from pipeline.sandbox import (
    NO_ZYGOTE_ENV,
    _outcome,
    classify,
    read_in_child,
    start_zygote_soon,
    uses_zygote,
)
from pipeline.zygote import shutdown, zygote

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples").glob("[0-9][0-9][0-9]_*.txt"))
REPORTS = sorted((REPO / "samples").glob("00[0-2]_*"))  # three reports as .txt, .docx and .pdf
WORD_AND_TEXT = [path for path in REPORTS if path.suffix in (".docx", ".txt")]
SMALL_PDF = next(path for path in REPORTS if path.name.startswith("001_") and path.suffix == ".pdf")
MIXED = [*WORD_AND_TEXT, SMALL_PDF]
REPORT_LINE = "Hỗ trợ 25 hộ nghèo.\n"
WAIT_SECONDS = 20.0  # how long a test waits for a process to appear or end before it fails

linux_only = pytest.mark.skipif(not uses_zygote(), reason="the zygote needs fork and Linux")


@pytest.fixture(params=["zygote", "fresh"])
def child_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with each kind of child."""
    if request.param == "zygote" and not uses_zygote():
        pytest.skip("the zygote needs fork and Linux")
    if request.param == "fresh":
        monkeypatch.setenv(NO_ZYGOTE_ENV, "1")
    return request.param


def process_state(pid: int) -> str | None:
    """The state letter of a process (R, S, Z, ...), None once it no longer exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def ended(pid: int) -> bool:
    return process_state(pid) in (None, "Z")


def children(pid: int) -> list[int]:
    """Every process whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting, after {WAIT_SECONDS:g} s, for {what}"
        time.sleep(0.02)


def rejection(path: Path, **limits: object) -> DocumentRejected:
    with pytest.raises(DocumentRejected) as caught:
        read_in_child(path, replace(DEFAULT_LIMITS, **limits))
    return caught.value


@pytest.mark.parametrize("sample", SAMPLES[:2], ids=lambda p: p.name[:3])
def test_child_returns_the_same_document_as_in_process(sample: Path, child_kind: str) -> None:
    assert read_in_child(sample).to_record() == read_document(sample).to_record()


def test_a_reader_that_outlives_the_wall_clock_is_killed(tmp_path: Path, child_kind: str) -> None:
    report = tmp_path / "bao_cao.txt"
    report.write_text("Hỗ trợ 25 hộ nghèo.\n", encoding="utf-8")
    rejected = rejection(report, wall_seconds=0.001)
    assert rejected.code == "E008_TIMEOUT" and rejected.path == "bao_cao.txt"


def test_a_reader_that_hangs_is_killed(tmp_path: Path, child_kind: str) -> None:
    fifo = tmp_path / "treo.txt"  # reading a FIFO nobody writes blocks forever, using no CPU
    os.mkfifo(fifo)
    rejected = rejection(fifo, wall_seconds=1)
    assert rejected.code == "E008_TIMEOUT" and rejected.path == "treo.txt"


def test_a_reader_over_its_cpu_time_is_stopped(tmp_path: Path) -> None:
    report = tmp_path / "many_lines.txt"
    report.write_text("".join(f"{i}. Hỗ trợ {i} hộ nghèo\n" for i in range(600_000)), encoding="utf-8")
    rejected = rejection(report, cpu_seconds=1, max_chars=100_000_000)
    assert rejected.code == "E008_TIMEOUT"
    assert "CPU" in rejected.detail


def test_a_reader_over_its_memory_is_stopped(tmp_path: Path, child_kind: str) -> None:
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


def test_the_child_prints_nothing_to_the_console(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], child_kind: str
) -> None:
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


@linux_only
def test_reads_from_many_threads_at_once_each_get_their_own_document(tmp_path: Path) -> None:
    garbled = tmp_path / "hong.docx"
    garbled.write_bytes(b"PK\x03\x04" + bytes(300))
    files = [*MIXED, garbled] * 2
    expected = {path: read_document(path).to_record() for path in MIXED}

    def outcome(path: Path) -> object:
        try:
            return read_in_child(path).to_record()
        except DocumentRejected as rejected:
            return rejected.code

    helper = zygote()
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(outcome, files))
    assert outcomes == [expected.get(path, "E005_CORRUPT") for path in files]
    assert zygote() is helper and helper.alive  # one zygote served every thread


@linux_only
def test_a_zygote_started_ahead_is_the_one_the_first_reads_use() -> None:
    """`start_zygote_soon` starts the helper in a thread; reads that arrive while it warms up wait
    for it instead of starting their own, and get the same documents."""
    shutdown()
    expected = {path: read_document(path).to_record() for path in MIXED}

    def helpers() -> list[int]:
        return [pid for pid in children(os.getpid()) if "pipeline.zygote" in _command_line(pid)]

    start_zygote_soon()
    wait_for(lambda: bool(helpers()), "the zygote to start with no file asked for")  # still warming up
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda path: read_in_child(path).to_record(), MIXED))
    assert outcomes == [expected[path] for path in MIXED]
    assert helpers() == [zygote().process.pid]  # one helper, started ahead, served them all
    shutdown()


@linux_only
def test_a_hung_read_times_out_while_the_other_reads_succeed(tmp_path: Path) -> None:
    fifo = tmp_path / "treo.txt"
    os.mkfifo(fifo)
    finished: dict[str, float] = {}

    def read(path: Path, wall_seconds: float) -> object:
        try:
            return read_in_child(path, replace(DEFAULT_LIMITS, wall_seconds=wall_seconds)).text
        except DocumentRejected as rejected:
            return rejected.code
        finally:
            finished[path.name] = time.monotonic()

    with ThreadPoolExecutor(max_workers=4) as pool:
        hung = pool.submit(read, fifo, 5)
        others = list(pool.map(lambda path: read(path, DEFAULT_LIMITS.wall_seconds), WORD_AND_TEXT))
        assert hung.result() == "E008_TIMEOUT"
    assert others == [read_document(path).text for path in WORD_AND_TEXT]
    assert max(finished[path.name] for path in WORD_AND_TEXT) < finished["treo.txt"]


@linux_only
def test_a_killed_zygote_is_replaced_and_its_reader_dies_with_it(tmp_path: Path) -> None:
    """The zygote is killed while a reader it forked hangs: the reader dies too, and the file is
    read again by a new zygote (here it succeeds, because this time the FIFO gets written)."""
    fifo = tmp_path / "treo.txt"
    os.mkfifo(fifo)
    shutdown()  # a fresh zygote: its one worker is the reader hung here (a worker serves many files)
    first = zygote().process.pid
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(read_in_child, fifo, replace(DEFAULT_LIMITS, wall_seconds=WAIT_SECONDS))
        wait_for(lambda: bool(children(first)), "the zygote to fork a reader")
        [reader] = children(first)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: ended(reader), "the reader to die with its zygote")
        writer = _open_for_writing(fifo)  # succeeds once the new zygote's reader opens the FIFO
        os.write(writer, REPORT_LINE.encode())
        os.close(writer)
        document = pending.result(timeout=WAIT_SECONDS)
    same = tmp_path / "same.txt"
    same.write_text(REPORT_LINE, encoding="utf-8")
    assert document.text == read_document(same).text
    assert zygote().process.pid != first
    assert process_state(first) is None  # reaped: not even a zombie is left


def _open_for_writing(fifo: Path) -> int:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader has it open yet
            assert time.monotonic() < deadline, "no reader ever opened the FIFO"
            time.sleep(0.02)


@linux_only
def test_shutdown_leaves_no_process_behind(tmp_path: Path) -> None:
    fifo = tmp_path / "treo.txt"
    os.mkfifo(fifo)
    shutdown()  # a fresh zygote: its one worker is the reader hung here (a worker serves many files)
    helper = zygote()
    codes: list[str] = []
    stuck = threading.Thread(target=lambda: codes.append(rejection(fifo, wall_seconds=2).code))
    stuck.start()
    wait_for(lambda: bool(children(helper.process.pid)), "the zygote to fork a reader")
    [reader] = children(helper.process.pid)
    shutdown()  # with a reader still running: the zygote kills it before it exits
    assert process_state(helper.process.pid) is None and ended(reader)
    assert helper.process.pid not in children(os.getpid())
    stuck.join()  # its read was retried on a new zygote, where it hung again until its time ran out
    assert codes == ["E008_TIMEOUT"]
    shutdown()
    assert not [pid for pid in children(os.getpid()) if "pipeline.zygote" in _command_line(pid)]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


@linux_only
def test_the_zygote_exits_when_its_parent_is_killed() -> None:
    script = (
        "import sys, time\n"
        "from pipeline.sandbox import read_in_child\n"
        "from pipeline.zygote import zygote\n"
        "read_in_child(sys.argv[1])\n"
        "print(zygote().process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(SAMPLES[0])], stdout=subprocess.PIPE, cwd=REPO, text=True
    )
    try:
        assert parent.stdout is not None
        orphan = int(parent.stdout.readline())
        assert not ended(orphan)
    finally:
        parent.kill()
        parent.wait()
    wait_for(lambda: ended(orphan), "the zygote to exit after its parent was killed")
