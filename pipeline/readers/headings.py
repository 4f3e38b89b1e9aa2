"""Which lines are headings or list items, and the section path each line sits under.

Every reader sends its lines through here, so a .txt, .docx and .pdf of the same report get
the same blocks and the same section paths. The markers themselves live in data/headings.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipeline.document import BlockKind

DATA = Path(__file__).parent / "data" / "headings.yaml"


@dataclass(frozen=True, slots=True)
class Marker:
    name: str
    pattern: re.Pattern[str]
    kind: BlockKind
    rank: int
    stands_alone: bool  # a heading even with no text after the marker ("Phần thứ nhất")


@dataclass(frozen=True, slots=True)
class LineShape:
    """What a line's opening marker says it is."""

    kind: BlockKind
    numbering: str = ""  # the marker as written: "1.1.", "Phần thứ nhất", "-"
    rank: int = 0  # headings only: smaller ranks are higher in the outline


@cache
def _markers() -> tuple[tuple[Marker, ...], int]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    markers = tuple(
        Marker(
            m["name"], re.compile(m["pattern"]), m["kind"], int(m.get("rank", 0)), bool(m.get("stands_alone"))
        ) for m in data["markers"]
    )
    return markers, int(data["long_heading_chars"])


def classify_line(line: str) -> LineShape:
    """The block kind a line of text announces by its opening marker; plain text is a paragraph."""
    stripped = line.strip()
    for marker in _markers()[0]:
        match = marker.pattern.match(stripped)
        if not match:
            continue
        numbering = match.group(0).strip()
        if marker.kind == "heading" and not marker.stands_alone and not stripped[match.end() :].strip():
            continue  # a bare "1." or "I." with nothing after it is not a heading
        rank = marker.rank
        if marker.name == "decimal_path":
            rank += numbering.rstrip(".").count(".")
        return LineShape(marker.kind, numbering, rank)
    return LineShape("paragraph")


def section_title(line: str) -> str:
    """The name a heading gives its section: the line, cut at ": " when content is run in."""
    title = line.strip()
    limit = _markers()[1]
    if len(title) > limit:
        colon = title.find(": ", 0, limit)
        title = title[: colon + 1] if colon > 0 else title[:limit].rsplit(" ", 1)[0] + " …"
    return title


@dataclass(slots=True)
class SectionTracker:
    """Keeps the open headings while a reader walks the document top to bottom."""

    _open: list[tuple[int, str]] = field(default_factory=list)

    def enter(self, shape: LineShape, line: str) -> tuple[tuple[str, ...], int]:
        """Open a heading: returns its section path (itself included) and its depth."""
        while self._open and self._open[-1][0] >= shape.rank:
            self._open.pop()
        self._open.append((shape.rank, section_title(line)))
        return self.path(), len(self._open)

    def path(self) -> tuple[str, ...]:
        """The section path of the text that follows the open headings."""
        return tuple(title for _, title in self._open)
