"""Reads one submitted file in a child process, so a hostile or broken file cannot take the batch down.

The child sets its own memory (RLIMIT_AS) and CPU (RLIMIT_CPU) limits before it reads, and it is
killed after a wall-clock timeout. Whatever goes wrong in the child comes back as a
DocumentRejected with a stable code; the child's own output goes to a log file, never to the
officer's console. The result travels as JSON rather than pickle, so a child that a file
managed to subvert still cannot run code in the parent.

On Linux the child is a worker forked from a pre-warmed zygote (pipeline/zygote.py), which costs
a fraction of starting an interpreter and importing the parsers, and which serves further files
only after one that ended cleanly (pipeline/zygote_worker.py); elsewhere, or if the zygote cannot
start, it is a fresh interpreter (`python -m pipeline.sandbox`). Both are plain subprocesses, not
multiprocessing, because Prefect and Dask workers may be daemonic processes, which
multiprocessing refuses to give children.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, Any

from pipeline.document import Document
from pipeline.errors import REASONS, DocumentRejected
from pipeline.readers.guards import DEFAULT_LIMITS, PDF_PAGE, Limits, check_file_size, set_limits
from pipeline.submissions import gone
from pipeline.zygote import READ_EXTRACT, ZygoteGone, child_environment, task_wall_seconds, zygote

CRASH_CODES = {"read": "E014_PARSER_CRASH", "extract": "E015_EXTRACT_FAILED"}  # a fault of ours, per task
OCR_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # files that may be scans
OCR_PAGE_SECONDS = 45  # wall-clock allowance per page when a file may need OCR (Tesseract: 5-20 s a page)
MAX_OCR_SECONDS = 3600.0  # a scanned file of any length gets at most an hour
LOG_TAIL_BYTES = 4000  # how much of the child's log is kept for the rejection's detail
ZYGOTE_ATTEMPTS = 2  # a zygote that dies mid-read is replaced and the file tried once more
NO_ZYGOTE_ENV = "TONGHOP_NO_ZYGOTE"  # "1": a fresh interpreter per file (to compare, or to debug)

# Runs one child over a file for a task ("read", "extract", both): (exit status or -signal, killed for time).
ChildRunner = Callable[[Path, Limits, IO[bytes], IO[bytes], str], tuple[int, bool]]
# Turns what a child left (exit status, killed for time, its result bytes, its log tail) into a result.
Interpreter = Callable[[int, bool, bytes, str], Any]


class ZygoteUnavailable(Exception):
    """The zygote could not be started at all; the fresh-interpreter child reads instead."""

# Exceptions a parser raises on a bad file, by class name (found anywhere in the exception's
# class hierarchy or in what it wraps), and the code each one means. Names, not imports, so
# this table needs none of the parsers loaded. The first match in this order wins.
FAULT_CODES: tuple[tuple[str, str], ...] = (
    ("MemoryError", "E006_TOO_LARGE"),
    ("FileNotFoundError", "E017_FILE_GONE"),  # deleted or moved after it was handed to the child
    ("PermissionError", "E017_FILE_GONE"),
    ("IsADirectoryError", "E016_NOT_A_FILE"),  # hit the child's address-space limit
    ("RecursionError", "E013_TOO_DEEP"),  # a parser recursing through nested structure
    ("PDFPasswordIncorrect", "E004_ENCRYPTED"),  # pdfminer: a user password is needed
    ("PDFEncryptionError", "E004_ENCRYPTED"),  # pdfminer: an encryption scheme it cannot open
    ("PDFEncryptionWarning", "E004_ENCRYPTED"),
    ("PDFNoValidXRef", "E005_CORRUPT"),  # pdfminer: no cross-reference table, nothing to recover
    ("PDFSyntaxError", "E005_CORRUPT"),
    ("PSEOF", "E005_CORRUPT"),  # pdfminer: the file ends inside an object
    ("PSException", "E005_CORRUPT"),  # pdfminer: any other malformed PostScript/PDF syntax
    ("PDFException", "E005_CORRUPT"),
    ("PdfiumError", "E005_CORRUPT"),  # pypdfium2, which pdfplumber uses for page images
    ("BadZipFile", "E005_CORRUPT"),  # zipfile: bad central directory or CRC
    ("PackageNotFoundError", "E005_CORRUPT"),  # python-docx: not an OPC package
    ("XMLSyntaxError", "E005_CORRUPT"),  # lxml: malformed XML part
    ("ExpatError", "E005_CORRUPT"),
    ("EOFError", "E005_CORRUPT"),  # a stream ended early
    ("UnicodeDecodeError", "E011_UNDECODABLE_TEXT"),
)
ZLIB_ERROR = ("zlib", "error")  # zlib.error's class is just called "error"
# Any other exception raised from inside these libraries while they parse a file means the file
# holds something they cannot cope with (pdfplumber's IndexError on a three-number MediaBox):
# damaged, from the officer's point of view. Raised in our own code, it stays E014, a bug of ours.
PARSER_PACKAGES = frozenset({"pdfminer", "pdfplumber", "pypdfium2", "docx", "lxml", "PIL", "zipfile"})


def reading_limits(path: Path, limits: Limits) -> Limits:
    """The limits reading `path` runs under (OCR's time added), once the file is known to be there
    and not too large: either refusal names the file before any child is started."""
    try:
        status = path.stat()
    except OSError as error:  # deleted or moved since it was found: this file's outcome, not a crash
        raise gone(path, error) from None
    check_file_size(status.st_size, path.name, limits)
    return ocr_time(path, status.st_size, limits)


def read_in_child(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """`read_document(path)` in a child process with memory, CPU and time limits."""
    path = Path(path)
    payload = run_child(path, reading_limits(path, limits), "read", path.name)
    try:
        return Document.from_record(payload["document"])
    except (KeyError, TypeError, ValueError):
        raise DocumentRejected("E014_PARSER_CRASH", path.name, "the reader sent no document") from None


def ocr_time(path: Path, size: int, limits: Limits) -> Limits:
    """The limits for reading `path`, with the wall clock stretched for a file that may need OCR
    (a PDF or an image, when Tesseract is installed): OCR_PAGE_SECONDS a page, its pages counted
    from the bytes as the guards count them."""
    if path.suffix.lower() not in OCR_SUFFIXES or size > limits.max_file_bytes:
        return limits
    from pipeline.readers.ocr import ocr_available

    if not ocr_available():
        return limits
    try:
        pages = max(1, len(PDF_PAGE.findall(path.read_bytes()))) if path.suffix.lower() == ".pdf" else 1
    except OSError:
        return limits
    wall = min(max(limits.wall_seconds, pages * OCR_PAGE_SECONDS), MAX_OCR_SECONDS)
    return replace(limits, wall_seconds=wall)


def run_child(path: Path, limits: Limits, task: str, name: str, interpret: Interpreter | None = None) -> Any:
    """Run `task` over `path` in a limited child (zygote fork, else a fresh interpreter): its JSON
    payload, or the DocumentRejected (named `name`) that its refusal, fault or death means; or,
    given `interpret`, whatever that makes of the child's exit and result."""
    crash = CRASH_CODES.get(task, "E014_PARSER_CRASH")
    for attempt in range(ZYGOTE_ATTEMPTS if uses_zygote() else 0):
        try:
            return _run_once(path, limits, _run_in_zygote, task, name, interpret)
        except ZygoteGone:  # the helper itself died (not the reader): retry once on a new one
            if attempt + 1 == ZYGOTE_ATTEMPTS:
                detail = "the reading helper stopped twice while reading it"
                raise DocumentRejected(crash, name, detail) from None
        except ZygoteUnavailable:
            break  # it would not even start: this file goes the slow, sure way
    return _run_once(path, limits, _run_fresh_interpreter, task, name, interpret)


def uses_zygote() -> bool:
    """The one place that decides: fork from the zygote where fork and PR_SET_PDEATHSIG exist."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and os.environ.get(NO_ZYGOTE_ENV) != "1"


def start_zygote_soon() -> None:
    """Start this process's zygote in a thread of its own, so that its warm-up (imports, the
    extractor's data, the catalogue: 1–3 s of one core) overlaps what the caller still does before
    its first file. If it will not start, the first file meets that and goes the sure way, as when
    nothing was started ahead."""
    if not uses_zygote():
        return

    def start() -> None:
        with contextlib.suppress(ZygoteGone):
            zygote()

    threading.Thread(target=start, name="zygote-start", daemon=True).start()


def _run_once(
    path: Path, limits: Limits, run: ChildRunner, task: str, name: str, interpret: Interpreter | None = None
) -> Any:
    """One child works on `path`: its exit status, result and log tail become a payload or a rejection."""
    with tempfile.TemporaryFile() as result, tempfile.TemporaryFile() as log:
        returncode, timed_out = run(path, limits, result, log, task)
        if timed_out and interpret is None:
            raise DocumentRejected("E008_TIMEOUT", name, f"no result after {limits.wall_seconds:g} s")
        result.seek(0)
        out = result.read()
        log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
        log_tail = log.read().decode("utf-8", "replace")
    if interpret is not None:
        return interpret(returncode, timed_out, out, log_tail)
    return child_payload(returncode, out, log_tail, name, limits, CRASH_CODES[task])


def _run_in_zygote(
    path: Path, limits: Limits, result: IO[bytes], log: IO[bytes], task: str = "read"
) -> tuple[int, bool]:
    """A worker forked from this process's zygote does the task."""
    try:
        helper = zygote()
    except ZygoteGone as error:
        raise ZygoteUnavailable(str(error)) from None
    reply = helper.run(path, limits, result.fileno(), log.fileno(), task)
    return reply.status, reply.timed_out


def _run_fresh_interpreter(
    path: Path, limits: Limits, result: IO[bytes], log: IO[bytes], task: str = "read"
) -> tuple[int, bool]:
    """A new interpreter (`python -m pipeline.sandbox`) does the task: slower, needs no fork."""
    command = [sys.executable, "-m", "pipeline.sandbox", str(path), json.dumps(asdict(limits)), task]
    environment = child_environment()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=result, stderr=log, env=environment)
    try:
        child.wait(timeout=task_wall_seconds(limits, task))
        return child.returncode, False
    except subprocess.TimeoutExpired:
        return -signal.SIGKILL, True
    finally:
        if child.poll() is None:  # timed out or interrupted (Ctrl-C): never leave a parser running
            child.kill()
            child.wait()


