"""Re-map stored figures after the catalogue was edited or an officer taught a phrase; no file is re-read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.document import Document
from pipeline.figure import Figure
from pipeline.normalise.catalogue import Catalogue, store_catalogue
from pipeline.normalise.mapping import Mapping, map_figures
from pipeline.store.api import Store


def stored_figure(row: dict[str, Any]) -> Figure:
    """A figure as the store holds it now (with any officer correction)."""
    return Figure(
        doc=row["doc"],
        quote=row["quote"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        kind=row["kind"],
        value=Decimal(row["value"]),
        unit=row["unit"],
        per=row["per"],
        approx=row["approx"],
        upper=Decimal(row["upper"]) if row["upper"] is not None else None,
        modality=row["modality"],
        indicator=row["indicator"],
        subject=row["subject"],
        section=row["section"],
        sentence_start=row["sentence_start"],
        sentence_end=row["sentence_end"],
        part_of=None,
    )


def remap_store(store: Store, catalogue: Catalogue | None = None) -> int:
    """Map every current figure again; an officer's own correction of a figure is left alone."""
    catalogue = catalogue or store_catalogue(store)
    changes: dict[str, Mapping] = {}
    for record in store.documents(include_superseded=False):
        if record["status"] != "loaded":
            continue
        rows = [r for r in store.figures(document_id=record["id"]) if r["review_status"] != "corrected"]
        if not rows:
            continue
        document = Document.from_record(store.document(record["id"]))
        figures = [stored_figure(r) for r in rows]
        index = {r["figure_id"]: i for i, r in enumerate(rows)}
        for i, row in enumerate(rows):  # parts inherit their total's line, as at load time
            figures[i].part_of = index.get(row["part_of"]) if row["part_of"] else None
        for row, mapping in zip(rows, map_figures(document, figures, catalogue), strict=True):
            changes[row["figure_id"]] = mapping
    return store.set_indicators(changes)
