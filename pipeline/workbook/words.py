"""Vietnamese labels of stored words for the workbook: the shared vocabulary labels plus workbook words."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.labels import label as shared_label

WORDS_FILE = Path(__file__).resolve().parent / "labels.yaml"


@cache
def _words() -> dict[str, Any]:
    with WORDS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def word(group: str, key: Any) -> str:
    """The workbook's label of a stored word (labels.yaml here, else the shared labels), else the word."""
    if key is None or key == "":
        return ""
    mine = _words().get(group, {})
    if key in mine:
        return str(mine[key])
    text = shared_label(group, str(key))
    return text[:1].upper() + text[1:] if text else text


def mark(name: str) -> str:
    """The sign a period-sheet cell carries after its number (Σ several figures, ? unreviewed…)."""
    return str(_words()["marks"][name])
