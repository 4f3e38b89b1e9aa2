"""Opening a submitted file safely: only regular files, and a file that vanishes gets its own outcome.

A FIFO named on the command line would block `open()` forever, a device never ends and a socket
cannot be read at all, so a submission is opened without blocking and checked to be a regular
file before a byte is read. A file deleted or moved while a run hashes or reads it, or one the
process may not read, is refused for itself (E017) while the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import DocumentRejected

# What a path that is not a regular file is, in the words of the refusal.
SPECIAL_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def special_kind(mode: int) -> str:
    """'a FIFO (named pipe)' and so on for a mode that is not a regular file's; '' for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    return next((kind for test, kind in SPECIAL_KINDS if test(mode)), "not a regular file")


def gone(path: Path, error: OSError) -> DocumentRejected:
    """The refusal of a file the run could not open or read from disk."""
    why = error.strerror or type(error).__name__
    return DocumentRejected("E017_FILE_GONE", path.name, f"{why} while reading it from disk")


def open_submission(path: Path) -> BinaryIO:
    """The file opened for reading, or DocumentRejected: E016 when it is not a regular file,
    E017 when it is gone or unreadable. Never blocks, whatever the path names."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        raise DocumentRejected("E016_NOT_A_FILE", path.name, "a folder") from None
    except OSError as error:
        if error.errno == 6:  # ENXIO: a FIFO or socket with nobody at the other end
            raise DocumentRejected("E016_NOT_A_FILE", path.name, "a FIFO or socket") from None
        raise gone(path, error) from None
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind:
            raise DocumentRejected("E016_NOT_A_FILE", path.name, kind)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_submission(path: Path, max_bytes: int) -> bytes:
    """All bytes of a regular file, refusing (E006) one larger than `max_bytes` before reading it."""
    with open_submission(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            detail = f"{size // (1 << 20)} MB, at most {max_bytes // (1 << 20)} MB"
            raise DocumentRejected("E006_TOO_LARGE", Path(path).name, detail)
        try:
            return handle.read(max_bytes + 1)
        except OSError as error:
            raise gone(Path(path), error) from None


def file_sha256(path: Path) -> str:
    """The content hash that identifies a submission, whatever its name; DocumentRejected for a
    path that is not a regular file (E016) or cannot be read (E017)."""
    digest = hashlib.sha256()
    with open_submission(path) as handle:  # never blocks on a FIFO; refuses what is not a file
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def path_key(path: Path) -> str:
    """The key of a file that has no content hash (not a file, gone, unreadable): its path."""
    return hashlib.sha256(f"unreadable:{path}".encode()).hexdigest()
