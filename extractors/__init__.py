"""Figure extraction from canonical documents: number grammar, figure rules, context.

`extract_figures(document)` is the one entry point: every figure of FIGURES.md in the document's
canonical text, sorted by `char_start`, each with the name of the rule that produced it.
Language data lives in `extractors/<family>/vi/` (YAML/TSV) next to the rules that read it.
"""

from __future__ import annotations

from decimal import Context, localcontext

from pipeline.document import Document
from pipeline.figure import Figure


def extract_figures(document: Document) -> list[Figure]:
    """All figures of a document, sorted by char_start; `part_of` indexes into this same list."""
    from extractors.context.vi.attach import finish
    from extractors.engine import scan
    from extractors.tables import apply_table_columns

    with localcontext(Context(prec=80)):  # enough digits that no amount is ever rounded
        return apply_table_columns(document, finish(scan(document)))
