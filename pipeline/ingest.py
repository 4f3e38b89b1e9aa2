"""`ingest_paths`: files and folders in, one LoadResult per file out; read → extract → map → load.

`tonghop ingest` runs this; each file's work is the steps of pipeline/stages.py, which the Prefect
flow runs as its tasks. It never stops a batch for one bad file: a file that cannot be read is
recorded as rejected with its stable error code.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import stages  # the per-file steps the flow's tasks run too
from pipeline.errors import DocumentRejected
from pipeline.lanes import in_order
from pipeline.store.api import LoadResult, Store
from pipeline.submissions import file_sha256, gone, path_key

__all__ = ["discover", "file_sha256", "ingest_paths", "path_key"]

# .doc is converted by LibreOffice (E003 when it is not installed); images are read by OCR (E009 without it)
READABLE_SUFFIXES = (
    ".txt", ".docx", ".pdf", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png", ".tif", ".tiff",
)
SKIPPED_PREFIXES = (".", "~$")  # hidden files and Word's lock files are not submissions
# Inside a folder, the scripts and data files that sit beside reports (samples/ holds its builder)
# are not submissions; a file named on the command line is always tried.
SKIPPED_IN_FOLDERS = (".py", ".yaml", ".yml", ".md", ".json", ".jsonl", ".toml", ".csv")

Progress = Callable[[Path, LoadResult], None]
LINK_OUT = "a link out of the folder, not followed"
Prepared = stages.Extracted | stages.Rejected  # what a lane hands the loader


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Every file under the given files and folders, sorted, once; hidden, lock and script files skipped.

    Inside a folder a symbolic link is never followed out of it: such a link is listed as itself
    (still a link) so that it is refused with its own outcome. FIFOs, sockets and devices are
    listed too, and refused when opened; a file or link named on the command line is taken as given.
    """
    found: dict[Path, None] = {}
    for given in map(Path, paths):
        if given.is_dir():
            root = given.resolve()
            candidates = [p for p in _walk(given) if p.suffix.lower() not in SKIPPED_IN_FOLDERS]
        else:
            root, candidates = None, [given]
        for path in candidates:
            if path.name.startswith(SKIPPED_PREFIXES):
                continue
            target = path.resolve()
            if root is not None and path.is_symlink() and not target.is_relative_to(root):
                found.setdefault(path.absolute(), None)  # a link out of the folder: refused, not followed
            else:
                found.setdefault(target, None)
    return list(found)


def _walk(folder: Path) -> list[Path]:
    """Everything in a folder tree that is not a real folder (files, links, FIFOs), sorted;
    links to folders are listed, never descended into."""
    entries = []
    for where, folders, files in os.walk(folder, followlinks=False):
        entries += [Path(where) / name for name in files]
        entries += [Path(where) / name for name in folders if (Path(where) / name).is_symlink()]
    return sorted(entries)


def unknown_suffix(path: Path) -> DocumentRejected | None:
    """E002 for a file whose name says it is no report tonghop reads, before a child is started."""
    if path.suffix.lower() in READABLE_SUFFIXES:
        return None
    return DocumentRejected("E002_UNKNOWN_FORMAT", path.name, f"'{path.suffix or path.name}'")


@dataclass(frozen=True, slots=True)
class Planned:
    """A discovered file as the parent sees it before any child reads it: its hash, or why it has none,
    and whether it must be read (known content, or a copy already being read, is not read again)."""

    path: Path
    sha256: str
    refused: DocumentRejected | None = None
    read: bool = False


RETRIED_CODES = (
    "E008_TIMEOUT", "E014_PARSER_CRASH", "E015_EXTRACT_FAILED", "E016_NOT_A_FILE", "E017_FILE_GONE",
)  # may pass on a later run


