"""One claimed inbox file's way through tonghop, as plain functions a flow wraps in its tasks.

read and extract (one sandboxed child: `read_extract_stage`; `read_stage` and `extract_stage`
do one phase each, for a document from the read cache) → normalise → load → file away. Each
stage takes what the previous one returned;
a file that cannot be read becomes a `Rejected` that the later stages pass along untouched, so a
bad file flows to quarantine/ without any exception crossing a task boundary. Every stage
records how long its own work took, which is how the benchmark separates Prefect's overhead
from reading, extraction and loading.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.faults import install_load_pause, pause_point
from pipeline.figure import Figure
from pipeline.guarded_extract import extract_in_child
from pipeline.inbox import PROCESSING, Inbox, file_done, file_quarantined, not_loaded
from pipeline.read_extract import read_and_extract_in_child
from pipeline.sandbox import read_in_child
from pipeline.store.api import LoadResult, Store
from pipeline.submissions import file_sha256, path_key

if TYPE_CHECKING:
    from pipeline.normalise.catalogue import Catalogue

VANISHED_NOTE = "(tệp không còn trong processing/ / the file is no longer in processing/)"


@dataclass(slots=True)
class Claimed:
    """A file in processing/, its content hash and the name it was submitted under."""

    path: Path
    sha256: str
    name: str


@dataclass(slots=True)
class Rejected:
    """A file that could not be read (or extracted): the code and message it is filed with."""

    claimed: Claimed
    code: str
    message: str
    timings: dict[str, float] = field(default_factory=dict)
    filed: Outcome | None = None  # set once loaded and filed away: a retried load skips it


@dataclass(slots=True)
class Extracted:
    """A read document, its figures and (after normalise) their indicator mappings."""

    claimed: Claimed
    document: Document
    figures: list[Figure]
    indicators: list[tuple[str, float]] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    filed: Outcome | None = None  # set once loaded and filed away: a retried load skips it


@dataclass(slots=True)
class Outcome:
    """What happened to one file: one row of the run's artifact table."""

    name: str
    sha256: str
    status: str  # loaded | unchanged | superseded | outdated | rejected | failed | skipped
    figures: int = 0
    code: str = ""
    message: str = ""
    document_id: int | None = None
    filed_as: str = ""  # where the file now is, relative to the inbox
    timings: dict[str, float] = field(default_factory=dict)


# The code and data whose change must invalidate cached reading results (an Extracted document).
FINGERPRINTED = (
    "pipeline/readers",
    "pipeline/data",  # metadata cue words, periods
    "pipeline/metadata.py",
    "pipeline/header.py",
    "pipeline/issuer.py",
    "pipeline/periods.py",
    "pipeline/reporting_unit.py",
    "pipeline/units",  # the gazetteer the issuer is resolved against
    "pipeline/matching.py",
    "pipeline/sandbox.py",
    "pipeline/read_extract.py",
    "pipeline/document.py",
    "pipeline/stages.py",  # the cached objects themselves (Extracted, Claimed)
)
FINGERPRINT_SUFFIXES = (".py", ".yaml", ".yml", ".tsv", ".json", ".txt")


