"""Reads one submitted file in a child process, so a hostile or broken file cannot take the batch down.

The child sets its own memory (RLIMIT_AS) and CPU (RLIMIT_CPU) limits before importing any
parser, and the parent kills it after a wall-clock timeout. Whatever goes wrong in the child
comes back as a DocumentRejected with a stable code; the child's own output goes to a log file,
never to the officer's console. The result travels as JSON rather than pickle, so a child
that a file managed to subvert still cannot run code in the parent.

It is a plain subprocess, not multiprocessing, because Prefect and Dask workers may be daemonic
processes, which multiprocessing refuses to give children.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.document import Block, Document, DocumentMetadata, Period, TableCell
from pipeline.errors import REASONS, DocumentRejected
from pipeline.readers.guards import DEFAULT_LIMITS, Limits, check_file_size, set_limits

LOG_TAIL_BYTES = 4000  # how much of the child's log is kept for the rejection's detail

# Exceptions a parser raises on a bad file, by class name (found anywhere in the exception's
# class hierarchy or in what it wraps), and the code each one means. Names, not imports, so
# this table needs none of the parsers loaded. The first match in this order wins.
FAULT_CODES: tuple[tuple[str, str], ...] = (
    ("MemoryError", "E006_TOO_LARGE"),  # hit the child's address-space limit
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


def read_in_child(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """`read_document(path)` in a child process with memory, CPU and time limits."""
    path = Path(path)
    check_file_size(path.stat().st_size, path.name, limits)
    command = [sys.executable, "-m", "pipeline.sandbox", str(path), json.dumps(asdict(limits))]
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=_child_environment()
        )
        try:
            out, _ = child.communicate(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise DocumentRejected(
                "E008_TIMEOUT", path.name, f"no result after {limits.wall_seconds:g} s"
            ) from None
        finally:
            if child.poll() is None:  # interrupted (Ctrl-C): never leave a parser running
                child.kill()
                child.wait()
        log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
        log_tail = log.read().decode("utf-8", "replace")
    return _outcome(child.returncode, out, log_tail, path.name, limits)


def _child_environment() -> dict[str, str]:
    """The parent's environment with numeric libraries held to one thread: their per-thread
    buffers reserve address space, which on a many-core machine would eat the RLIMIT_AS budget."""
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _outcome(returncode: int, out: bytes, log_tail: str, name: str, limits: Limits) -> Document:
    """The document the child sent, or the rejection its result or its death means."""
    if returncode < 0:
        died = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        if -returncode == signal.SIGXCPU:
            raise DocumentRejected("E008_TIMEOUT", name, f"over {limits.cpu_seconds} s of CPU ({died})")
        if -returncode == signal.SIGKILL:  # not ours (we kill only on timeout): the system's OOM killer
            detail = "killed by the system (SIGKILL), likely out of memory"
            raise DocumentRejected("E014_PARSER_CRASH", name, detail)
        raise DocumentRejected("E014_PARSER_CRASH", name, f"the reader died with {died}")
    try:
        payload = json.loads(out)
        if "rejected" in payload:
            code = str(payload["rejected"]["code"])
            detail = str(payload["rejected"]["detail"])[:500]
            raise DocumentRejected(code if code in REASONS else "E014_PARSER_CRASH", name, detail)
        return document_from_record(payload["document"])
    except (ValueError, KeyError, TypeError):  # no result, or not the shape the child writes
        last = log_tail.strip().splitlines()[-1:] or [f"exit status {returncode}"]
        raise DocumentRejected("E014_PARSER_CRASH", name, last[0][-300:]) from None


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


def document_from_record(record: dict[str, Any]) -> Document:
    """Rebuild a Document from `Document.to_record()` (the child's JSON)."""
    blocks = []
    for b in record["blocks"]:
        cell = TableCell(**b["cell"]) if b.get("cell") else None
        blocks.append(Block(**{**b, "section": tuple(b["section"]), "cell": cell}))
    meta = dict(record["metadata"])
    meta["periods"] = [Period(**p) for p in meta.get("periods", [])]
    return Document(
        text=record["text"],
        blocks=blocks,
        path=record["path"],
        format=record["format"],
        sha256=record["sha256"],
        encoding=record["encoding"],
        flags=list(record["flags"]),
        metadata=DocumentMetadata(**meta),
        page_count=record["page_count"],
        headers_footers=list(record["headers_footers"]),
    )


def _limit_self(limits: Limits) -> None:
    """Cap this (child) process's address space and CPU time before any parser is imported."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(path: str, limits_json: str) -> None:
    """The child's whole life: limit itself, read, write one JSON result to the parent's pipe."""
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything a library prints goes to the log, never into the result
    sys.stdout = sys.stderr
    try:
        limits = Limits(**json.loads(limits_json))
        _limit_self(limits)
        set_limits(limits)
        from pipeline.readers import read_document

        payload: dict[str, Any] = {"document": read_document(Path(path)).to_record()}
    except BaseException as error:  # every fault, whatever it is, becomes a code
        code, detail = classify(error)
        payload = {"rejected": {"code": code, "detail": detail}}
        if code == "E014_PARSER_CRASH":
            import traceback

            traceback.print_exc()  # to the log file, for whoever investigates the quarantine
    json.dump(payload, result, ensure_ascii=False)
    result.close()


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
