"""The indicator catalogue: every consolidated line, what names it and how its values may be added.

The catalogue is `indicators.yaml`, which an officer edits; this module only reads and checks it.
Scoring a figure against it is `pipeline.normalise.mapping`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.figure import Figure
from pipeline.normalise.text import fold, plain

CATALOGUE_PATH = Path(__file__).with_name("indicators.yaml")
KINDS = ("money", "count", "percent", "ratio", "quantity", "rate")
ADDITIVE_KINDS = ("money", "count", "quantity")
COMBINES = ("sum", "none", "latest", "max")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One consolidated line: code, name, kind(s), unit, the words that announce it and how it adds up."""

    code: str
    name: str
    kinds: tuple[str, ...]
    unit: str
    phrases: tuple[str, ...]
    units: tuple[str, ...] = ()  # head nouns accepted (count/ratio/quantity); empty = any
    group: str = ""
    part_of_total: str = ""  # code of a wider indicator this one is a breakdown of (informational)
    combine: str = "sum"  # sum | none | latest | max: how values of one line are put together
    require: tuple[str, ...] = ()  # qualifiers: one must be near the number ("xây mới")
    exclude: tuple[str, ...] = ()  # qualifiers that rule the line out ("sửa chữa", "cận nghèo")
    learned: tuple[str, ...] = ()  # phrases an officer confirmed on the review page
    custom: bool = False  # created on the review page, not in the YAML

    def accepts(self, figure: Figure) -> bool:
        """Kind and counted noun agree, so "05 hộ" never lands on a money line."""
        if figure.kind not in self.kinds:
            return False
        if self.units and figure.kind in ("count", "ratio", "quantity"):
            return unit_accepted(fold(figure.unit), self.units)
        return True

    def combine_for(self, kind: str) -> str:
        """How one line of this kind combines: percents, ratios and rates are never summed."""
        if kind not in ADDITIVE_KINDS and self.combine == "sum":
            return "none"
        return self.combine


@lru_cache(maxsize=1 << 14)  # every figure is asked against every indicator: a batch repeats its units
def unit_accepted(unit: str, units: tuple[str, ...]) -> bool:
    """Whether a folded counted noun is one of `units`, or starts with one ("hộ nghèo" under "hộ")."""
    return any(unit == u or unit.startswith(u + " ") for u in units)


@dataclass(slots=True)
class Catalogue:
    indicators: list[Indicator] = field(default_factory=list)
    _of_kind: dict[str, tuple[Indicator, ...]] = field(default_factory=dict, repr=False, compare=False)

    def of_kind(self, kind: str) -> tuple[Indicator, ...]:
        """The indicators a figure of `kind` may belong to, in catalogue order (worked out once:
        every figure is scored against them, and most lines take one or two kinds of six)."""
        found = self._of_kind.get(kind)
        if found is None:
            found = self._of_kind[kind] = tuple(i for i in self.indicators if kind in i.kinds)
        return found

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def search(self, query: str, limit: int = 20) -> list[Indicator]:
        """Indicators whose code, name or phrases contain every word of `query`, diacritics optional."""
        words = plain(query).split()
        found = []
        for indicator in self.indicators:
            haystack = plain(" ".join([indicator.code.replace("_", " "), indicator.name, *indicator.phrases]))
            if all(w in haystack for w in words):
                found.append(indicator)
        return found[:limit]

    def with_store_entries(self, learned: list[tuple[str, str]], custom: list[dict[str, Any]]) -> Catalogue:
        """This catalogue plus the indicators officers created and the phrases they taught (store rows)."""
        indicators = list(self.indicators)
        known = {i.code for i in indicators}
        for entry in custom:
            if entry["code"] in known:
                continue
            indicators.append(
                build_indicator(
                    {**entry, "phrases": entry.get("phrases") or [entry["name"]]}, "cửa sổ duyệt", custom=True
                )
            )
            known.add(entry["code"])
        taught: dict[str, list[str]] = {}
        for code, phrase in learned:
            taught.setdefault(code, []).append(fold(phrase))
        return Catalogue([replace(i, learned=(*i.learned, *taught.get(i.code, ()))) for i in indicators])


def _words(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(fold(str(p)) for p in entry.get(key) or [])


def build_indicator(entry: dict[str, Any], where: str, *, custom: bool = False) -> Indicator:
    """One checked entry; `where` names it in the error an officer reads."""
    for key in ("code", "name", "kind", "phrases"):
        if not entry.get(key):
            raise ValueError(f"{where}: missing '{key}'")
    kinds = tuple(entry["kind"]) if isinstance(entry["kind"], list) else (entry["kind"],)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"{where}: kind {bad[0]!r} is not one of {', '.join(KINDS)}")
    additive = [k for k in kinds if k in ADDITIVE_KINDS]
    combine = str(entry.get("combine") or ("sum" if additive else "none"))
    if combine not in COMBINES:
        raise ValueError(f"{where}: combine {combine!r} is not one of {', '.join(COMBINES)}")
    if combine == "sum" and not additive:
        raise ValueError(
            f"{where}: combine 'sum' for {', '.join(kinds)}: percents, rates, ratios are never summed"
        )
    return Indicator(
        code=entry["code"],
        name=entry["name"],
        kinds=kinds,
        unit=str(entry.get("unit", "")),
        phrases=_words(entry, "phrases"),
        units=_words(entry, "units"),
        group=entry.get("group", ""),
        part_of_total=entry.get("part_of_total", ""),
        combine=combine,
        require=_words(entry, "require"),
        exclude=_words(entry, "exclude"),
        custom=custom,
    )


def parse_catalogue(data: dict[str, Any], source: str = "indicators.yaml") -> Catalogue:
    """Validate the officer-edited YAML and say exactly which entry is wrong when it is."""
    seen: set[str] = set()
    indicators = []
    for number, entry in enumerate(data.get("indicators") or [], 1):
        where = f"{source}: indicator #{number} ({entry.get('code', '?')})"
        indicator = build_indicator(entry, where)
        if indicator.code in seen:
            raise ValueError(f"{where}: code used twice")
        seen.add(indicator.code)
        indicators.append(indicator)
    return Catalogue(indicators)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Catalogue:
    with open(path, encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle) or {}, Path(path).name)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue from `path` (default: the packaged indicators.yaml), re-read when the file changes."""
    target = Path(path or CATALOGUE_PATH)
    return _load_cached(str(target), target.stat().st_mtime)


def store_catalogue(store: Any) -> Catalogue:
    """The packaged catalogue plus what officers added in this store (new indicators, taught phrases)."""
    base = load_catalogue()
    learned = getattr(store, "learned_phrases", None)
    custom = getattr(store, "custom_indicators", None)
    if learned is None or custom is None:
        return base
    rows, extra = [(r["indicator_code"], r["phrase"]) for r in learned() if r["active"]], custom()
    return base.with_store_entries(rows, extra) if rows or extra else base
