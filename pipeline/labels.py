"""The Vietnamese label of each stored vocabulary word, shared by the review page and the workbook.

The words live in `pipeline/data/labels.yaml` (data an officer may edit); this loader sits below
both so that neither the workbook nor the page imports the other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).resolve().parent / "data" / "labels.yaml"


@cache
def vocabulary_labels() -> dict[str, Any]:
    """Every vocabulary of FIGURES.md mapped to its label (the kinds also to their colour)."""
    with LABELS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def label(group: str, key: str | None) -> str:
    """The Vietnamese label of a stored word, or the word itself when the file has none."""
    if not key:
        return ""
    entry = vocabulary_labels().get(group, {}).get(key, key)
    return entry["label"] if isinstance(entry, dict) else str(entry)
