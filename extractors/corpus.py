"""Reads the corpus files (`extractors/<family>/vi/corpus.yaml`): examples that are also the tests.

A positive example is a text and every figure it must give, each written as
`QUOTE | kind | value | unit` plus optional `key=value` pairs (approx, modality, upper,
denominator, per). A negative example is a text that must give no figure at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Expected:
    quote: str
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Example:
    family: str
    text: str
    figures: tuple[Expected, ...]  # empty for a negative example

    @property
    def id(self) -> str:
        return f"{self.family}:{self.text[:50]}"


def parse_expected(line: str) -> Expected:
    """`"9.930 tờ rơi | count | 9930 | tờ rơi | approx=over"` → Expected."""
    parts = [p.strip() for p in line.split("|")]
    quote, kind, value = parts[0], parts[1], parts[2]
    attrs = {"kind": kind, "value": value}
    for extra in parts[3:]:
        if "=" in extra:
            key, _, val = extra.partition("=")
            attrs[key.strip()] = val.strip()
        else:
            attrs["unit"] = extra
    return Expected(quote, attrs)


def corpus_files() -> list[Path]:
    """Every corpus file, one per family."""
    return sorted(ROOT.glob("*/vi/corpus.yaml"))


def load_examples() -> list[Example]:
    """All examples of all corpus files."""
    out: list[Example] = []
    for path in corpus_files():
        family = path.parent.parent.name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("positive") or []:
            out.append(Example(family, item["text"], tuple(parse_expected(f) for f in item["figures"])))
        for text in data.get("negative") or []:
            out.append(Example(family, text, ()))
    return out


def same_value(expected: str, got: Decimal | None) -> bool:
    """Decimal equality, so "1500" matches 1500 and "8.2" matches 8.2."""
    return got is not None and Decimal(expected) == got