def _outcome(returncode: int, out: bytes, log_tail: str, name: str, limits: Limits) -> Document:
    """The document a reading child sent, or the rejection its result or its death means."""
    payload = child_payload(returncode, out, log_tail, name, limits, "E014_PARSER_CRASH")
    try:
        return Document.from_record(payload["document"])
    except (ValueError, KeyError, TypeError):  # not the shape the child writes
        last = log_tail.strip().splitlines()[-1:] or [f"exit status {returncode}"]
        raise DocumentRejected("E014_PARSER_CRASH", name, last[0][-300:]) from None


def child_payload(
    returncode: int, out: bytes, log_tail: str, name: str, limits: Limits, crash: str
) -> dict[str, Any]:
    """The JSON a child sent, or the rejection its refusal or its death means (`crash` for a fault)."""
    if returncode < 0:
        died = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        if -returncode == signal.SIGXCPU:
            raise DocumentRejected("E008_TIMEOUT", name, f"over {limits.cpu_seconds} s of CPU ({died})")
        if -returncode == signal.SIGALRM:  # the child's own wall-clock timer for the phase it was in
            raise DocumentRejected("E008_TIMEOUT", name, f"no result after {limits.wall_seconds:g} s")
        if -returncode == signal.SIGKILL:  # not ours (we kill only on timeout): the system's OOM killer
            detail = "killed by the system (SIGKILL), likely out of memory"
            raise DocumentRejected(crash, name, detail)
        raise DocumentRejected(crash, name, f"the child died with {died}")
    try:
        payload = json.loads(out)
        if "rejected" in payload:
            code = str(payload["rejected"]["code"])
            detail = str(payload["rejected"]["detail"])[:500]
            raise DocumentRejected(code if code in REASONS else crash, name, detail)
        if not isinstance(payload, dict):
            raise TypeError("not an object")
        return payload
    except (ValueError, KeyError, TypeError):  # no result, or not the shape the child writes
        last = log_tail.strip().splitlines()[-1:] or [f"exit status {returncode}"]
        raise DocumentRejected(crash, name, last[0][-300:]) from None


