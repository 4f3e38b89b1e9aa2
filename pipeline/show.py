"""`tonghop read`: the canonical text with its block boundaries, for a human checking a reader."""

from __future__ import annotations

from pipeline.document import Block, Document


def _describe(block: Block, section_shown: bool = False) -> str:
    parts = [f"{block.kind} {block.start}-{block.end}"]
    if block.numbering:
        parts.append(f"số {block.numbering!r}")
    if block.level:
        parts.append(f"cấp {block.level}")
    if block.page is not None:
        parts.append(f"trang {block.page}")
    if block.cell is not None:
        cell = block.cell
        where = f"bảng {cell.table} hàng {cell.row} cột {cell.col}"
        heads = " / ".join(h for h in (cell.row_header, cell.col_header, cell.unit) if h)
        parts.append(where + (f" [{heads}]" if heads else ""))
    if block.footnote_marker:
        parts.append(f"chú thích {block.footnote_marker} tại {block.footnote_ref}")
    if block.section and not section_shown:
        parts.append("mục: " + " > ".join(block.section))
    return " · ".join(parts)


ERA_VI = {"old": "trước 1/7/2025 (63 tỉnh)", "new": "từ 1/7/2025 (34 tỉnh)"}
ROLE_VI = {"results": "kết quả", "programme": "chương trình, kế hoạch"}


def render_metadata(document: Document) -> str:
    """The document's own facts and detected metadata, one per line."""
    meta = document.metadata
    lines = [
        f"tệp: {document.path} ({document.format}, {document.encoding or '-'})",
        f"sha256: {document.sha256}",
        f"cờ: {', '.join(document.flags) or '-'}",
        f"cơ quan ban hành: {meta.issuer or '-'} · cấp: {meta.level or '-'} · tỉnh: {meta.province or '-'}",
        f"đơn vị báo cáo: {meta.unit_name or '-'} · mã: {meta.unit_code or '-'} · bản đồ hành chính: "
        f"{ERA_VI.get(meta.era, '-')}",
        f"số: {meta.number or '-'} · nơi ban hành: {meta.place or '-'} · ngày: {meta.date or '-'}",
        f"loại văn bản: {meta.doc_type or '-'} · trích yếu: {meta.summary or '-'}",
        f"kính gửi: {'; '.join(meta.recipients) or '-'}",
        f"địa danh: {', '.join(meta.places) or '-'}",
    ]
    for period in meta.periods:
        dates = f" · {period.start} … {period.end}" if period.start else ""
        lines.append(f"kỳ: {period.period} ({ROLE_VI.get(period.role, period.role)}){dates} · mục: "
                     f"{period.section or 'cả văn bản'}")
    lines += [f"vì sao: {reason}" for reason in meta.why]
    if meta.overridden:
        lines.append(f"nhập tay: {', '.join(meta.overridden)}")
    if document.page_count is not None:
        lines.append(f"số trang: {document.page_count}")
    for header in document.headers_footers:
        lines.append(f"đầu/chân trang: {header}")
    return "\n".join(lines)


def render_document(document: Document) -> str:
    """Metadata, then each block as a boundary line `[kind start-end · …]` above its text; the section
    path is printed where a section starts, not again on each of its blocks."""
    out = [render_metadata(document), ""]
    section: tuple[str, ...] = ()
    for block in document.blocks:
        out.append(f"[{_describe(block, section_shown=block.section == section)}]")
        out.append(document.text[block.start : block.end])
        section = block.section
    return "\n".join(out)
