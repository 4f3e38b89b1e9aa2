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
    mask = (frame["counted"] & frame["kind"].isin(ADDITIVE_KINDS) & frame["part_of"].isna()).to_numpy()
    candidates = [int(p) for p in mask.nonzero()[0]]
    twice = frame.iloc[candidates].duplicated(FACT_KEY, keep=False).tolist()
    positions = [p for p, stated_twice in zip(candidates, twice, strict=True) if stated_twice]  # only those
    restated = [False] * len(frame)
    same_as = frame["same_as"].tolist()
    if positions:
        # plain rows, grouped in a dict: a pandas selection per fact cost more than the rest
        chosen = frame.iloc[positions][[*FACT_KEY, "seq", "subject", "rule", "sentence", "figure_id"]]
        groups: dict[tuple[Any, ...], list[tuple[int, dict[str, Any]]]] = {}
        for position, row in zip(positions, chosen.to_dict("records"), strict=True):
            key = tuple(row[k] for k in FACT_KEY)
            if all(_known(k) for k in key):  # as groupby drops a missing key
                groups.setdefault(key, []).append((position, row))
        for group in groups.values():
            if len(group) < 2:
                continue
            group.sort(key=lambda entry: entry[1]["seq"])  # one document: seq never repeats
            first = group[0][1]
            for position, row in group[1:]:
                subjects = {place(first), place(row)} - {""}
                if len(subjects) <= 1 and not _parts_of_one_list(frame, first, row):
                    restated[position] = True
                    same_as[position] = first["figure_id"]
    frame["same_as"] = same_as
    exclude(pd.Series(restated, index=frame.index), "restated")


def place(figure: pd.Series | dict[str, Any]) -> str:
    """The place a figure speaks of; a table cell's subject is its column header, not a place."""
    subject = figure["subject"] if isinstance(figure["subject"], str) else ""
    return "" if str(figure["rule"]).startswith("table.") else subject


def _parts_of_one_list(frame: pd.DataFrame, first: dict[str, Any], row: dict[str, Any]) -> bool:
    """Two equal values in one sentence are two facts ("xã A 5 nhà, xã B 5 nhà"), not a restatement."""
    return bool(first["sentence"]) and first["sentence"] == row["sentence"]


def _mark_contained_in_sentence_total(frame: pd.DataFrame, exclude: Any) -> None:
    """ "50 triệu tiền mặt và hàng hóa, tổng trị giá tương đương 120 triệu": the total stands alone.

    Only amounts of the same clause run count as contained: a full stop or ";" between them and
    the total means another fact ("… trích 235 triệu. Xã Eapô nộp 45 triệu. … tổng 458 triệu").
    """
    counted, role = frame["counted"].tolist(), frame["role"].tolist()
    columns = ("document_id", "sentence", "indicator_code", "kind", "unit", "seq", "quote")
    document, sentence, code, kind, unit, seq, quote = (frame[c].tolist() for c in columns)
    inside = [False] * len(frame)
    # a total's candidates share its document and sentence: look them up, never scan every figure
    # (plain lists: a pandas selection per total cost more than the rest of the consolidation)
    by_sentence: dict[tuple[Any, str], list[int]] = {}
    totals = [i for i in range(len(frame)) if counted[i] and role[i] == "total"]
    for i in range(len(frame)) if totals else ():
        if counted[i] and role[i] != "total" and _known(document[i]) and _known(sentence[i]):
            by_sentence.setdefault((document[i], sentence[i]), []).append(i)
    for t in totals:
        for i in by_sentence.get((document[t], sentence[t]), ()):
            if _equal(code[i], code[t]) and _equal(kind[i], kind[t]) and _equal(unit[i], unit[t]) \
                    and seq[i] < seq[t]:
                inside[i] = same_clause_run(sentence[t], quote[i], quote[t])
    exclude(pd.Series(inside, index=frame.index), "in_total")


def _known(value: Any) -> bool:
    """A key pandas would group by: not None, not NaN."""
    return value is not None and value == value


def _equal(a: Any, b: Any) -> bool:
    """Equal as pandas compares a column with a value: a missing value equals nothing."""
    return _known(a) and _known(b) and a == b


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
