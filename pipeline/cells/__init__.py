"""Consolidation where the data is: the consolidated cells kept in the store, kept current.

`refresh(store)` recomputes the documents queued since the last refresh and the cells their
lines fall in; `rebuild(store)` recomputes everything (old stores, an edited catalogue);
`consolidation(store)` reads the tables back as the `Consolidation` the exports write,
`consolidated_lines(store)` only its lines (the charts page).
"""

from pipeline.cells.read import consolidated_lines, consolidation
from pipeline.cells.refresh import rebuild, refresh

__all__ = ["consolidated_lines", "consolidation", "rebuild", "refresh"]
