"""The gazetteer: every unit of both eras, its parents and children, names and successors."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cached_property

from pipeline.units.mentions import MentionFinder
from pipeline.units.model import REORGANISATION, AdminUnit, Era
from pipeline.units.names import ascii_key, is_plain, language, name_key, split_kind
from pipeline.units.search import SearchIndex, plausibility
from pipeline.units.snapshot import Snapshot

TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "(cũ)", "(huyện Tư Nghĩa)" after a name


class Gazetteer:
    """Lookups over the units of both eras; build once with `pipeline.units.gazetteer()`."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.versions = snapshot.versions
        self._snapshot = snapshot
        self._units = {u.code: u for u in snapshot.units}
        self._successors = snapshot.successors
        self._children: dict[str, list[AdminUnit]] = defaultdict(list)
        self._predecessors: dict[str, list[AdminUnit]] = defaultdict(list)
        self._by_key: dict[str, list[AdminUnit]] = defaultdict(list)
        self._by_ascii: dict[str, list[AdminUnit]] = defaultdict(list)
        for unit, key, plain in zip(snapshot.units, snapshot.name_keys, snapshot.ascii_keys, strict=True):
            if unit.parent:
                self._children[unit.parent].append(unit)
            self._by_key[key].append(unit)
            self._by_ascii[plain].append(unit)
        for old, news in snapshot.successors.items():
            if self._units[old].level != "huyện":
                for new in news:
                    self._predecessors[new].append(self._units[old])

    # -- the tree --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._units)

    def units(self, era: Era | None = None, level: str | None = None) -> list[AdminUnit]:
        """Every unit, optionally of one era and one level."""
        return [
            u for u in self._units.values() if (era is None or u.era == era) and (level in (None, u.level))
        ]

    def unit(self, code: str) -> AdminUnit:
        """The unit of an era-qualified code ("old:X21250"); KeyError when unknown."""
        return self._units[code]

    def parent(self, unit: AdminUnit) -> AdminUnit | None:
        """The unit directly above, None for a province."""
        return self._units[unit.parent] if unit.parent else None

    def ancestors(self, unit: AdminUnit) -> list[AdminUnit]:
        """Every unit above, nearest first."""
        found: list[AdminUnit] = []
        while (above := self.parent(unit)) is not None:
            found.append(above)
            unit = above
        return found

    def province(self, unit: AdminUnit) -> AdminUnit:
        """The province (or centrally-run city) a unit is in; a province is its own."""
        chain = self.ancestors(unit)
        return chain[-1] if chain else unit

    def children(self, unit: AdminUnit) -> list[AdminUnit]:
        """The units directly below: districts of an old province, communes of a district,
        communes/wards of a new province."""
        return list(self._children.get(unit.code, ()))

    def communes_under(self, unit: AdminUnit) -> list[AdminUnit]:
        """Every xã-level unit below, at any depth."""
        found: list[AdminUnit] = []
        for child in self._children.get(unit.code, ()):
            found.extend([child] if child.level == "xã" else self.communes_under(child))
        return found

    def is_under(self, unit: AdminUnit, codes: Iterable[str]) -> bool:
        """True when one of the units `codes` is above `unit` (at any depth)."""
        wanted = set(codes)
        return any(a.code in wanted for a in self.ancestors(unit))

    # -- the reorganisation ----------------------------------------------------------------
    def successors(self, unit: AdminUnit) -> list[AdminUnit]:
        """What an old unit became on 1 July 2025, the package's default first; several for a
        commune split between new wards or a district (districts were abolished). A new unit
        gives itself."""
        if unit.era == "new":
            return [unit]
        return [self._units[c] for c in self._successors.get(unit.code, ())]

    def predecessors(self, unit: AdminUnit) -> list[AdminUnit]:
        """The old communes (or provinces) a new unit was made from; empty for an old unit."""
        return list(self._predecessors.get(unit.code, ()))

    @staticmethod
    def era_of(when: date | None) -> Era:
        """The map in force on a date: "old" before 1 July 2025; "new" on or after, or unknown."""
        return "old" if when is not None and when < REORGANISATION else "new"

    # -- names -----------------------------------------------------------------------------
    def by_name_key(self, key: str, *, plain: bool = False) -> list[AdminUnit]:
        """Units whose name has this `name_key` (or `ascii_key` when plain)."""
        return list((self._by_ascii if plain else self._by_key).get(key, ()))

    def lookup(
        self,
        name: str,
        *,
        kind: str | None = None,
        level: str | None = None,
        era: Era | None = None,
        within: Iterable[AdminUnit] = (),
    ) -> list[AdminUnit]:
        """Candidate units for a place name as reports write it ("xã Nghĩa Kỳ", "NGHĨA KỲ",
        "Nghia Ky", "TP. Hồ Chí Minh", "Phường 01"), most plausible first; [] when none.

        `kind` is an exact kind ("thành phố"), `level` a tier ("tỉnh" takes in the centrally-run
        cities), `within` keeps units under any of those units. Names without diacritics also
        match by their plain form, ranked after exact spellings.
        """
        lang = language()
        text = " ".join(TRAILING_NOTE.sub("", name).split())  # "xã Nghĩa Kỳ (cũ)": no name has "("
        text = lang.whole_aliases.get(name_key(text), text)
        written_kind, rest = split_kind(text)
        if name_key(rest) in lang.whole_aliases:  # "tỉnh Thừa Thiên Huế": the alias says the kind
            written_kind, rest = split_kind(lang.whole_aliases[name_key(rest)])
        readings = [(written_kind, rest)] if written_kind else []
        readings.append((None, text))  # "Quan Hoa" is huyện Quan Hóa, not quận "Hoa"
        inside = {u.code for u in within}
        ranked: dict[str, tuple[int, int, tuple[int, int, str]]] = {}
        for reading, (said_kind, said_name) in enumerate(readings):
            said_name = lang.name_abbreviations.get(name_key(said_name), said_name)
            key = name_key(said_name)
            if said_kind is None and kind is None and level is None and key in lang.needs_kind_word:
                continue
            matches = [(0, u) for u in self._by_key.get(key, ())]
            if is_plain(said_name):
                matches += [(1, u) for u in self._by_ascii.get(ascii_key(said_name), ())]
            for quality, unit in matches:
                if (
                    (said_kind and unit.kind != said_kind)
                    or (kind and unit.kind != kind)
                    or (level and unit.level != level)
                    or (era and unit.era != era)
                    or (inside and not self.is_under(unit, inside))
                ):
                    continue
                rank = (reading, quality, plausibility(unit))
                ranked[unit.code] = min(ranked.get(unit.code, rank), rank)
        return [self._units[c] for c, _ in sorted(ranked.items(), key=lambda item: item[1])]

    # -- type-ahead ------------------------------------------------------------------------
    @cached_property
    def _search_index(self) -> SearchIndex:
        """Built on the first search."""
        snapshot = self._snapshot
        return SearchIndex(snapshot.units, snapshot.ascii_keys, snapshot.lines)

    def search(self, query: str, *, limit: int = 20, era: Era | None = None) -> list[AdminUnit]:
        """Units for a type-ahead picker: `query` found, whatever the case and diacritics, in a
        unit's full name or its "name, district, province" line; exact names first."""
        return self._search_index.search(ascii_key(query), limit=limit, era=era)

    # -- text ------------------------------------------------------------------------------
    @cached_property
    def _mentions(self) -> MentionFinder:
        """Built on first use: most callers never look for places in running text."""
        return MentionFinder(self)

    def find_in_text(self, text: str, key: str | None = None) -> list[tuple[int, int, list[AdminUnit]]]:
        """Every "<kind word> <Name>" place mention ("xã Nghĩa Kỳ", "TP. Hồ Chí Minh", "UBND XÃ
        NGHĨA KỲ") as (start, end, candidates); offsets are in the NFC form of `text`. `key` is
        `matching_key` of that NFC text when the caller has it already (a whole document's costs)."""
        return self._mentions.find(text, key)
