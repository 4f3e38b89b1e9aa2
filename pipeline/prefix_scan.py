"""Regex searches that skip, in C, the characters no match can start with.

Python's `re` tries a pattern at every position of the text unless the pattern opens on a literal
or on a case-sensitive character class. Most rules here open on a lookbehind (`(?<![\\w])`) or on
case-insensitive cue words, so every character of a report costs a full attempt of every rule.
`quick(pattern)` reads the parsed pattern for the characters a match can start with and searches
with a companion pattern that opens on exactly that class and then runs the pattern itself in a
lookahead: `re` skips the other characters in C. It also writes each case-insensitive word of an
alternation once per case of its first letter ("tổ|…" → "tổ|Tổ|…", the rest still ignoring case),
because `re` passes over an alternative that opens on a plain letter without entering it, and
then writes the alternatives that open on one same letter once ("số|sổ" → "s(?:ố|ổ)"), because
`re` tries them one by one. `spans_in` runs finditer over many windows of a text in one loop. The
matches are the very ones `re` finds (`tests/test_prefix_scan.py` compares them); a pattern it
cannot analyse is returned unchanged.
"""

from __future__ import annotations

import _sre
import copy
import itertools
import operator
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from re import _casefix, _compiler, _parser
from re import _constants as sre
from typing import Any

CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s"}  # narrow enough to skip on
ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
MAX_OPENERS = 20_000  # more opening characters than this: skipping would gain little
SCOPED = re.IGNORECASE | re.MULTILINE | re.DOTALL  # flags the companion pattern applies to the rule only
ANY_CHARACTER = [(sre.CATEGORY, sre.CATEGORY_SPACE), (sre.CATEGORY, sre.CATEGORY_NOT_SPACE)]


class Unsupported(Exception):
    """The pattern uses a construct the analysis does not follow."""


@cache
def _lowered_from() -> dict[int, list[int]]:
    """Code point → the other code points `re` lower-cases to it (about 1,400 of them)."""
    n = sys.maxunicode + 1
    cased = itertools.compress(range(n), map(operator.ne, range(n), map(_sre.unicode_tolower, range(n))))
    out: dict[int, list[int]] = {}
    for cp in cased:
        out.setdefault(_sre.unicode_tolower(cp), []).append(cp)
    return out


def _same_ignoring_case(cp: int) -> set[int]:
    """Every character `re` matches, ignoring case, where the pattern has cp: those whose lower case
    is cp's lower case or one of its special equivalents (`re._casefix`, e.g. "ſ" for "s")."""
    lower = _sre.unicode_tolower(cp)
    out: set[int] = set()
    for target in (lower, *_casefix._EXTRA_CASES.get(lower, ())):
        if _sre.unicode_tolower(target) == target:
            out.add(target)
        out.update(_lowered_from().get(target, ()))
    return out


class Openers:
    """The characters that may open a match: code points and whole categories (digits, spaces)."""

    def __init__(self) -> None:
        self.points: set[int] = set()
        self.categories: set[str] = set()

    def add_point(self, cp: int, flags: int) -> None:
        self.points.update(_same_ignoring_case(cp) if flags & re.IGNORECASE else (cp,))
        if len(self.points) > MAX_OPENERS:
            raise Unsupported("too many opening characters")

    def add_class(self, items: list[tuple[Any, Any]], flags: int) -> None:
        for op, av in items:
            if op is sre.LITERAL:
                self.add_point(av, flags)
            elif op is sre.RANGE and av[1] - av[0] <= MAX_OPENERS:
                for cp in range(av[0], av[1] + 1):
                    self.add_point(cp, flags)
            elif op is sre.CATEGORY and av in CATEGORIES:
                self.categories.add(CATEGORIES[av])
            else:
                raise Unsupported(op)  # a negated class, \w, a huge range

    def items(self) -> list[tuple[Any, Any]]:
        """The openers as the items of a parsed, case-sensitive character class."""
        codes = {r"\d": sre.CATEGORY_DIGIT, r"\s": sre.CATEGORY_SPACE}
        return [(sre.LITERAL, cp) for cp in sorted(self.points)] + [
            (sre.CATEGORY, codes[c]) for c in sorted(self.categories)
        ]