@functools.cache
def code_fingerprint() -> str:
    """A short hash of the readers' code and data: part of the read cache key, so a document
    read before a reader fix is never served after it."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for entry in FINGERPRINTED:
        base = root / entry
        files = (
            [base]
            if base.is_file()
            else sorted(p for p in base.rglob("*") if p.suffix in FINGERPRINT_SUFFIXES)
        )
        for path in files:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def claimed_file(path: Path) -> Claimed:
    """A file in processing/ with its content hash; one that vanished or cannot be read is keyed by
    its path, and its read stage then says why (E016/E017) instead of failing the whole run."""
    try:
        sha256 = file_sha256(path)
    except (OSError, DocumentRejected):
        sha256 = path_key(path)
    return Claimed(path=path, sha256=sha256, name=path.name)


def read_stage(claimed: Claimed) -> Extracted | Rejected:
    """Parse the untrusted file in a child process with memory, CPU and time limits."""
    started = time.perf_counter()
    try:
        document = read_in_child(claimed.path)
    except DocumentRejected as rejected:
        return Rejected(claimed, rejected.code, rejected.message(), {"read": time.perf_counter() - started})
    document.path = claimed.name  # the name as submitted, not its place in processing/
    return Extracted(claimed, document, [], timings={"read": time.perf_counter() - started})


def extract_stage(item: Extracted | Rejected) -> Extracted | Rejected:
    """Find every figure in a limited child; a pathological text or an extractor fault quarantines
    this file instead of stopping the batch."""
    if isinstance(item, Rejected):
        return item
    started = time.perf_counter()
    try:
        item.figures = extract_in_child(item.document)  # limited child: budget, CPU, memory, time
    except DocumentRejected as rejected:  # over budget, too slow or a fault of ours: this file only
        return Rejected(item.claimed, rejected.code, rejected.message(), item.timings)
    item.timings["extract"] = time.perf_counter() - started
    return item


def read_extract_stage(
    claimed: Claimed, on_read: Callable[[Document, float], None] | None = None
) -> Extracted | Rejected:
    """Read the untrusted file and find its figures in ONE limited child (half the sandbox's CPU of
    a child per phase), each phase with its own limits and codes; the child also maps the figures
    to the catalogue. `on_read` is handed the document and the read's seconds as soon as it has
    read, even if extraction then fails (the flow may cache it)."""
    started = time.perf_counter()
    try:
        result = read_and_extract_in_child(claimed.path)
    except DocumentRejected as rejected:  # refused before any child ran (size, a file gone)
        return Rejected(claimed, rejected.code, rejected.message(), {"read": time.perf_counter() - started})
    timings = {"read_extract": time.perf_counter() - started}
    if result.document is not None:
        result.document.path = claimed.name  # the name as submitted, not its place in processing/
        if on_read is not None:
            on_read(result.document, result.read_seconds)
    if result.rejected is not None:
        return Rejected(claimed, result.rejected.code, result.rejected.message(), timings)
    assert result.document is not None and result.figures is not None
    return Extracted(claimed, result.document, result.figures, result.indicators, timings=timings)


def normalise_stage(item: Extracted | Rejected) -> Extracted | Rejected:
    """Map each figure to the officer-edited indicator catalogue (unless the reading child did)."""
    if isinstance(item, Rejected) or item.indicators is not None:
        return item
    from pipeline.normalise import map_figures

    started = time.perf_counter()
    item.indicators = map_figures(item.document, item.figures)
    item.timings["normalise"] = time.perf_counter() - started
    return item


def prepare(
    claimed: Claimed, on_read: Callable[[Document, float], None] | None = None
) -> Extracted | Rejected:
    """read → extract (one child) → normalise: one file's work before loading, as `tonghop ingest`'s
    lanes and the flow's tasks both do it."""
    return normalise_stage(read_extract_stage(claimed, on_read))


def load_stage(
    item: Extracted | Rejected, claimed: Claimed, store_url: str, run_id: int | None = None
) -> Outcome:
    """Write the document and its figures in one transaction (or record the rejection).

    `claimed` is this run's file: `item` may come from the cache of an earlier run that saw the
    same content under another name.
    """
    started = time.perf_counter()
    store = _store(store_url)
    if isinstance(item, Rejected):
        result = store.reject(claimed.name, claimed.sha256, item.code, item.message, run_id=run_id)
    else:
        item.document.path = claimed.name
        from pipeline.normalise import store_catalogue

        _map_with(store_catalogue(store), item)
        result = store.load(item.document, item.figures, run_id=run_id, indicators=item.indicators)
    pause_point("loaded")
    return _outcome(item, claimed, result, time.perf_counter() - started)


