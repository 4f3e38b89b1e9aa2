"""Loads the language data files (YAML/TSV under extractors/<family>/vi/) once per process."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parent


@cache
def load_yaml(family: str, name: str) -> Any:
    """The parsed YAML file `extractors/<family>/vi/<name>`."""
    with (ROOT / family / "vi" / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@cache
def load_tsv(family: str, name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of `extractors/<family>/vi/<name>`, comment lines (#) and blank lines skipped."""
    rows = []
    with (ROOT / family / "vi" / name).open(encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append(tuple(part.strip() for part in line.rstrip("\n").split("\t")))
    return tuple(rows)


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first so "tỷ đồng" wins over "tỷ"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
