"""The end-of-ingest summary that explains itself: what each outcome means (Vietnamese, English
beside it), which report replaced which, why a file was refused, then what the store now holds —
which units reported for which period, who has not, and what to do next."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from pipeline.expected import missing_reports
from pipeline.store.api import LoadResult, Store
from pipeline.workbook.names import period_order

OUTCOMES = {  # status: (label, what it means) — both Vietnamese / English
    "loaded": ("đã nạp / loaded",
               "đọc xong, số liệu vào kho chờ duyệt / read, its figures stored for review"),
    "unchanged": ("đã có / unchanged",
                  "cùng nội dung đã nạp trước đây, không nạp lại"
                  " / same content already stored, not loaded twice"),
    "superseded": ("thay bản cũ / replaced an earlier copy",
                   "bản gửi lại của cùng đơn vị, kỳ, loại văn bản: bản mới được tổng hợp, bản cũ vẫn xem được"
                   " / a resubmission: the newer report is consolidated, the older stays visible"),
    "outdated": ("đã có bản mới hơn / outdated",
                 "bản cũ đến sau bản sửa: giữ để xem, không tổng hợp / an older copy after its correction:"
                 " kept, not consolidated"),
    "rejected": ("bị từ chối / rejected",
                 "không đọc được: lý do ở dòng của tệp / could not be read: the reason is on its line"),
}


def summary_table(results: list[LoadResult]) -> Table:
    """A row per outcome: how many files, how many figures; each refused file with its reason."""
    table = Table(title="Kết quả nạp báo cáo / ingest summary", show_lines=False)
    table.add_column("Kết quả / outcome")
    table.add_column("Số tệp / files", justify="right")
    table.add_column("Số liệu / figures", justify="right")
    counts = Counter(r.status for r in results)
    for status, (name, _) in OUTCOMES.items():
        if counts.get(status):
            figures = sum(r.figures for r in results if r.status == status)
            table.add_row(name, str(counts[status]), "" if status == "rejected" else str(figures))
    for result in results:
        if result.status == "rejected":
            reason = result.message.split("] ", 1)[-1]  # the message repeats path and code
            table.add_row(f"  ✗ {result.path}", result.code, reason, style="red")
    return table


def explanations(results: list[LoadResult], store: Store) -> list[str]:
    """What each outcome of this run means, then which report replaced which (full file names)."""
    counts = Counter(r.status for r in results)
    lines = [f"{name}: {meaning}" for status, (name, meaning) in OUTCOMES.items() if counts.get(status)]
    for result in results:
        if result.status == "superseded" and result.superseded_id is not None:
            older = store.document(result.superseded_id)["path"]
            lines.append(f"  ↻ {result.path}\n    thay / replaces {older}")
    for result in results:  # the later of two copies names the earlier; the pair is told once
        other = store.document(result.document_id)["ambiguous_with"] if result.status == "loaded" else None
        if other is not None and other < result.document_id:
            earlier = store.document(other)["path"]
            lines.append(
                f"  ⚠ {result.path}\n    cùng ngày với / same day as {earlier}: số liệu khác,"
                " cả hai được giữ, không cộng; cán bộ chọn bản dùng (trang Tổng quan, mục Mâu thuẫn) /"
                " different figures: both kept, never added; an officer chooses (overview page, conflicts)"
            )
    return lines


def store_state(store: Store) -> list[str]:
    """What the store holds after the run, by period, and who has not reported; then the next steps."""
    documents = [d for d in store.documents() if d["status"] == "loaded"]
    expected = store.expected_units()
    by_period: dict[str, set[str]] = {}
    for document in documents:
        by_period.setdefault(document["period"] or "(không rõ kỳ / no period)", set()).add(
            document.get("unit_code") or document["path"]
        )
    lines = [f"Trong kho / in the store: {len(documents)} báo cáo đang dùng / current reports"]
    for period in sorted(by_period, key=period_order):
        lines.append(f"  · {period}: {len(by_period[period])} đơn vị báo cáo / reporting units")
    if not expected:
        lines.append("Chưa có danh sách đơn vị phải báo cáo / no list of units that must report: "
                     "tonghop units set FILE.yaml")
    else:
        missing = missing_reports(store.documents(), expected)
        lines.append(f"Danh sách phải báo cáo / must report: {len(expected)} đơn vị / units; "
                     f"chưa báo cáo / not reported: {len(missing)}")
        lines += [f"  ✗ {m['period']}: {m['unit']} ({m['unit_code']})" for m in missing]
    lines.append("Tiếp theo / next: tonghop export --out output/ (bảng tổng hợp / the workbook) · "
                 "tonghop review (duyệt số liệu / review the figures)")
    return lines

