"""Bulk accept as one step: every accept of a batch carries the batch's mark in its logged comment,
so the page can undo the whole batch at once, after a reload or from another browser."""

from __future__ import annotations

import secrets
from typing import Any

from pipeline.review import decisions

MARK = decisions.BATCH_MARK  # "[lô 1a2b3c4d]" ends the comment of each accept of a batch


def accept_batch(store: Any, document_id: int, chosen: list[str], user: str, comment: str) -> tuple[str, int]:
    """Accept the still-unreviewed figures among `chosen`; returns the batch's mark and how many."""
    unreviewed = {
        f["figure_id"]
        for f in store.figures(document_id=document_id, include_superseded=True)
        if f["review_status"] == "unreviewed"
    }
    batch, accepted = secrets.token_hex(4), 0
    note = f"{comment.strip() or 'chấp nhận hàng loạt'} [lô {batch}]"
    for figure_id in dict.fromkeys(chosen):
        if figure_id in unreviewed:
            store.review(figure_id, "accept", user=user, comment=note)
            accepted += 1
    return batch, accepted


def last_batch(store: Any, document_id: int) -> dict[str, Any] | None:
    """The newest batch accept on this document whose figures still stand as it left them."""
    ids = {f["figure_id"] for f in store.figures(document_id=document_id, include_superseded=True)}
    latest: dict[str, dict[str, Any]] = {}
    batches: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(store.document_review_log(document_id), key=lambda e: e["id"]):
        if entry["figure_id"] not in ids:
            continue
        latest[entry["figure_id"]] = entry  # oldest first: the last one stands
        found = MARK.search(entry.get("comment") or "")
        if found and entry["action"] == "accept":
            batches.setdefault(found["batch"], []).append(entry)
    for batch, entries in sorted(batches.items(), key=lambda b: -max(e["id"] for e in b[1])):
        standing = [e for e in entries if latest[e["figure_id"]]["id"] == e["id"]]
        if standing:
            return {
                "batch": batch,
                "count": len(standing),
                "of": len(entries),
                "user": entries[-1]["user"],
                "at": entries[-1]["at"],
                "entries": standing,
            }
        break  # the newest batch was undone or decided over: older batches are not offered
    return None


def undo_batch(store: Any, document_id: int, batch: str, user: str) -> int:
    """Undo every accept of `batch` that is still the figure's last decision; returns how many."""
    current = last_batch(store, document_id)
    if current is None or current["batch"] != batch:
        raise decisions.DecisionError(
            "Lô chấp nhận này không còn hoàn tác được (đã hoàn tác hoặc có quyết định sau)."
        )
    for entry in current["entries"]:
        decisions.undo(store, entry["figure_id"], entry["id"], user)
    return current["count"]
