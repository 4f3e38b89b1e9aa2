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

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.context.vi.indicator import rules as indicator_rules
from extractors.context.vi.rules import cues, plan_cues
from extractors.corpus import load_examples
from extractors.count.vi.rules import lexicon as count_lexicon
from extractors.money.vi.rules import lexicon as money_lexicon
from extractors.nonfigure.vi.rules import DIGIT_RUNS, compiled_patterns, digit_windows
from extractors.numeral.vi.rules import grammar
from extractors.prefix_scan import QuickPattern, _same_ignoring_case, quick
from extractors.scan import SENTENCE_END
from pipeline.document import canonical_text

REPO = Path(__file__).resolve().parent.parent


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
        for start, end in digit_windows(text)[:40]:  # how the non-figure rules search
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
