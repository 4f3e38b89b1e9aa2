"""Consolidation where the data is: the consolidated cells kept in the store, kept current.

`pipeline.cells.refresh.refresh(store)` recomputes the documents queued since the last refresh and
the cells their lines fall in; `rebuild(store)` there recomputes everything (old stores, an edited
catalogue); `consolidation(store)` reads the tables back as the `Consolidation` the exports write,
`consolidated_lines(store)` only its lines (the charts page).

Nothing is imported here until it is asked for: `pipeline.cells.read` needs pandas, and the
export's worker processes, which use modules of this package that do not, would otherwise each
carry it (about 30 MB a process).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["consolidated_lines", "consolidation"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'pipeline.cells' has no attribute {name!r}")
    return getattr(importlib.import_module("pipeline.cells.read"), name)
