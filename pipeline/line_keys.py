"""What a consolidated line is keyed by and holds: the names the consolidation, the stored cells and
the exports share. A module of their own, without pandas, so that the export's worker processes
(figures.csv, the list sheets) can use them without importing pandas (about 30 MB each)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

ADDITIVE_KINDS = ("money", "count", "quantity")  # kinds whose lines may add up across units
NO_UNIT = "(không rõ đơn vị)"  # a document whose issuer was not detected
NO_PERIOD = "(không rõ kỳ báo cáo)"
LINE_KEYS = ["period", "reporting_unit", "level", "indicator_code", "kind", "unit", "per", "modality"]
VALUE_COLUMNS = ["value", "approx", "upper", "shown", "combine"]
DOCUMENT_LINE_COLUMNS = [*VALUE_COLUMNS, "doc", "figures", "unreviewed", "figure_ids", "note"]
LINE_COLUMNS = [*LINE_KEYS, "value", "approx", "upper", "shown", "combine", "figures", "unreviewed",
                "documents", "figure_ids", "note"]


def decimal_sum(values: Iterable[Any]) -> Decimal:
    """Exact sum of Decimal values (pandas would go through float)."""
    return sum((Decimal(v) for v in values), Decimal(0))
