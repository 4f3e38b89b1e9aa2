"""Column types that keep money exact on both engines: NUMERIC on PostgreSQL, decimal text on SQLite."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from pipeline.figure import decimal_text


class ExactDecimal(sa.types.TypeDecorator):
    """A Decimal that never passes through float: SQLite's NUMERIC affinity would round big money."""

    impl = sa.String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Numeric(precision=None, scale=None, asdecimal=True))
        return dialect.type_descriptor(sa.String(64))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number if dialect.name == "postgresql" else decimal_text(number)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UtcDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp; SQLite stores it naive, so the zone is put back on read."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is not None and dialect.name != "postgresql":
            from datetime import UTC

            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is None:
            from datetime import UTC

            value = value.replace(tzinfo=UTC)
        return value
