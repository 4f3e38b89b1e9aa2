"""Read a submitted file and find its figures in ONE limited child, each phase under its own limits.

A child per phase cost a report two forks of the 180 MB zygote, two exits, two rounds of
copy-on-write page faults and a JSON round trip of the document: more CPU than the reading and
the extraction themselves. Here one child does both, and the guarantees of two children are kept:

* each phase has its own CPU limit (RLIMIT_CPU's soft limit is raised by the extraction's
  allowance once reading is done) and its own wall clock (a real-time timer whose SIGALRM ends
  the child; the zygote's deadline, the sum of both, is only the backstop);
* the child writes one JSON line when reading ends (the document, or why not) and one when
  extraction ends, so whatever kills it, the parent knows which phase it was in and gives that
  phase's code: E014 for a reader fault, E015 for an extractor fault, E008 over time in either;
* the memory limit (RLIMIT_AS) is the same for both phases, as it was for both children.

The child also maps the figures to the indicator catalogue once they are found (`map_figures`,
the packaged catalogue, as the parent would): that work then runs beside the other children instead
of in the parent, whose threads share one interpreter lock. A mapping that fails is left to the
parent (the file is not refused for it); the parent maps again with the store's catalogue when
officers taught it something (`stages._map_with`). The read line says how long the read took, which
is what the flow's read cache goes by (a cheap read is not worth keeping).

`read_in_child` and `extract_in_child` still run one phase each (the flow extracts a document
taken from its read cache that way).
"""

from __future__ import annotations

import json
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.figure import Figure
from pipeline.normalise.mapping import Mapping
from pipeline.readers.guards import DEFAULT_LIMITS, Limits, set_limits

TASK = "read_extract"  # the zygote's name for this child's work


@dataclass(slots=True)
class ChildResult:
    """What one read-and-extract child gave: the document if it read, its figures if they were found,
    else the rejection of the phase that failed (a document that read is kept for the read cache);
    the figures' indicator mappings when the child made them; the read's wall-clock seconds."""

    document: Document | None
    figures: list[Figure] | None
    rejected: DocumentRejected | None
    indicators: list[Mapping] | None = None
    read_seconds: float = 0.0


def extract_limits(limits: Limits) -> Limits:
    """The limits of the extraction phase: the read limits with the extractor's CPU and wall clock."""
    return replace(limits, cpu_seconds=limits.extract_cpu_seconds, wall_seconds=limits.extract_wall_seconds)


def read_and_extract_in_child(path: Path, limits: Limits = DEFAULT_LIMITS) -> ChildResult:
    """Read `path` and extract its figures in one sandboxed child; a refusal names the file."""
    from pipeline.sandbox import reading_limits, run_child

    path = Path(path)
    read_limits = reading_limits(path, limits)
    interpret: Callable[..., ChildResult] = _interpreter(path.name, read_limits)
    return run_child(path, read_limits, TASK, path.name, interpret)


def _interpreter(name: str, limits: Limits) -> Callable[[int, bool, bytes, str], ChildResult]:
    def interpret(returncode: int, timed_out: bool, out: bytes, log_tail: str) -> ChildResult:
        return outcome_of(returncode, timed_out, out, log_tail, name, limits)

    return interpret


