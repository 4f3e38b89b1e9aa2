"""Extraction under the same guard as reading: figures are found in a limited child process.

The extractor runs on text a stranger wrote, so a pathological text (a page of digits, a
hundred thousand `5%`) must cost one file its own E006/E008, never the batch its memory or its
afternoon. The document travels to the child as JSON, the figures come back as JSON; before the
rules run, a token budget refuses what no report holds; after, a figure beyond pipeline.bounds
is dropped as not a figure, and a figure read from a page image (OCR) carries that word's
confidence.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.bounds import within_bounds
from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.figure import Figure
from pipeline.readers.guards import DEFAULT_LIMITS, Limits

DIGIT_RUN = re.compile(r"\d+")
DECIMAL_FIELDS = ("value", "denominator", "upper")
OCR_MARK = "đọc từ ảnh"  # read from a page image


def extract_in_child(document: Document, limits: Limits = DEFAULT_LIMITS) -> list[Figure]:
    """The document's figures, found in a child with the extraction limits; DocumentRejected
    (E006 over budget or memory, E008 over time, E015 a fault of ours) when that fails."""
    from pipeline.sandbox import run_child

    child_limits = replace(
        limits, cpu_seconds=limits.extract_cpu_seconds, wall_seconds=limits.extract_wall_seconds
    )
    handle, name = tempfile.mkstemp(prefix="tonghop-extract-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as record:
            record.write(json.dumps(document.to_record(), ensure_ascii=False))  # dumps: the C encoder
        payload = run_child(Path(name), child_limits, "extract", document.path)
    finally:
        os.unlink(name)
    try:
        return [figure_from_record(item) for item in payload["figures"]]
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise DocumentRejected("E015_EXTRACT_FAILED", document.path, f"bad result: {error}") from None


def extract_record(path: Path, limits: Limits) -> dict[str, Any]:
    """In the child: read the document's JSON, check the budget, extract, bound; the payload to send."""
    document = Document.from_record(json.loads(path.read_text(encoding="utf-8")))
    return {"figures": [figure.to_record() for figure in extract_document(document, limits)]}


def extract_document(document: Document, limits: Limits) -> list[Figure]:
    """In a limited child: the budget check, the rules, the bounds and the OCR marks, in that order."""
    check_budget(document, limits)
    from extractors import extract_figures

    return from_images(document, bounded(extract_figures(document)))


def from_images(document: Document, figures: list[Figure]) -> list[Figure]:
    """Figures read from a page image (OCR): confidence no higher than their words', and the rule
    marked "đọc từ ảnh" so the review page shows they need checking against the scan."""
    if not any(block.ocr_confidence is not None for block in document.blocks):
        return figures
    for figure in figures:
        block = document.block_at(figure.char_start)
        if block is not None and block.ocr_confidence is not None:
            figure.confidence = round(min(figure.confidence, block.ocr_confidence / 100), 3)
            figure.rule = f"{figure.rule} · {OCR_MARK}" if figure.rule else OCR_MARK
    return figures


def check_budget(document: Document, limits: Limits) -> None:
    """Refuse (E006) a text with more number tokens than any report holds, before a rule runs."""
    if len(document.text) > limits.max_chars:
        detail = f"{len(document.text):,} characters to search, at most {limits.max_chars:,}"
        raise DocumentRejected("E006_TOO_LARGE", document.path, detail)
    runs = DIGIT_RUN.findall(document.text)  # in C: a report's numbers are far within every cap
    few = len(runs) <= min(limits.max_number_tokens, limits.max_numbers_per_line)
    if few and max(map(len, runs), default=0) <= limits.max_digit_run:
        return  # no run too long, and too few numbers for any cap: the loop below would pass
    on_line = searched = 0
    for tokens, match in enumerate(DIGIT_RUN.finditer(document.text), 1):
        if match.end() - match.start() > limits.max_digit_run:
            detail = f"a run of {match.end() - match.start():,} digits, at most {limits.max_digit_run:,}"
            raise DocumentRejected("E006_TOO_LARGE", document.path, detail)
        if tokens > limits.max_number_tokens:
            detail = f"over {limits.max_number_tokens:,} numbers in one document"
            raise DocumentRejected("E006_TOO_LARGE", document.path, detail)
        if document.text.find("\n", searched, match.start()) >= 0:  # each stretch searched once
            on_line = 0
        searched = match.start()
        on_line += 1
        if on_line > limits.max_numbers_per_line:
            detail = f"over {limits.max_numbers_per_line:,} numbers in one paragraph"
            raise DocumentRejected("E006_TOO_LARGE", document.path, detail)


def bounded(figures: list[Figure]) -> list[Figure]:
    """The figures whose numbers are within bounds; `part_of` re-pointed, or cleared when its
    total was dropped."""
    kept = [i for i, f in enumerate(figures) if all(within_bounds(getattr(f, n)) for n in DECIMAL_FIELDS)]
    if len(kept) == len(figures):
        return figures
    new_index = {old: new for new, old in enumerate(kept)}
    out = []
    for old in kept:
        figure = figures[old]
        figure.part_of = new_index.get(figure.part_of) if figure.part_of is not None else None
        out.append(figure)
    return out


def figure_from_record(record: dict[str, Any]) -> Figure:
    """The inverse of Figure.to_record: decimals from their text, the table cell as a tuple."""
    values = dict(record)
    for name in DECIMAL_FIELDS:
        if values.get(name) is not None:
            values[name] = Decimal(values[name])
    if values.get("table_cell") is not None:
        values["table_cell"] = tuple(values["table_cell"])
    return Figure(**values)
