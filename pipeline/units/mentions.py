"""Find "<kind word> <Name>" place mentions in text with one pass and a syllable trie.

A regex finds the kind words ("xã", "huyện", "TP."); from each, the following syllables walk a
trie of every unit name (~9,000 distinct names of both eras), keeping the longest name that is
capitalised as a proper name (or in an all-caps heading) and whose units are of that kind.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from pipeline.matching import matching_key
from pipeline.prefix_scan import quick
from pipeline.units.model import AdminUnit
from pipeline.units.names import TOKEN, language, name_key, token_key
from pipeline.units.search import plausibility

if TYPE_CHECKING:
    from pipeline.units.gazetteer import Gazetteer

UNITS = ""  # the trie entry holding the units whose name ends at that node
SPACES = re.compile(r"[ \t]*")
SEPARATOR = re.compile(r"[ \t]*[-–][ \t]*|[ \t]+")  # between syllables of one name ("Bà Rịa - Vũng Tàu")
Trie = dict[str, "Trie | list[AdminUnit]"]


def _after_a_given_name(text: str, at: int, abbreviation: str) -> bool:
    """True for an initial such as "H." in "Nguyễn Văn H. Bình": one capital and a dot right
    after a capitalised word is a person's initial, not "huyện"."""
    if len(abbreviation) != 2:
        return False
    before = re.search(r"(\w+)[ \t]+\Z", text[max(0, at - 40) : at])
    return before is not None and before.group(1)[0].isupper() and not before.group(1).isupper()


class MentionFinder:
    """The kind-word regexes and the name trie of one gazetteer, built once."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        lang = language()
        words = sorted({matching_key(w) for k in lang.kinds for w in k.words}, key=len, reverse=True)
        self._word_kind = {matching_key(w): k.kind for k in lang.kinds for w in k.words}
        # quick(): each search jumps in C to a word's first letter (a report is 15,000 characters)
        self._words = quick(re.compile(r"(?<![^\W_])(" + "|".join(map(re.escape, words)) + r")(?=[ \t])"))
        abbreviations = sorted(
            ((a, k.kind) for k in lang.kinds for a in k.abbreviations), key=lambda p: -len(p[0])
        )
        self._abbreviation_kind = dict(abbreviations)
        self._abbreviations = quick(re.compile(
            r"(?<![^\W_])("
            + "|".join(re.escape(a) + ("" if a.endswith(".") else r"(?=[ \t])") for a, _ in abbreviations)
            + r")"
        ))
        self._aliases = {
            alias: lookup
            for alias, target in lang.whole_aliases.items()
            if (lookup := gazetteer.lookup(target))
        }
        alternatives = (
            r"[ \t]+".join(map(re.escape, a.split())) for a in sorted(self._aliases, key=len, reverse=True)
        )
        self._alias_pattern = quick(re.compile(r"(?<![^\W_])(" + "|".join(alternatives) + r")(?![^\W_])"))
        self._not_places = lang.not_place_words
        self._trie: Trie = {}
        for unit in gazetteer.units():
            self._add(name_key(unit.name), unit)
        for short, full in lang.name_abbreviations.items():
            for unit in gazetteer.by_name_key(name_key(full)):
                self._add(short, unit)

    def _add(self, key: str, unit: AdminUnit) -> None:
        node = self._trie
        for token in key.split():
            node = node.setdefault(token, {})  # type: ignore[assignment]
        node.setdefault(UNITS, []).append(unit)  # type: ignore[union-attr]

    def _name_after(self, text: str, key: str, at: int) -> tuple[int, str, list[AdminUnit]] | None:
        """The longest capitalised unit name starting at `at`: (end, name key, units)."""
        node, best, tokens = self._trie, None, []
        while (token := TOKEN.match(key, at)) is not None:
            first = text[token.start()]
            if not (first.isupper() or first.isdigit()):
                break
            canonical = token_key(token.group())
            child = node.get(canonical)
            if not isinstance(child, dict):
                break
            node, tokens = child, [*tokens, canonical]
            if UNITS in node:
                best = (token.end(), " ".join(tokens), node[UNITS])
            gap = SEPARATOR.match(key, token.end())
            if gap is None:
                break
            at = gap.end()
        return best  # type: ignore[return-value]

    def _kind_words(self, text: str, key: str) -> list[tuple[int, int, str]]:
        found = [(m.start(), m.end(), self._word_kind[m.group(1)]) for m in self._words.finditer(key)]
        found += [
            (m.start(), m.end(), self._abbreviation_kind[m.group(1)])
            for m in self._abbreviations.finditer(text)
            if not _after_a_given_name(text, m.start(), m.group(1))
        ]
        return sorted(found)

    def find(self, text: str, key: str | None = None) -> list[tuple[int, int, list[AdminUnit]]]:
        """(start, end, candidates) of every place mention, in order of position; `key`, when
        given, is matching_key of the NFC text."""
        if key is None or not unicodedata.is_normalized("NFC", text):  # a key of other text is no use
            text = unicodedata.normalize("NFC", text)
            key = matching_key(text)
        mentions: list[tuple[int, int, list[AdminUnit]]] = []
        taken_until = -1
        kind_words = self._kind_words(text, key)
        for start, end, kind in kind_words:
            if start < taken_until:
                continue
            found = self._name_after(text, key, SPACES.match(key, end).end())  # type: ignore[union-attr]
            if found is None:
                continue
            name_end, name, units = found
            if name in self._not_places:
                continue
            candidates = sorted({u.code: u for u in units if u.kind == kind}.values(), key=plausibility)
            if candidates:
                mentions.append((start, name_end, candidates))
                taken_until = name_end
        kind_ends = {end: start for start, end, _ in kind_words}
        for match in self._alias_pattern.finditer(key) if self._aliases else ():
            if not any(s <= match.start() < e for s, e, _ in mentions):
                window = max(0, match.start() - 20)
                spaced = window + len(key[window : match.start()].rstrip(" \t"))
                start = kind_ends.get(spaced, match.start()) if spaced < match.start() else match.start()
                mentions.append((start, match.end(), self._aliases[" ".join(match.group(1).split())]))
        return sorted(mentions, key=lambda m: m[0])
