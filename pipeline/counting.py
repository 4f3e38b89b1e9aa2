"""Which figures may enter a consolidated sum, and for those that may not, why (one fact, one count).

A figure is left out when an officer rejected it or said not to consolidate it, when no indicator
claims it clearly, when it is a threshold or criterion, an average or a per-unit amount on a line
that adds up, when its paragraph is repeated, when it restates a fact the same document already
gave (a table value repeated in prose, a summary figure), when a total of its sentence already
contains it ("… tổng trị giá tương đương 120 triệu đồng"), or when it is a part of a stated total.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.figure import decimal_text
from pipeline.normalise.catalogue import ADDITIVE_KINDS, Indicator
from pipeline.normalise.roles import has_cue, role_cues
from pipeline.normalise.text import fold

REASONS = {
    "rejected": "cán bộ đã loại / rejected in review",
    "excluded": "cán bộ ghi không tổng hợp / not to be consolidated",
    "unmapped": "chưa phân loại chỉ tiêu / no indicator",
    "threshold": "ngưỡng, tiêu chí – không cộng / threshold or criterion, never added",
    "average": "số bình quân – không cộng / average, never added",
    "per_unit": "mức cho mỗi đơn vị – không cộng / amount per unit, never added",
    "of_plan": "tỷ lệ % so với kế hoạch – không phải số tiền / percent of plan",
    "repeated": "đoạn văn lặp lại / repeated paragraph",
    "restated": "nhắc lại số đã tính / restates a figure counted once",
    "in_total": "đã gồm trong tổng của câu / contained in its sentence's total",
    "part": "là phần của một tổng / part of a stated total",
}
FACT_KEY = ["document_id", "indicator_code", "kind", "unit", "per", "line_modality", "value_text"]


def mark_not_counted(frame: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """Say for each figure whether it enters a sum, why not when it does not, and which figure it restates."""
    if frame.empty:
        return frame.assign(same_as=[])
    frame["same_as"] = ""

    def exclude(mask: pd.Series, reason: str) -> None:
        mask = mask & frame["counted"]
        frame.loc[mask, "counted"] = False
        frame.loc[mask, "why_not_counted"] = REASONS[reason]

    summed = pd.Series(
        [
            _combine(indicators, c, k) == "sum"
            for c, k in zip(frame["indicator_code"], frame["kind"], strict=True)
        ],
        index=frame.index,
    )
    exclude(frame["review_status"] == "rejected", "rejected")
    exclude(frame["role"] == "excluded", "excluded")
    exclude(frame["role"] == "of_plan", "of_plan")
    exclude(frame["role"] == "threshold", "threshold")
    exclude(frame["indicator_code"] == "", "unmapped")
    exclude((frame["role"] == "average") & summed, "average")
    exclude((frame["role"] == "per_unit") & summed, "per_unit")
    frame["value_text"] = frame["value"].map(lambda v: decimal_text(Decimal(v)))
    repeat_key = ["document_id", "indicator_code", "kind", "value_text", "unit", "per", "subject", "sentence"]
    exclude(frame.duplicated(repeat_key, keep="first"), "repeated")
    _mark_restated(frame, exclude)
    _mark_contained_in_sentence_total(frame, exclude)
    kept = frame[frame["counted"]].set_index("figure_id")["indicator_code"]
    total_code = frame["part_of"].map(kept.to_dict()).astype(object)  # object: "no total" may be NaN
    part_of_kept_total = total_code.fillna("") == frame["indicator_code"]
    exclude(part_of_kept_total & frame["part_of"].notna(), "part")
    return frame.drop(columns="value_text")


def _combine(indicators: dict[str, Indicator], code: str, kind: str) -> str:
    indicator = indicators.get(code)
    if indicator is None:
        return "sum" if kind in ADDITIVE_KINDS else "none"
    return indicator.combine_for(kind)


def _mark_restated(frame: pd.DataFrame, exclude: Any) -> None:
    """The same value on the same line twice in one document is one fact, unless subjects differ."""
    counted = frame[frame["counted"] & frame["kind"].isin(ADDITIVE_KINDS) & frame["part_of"].isna()]
    counted = counted[counted.duplicated(FACT_KEY, keep=False)]  # only a fact stated twice can be restated
    restated = pd.Series(False, index=frame.index)
    for _key, group in counted.groupby(FACT_KEY, sort=False):
        if len(group) < 2:
            continue
        rows = group.sort_values("seq")
        first = rows.iloc[0]
        for index, row in rows.iloc[1:].iterrows():
            subjects = {place(first), place(row)} - {""}
            if len(subjects) <= 1 and not _parts_of_one_list(frame, first, row):
                restated[index] = True
                frame.at[index, "same_as"] = first["figure_id"]
    exclude(restated, "restated")


def place(figure: pd.Series) -> str:
    """The place a figure speaks of; a table cell's subject is its column header, not a place."""
    subject = figure["subject"] if isinstance(figure["subject"], str) else ""
    return "" if str(figure["rule"]).startswith("table.") else subject


def _parts_of_one_list(frame: pd.DataFrame, first: pd.Series, row: pd.Series) -> bool:
    """Two equal values in one sentence are two facts ("xã A 5 nhà, xã B 5 nhà"), not a restatement."""
    return bool(first["sentence"]) and first["sentence"] == row["sentence"]


def _mark_contained_in_sentence_total(frame: pd.DataFrame, exclude: Any) -> None:
    """ "50 triệu tiền mặt và hàng hóa, tổng trị giá tương đương 120 triệu": the total stands alone.

    Only amounts of the same clause run count as contained: a full stop or ";" between them and
    the total means another fact ("… trích 235 triệu. Xã Eapô nộp 45 triệu. … tổng 458 triệu").
    """
    totals = frame[frame["counted"] & (frame["role"] == "total")]
    inside = pd.Series(False, index=frame.index)
    pool = frame[frame["counted"] & (frame["role"] != "total")]
    # a total's candidates share its document and sentence: look them up, never scan every figure
    by_sentence = pool.groupby(["document_id", "sentence"], sort=False).indices if not totals.empty else {}
    for _index, total in totals.iterrows():
        rows = by_sentence.get((total["document_id"], total["sentence"]))
        if rows is None:
            continue
        candidates = pool.iloc[rows]
        same = candidates[
            (candidates["indicator_code"] == total["indicator_code"])
            & (candidates["kind"] == total["kind"])
            & (candidates["unit"] == total["unit"])
            & (candidates["seq"] < total["seq"])
        ]
        for index, part in same.iterrows():
            inside[index] = same_clause_run(total["sentence"], part["quote"], total["quote"])
    exclude(inside, "in_total")


def same_clause_run(sentence: str, first: str, second: str) -> bool:
    """`first` then `second` in `sentence` with no full stop or ";" between them."""
    start = sentence.find(first)
    end = sentence.find(second, start + len(first)) if start >= 0 else -1
    if end < 0:
        return False
    between = sentence[start + len(first) : end]
    return not re.search(r"[.;!?](\s|$)", between)


def parts_claim_completeness(total: dict[str, Any]) -> bool:
    """ "gồm: …" lists every part, so they must add up; "trong đó …" names a subset."""
    cues = role_cues()
    sentence = fold(total["sentence"] if isinstance(total.get("sentence"), str) else "")
    quote = fold(total["quote"] if isinstance(total.get("quote"), str) else "")
    after = sentence.split(quote, 1)[1] if quote and quote in sentence else sentence
    head = " ".join(after.replace(":", " ").split()[:6])
    return has_cue(head, cues.complete_parts) and not has_cue(head, cues.subset_parts)
