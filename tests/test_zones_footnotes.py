"""Zones.is_programme finds a footnote line by bisection: the same answer as reading every line."""

from __future__ import annotations

import bisect
from pathlib import Path

from extractors.context.vi.zones import Zones, programme_zones
from pipeline.document import canonical_text

REPO = Path(__file__).resolve().parent.parent


def by_every_footnote(zones: Zones, offset: int) -> bool:
    """is_programme as first written: each footnote line tried in turn."""
    for start, end, ref in zones.footnotes:
        if start <= offset < end:
            offset = ref
            break
    i = bisect.bisect_right(zones.starts, offset) - 1
    return i >= 0 and zones.programme[i]


def test_a_footnote_belongs_where_it_is_referenced() -> None:
    text = ("I. KẾT QUẢ\nĐã hỗ trợ 5 hộ¹.\nII. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025\nPhấn đấu 9 hộ².\n"
            "¹ Gồm 3 hộ ở xã A.\n² Gồm 4 hộ ở xã B.\n")
    zones = programme_zones(text)
    first, second = text.index("¹ Gồm"), text.index("² Gồm")
    assert [f[0] for f in zones.footnotes] == [first, second]
    assert zones.is_programme(first + 5) == zones.is_programme(text.index("5 hộ")) is False
    assert zones.is_programme(second + 5) == zones.is_programme(text.index("9 hộ")) is True
    for offset in range(len(text)):
        assert zones.is_programme(offset) == by_every_footnote(zones, offset)


FOLDERS = ("samples", "tests/realcorpus", "tests/heldout")
TEXTS = [p for folder in FOLDERS for p in sorted((REPO / folder).glob("*.txt"))]


def test_same_answer_on_the_project_texts() -> None:
    with_footnotes = 0
    for path in TEXTS:
        text = canonical_text(path.read_text(encoding="utf-8-sig"))
        zones = programme_zones(text)
        with_footnotes += bool(zones.footnotes)
        for offset in range(0, len(text), 7):
            assert zones.is_programme(offset) == by_every_footnote(zones, offset), (path.name, offset)
    assert with_footnotes >= 1  # some of them have footnotes: the test reads them
