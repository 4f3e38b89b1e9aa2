"""Moving a figure to another consolidated line: the officer's choice is stored as a correction,
and "remember for phrases like this" teaches the store the phrase so the next batch maps it."""

from __future__ import annotations

from typing import Any

from pipeline.normalise.catalogue import Catalogue, store_catalogue
from pipeline.normalise.text import fold
from pipeline.review.decisions import DecisionError


def search_indicators(store: Any, query: str, limit: int = 20) -> list[dict[str, str]]:
    """Catalogue lines matching every word of `query`, with or without diacritics."""
    return [
        {"code": i.code, "name": i.name, "unit": i.unit, "kinds": ", ".join(i.kinds), "combine": i.combine}
        for i in store_catalogue(store).search(query, limit)
    ]


def name_figures(figures: list[dict[str, Any]], catalogue: Catalogue) -> list[dict[str, Any]]:
    """Each figure with `indicator_name` filled in, for the cards."""
    names = {code: indicator.name for code, indicator in catalogue.by_code().items()}
    for figure in figures:
        figure["indicator_name"] = names.get(figure.get("indicator_code") or "", "")
    return figures


def create_indicator(store: Any, fields: dict[str, str], user: str) -> str:
    """A new line from the dialog's "Tạo chỉ tiêu mới" fields; its code."""
    try:
        row = store.add_indicator(
            fields.get("new_code", ""),
            fields.get("new_name", ""),
            fields.get("new_kind", ""),
            fields.get("new_unit", ""),
            fields.get("new_combine", "sum"),
            user=user,
        )
    except ValueError as error:
        raise DecisionError(str(error)) from None
    return str(row["code"])


def move_figure(
    store: Any, figure: dict[str, Any], code: str, user: str, *, remember: str = "", comment: str = ""
) -> tuple[dict[str, Any], str]:
    """Put a figure on line `code` (it is counted again if it had been set aside); optionally
    remember `remember` as a phrase of that line. Returns the stored figure and the message."""
    catalogue = store_catalogue(store).by_code()
    if code not in catalogue:
        raise DecisionError(f"Không có chỉ tiêu mã {code} trong danh mục.")
    indicator = catalogue[code]
    if figure["kind"] not in indicator.kinds:
        kinds = ", ".join(indicator.kinds)
        raise DecisionError(f"Chỉ tiêu {code} nhận số liệu loại {kinds}, không nhận loại {figure['kind']}.")
    changes: dict[str, Any] = {}
    if code != figure.get("indicator_code"):
        changes["indicator_code"] = code
    if figure.get("role") in ("excluded", "of_plan", "threshold"):
        changes["role"] = ""  # the officer says it belongs on a line: it is counted there
    if not changes and not remember:
        raise DecisionError("Số liệu đã thuộc chỉ tiêu này.")
    note = comment or f"chuyển sang chỉ tiêu {code}"
    updated = (
        store.review(figure["figure_id"], "correct", user=user, changes=changes, comment=note)
        if changes
        else figure
    )
    message = f"Đã chuyển {figure['quote']} sang «{indicator.name}»."
    if remember:
        store.learn_phrase(fold(remember), code, user=user, figure_id=figure["figure_id"])
        message += f" Đã ghi nhớ cụm từ «{fold(remember)}» cho lần sau."
    return updated, message


def exclude_figure(
    store: Any, figure: dict[str, Any], user: str, comment: str = ""
) -> tuple[dict[str, Any], str]:
    """Keep the figure but never add it into the consolidated table."""
    if figure.get("role") == "excluded":
        raise DecisionError("Số liệu này đã được ghi là không tổng hợp.")
    note = comment or "không tổng hợp"
    updated = store.review(
        figure["figure_id"], "correct", user=user, changes={"role": "excluded"}, comment=note
    )
    return updated, f"Đã ghi {figure['quote']} là không tổng hợp."
