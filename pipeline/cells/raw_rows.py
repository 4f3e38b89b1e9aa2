"""A query's rows as the database driver gives them, in chunks: plain tuples, no SQLAlchemy row
and no type processing (about a third of an export's time at a province's scale went there).
The caller converts what it needs itself; on PostgreSQL the rows stream from a server-side cursor."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import sqlalchemy as sa

FETCH = 5000  # rows a fetch brings from the cursor
_names = count()


def raw_rows(conn: sa.Connection, query: sa.Select[Any]) -> Iterator[tuple[Any, ...]]:
    """Every row of `query` on `conn` (inside its transaction), as the driver's tuples."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})  # IN lists
    params: Any = compiled.params
    if compiled.positional:
        params = [params[name] for name in compiled.positiontup or ()]
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name=f"tonghop_rows_{next(_names)}") if postgres else raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while chunk := cursor.fetchmany(FETCH):
            yield from chunk
    finally:
        cursor.close()
