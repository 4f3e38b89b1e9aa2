"""quick(pattern) must find exactly what the pattern finds, on every pattern the extractors wrap.

The extractors wrap their hot patterns (non-figure rules, the number grammar, cue words …) so
that `re` skips the characters no match can open on, and their case-insensitive word lists are
split by the case of the first letter; a single missed or extra match would change the figures.
Each wrapped pattern is compared with the plain one on every text of the project (seeds, real
corpus, development set, corpus examples) and on generated text full of the letters, digits,
cue words and case oddities ("İ", "K", "ſ") the analysis has to get right.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from re import _constants as sre
from re import _parser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.context.vi.indicator import rules as indicator_rules
from extractors.context.vi.rules import cues, plan_cues
from extractors.corpus import load_examples
from extractors.count.vi.rules import lexicon as count_lexicon
from extractors.money.vi.rules import lexicon as money_lexicon
from extractors.nonfigure.vi.rules import WINDOW, compiled_patterns, digit_windows
from extractors.numeral.vi.rules import grammar
from extractors.scan import SENTENCE_END
from pipeline.document import canonical_text
from pipeline.prefix_scan import QuickPattern, _grouped, _same_ignoring_case, quick, spans_in

REPO = Path(__file__).resolve().parent.parent
DIGIT_RUNS = quick(re.compile(r"\d+(?:[\s.,/:–-]{1,3}\d+)*"))  # the non-figure windows' first definition


def wrapped_patterns() -> dict[str, QuickPattern]:
    """Every pattern the extractors compile through quick(), by name."""
    found: dict[str, object] = {"nonfigure.DIGIT_RUNS": DIGIT_RUNS, "scan.SENTENCE_END": SENTENCE_END}
    found |= {f"nonfigure.{p.name}": p.regex for p in compiled_patterns()}
    owners = (("numeral", grammar()), ("context", cues()), ("plan", plan_cues()),
              ("indicator", indicator_rules()), ("money", money_lexicon()), ("count", count_lexicon()))
    for owner, obj in owners:
        found |= {f"{owner}.{f.name}": getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {name: p for name, p in found.items() if isinstance(p, QuickPattern)}


PATTERNS = wrapped_patterns()


def project_texts() -> list[str]:
    """The seeds, the real corpus, the development set and every corpus example."""
    folders = (REPO / "samples", REPO / "tests" / "realcorpus", REPO / "tests" / "heldout")
    paths = [p for folder in folders for p in sorted(folder.glob("*.txt"))]
    texts = [canonical_text(p.read_text(encoding="utf-8-sig")) for p in paths]
    return texts + [canonical_text(e.text) for e in load_examples()]


TEXTS = project_texts()


def spans(found) -> list[tuple[tuple[int, int], tuple[str | None, ...]] | None]:
    return [m and (m.span(), m.groups()) for m in found]


WORD_STARTS = re.compile(r"\b\w|[^\w\s]")  # where the rules call match: each word and each sign


def test_the_hot_patterns_are_wrapped() -> None:
    """The patterns that cost most when tried at every character are the ones wrapped."""
    for name in ("nonfigure.label_number", "nonfigure.date_full", "numeral.number_re", "numeral.spelled_re",
                 "context.subject_re", "context.target_re", "plan.opener_re", "indicator.known_re"):
        assert name in PATTERNS, sorted(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_same_matches_on_project_texts(name: str) -> None:
    q = PATTERNS[name]
    plain = q.plain
    for text in TEXTS:
        assert spans(q.finditer(text)) == spans(plain.finditer(text))
        assert spans(q.match(text, m.start()) for m in WORD_STARTS.finditer(text)) == spans(
            plain.match(text, m.start()) for m in WORD_STARTS.finditer(text))
        windows = digit_windows(text)
        assert q.spans_in(text, windows) == [m.span() for w in windows for m in plain.finditer(text, *w)]
        for start, end in windows[:40]:  # how the non-figure rules search
            assert spans(q.finditer(text, start, end)) == spans(plain.finditer(text, start, end))
            s, p = q.search(text, start, end), plain.search(text, start, end)
            assert (s and (s.span(), s.groups())) == (p and (p.span(), p.groups()))


ALPHABET = st.sampled_from([
    *"0123456789 .,;:/-–()\n\t“”\"%", *"aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY",
    *"àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ", *"ÀÁẤẦỨỦỲĐ",
    "İ", "ı", "K", "ſ", "Å", "ẞ", "²", "¹", "\u00a0",
    "năm ", "tháng ", "ngày ", "số ", "thôn ", "tổ dân phố ", "Quỹ ", "hộ ", "triệu ", "tỷ đồng ",
    "hai mươi ", "một trăm ", "hàng trăm ", "xã ", "huyện ", "Tam An ", "trong đó ", "chỉ tiêu ",
    "kế hoạch ", "Theo Kế hoạch, ", "ước ", "khoảng ", "đạt ", "Covid-19 ", "đồng chí ", "mỗi ",
    "1.500", "2020", "15/6/2024", "01/KH-MTTQ", "ĐT: 0912 345 678", "Khóa XII",
])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(ALPHABET, max_size=60), bounds=st.tuples(st.integers(0, 80), st.integers(0, 400)))
def test_same_matches_on_generated_text(pieces: list[str], bounds: tuple[int, int]) -> None:
    text = "".join(pieces)
    pos, endpos = bounds
    for q in PATTERNS.values():
        assert spans(q.finditer(text)) == spans(q.plain.finditer(text))
        assert spans(q.finditer(text, pos, endpos)) == spans(q.plain.finditer(text, pos, endpos))
        s, p = q.search(text, pos, endpos), q.plain.search(text, pos, endpos)
        assert (s and (s.span(), s.groups())) == (p and (p.span(), p.groups()))
        windows = [(pos, endpos), (endpos, endpos + 30), (0, len(text))]
        assert q.spans_in(text, windows) == [m.span() for w in windows for m in q.plain.finditer(text, *w)]
        for at in range(0, len(text), 3):  # match, as the rules call it word by word
            s, p = q.match(text, at), q.plain.match(text, at)
            assert (s and (s.span(), s.groups())) == (p and (p.span(), p.groups()))


def test_ignoring_case_is_what_re_does() -> None:
    """The characters `re` matches for a letter under IGNORECASE, over every code point."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for ch in "aăđĐưƯiIİıkKKsſSßẞåÅωΩσςΣθϑ1(":
        by_re = {ord(c) for c in re.findall("(?i)" + re.escape(ch), everything)}
        assert _same_ignoring_case(ord(ch)) == by_re, ch


@pytest.mark.parametrize("pattern", [
    r"a*",  # may match the empty string
    r"\w+\d",  # opens on any letter: nothing to skip
    r"abc",  # re already skips to "a"
    r"[xyz]\d",  # re already skips to the class
    r"(?m)^[ \t]*\d",  # opens on a space: nothing to skip
    r"(a)\1",  # a back-reference is not analysed
])
def test_left_alone(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert quick(compiled) is compiled


def test_wrapped_pattern_keeps_the_rest_of_its_interface() -> None:
    q = quick(re.compile(r"(?i)(?<![\w])(?P<w>năm|tháng)\s+(?P<n>\d+)"))
    assert isinstance(q, QuickPattern)
    assert q.match("Năm 2020").group("n") == "2020"
    assert q.fullmatch("tháng 6") is not None
    assert q.sub("X", "năm 5 và tháng 6") == "X và X"
    assert q.groupindex["w"] == 1
    assert [m.group() for m in q.finditer("trong năm 2020, tháng 6; cả năm")] == ["năm 2020", "tháng 6"]


def windows_of_runs(text: str) -> list[tuple[int, int]]:
    """The non-figure windows as first written: each run of digits widened by WINDOW, overlaps merged."""
    windows: list[tuple[int, int]] = []
    for m in DIGIT_RUNS.finditer(text):
        start, end = max(0, m.start() - WINDOW), min(len(text), m.end() + WINDOW)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def test_digit_windows_are_the_merged_windows_of_the_digit_runs() -> None:
    for text in TEXTS:
        assert digit_windows(text) == windows_of_runs(text)


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(st.sampled_from(["1", "23", " ", "-", ".", "a" * 40, "b" * 47, "c" * 48, "\n", "x"]),
                       max_size=40))
def test_digit_windows_on_generated_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert digit_windows(text) == windows_of_runs(text)


def test_spans_in_a_pattern_left_alone() -> None:
    plain = re.compile(r"\d+")
    assert spans_in(plain, "a 12 b 345 c 6", [(0, 3), (3, 14)]) == [(2, 3), (3, 4), (7, 10), (13, 14)]


def _alternatives(pattern: str) -> list[str]:
    """The top alternatives of a parsed alternation after _grouped, each dumped as text."""
    parsed = _parser.parse(pattern, 0)
    (op, av), = parsed.data
    assert op is sre.BRANCH
    out = []
    for alternative in _grouped(av[1], 0):
        out.append(" ".join(f"{o}:{a}" for o, a in alternative.data))
    return out


def test_alternatives_opening_alike_are_grouped() -> None:
    grouped = _alternatives("sa|sb|t|sc")
    assert len(grouped) == 2 and grouped[1] == "LITERAL:116"  # s(?:a|b|c), then t


def test_no_alternative_moves_past_one_opening_on_a_class() -> None:
    assert len(_alternatives("sa|[st]x|sb")) == 3  # "sb" may not jump before "[st]x"


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?i)(?<![\w])(?:số|sổ nhà|Số nhà|s|thứ|số nhà)\s*\d+", "Số nhà 5, sổ nhà 6, số 7, s8, SỐ NHÀ 9"),
    (r"(?i)(?<![\w])(?:ab|a|abc|[ab]c|ac|Ad)d", "abcd acd abd ad bcd ADD Abd"),
    (r"(?<![\w])(?:y(?:1|12)|x12y|x|y12z|x1)(?!\d)", "x12y x12 x1 x3 y12z y12 y1"),
])
def test_grouped_alternation_finds_the_same(pattern: str, text: str) -> None:
    q = quick(re.compile(pattern))
    assert isinstance(q, QuickPattern)
    assert spans(q.finditer(text)) == spans(q.plain.finditer(text))