def classify(error: BaseException) -> tuple[str, str]:
    """The stable code and a one-line detail for any exception a reader raised."""
    chain = _exception_chain(error)
    for link in chain:
        if isinstance(link, DocumentRejected):
            return link.code, link.detail
    for class_name, code in FAULT_CODES:
        for link in chain:
            if any(cls.__name__ == class_name for cls in type(link).__mro__):
                return code, _describe(link)
    for link in chain:
        if (type(link).__module__, type(link).__name__) == ZLIB_ERROR:
            return "E005_CORRUPT", _describe(link)
    for link in chain:
        package = _raised_in(link).split(".")[0]
        if package in PARSER_PACKAGES:
            return "E005_CORRUPT", f"{_describe(link)} (in {package})"
    return "E014_PARSER_CRASH", _describe(error)


def _raised_in(error: BaseException) -> str:
    """The module whose code raised `error` (the innermost frame of its traceback)."""
    trace = error.__traceback__
    if trace is None:
        return ""
    while trace.tb_next is not None:
        trace = trace.tb_next
    return str(trace.tb_frame.f_globals.get("__name__", ""))


def _exception_chain(error: BaseException) -> list[BaseException]:
    """The exception, what caused it, and exceptions wrapped in its arguments (pdfplumber does so)."""
    seen: list[BaseException] = []
    pending = [error]
    while pending and len(seen) < 20:
        link = pending.pop(0)
        if any(link is known for known in seen):
            continue
        seen.append(link)
        pending += [e for e in (link.__cause__, link.__context__) if e is not None]
        pending += [a for a in link.args if isinstance(a, BaseException)]
    return seen


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


