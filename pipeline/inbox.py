"""The inbox folder officers drop reports into: claim, recover and file away, with nothing lost.

Layout under the inbox root:
  <root>/              files waiting to be processed (what officers drop in)
  <root>/processing/   files a run has claimed; a killed run leaves them here and the next run
                       picks them up again
  <root>/done/         files whose document is in the store (loaded, unchanged or superseded)
  <root>/quarantine/   files that could not be read, each with `<name>.reason.txt` next to it

Every move is an `os.rename` inside one folder tree, which is atomic on one file system: at any
instant a file is in exactly one of the four places. These are plain functions so they can be
tested, and killed, without Prefect.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import REASONS
from pipeline.faults import pause_point

PROCESSING = "processing"
DONE = "done"
QUARANTINE = "quarantine"
LOCK_NAME = ".tonghop-inbox.lock"
REASON_SUFFIX = ".reason.txt"

# Names that are never a submitted report: lock and partial files that editors, browsers and
# copy tools leave while a file is still being written.
IGNORED_PREFIXES = (
    ".",  # hidden files, our own lock file, macOS "._" companions
    "~$",  # Word's owner file while a document is open
)
IGNORED_SUFFIXES = (
    ".tmp",  # Word and many copy tools write here first
    ".part",  # Firefox and rsync partial downloads
    ".partial",  # Edge partial downloads
    ".crdownload",  # Chrome partial downloads
    ".filepart",  # WinSCP partial uploads
    REASON_SUFFIX,  # our own notes, should one be copied back into the inbox
)


@dataclass(frozen=True, slots=True)
class Inbox:
    """One inbox folder and its three working subfolders."""

    root: Path

    @property
    def processing(self) -> Path:
        return self.root / PROCESSING

    @property
    def done(self) -> Path:
        return self.root / DONE

    @property
    def quarantine(self) -> Path:
        return self.root / QUARANTINE

    def ensure(self) -> Inbox:
        """Create the working subfolders so a fresh inbox is ready to use."""
        for folder in (self.root, self.processing, self.done, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def is_submission(path: Path) -> bool:
    """True for a regular file that may be a report, false for partial, lock and hidden files."""
    name = path.name
    if name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES):
        return False
    return path.is_file() and not path.is_symlink()


def not_loaded(inbox: Inbox) -> list[tuple[Path, str, str]]:
    """Entries of the inbox root a run never loads, each with a code and a message saying why:
    subfolders (reports must be dropped in the root), links and special files."""
    if not inbox.root.is_dir():
        return []
    working = {PROCESSING, DONE, QUARANTINE}
    found = []
    for entry in sorted(inbox.root.iterdir()):
        if entry.name.startswith(IGNORED_PREFIXES) or entry.name.lower().endswith(IGNORED_SUFFIXES):
            continue
        if entry.is_symlink():
            why = f"{entry.name}: a link, not followed; copy the file itself"
            found.append((entry, "E016_NOT_A_FILE", why))
        elif entry.is_dir() and entry.name not in working:
            inside = sum(1 for _ in entry.rglob("*"))
            found.append((entry, "E016_NOT_A_FILE",
                          f"{entry.name}/: a subfolder ({inside} entries) is not read; "
                          "put its reports directly in the inbox / hãy đặt báo cáo ngay trong hộp thư"))
        elif not entry.is_dir() and not entry.is_file():
            why = f"{entry.name}: not a regular file (FIFO, socket, device)"
            found.append((entry, "E016_NOT_A_FILE", why))
    return found


def waiting_files(inbox: Inbox) -> list[Path]:
    """Files dropped into the inbox root and not yet claimed, oldest name first."""
    if not inbox.root.is_dir():
        return []
    return sorted(p for p in inbox.root.iterdir() if is_submission(p))


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def stable_files(inbox: Inbox, settle_seconds: float = 2.0) -> list[Path]:
    """Waiting files whose size and modification time did not change over two looks.

    A file still being copied onto a shared drive grows between the looks and is left for the
    next run; it is never claimed half-written.
    """
    first = {p: _signature(p) for p in waiting_files(inbox)}
    if not first:
        return []
    time.sleep(settle_seconds)
    stable = []
    for path, signature in first.items():
        if signature is not None and _signature(path) == signature:
            stable.append(path)
    return stable


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem (2).ext` and so on when that name is already taken."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    n = 2
    while candidate.exists() or (folder / (candidate.name + REASON_SUFFIX)).exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def claim(inbox: Inbox, path: Path) -> Path | None:
    """Move one waiting file into processing/ by an atomic rename; None if it is gone or busy."""
    target = free_name(inbox.processing, path.name)
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None  # another run, or the officer, took it away
    except PermissionError:
        return None  # still open in the program writing it (Windows shares refuse the rename)
    pause_point("claim")
    return target


def claimed_files(inbox: Inbox) -> list[Path]:
    """Files in processing/: claimed by this run, or left there by a run that was killed."""
    if not inbox.processing.is_dir():
        return []
    return sorted(p for p in inbox.processing.iterdir() if is_submission(p))


def claim_all(inbox: Inbox, settle_seconds: float = 2.0) -> list[Path]:
    """Everything this run must process: files left in processing/ plus newly claimed ones."""
    inbox.ensure()
    for path in stable_files(inbox, settle_seconds):
        claim(inbox, path)
    return claimed_files(inbox)


def file_done(inbox: Inbox, claimed: Path) -> Path:
    """Move a processed file from processing/ to done/; returns where it now is."""
    target = free_name(inbox.done, claimed.name)
    os.rename(claimed, target)
    return target


def reason_text(code: str, detail: str = "") -> str:
    """What the reason file says: the code, then the Vietnamese and English explanations."""
    reason = REASONS.get(code)
    lines = [code]
    if reason is not None:
        lines += [reason.vi, reason.en]
    if detail:
        lines.append(detail)
    return "\n".join(lines) + "\n"


def file_quarantined(inbox: Inbox, claimed: Path, code: str, detail: str = "") -> Path:
    """Move a file that cannot be read to quarantine/, with `<name>.reason.txt` beside it.

    The reason file is written first (through a temporary name and a rename), so a killed run
    leaves either nothing or a complete reason next to a file that is still in processing/.
    """
    target = free_name(inbox.quarantine, claimed.name)
    reason = target.with_name(target.name + REASON_SUFFIX)
    partial = reason.with_name("." + reason.name + ".tmp")
    partial.write_text(reason_text(code, detail), encoding="utf-8")
    os.replace(partial, reason)
    os.rename(claimed, target)
    return target


@contextlib.contextmanager
def inbox_lock(inbox: Inbox) -> Iterator[bool]:
    """Hold the inbox for one run; yields False when another live run already holds it.

    The lock is an OS file lock, so a killed run releases it at once and the next run can
    recover what that run left in processing/.
    """
    inbox.ensure()
    handle = open(inbox.root / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()