def outcome_of(
    returncode: int, timed_out: bool, out: bytes, log_tail: str, name: str, limits: Limits
) -> ChildResult:
    """The phase each complete line says was finished, and the fault of the one that was not."""
    from pipeline.guarded_extract import figure_from_record
    from pipeline.sandbox import CRASH_CODES, child_payload

    lines = out.split(b"\n")[:-1]  # a line is complete once its newline is written
    phases = (("read", limits), ("extract", extract_limits(limits)))
    document: Document | None = None
    read_seconds = 0.0
    for (phase, phase_limits), line in zip(phases, [*lines, None, None], strict=False):
        if line is None and timed_out:
            wall = limits.wall_seconds + limits.extract_wall_seconds
            rejected = DocumentRejected("E008_TIMEOUT", name, f"no result after {wall:g} s ({phase})")
            return ChildResult(document, None, rejected, read_seconds=read_seconds)
        try:
            # A phase with no line died in it: its exit status says how (signal, limit, crash).
            payload = child_payload(returncode if line is None else 0, line or b"", log_tail, name,
                               phase_limits, CRASH_CODES[phase])
            if phase == "read":
                document = Document.from_record(payload["document"])
                document.path = name
                read_seconds = float(payload.get("seconds", 0.0))
            else:
                found = [figure_from_record(f) for f in payload["figures"]]
                return ChildResult(document, found, None, _mappings(payload, found), read_seconds)
        except DocumentRejected as rejected:
            return ChildResult(document, None, rejected, read_seconds=read_seconds)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            detail = f"bad result: {type(error).__name__}"
            rejected = DocumentRejected(CRASH_CODES[phase], name, detail)
            return ChildResult(document, None, rejected, read_seconds=read_seconds)
    raise AssertionError("unreachable: the extract phase always returns")


def _mappings(payload: dict[str, Any], found: list[Figure]) -> list[Mapping] | None:
    """The child's mapping of each figure, or None (none made, or not one a figure): the parent maps."""
    rows = payload.get("indicators")
    if not isinstance(rows, list) or len(rows) != len(found):
        return None
    return [Mapping(str(code), float(score), str(role), str(extra)) for code, score, role, extra in rows]


# ---------------------------------------------------------------------------------------------
# In the child


def report_both(path: str, limits: Limits, result: IO[str], reused: bool = False) -> bool:
    """The child's work: limit itself, read, write a line; re-limit, extract, write a line.
    True if neither phase was refused (see `pipeline.sandbox.read_and_report`)."""
    from pipeline.sandbox import limit_self, rejection

    try:
        limit_self(limits, extra_cpu=limits.extract_cpu_seconds, reused=reused)
        set_limits(limits)
        signal.setitimer(signal.ITIMER_REAL, limits.wall_seconds)  # SIGALRM ends the child: E008
        from pipeline.readers import read_document

        started = time.perf_counter()
        document = read_document(Path(path))
        line: dict[str, Any] = {"document": document.to_record(), "seconds": time.perf_counter() - started}
    except BaseException as error:  # every fault, whatever it is, becomes a code
        _write_line(result, rejection(error, "read"))
        return False
    _write_line(result, line)
    try:
        _extraction_clock(limits)
        document.path = Path(path).name
        from pipeline.guarded_extract import extract_document

        found = extract_document(document, limits)
        payload: dict[str, Any] = {"figures": [f.to_record() for f in found]}
    except BaseException as error:
        payload = rejection(error, "extract")
    else:
        payload["indicators"] = _mapped(document, found)
    _write_line(result, payload)
    return "rejected" not in payload


def _mapped(document: Document, found: list[Figure]) -> list[list[Any]] | None:
    """Each figure's mapping to the packaged catalogue as a JSON row; None if mapping failed (the
    parent then maps, and meets the same fault where it always did)."""
    try:
        from pipeline.normalise import map_figures

        return [list(mapping) for mapping in map_figures(document, found)]
    except Exception:
        return None


def _extraction_clock(limits: Limits) -> None:
    """The extraction's own allowances from now on: its CPU seconds beyond what reading used, and
    its wall-clock seconds (the timer is re-armed, so a slow read does not shorten extraction)."""
    from pipeline.sandbox import cpu_used, soft_limit

    soft_limit(resource.RLIMIT_CPU, cpu_used() + limits.extract_cpu_seconds)
    signal.setitimer(signal.ITIMER_REAL, limits.extract_wall_seconds)


def _write_line(result: IO[str], payload: dict[str, Any]) -> None:
    """One JSON line, flushed at once: the parent reads what was finished even if the child dies next."""
    result.write(json.dumps(payload, ensure_ascii=False) + "\n")  # dumps: the C encoder
    result.flush()
