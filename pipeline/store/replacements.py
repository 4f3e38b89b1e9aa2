"""When a report replaces another: same reporting unit, same period, same kind of document.

A later report replaces an earlier one whatever its file name ("…_sua lai.docx"). Which is later is
decided by the documents' own dates; when the dates cannot tell (the same day, or a date left out),
a copy whose figures are the very same is just the same report again (another format, a re-send),
but two copies whose figures differ are left side by side for an officer to choose: never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Earlier:
    """A loaded document of the same unit, period and kind."""

    id: int
    date: str  # ISO, as precise as the document wrote it; "" when it has none
    values: tuple[str, ...]  # its figures' kinds and values, sorted: what it says


@dataclass(slots=True)
class Replacement:
    supersedes: list[int] = field(default_factory=list)  # earlier documents the new one replaces
    superseded_by: int | None = None  # an already loaded document is newer than the new one
    ambiguous_with: int | None = None  # a copy an officer must choose between
    note: str = ""  # why, in Vietnamese, for the sources sheet and the review page


def _comparable(first: str, second: str) -> bool:
    return len(first) == len(second) and len(first) >= 7  # both dated at least to the month


def _shown(iso: str) -> str:
    return "/".join(reversed(iso.split("-"))) if iso else "không ghi ngày"


def decide(date: str, values: tuple[str, ...], earlier: list[Earlier]) -> Replacement:
    """What a new document of a unit, period and kind does to the loaded ones of the same."""
    result = Replacement()
    notes = []
    for other in sorted(earlier, key=lambda e: e.id):
        if _comparable(date, other.date) and date != other.date:
            if date > other.date:
                result.supersedes.append(other.id)
                notes.append(f"thay bản ngày {_shown(other.date)} (bản này ngày {_shown(date)})")
            else:
                result.superseded_by = other.id
                notes.append(f"đã có bản mới hơn ngày {_shown(other.date)} (bản này ngày {_shown(date)})")
        elif values == other.values:
            result.supersedes.append(other.id)
            notes.append("cùng số liệu với bản đã nạp (bản sao, định dạng khác): dùng bản mới")
        else:
            result.ambiguous_with = other.id
            notes.append(
                f"cùng đơn vị, kỳ, loại văn bản, {_shown(date)} như bản #{other.id} nhưng số liệu khác: "
                "cán bộ cần chọn bản dùng"
            )
    if result.superseded_by is not None:
        result.supersedes = []  # an outdated copy replaces nothing
    result.note = "; ".join(notes)
    return result
