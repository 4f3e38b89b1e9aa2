"""The tonghop store: `open_store()` gives a migrated store for SQLite (default) or PostgreSQL."""

from __future__ import annotations

import os

from pipeline.store.api import LoadResult, LoadStatus, ReviewAction, RunSummary, Store
from pipeline.store.sql_store import SqlStore

DEFAULT_STORE_URL = "sqlite:///output/tonghop.db"

__all__ = [
    "DEFAULT_STORE_URL",
    "LoadResult",
    "LoadStatus",
    "ReviewAction",
    "RunSummary",
    "SqlStore",
    "Store",
    "open_store",
    "store_url",
]


def store_url(url: str | None = None) -> str:
    """The store to use: the argument, else $TONGHOP_STORE, else the embedded SQLite file under output/."""
    return url or os.environ.get("TONGHOP_STORE") or DEFAULT_STORE_URL


def open_store(url: str | None = None, *, migrate: bool = True) -> SqlStore:
    """Connect to the store and bring its schema up to date, so callers never see an old schema."""
    store = SqlStore(store_url(url))
    if migrate:
        store.migrate()
    return store