def load_parcel(
    items: list[Extracted | Rejected], store_url: str, run_id: int | None = None
) -> list[Outcome]:
    """`load_stage` for several files in one transaction (`Store.load_batch`): one commit and one
    look at the taught catalogue for the parcel instead of one each. Every file keeps its own
    outcome; one whose rows fail is "failed", stays in processing/ for the next run, and the
    others are kept. A database fault loads none of them (raised: the caller retries the parcel)."""
    from pipeline.normalise import store_catalogue
    from pipeline.store.api import ToLoad, ToReject

    started = time.perf_counter()
    store = _store(store_url)
    taught = store_catalogue(store) if any(isinstance(item, Extracted) for item in items) else None
    entries: list[ToLoad | ToReject] = []
    for item in items:
        claimed = item.claimed  # this run's file: the item may be a cached read of another name
        if isinstance(item, Rejected):
            entries.append(ToReject(claimed.name, claimed.sha256, item.code, item.message))
            continue
        item.document.path = claimed.name
        _map_with(taught, item)
        assert item.indicators is not None
        entries.append(ToLoad(item.document, item.figures, item.indicators))
    results = store.load_batch(entries, run_id=run_id)
    pause_point("loaded")
    share = (time.perf_counter() - started) / max(1, len(items))  # the parcel's time, shared out
    outcomes = []
    for item, result in zip(items, results, strict=True):
        if isinstance(result, Exception):
            claimed, timings = item.claimed, {**item.timings, "load": share}
            message = f"{type(result).__name__}: {result}"
            outcomes.append(Outcome(claimed.name, claimed.sha256, "failed", message=message,
                                    filed_as=f"{PROCESSING}/{claimed.name}", timings=timings))
        else:
            outcomes.append(_outcome(item, item.claimed, result, share))
    return outcomes


def _map_with(taught: Catalogue | None, item: Extracted) -> None:
    """Map again with the store's catalogue when officers taught phrases or added lines."""
    from pipeline.normalise import load_catalogue, map_figures

    if taught is not None and taught is not load_catalogue():
        item.indicators = map_figures(item.document, item.figures, taught)


def _outcome(item: Extracted | Rejected, claimed: Claimed, result: LoadResult, seconds: float) -> Outcome:
    """What the store made of one file, as a row of the run's table."""
    return Outcome(
        name=claimed.name,
        sha256=claimed.sha256,
        status=result.status,
        figures=result.figures,
        code=result.code or (item.code if isinstance(item, Rejected) else ""),
        message=result.message or (item.message if isinstance(item, Rejected) else ""),
        document_id=result.document_id,
        timings={**item.timings, "load": seconds},
    )


def file_away_stage(outcome: Outcome, inbox_root: Path) -> Outcome:
    """Move the file from processing/ to done/ or quarantine/ (with its reason file)."""
    started = time.perf_counter()
    inbox = Inbox(Path(inbox_root))
    claimed = inbox.processing / outcome.name
    if outcome.status == "failed":  # not stored: it stays in processing/ for the next run
        outcome.filed_as = f"{PROCESSING}/{outcome.name}"
        return outcome
    try:
        if outcome.status == "rejected":
            moved = file_quarantined(inbox, claimed, outcome.code, outcome.message)
        else:
            moved = file_done(inbox, claimed)
        outcome.filed_as = str(moved.relative_to(inbox.root))
    except FileNotFoundError:  # taken out of processing/ meanwhile: nothing to move, the rest go on
        outcome.filed_as = ""
        outcome.message = (outcome.message + " " if outcome.message else "") + VANISHED_NOTE
    outcome.timings["move"] = time.perf_counter() - started
    return outcome


def skipped_outcomes(inbox_root: Path) -> list[Outcome]:
    """An outcome for every inbox entry a run does not load (a subfolder, a link, a FIFO): it stays
    where it is, and the run's table says why rather than passing it over in silence."""
    return [
        Outcome(entry.name, "", "skipped", code=code, message=message, filed_as=entry.name)
        for entry, code, message in not_loaded(Inbox(Path(inbox_root)))
    ]


# Documents loaded and not yet in the stored cells before a load on its way brings the cells up to
# date: the run's summary then has fewer than that left to do instead of the whole batch, alone on
# one core at the end; enough at once that the refresh's fixed costs stay small per document
# (48 cost about 1 ms more CPU a report than 96 on 400 generated reports).
REFRESH_AT = 96
_REFRESHING = threading.Lock()


def refresh_cells_if_due(store_url: str, at_least: int = REFRESH_AT) -> int:
    """Bring the stored cells up to date when at least `at_least` documents wait (one thread at a
    time; the others go on loading); returns how many documents it recomputed."""
    from pipeline.cells.refresh import pending, refresh

    store = _store(store_url)
    if pending(store) < at_least or not _REFRESHING.acquire(blocking=False):
        return 0
    try:
        return refresh(store)
    finally:
        _REFRESHING.release()


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def _store(url: str) -> Store:
    """One open store per URL per process, so a worker does not reconnect for every document."""
    from pipeline.store import open_store

    with _STORES_LOCK:
        if url not in _STORES:
            install_load_pause()
            _STORES[url] = open_store(url)
        return _STORES[url]
