"""The Vietnamese words and colours of the page, read once from labels.yaml (data an officer may edit)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).resolve().parent / "labels.yaml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def load_labels(path: Path = LABELS_FILE) -> dict[str, Any]:
    """Every vocabulary of FIGURES.md mapped to its label; the kinds also to their colour."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


LABELS: dict[str, Any] = load_labels()


def label(group: str, key: str | None) -> str:
    """The Vietnamese label of a stored word, or the word itself when the file has none."""
    if not key:
        return ""
    entry = LABELS.get(group, {}).get(key, key)
    return entry["label"] if isinstance(entry, dict) else str(entry)


def kinds_css() -> str:
    """One rule per kind: the colour its marks and badges carry."""
    rules = []
    for kind, entry in LABELS["kinds"].items():
        colour = entry["colour"] if _COLOUR.match(entry.get("colour", "")) else "#dddddd"
        rules.append(f".kind-{kind} {{ --kind-colour: {colour}; }}")
    return "\n".join(rules) + "\n"
