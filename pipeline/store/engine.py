"""One SQLAlchemy engine per store URL, with SQLite set up for several writers at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another before giving up


def driver_url(url: str) -> sa.URL:
    """`postgresql://` means psycopg 3 here; SQLite file paths get their folder created."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return parsed


def make_engine(url: str) -> Engine:
    """An engine whose SQLite connections use WAL, a busy timeout, foreign keys and IMMEDIATE writes."""
    parsed = driver_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so BEGIN IMMEDIATE can be issued below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A write that starts DEFERRED and upgrades later can fail at once with "database is locked";
        # IMMEDIATE takes the write lock up front and waits politely (busy_timeout) for it instead.
        mode = "IMMEDIATE" if connection.get_execution_options().get("write", True) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
