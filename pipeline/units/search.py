"""Type-ahead search over unit names: diacritic-free names and lines searched with bisect and `str.find`."""

from __future__ import annotations

import bisect

from pipeline.units.model import LEVELS, AdminUnit, Era

ERA_ORDER = {"new": 0, "old": 1}  # with no era asked, today's map first


def plausibility(unit: AdminUnit) -> tuple[int, int, str]:
    """Sort key among equally good name matches: provinces before districts before communes,
    the new map before the old, then by code."""
    return LEVELS.index(unit.level), ERA_ORDER[unit.era], unit.code


class SearchIndex:
    """Sorted names for prefix matches, and the lines "xa nghia ky, huyen tu nghia, tinh quang
    ngai" of every unit, most plausible first, joined in one string for substring matches. The
    work per query is bounded by `limit`, not by the 14,000 units."""

    def __init__(self, units: list[AdminUnit], plain_names: list[str], lines: list[str]) -> None:
        order = sorted(range(len(units)), key=lambda i: plausibility(units[i]))
        self._units = [units[i] for i in order]
        plain_fulls = [lines[i].split(", ")[0] for i in order]
        names = [plain_names[i] for i in order]
        # (text, rank) pairs sorted, for exact and prefix matches of a name or full name
        self._sorted = sorted(
            [(n, r) for r, n in enumerate(names)] + [(f, r) for r, f in enumerate(plain_fulls)]
        )
        self._keys = [text for text, _ in self._sorted]
        self._ranks = [rank for _, rank in self._sorted]
        self._fulls, self._starts_full = self._joined(plain_fulls)
        self._lines, self._starts_line = self._joined([lines[i] for i in order])

    @staticmethod
    def _joined(texts: list[str]) -> tuple[str, list[int]]:
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        return "\n".join(texts) + "\n", starts

    def _prefixed(self, wanted: str, limit: int) -> list[int]:
        """Ranks of names equal to `wanted`, then of the `limit` most plausible starting with it."""
        low = bisect.bisect_left(self._keys, wanted)
        equal = bisect.bisect_right(self._keys, wanted, low)
        high = bisect.bisect_left(self._keys, wanted + "\uffff", equal)
        exact = sorted(set(self._ranks[low:equal]))
        starting = sorted(set(self._ranks[equal:high]).difference(exact))[:limit]
        return exact + starting

    def _containing(
        self, haystack: str, starts: list[int], wanted: str, enough: int, skip: set[int]
    ) -> list[int]:
        """Ranks of the first `enough` lines holding `wanted`, most plausible first."""
        found: list[int] = []
        at = haystack.find(wanted)
        while at != -1 and len(found) < enough:
            rank = bisect.bisect_right(starts, at) - 1
            if rank not in skip:
                found.append(rank)
            next_line = starts[rank + 1] if rank + 1 < len(starts) else len(haystack)
            at = haystack.find(wanted, next_line)
        return found

    def search(self, wanted: str, *, limit: int = 20, era: Era | None = None) -> list[AdminUnit]:
        """Units matching `wanted` (already folded by `ascii_key`): exact names, then names
        starting with it, then full names holding it, then units under a unit holding it."""
        if not wanted or limit <= 0:
            return []
        ranks = [r for r in self._prefixed(wanted, limit * 4) if era is None or self._units[r].era == era]
        # Names are few next to lines: a prefix list is short, a substring scan stops at `limit`.
        for haystack, starts in ((self._fulls, self._starts_full), (self._lines, self._starts_line)):
            if len(ranks) >= limit:
                break
            seen = set(ranks)
            more = self._containing(haystack, starts, wanted, limit * 4, seen)
            ranks += [r for r in more if era is None or self._units[r].era == era]
        return [self._units[r] for r in ranks[:limit]]
