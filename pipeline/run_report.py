"""What one inbox run did, as rows and markdown an officer reads in the Prefect UI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pipeline.stages import Outcome

STATUS_VI = {
    "loaded": "đã nạp",  # loaded into the store
    "unchanged": "trùng, đã có",  # same content already in the store
    "superseded": "thay bản cũ",  # corrected re-submission replacing an older one
    "outdated": "đã có bản mới hơn",  # an older copy arriving after its replacement
    "rejected": "cách ly",  # quarantined with a reason file
    "failed": "lỗi, sẽ thử lại",  # transient fault: left in processing/ for the next run
    "skipped": "không đọc, để nguyên",  # a subfolder, link or special file in the inbox: left where it is
}


def outcome_rows(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    """One row per file for the artifact table: name, outcome, figures, code, where it went."""
    return [
        {
            "tệp / file": o.name,
            "kết quả / outcome": f"{STATUS_VI.get(o.status, o.status)} ({o.status})",
            "số liệu / figures": o.figures,
            "mã lỗi / code": o.code,
            "lý do / reason": o.message,
            "nằm ở / filed as": o.filed_as,
            "sha256": o.sha256[:12],
        }
        for o in outcomes
    ]


def counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many files ended with each status."""
    return dict(Counter(o.status for o in outcomes))


def stage_seconds(outcomes: Iterable[Outcome]) -> dict[str, float]:
    """Seconds spent inside each pipeline stage, summed over files (what Prefect does not cost)."""
    total: Counter[str] = Counter()
    for outcome in outcomes:
        total.update(outcome.timings)
    return dict(total)


def summary_markdown(
    outcomes: list[Outcome] | None,
    conflicts: list[dict[str, Any]] | None = None,
    not_reported: list[dict[str, Any]] | None = None,
    files: list[str] | None = None,
    *,
    conflict_total: int | None = None,
) -> str:
    """The run's summary: counts by outcome, then conflicts (when the store holds more than those
    listed, how many in all) and units that have not reported."""
    lines = ["# Kết quả lần chạy / Run summary", ""]
    if outcomes is not None:
        tally = counts(outcomes)
        if not outcomes:
            lines.append("Không có tệp mới trong hộp thư. / No new files in the inbox.")
        for status, label in STATUS_VI.items():
            if tally.get(status):
                lines.append(f"- **{label}** ({status}): {tally[status]}")
    if files:
        lines.append("- Tệp xuất / exports: " + ", ".join(f"`{f}`" for f in files))
    lines += ["", "## Số liệu mâu thuẫn / Conflicts", ""]
    if conflict_total is not None and conflicts is not None and conflict_total > len(conflicts):
        lines += [f"Kho có {conflict_total} mâu thuẫn; dưới đây là {len(conflicts)} mâu thuẫn có văn bản"
                  f" của lần chạy này (đủ cả trong trang tổng quan và tệp xuất)."
                  f" / The store holds {conflict_total} conflicts; listed are the {len(conflicts)}"
                  " this run's documents take part in.", ""]
    lines += _bullets(conflicts, "Không có mâu thuẫn. / No conflicts.")
    lines += ["", "## Đơn vị chưa báo cáo / Units not reported", ""]
    lines += _bullets(not_reported, "Tất cả đơn vị dự kiến đã báo cáo. / Every expected unit has reported.")
    return "\n".join(lines) + "\n"


def _bullets(rows: list[dict[str, Any]] | None, empty: str) -> list[str]:
    if rows is None:
        return ["(chưa tính / not computed in this run)"]
    if not rows:
        return [empty]
    return ["- " + "; ".join(f"{k}: {v}" for k, v in row.items() if v not in (None, "")) for row in rows]