def limit_self(limits: Limits, extra_cpu: int = 0, reused: bool = False) -> None:
    """Cap this (child) process's address space and CPU time before any parser is imported; the
    hard CPU limit leaves room for `extra_cpu` seconds of a later phase (its soft limit is raised then).

    A worker that serves file after file (`reused`) sets only soft limits, its CPU one counted from
    what it has used so far, since a hard limit once lowered could not be raised for the next file;
    going over the soft CPU limit ends it all the same (SIGXCPU)."""
    if reused:
        soft_limit(resource.RLIMIT_AS, limits.memory_bytes)
        soft_limit(resource.RLIMIT_CPU, cpu_used() + limits.cpu_seconds)
    else:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + extra_cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def soft_limit(kind: int, value: int) -> None:
    """Set a soft resource limit, never above the hard one."""
    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))


def cpu_used() -> int:
    """Whole CPU seconds this process has used, rounded up (RLIMIT_CPU counts whole seconds)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_utime + usage.ru_stime) + 1


def rejection(error: BaseException, task: str) -> dict[str, Any]:
    """The payload a child writes for a fault in `task`; a fault of ours gets the task's crash code
    and its traceback goes to the log, for whoever investigates the quarantine."""
    code, detail = classify(error)
    if code == "E014_PARSER_CRASH":
        code = CRASH_CODES.get(task, code)
    if code in CRASH_CODES.values():
        import traceback

        traceback.print_exc()
    return {"rejected": {"code": code, "detail": detail}}


def read_and_report(
    path: str, limits: Limits, result: IO[str], task: str = "read", reused: bool = False
) -> bool:
    """What every child does: limit itself, do its task, write one JSON result (a payload or a code);
    True if that result is no refusal (a worker serves on only after such a file).

    "read" reads the submitted file at `path`; "extract" finds the figures of the document whose
    JSON record is at `path` (pipeline.guarded_extract), under the same limits; "read_extract"
    does both (pipeline.read_extract).
    """
    if task == READ_EXTRACT:
        from pipeline.read_extract import report_both

        return report_both(path, limits, result, reused)
    try:
        limit_self(limits, reused=reused)
        set_limits(limits)
        if task == "extract":
            from pipeline.guarded_extract import extract_record

            payload: dict[str, Any] = extract_record(Path(path), limits)
        else:
            from pipeline.readers import read_document

            payload = {"document": read_document(Path(path)).to_record()}
    except BaseException as error:  # every fault, whatever it is, becomes a code
        payload = rejection(error, task)
    result.write(json.dumps(payload, ensure_ascii=False))  # json.dump to a file is the pure-Python encoder
    return "rejected" not in payload


def _child(path: str, limits_json: str, task: str = "read") -> None:
    """The fresh-interpreter child: its stdout is the result file, anything printed goes to the log."""
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything a library prints goes to the log, never into the result
    sys.stdout = sys.stderr
    read_and_report(path, Limits(**json.loads(limits_json)), result, task)
    result.close()


if __name__ == "__main__":
    _child(*sys.argv[1:4])
