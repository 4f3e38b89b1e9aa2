"""An officer's decision on one figure turned into store calls: accept, reject, correct, undo."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pipeline.review.labels import LABELS
from pipeline.review.numbers import parse_number

DECIMAL_FIELDS = ("value", "denominator", "upper")
TEXT_FIELDS = ("unit", "per", "indicator", "subject")
CHOICE_FIELDS = {"kind": "kinds", "approx": "approx", "modality": "modality"}
EDITABLE = (*DECIMAL_FIELDS, *TEXT_FIELDS, *CHOICE_FIELDS)
ACTION_OF_STATUS = {"accepted": "accept", "rejected": "reject", "unreviewed": "reset"}
DONE = {"accept": "Đã chấp nhận", "reject": "Đã loại", "correct": "Đã sửa"}


class DecisionError(ValueError):
    """A decision the page cannot apply; the message tells the officer why."""


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def corrections(figure: dict[str, Any], typed: dict[str, str | None]) -> dict[str, Any]:
    """The fields the officer really changed, read and checked: numbers parsed, words from the vocabulary."""
    changes: dict[str, Any] = {}
    for name, raw in typed.items():
        if raw is None:
            continue  # not on the form: left as it is
        text = raw.strip()
        if name in DECIMAL_FIELDS:
            new: Any = parse_number(text) if text else None
            if name == "value" and new is None:
                raise DecisionError("Giá trị không được để trống.")
        elif name in CHOICE_FIELDS:
            if text not in LABELS[CHOICE_FIELDS[name]]:
                raise DecisionError(f"'{text}' không phải lựa chọn hợp lệ cho trường {name}.")
            new = text
        else:
            new = text
        if not _same(new, figure.get(name)):
            changes[name] = new
    _check_consistent({**figure, **changes})
    return changes


def _check_consistent(figure: dict[str, Any]) -> None:
    """A corrected figure must still make sense as FIGURES.md defines it."""
    if figure.get("kind") == "ratio" and figure.get("denominator") in (None, ""):
        raise DecisionError("Tỷ số a/b cần có mẫu số.")
    if figure.get("approx") == "range":
        if figure.get("upper") in (None, ""):
            raise DecisionError("Khoảng từ–đến cần có cận trên.")
        if Decimal(str(figure["upper"])) < Decimal(str(figure["value"])):
            raise DecisionError("Cận trên phải lớn hơn hoặc bằng giá trị.")


def apply(
    store: Any, figure: dict[str, Any], action: str, user: str, typed: dict[str, str | None], comment: str
) -> tuple[dict[str, Any], str]:
    """Apply one decision; returns the figure as stored afterwards and what to tell the officer."""
    if action not in DONE:
        raise DecisionError(f"Thao tác không hợp lệ: {action}. Dùng accept, reject hoặc correct.")
    changes = corrections(figure, typed) if action == "correct" else {}
    if action == "correct" and not changes:
        raise DecisionError("Không có gì thay đổi: hãy sửa ít nhất một trường.")
    updated = store.review(figure["figure_id"], action, user=user, changes=changes or None, comment=comment)
    return updated, f"{DONE[action]} {figure['quote']}."


BATCH_MARK = re.compile(r"\[lô (?P<batch>[0-9a-f]{8})\]$")  # the end of a bulk accept's logged comment
UNDO_NOTE = "hoàn tác quyết định #"  # what every undo logs: Backspace never undoes an undo


def undo_stack(last_entries: Iterable[dict[str, Any]], user: str) -> list[dict[str, Any]]:
    """What Backspace may still undo after a reload: each figure whose last logged decision is this
    officer's own accept, reject or correction (not an undo, not part of a bulk batch), newest last."""
    chosen = [
        e for e in last_entries
        if e["user"] == user and e["action"] in DONE
        and not (note := e.get("comment") or "").startswith(UNDO_NOTE) and not BATCH_MARK.search(note)
    ]
    return [{"fid": e["figure_id"], "reviewId": e["id"]} for e in sorted(chosen, key=lambda e: e["id"])]


def undo(store: Any, figure_id: str, review_id: int, user: str) -> dict[str, Any]:
    """Bring a figure back to its state before decision `review_id` (the page undoes newest first)."""
    entry = next((e for e in store.reviews(figure_id=figure_id) if e["id"] == review_id), None)
    if entry is None:
        raise DecisionError("Không tìm thấy quyết định cần hoàn tác.")
    before = entry["before"] or {}
    target = before.get("review_status", "unreviewed")
    comment = f"{UNDO_NOTE}{review_id}"
    if target == "unreviewed":
        current = store.review(figure_id, "reset", user=user, comment=comment)
        line = (before.get("indicator_code", current["indicator_code"]), before.get("role", current["role"]))
        if line != (current["indicator_code"], current["role"]):  # a move to another line is undone too
            store.set_indicators({figure_id: (line[0], current["indicator_score"], line[1], "")})
            current = store.figure(figure_id)
        return current
    current = store.figure(figure_id)
    fields = (*EDITABLE, "indicator_code", "role")  # a move to another line is undone too
    changes = {k: before[k] for k in fields if k in before and not _same(before[k], current.get(k))}
    if changes or target == "corrected":
        changes = changes or {"value": before.get("value", current["value"])}
        current = store.review(figure_id, "correct", user=user, changes=changes, comment=comment)
    if target != "corrected":
        current = store.review(figure_id, ACTION_OF_STATUS[target], user=user, comment=comment)
    return current
