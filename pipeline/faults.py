"""Which faults are worth a retry, and the pause points that let tests kill a run mid-step.

Retrying helps when the fault is outside the file (the database is restarting, a shared drive
hiccups); it never helps a file that is simply bad, so those are never retried.

Pause points are a test hook: with `TONGHOP_PAUSE_AT=<name>` the process writes its pid to
`TONGHOP_PAUSE_FILE` when it reaches that point and then waits there, so a test can `kill -9`
it at exactly that moment. Without the variable they cost one dictionary lookup.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from pipeline.errors import DocumentRejected

PAUSE_AT = "TONGHOP_PAUSE_AT"
PAUSE_FILE = "TONGHOP_PAUSE_FILE"
PAUSE_SECONDS = "TONGHOP_PAUSE_SECONDS"

# Point names: "claim" (a file was just renamed into processing/), "load" (inside the store's
# transaction, every row written, commit not yet done), "loaded" (committed, file not yet moved).
PAUSE_POINTS = ("claim", "load", "loaded")

_paused = threading.Event()


def pause_point(name: str) -> None:
    """Wait here to be killed when the test hook names this point; otherwise do nothing."""
    if os.environ.get(PAUSE_AT) != name:
        return
    if _paused.is_set():  # one announcement per process: the test kills it at the first
        return
    _paused.set()
    marker = os.environ.get(PAUSE_FILE)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get(PAUSE_SECONDS, "600")))


def install_load_pause() -> None:
    """With TONGHOP_PAUSE_AT=load, pause inside the store's transaction just before it commits.

    Hooks SQLAlchemy's engine events rather than the store's code, so the store is exercised
    exactly as in production: rows written, commit pending, then the process dies.
    """
    if os.environ.get(PAUSE_AT) != "load":
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    wrote_figures = threading.local()

    def _after_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT") and " figures" in statement.lower():
            wrote_figures.flag = True

    def _before_commit(conn) -> None:
        if getattr(wrote_figures, "flag", False):
            pause_point("load")

    if not event.contains(Engine, "after_cursor_execute", _after_execute):
        event.listen(Engine, "after_cursor_execute", _after_execute)
        event.listen(Engine, "commit", _before_commit)


def _transient_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [sqlite3.OperationalError, TimeoutError, ConnectionError]
    try:
        from sqlalchemy.exc import DisconnectionError, OperationalError
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        types += [OperationalError, DisconnectionError, PoolTimeout]
    except ImportError:  # pragma: no cover - sqlalchemy is a pinned dependency
        pass
    try:
        import psycopg

        types += [psycopg.OperationalError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def is_transient(exc: BaseException) -> bool:
    """True for faults outside the file (database unavailable, shared drive I/O), worth a retry."""
    if isinstance(exc, DocumentRejected):
        return False
    if isinstance(exc, _transient_types()):
        return True
    # An I/O error on the inbox itself (network share dropped). A missing file is not transient:
    # retrying will not bring it back.
    return isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError | IsADirectoryError)
