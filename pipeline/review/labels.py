"""The page's words and colours: the shared vocabulary labels (pipeline/data/labels.yaml) and the
style sheet that gives each figure kind its colour."""

from __future__ import annotations

import re
from typing import Any

from pipeline.labels import label, vocabulary_labels

_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")

LABELS: dict[str, Any] = vocabulary_labels()

__all__ = ["LABELS", "kinds_css", "label"]


def kinds_css() -> str:
    """One rule per kind: the colour its marks and badges carry."""
    rules = []
    for kind, entry in LABELS["kinds"].items():
        colour = entry["colour"] if _COLOUR.match(entry.get("colour", "")) else "#dddddd"
        rules.append(f".kind-{kind} {{ --kind-colour: {colour}; }}")
    return "\n".join(rules) + "\n"