@dataclass(slots=True)
class Batch:
    """One ingest: what the store already holds, and the run record, opened only once something changes."""

    store: Store
    kind: str = "ingest"
    known: dict[str, LoadResult] = field(default_factory=dict)
    run_id: int | None = None

    def __post_init__(self) -> None:
        for d in self.store.documents():
            if d["status"] == "rejected":
                if d["error_code"] not in RETRIED_CODES:
                    self.known[d["sha256"]] = LoadResult(
                        "rejected", d["id"], d["path"], code=d["error_code"], message=d["error"]
                    )
            else:
                self.known[d["sha256"]] = LoadResult("unchanged", d["id"], d["path"], d["figures"])

    def run(self) -> int:
        """The run id, started on first use: a batch that changes nothing leaves no trace."""
        if self.run_id is None:
            self.run_id = self.store.start_run(self.kind)
        return self.run_id

    def reject(self, path: Path, sha256: str, code: str, message: str) -> LoadResult:
        result = self.store.reject(path.name, sha256, code, message, run_id=self.run())
        if code not in RETRIED_CODES:
            self.known[sha256] = result
        return result

    def plan(self, paths: Iterable[Path]) -> Iterator[Planned]:
        """Each file hashed in the parent, in order; only new content is marked to be read, once."""
        reading: set[str] = set()
        for path in paths:
            try:
                if path.is_symlink():  # discover() leaves only the links that point out of their folder
                    raise DocumentRejected("E016_NOT_A_FILE", path.name, LINK_OUT)
                sha256 = file_sha256(path)
            except (OSError, DocumentRejected) as error:  # no content hash: keyed by its path
                refused = error if isinstance(error, DocumentRejected) else gone(path, error)
                yield Planned(path, path_key(path), refused)
                continue
            fresh = sha256 not in self.known and sha256 not in reading
            reading.add(sha256)
            yield Planned(path, sha256, read=fresh)

    @staticmethod
    def prepare(planned: Planned) -> Prepared | None:
        """A lane's work, the flow's stages (children do the reading): read, extract, map, or why not."""
        if not planned.read:
            return None
        claimed = stages.Claimed(planned.path, planned.sha256, planned.path.name)
        refused = unknown_suffix(planned.path)
        if refused is not None:
            return stages.Rejected(claimed, refused.code, refused.message())
        return stages.prepare(claimed)

    def settle(self, planned: Planned, prepared: Prepared | BaseException | None) -> LoadResult:
        """In the parent, in discovery order: the file's outcome, loaded into the store if it read."""
        if isinstance(prepared, BaseException):
            raise prepared  # a fault of ours, not of the file: stop as a single lane would
        path, sha256 = planned.path, planned.sha256
        if planned.refused is not None:
            return self.reject(path, sha256, planned.refused.code, planned.refused.message())
        if sha256 in self.known:
            known = self.known[sha256]
            return dataclasses.replace(known, path=path.name) if known.status == "rejected" else known
        if prepared is None:  # a copy whose first reading was refused for a passing reason: read it again
            prepared = self.prepare(dataclasses.replace(planned, read=True))
        if isinstance(prepared, stages.Rejected):
            return self.reject(path, sha256, prepared.code, prepared.message)
        assert prepared is not None and prepared.indicators is not None
        document, figures, indicators = prepared.document, prepared.figures, prepared.indicators
        from pipeline.normalise import load_catalogue, map_figures, store_catalogue

        taught = store_catalogue(self.store)
        if taught is not load_catalogue():  # officers taught phrases or added lines: map with them
            indicators = map_figures(document, figures, taught)
        result = self.store.load(document, figures, run_id=self.run(), indicators=indicators)
        self.known[sha256] = LoadResult("unchanged", result.document_id, result.path, result.figures)
        return result

    def finish(self, results: list[LoadResult]) -> None:
        if self.run_id is not None:
            self.store.finish_run(self.run_id, summary_counts(results))


def ingest_paths(
    paths: Iterable[Path | str],
    store: Store,
    *,
    on_file: Progress | None = None,
    kind: str = "ingest",
    jobs: int = 1,
) -> list[LoadResult]:
    """Load every file under `paths` into `store` as one recorded run; `on_file` hears about each file.

    `jobs` files are read and extracted at once, each in its own limited child; the parent loads
    them one by one in discovery order, so the store ends exactly as with one lane."""
    batch = Batch(store, kind)
    results = []
    for planned, prepared in in_order(batch.prepare, batch.plan(discover(paths)), jobs):
        path = planned.path
        result = batch.settle(planned, prepared)
        results.append(result)
        if on_file:
            on_file(path, result)
    batch.finish(results)
    return results


STATUS_LABELS = {  # what the officer reads in the summary table
    "loaded": "đã nạp / loaded",
    "unchanged": "đã có, không đổi / unchanged",
    "superseded": "thay bản cũ / superseded an older copy",
    "outdated": "đã có bản mới hơn / a newer copy is loaded",
    "rejected": "bị từ chối / rejected",
}


def summary_counts(results: Iterable[LoadResult]) -> dict[str, int]:
    """How many files ended loaded / unchanged / superseded / outdated / rejected (every key present)."""
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in STATUS_LABELS}