def _collect(seq: Any, flags: int, openers: Openers) -> bool:
    """Add to openers what may start a match of seq; True if seq may match the empty string (what
    follows it may then open the match too)."""
    for op, av in seq:
        if op in ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            openers.add_point(av, flags)
            return False
        if op is sre.IN:
            openers.add_class(av, flags)
            return False
        if op is sre.SUBPATTERN:
            _group, add, remove, sub = av
            if not _collect(sub, (flags | add) & ~remove, openers):
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _collect(av, flags, openers):
                return False
        elif op is sre.BRANCH:
            empty = False
            for alternative in av[1]:
                empty |= _collect(alternative, flags, openers)
            if not empty:
                return False
        elif op in REPEATS:
            low, _high, sub = av
            if not _collect(sub, flags, openers) and low > 0:
                return False
        else:
            raise Unsupported(op)  # any character, a back-reference, a conditional group
    return True


def _split_case(seq: Any, flags: int) -> None:
    """In place: under IGNORECASE, an alternative opening on a cased letter becomes one alternative
    per character `re` matches there, that letter written case-sensitively ("(?i:tổ)" → "tổ", "Tổ"
    with the rest still ignoring case). At most one of them fits a given character and their order
    is kept, so the alternation matches what it did; `re` now skips the ones that do not fit."""
    for op, av in seq:
        if op is sre.BRANCH:
            alternatives = []
            for alternative in av[1]:
                _split_case(alternative, flags)
                head = alternative.data[0] if len(alternative.data) else None
                cased = flags & re.IGNORECASE and head is not None and head[0] is sre.LITERAL
                variants = sorted(_same_ignoring_case(head[1])) if cased else []  # type: ignore[index]
                if len(variants) < 2:
                    alternatives.append(alternative)
                    continue
                for cp in variants:
                    letter = _parser.SubPattern(alternative.state, [(sre.LITERAL, cp)])
                    alternatives.append(_parser.SubPattern(alternative.state, [
                        (sre.SUBPATTERN, (None, 0, re.IGNORECASE, letter)), *alternative.data[1:],
                    ]))
            av[1][:] = _grouped(alternatives, flags)
        elif op is sre.SUBPATTERN:
            _split_case(av[3], (flags | av[1]) & ~av[2])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _split_case(av[1], flags)
        elif op is sre.ATOMIC_GROUP:
            _split_case(av, flags)
        elif op in REPEATS:
            _split_case(av[2], flags)


def _exact_head(alternative: Any, flags: int) -> int | None:
    """The code point an alternative opens on when it matches that one character only (a letter
    written case-sensitively, a character without case), else None."""
    if not len(alternative.data):
        return None
    op, av = alternative.data[0]
    if op is sre.LITERAL and (not flags & re.IGNORECASE or _same_ignoring_case(av) == {av}):
        return av
    if op is sre.SUBPATTERN and av[0] is None and not av[1] and av[2] & re.IGNORECASE:
        inner = av[3].data
        if len(inner) == 1 and inner[0][0] is sre.LITERAL:
            return inner[0][1]
    return None


def _grouped(alternatives: list[Any], flags: int) -> list[Any]:
    """The alternatives opening on the same character, written once as that character and then
    the alternation of their rests ("số|thứ|số nhà" → "s(?:ố|ố nhà)|thứ"): `re` tries the
    alternatives one after another, so a word list of a hundred entries costs a hundred checks
    at every word; grouped, it costs one per opening character. Alternatives that open on
    different single characters never both match at one place, so moving one past another
    changes nothing; each group keeps its members' order, and no alternative moves past one
    that opens otherwise (a class, a group, a letter ignoring case)."""
    out: list[Any] = []
    run: dict[int, list[Any]] = {}  # the current stretch of single-character openers, by character

    def flush() -> None:
        for members in run.values():
            if len(members) == 1:
                out.append(members[0])
                continue
            first = members[0]
            rests = [_parser.SubPattern(m.state, m.data[1:]) for m in members]
            out.append(_parser.SubPattern(first.state, [
                first.data[0], (sre.BRANCH, (None, _grouped(rests, flags))),
            ]))
        run.clear()

    for alternative in alternatives:
        head = _exact_head(alternative, flags)
        if head is None:
            flush()
            out.append(alternative)
        else:
            run.setdefault(head, []).append(alternative)
    flush()
    return out


def _opener(parsed: Any, openers: Openers) -> re.Pattern[str]:
    r"""`[openers](?<=(?=pattern)[\s\S])`, built on the parsed pattern: one character wherever the
    pattern matches, found by `re` skipping every other character in C."""
    state = copy.copy(parsed.state)
    scoped = state.flags & SCOPED
    state.flags &= ~SCOPED  # the opening class is case-sensitive; the rule keeps its own flags
    rule = _parser.SubPattern(state, [(sre.SUBPATTERN, (None, scoped, 0, parsed))])
    behind = _parser.SubPattern(state, [(sre.ASSERT, (1, rule)), (sre.IN, ANY_CHARACTER)])
    opener = _parser.SubPattern(state, [(sre.IN, openers.items()), (sre.ASSERT, (-1, behind))])
    return _compiler.compile(opener)


class QuickPattern:
    """A compiled pattern whose search and finditer skip, in C, the characters no match opens on."""

    def __init__(self, pattern: re.Pattern[str], fast: re.Pattern[str], opener: re.Pattern[str]) -> None:
        self.plain = pattern  # as written
        self.fast = fast  # the same pattern with its case-insensitive alternatives split
        self.opener = opener  # one character wherever `pattern` matches, and nowhere else
        self.match = fast.match
        self.fullmatch, self.sub = pattern.fullmatch, pattern.sub
        self.pattern, self.flags, self.groupindex = pattern.pattern, pattern.flags, pattern.groupindex

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """Pattern.search: the same match."""
        found = self.opener.search(string, pos, endpos)
        return self.fast.match(string, found.start(), endpos) if found else None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """Pattern.finditer: the same matches (the pattern never matches the empty string)."""
        opener, fast = self.opener, self.fast
        while found := opener.search(string, pos, endpos):
            m = fast.match(string, found.start(), endpos)
            assert m is not None  # the opener ran this very match in its lookahead
            yield m
            pos = m.end()

    def spans_in(self, string: str, windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """The spans finditer(string, start, end) gives in each window, in one loop (no generator per
        window: a document has thousands of windows and most hold no match)."""
        search, match = self.opener.search, self.fast.match
        out: list[tuple[int, int]] = []
        for pos, end in windows:
            while found := search(string, pos, end):
                span = match(string, found.start(), end).span()  # type: ignore[union-attr]
                out.append(span)
                pos = span[1]
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.plain, name)  # findall, split, groups …


Windows = Iterable[tuple[int, int]]


def spans_in(pattern: re.Pattern[str], string: str, windows: Windows) -> list[tuple[int, int]]:
    """The spans of pattern.finditer(string, start, end) over each (start, end) window, in order."""
    if isinstance(pattern, QuickPattern):
        return pattern.spans_in(string, windows)
    return [m.span() for pos, end in windows for m in pattern.finditer(string, pos, end)]


def quick(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern with search and finditer that skip non-opening characters, or the pattern itself
    when it cannot be analysed (it may match the empty string, opens on any letter, uses \\w …)."""
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.VERBOSE | re.ASCII | re.LOCALE):
        return pattern
    openers = Openers()
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        flags = parsed.state.flags
        if _compiler._get_literal_prefix(parsed, flags)[0] or _compiler._get_charset_prefix(parsed, flags):
            return pattern  # re skips by itself
        if _collect(parsed, flags, openers):
            return pattern  # may match the empty string
    except (Unsupported, RecursionError):
        return pattern
    if r"\s" in openers.categories or ord(" ") in openers.points:
        return pattern  # nearly every other character is a space: nothing to skip
    _split_case(parsed, flags)
    fast = _compiler.compile(parsed, pattern.flags)
    return QuickPattern(pattern, fast, _opener(parsed, openers))  # type: ignore[return-value]
