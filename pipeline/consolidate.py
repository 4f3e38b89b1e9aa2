"""Consolidation (pandas): one trustworthy number per indicator × reporting unit × period.

Rules, in the order they apply:
1. figures an officer rejected are dropped; unmapped figures stay in figures.csv only;
2. a paragraph a report repeats counts once (same document, indicator, value, unit, subject, sentence);
3. a part never adds to its own total: a figure whose `part_of` total is kept under the same
   indicator is left out of the sum (the total stands for it); with no total, the parts count;
4. actuals, targets, estimates and changes are separate lines; figures of a programme period
   ("Phần thứ hai … năm 2021" in a programme) are targets even when the verb reads as done;
5. within one document additive kinds (money, count, quantity) are summed; percents, ratios and
   rates are not: the first is kept and the others are named in the note;
6. two documents of the same unit and period that disagree are a conflict: the most recently
   loaded document's number is used and both are listed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.figure import decimal_text
from pipeline.normalise import load_catalogue
from pipeline.normalise.catalogue import fold
from pipeline.store.api import Store

UNITS_PATH = Path(__file__).with_name("normalise") / "units.yaml"
ADDITIVE_KINDS = ("money", "count", "quantity")
NO_UNIT = "(không rõ đơn vị)"  # a document whose issuer was not detected
NO_PERIOD = "(không rõ kỳ báo cáo)"
LINE_KEYS = ["period", "reporting_unit", "level", "indicator_code", "kind", "unit", "per", "modality"]


@dataclass(slots=True)
class Consolidation:
    """Everything the exports and the run summary show; each frame is long form, one fact a row."""

    figures: pd.DataFrame  # every figure with `counted` and `why_not_counted`
    consolidated: pd.DataFrame  # LINE_KEYS + value, figures, documents, unreviewed, note
    totals: pd.DataFrame  # sums across reporting units of the same level
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    targets_vs_actuals: pd.DataFrame = field(default_factory=pd.DataFrame)
    not_reported: list[dict[str, Any]] = field(default_factory=list)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakdowns: pd.DataFrame = field(default_factory=pd.DataFrame)  # totals beside their parts
    review_info: bool = False  # some figure has been reviewed: unreviewed numbers get marked


def decimal_sum(values: pd.Series) -> Decimal:
    """Exact sum of Decimal values (pandas would go through float)."""
    return sum((Decimal(v) for v in values), Decimal(0))


def reporting_unit(row: pd.Series) -> str:
    """The document's issuer; an unknown issuer stays apart per document, never merged with others."""
    return row["issuer"] or f"{NO_UNIT} {row['doc']}"


def figures_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The store's figure dicts as a frame with the consolidation keys filled in."""
    columns = [
        "figure_id",
        "document_id",
        "doc",
        "issuer",
        "level",
        "period",
        "period_role",
        "indicator_code",
        "indicator_score",
        "kind",
        "value",
        "denominator",
        "unit",
        "per",
        "approx",
        "modality",
        "indicator",
        "subject",
        "section",
        "sentence",
        "quote",
        "part_of",
        "review_status",
        "rule",
        "confidence",
        "seq",
        "char_start",
        "char_end",
        "page",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    if frame.empty:
        return frame.assign(reporting_unit=[], line_modality=[], counted=[], why_not_counted=[])
    frame["reporting_unit"] = frame.apply(reporting_unit, axis=1)
    frame["period"] = frame["period"].replace("", NO_PERIOD)
    frame["unit"] = frame["unit"].fillna("").map(lambda u: u if u.isupper() else fold(u))
    frame["line_modality"] = frame["modality"].where(
        ~((frame["period_role"] == "programme") & (frame["modality"] == "actual")), "target"
    )
    frame["counted"] = True
    frame["why_not_counted"] = ""
    return frame


def mark_not_counted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rules 1–3: say for each figure whether it enters a sum, and why not when it does not."""
    if frame.empty:
        return frame

    def exclude(mask: pd.Series, reason: str) -> None:
        mask = mask & frame["counted"]
        frame.loc[mask, "counted"] = False
        frame.loc[mask, "why_not_counted"] = reason

    exclude(frame["review_status"] == "rejected", "cán bộ đã loại / rejected in review")
    exclude(frame["indicator_code"] == "", "chưa phân loại chỉ tiêu / no indicator")
    repeat_key = ["document_id", "indicator_code", "kind", "value_text", "unit", "per", "subject", "sentence"]
    frame["value_text"] = frame["value"].map(lambda v: decimal_text(Decimal(v)))
    exclude(frame.duplicated(repeat_key, keep="first"), "đoạn văn lặp lại / repeated paragraph")
    kept = frame[frame["counted"]].set_index("figure_id")["indicator_code"]
    part_of_kept_total = frame["part_of"].map(kept.to_dict()).fillna("") == frame["indicator_code"]
    exclude(part_of_kept_total & frame["part_of"].notna(), "là phần của một tổng / part of a stated total")
    return frame.drop(columns="value_text")


def per_document(counted: pd.DataFrame) -> pd.DataFrame:
    """Rule 5: one number per line and document."""
    rows = []
    for keys, group in counted.groupby([*LINE_KEYS, "document_id"], sort=False, dropna=False):
        group = group.sort_values("seq")
        additive = keys[LINE_KEYS.index("kind")] in ADDITIVE_KINDS
        value = decimal_sum(group["value"]) if additive else Decimal(group["value"].iloc[0])
        note = ""
        if keys[LINE_KEYS.index("kind")] == "ratio":  # the value is the numerator: say of how many
            pairs = zip(group["value"], group["denominator"], strict=True)
            shown = [
                f"{decimal_text(Decimal(v))}/{decimal_text(d) if isinstance(d, Decimal) else '?'}"
                for v, d in pairs
            ]
            note = "tỷ số / ratio: " + "; ".join(shown)
        elif not additive and group["value"].nunique() > 1:
            note = "nhiều giá trị / several values: " + "; ".join(
                decimal_text(Decimal(v)) for v in group["value"]
            )
        rows.append(
            {
                **dict(zip([*LINE_KEYS, "document_id"], keys, strict=True)),
                "value": value,
                "doc": group["doc"].iloc[0],
                "figures": len(group),
                "unreviewed": int((group["review_status"] == "unreviewed").sum()),
                "figure_ids": " ".join(group["figure_id"]),
                "note": note,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[*LINE_KEYS, "document_id", "value", "doc", "figures", "unreviewed", "figure_ids", "note"],
    )


def across_documents(by_document: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Rule 6: documents that agree give one number; documents that disagree give a conflict."""
    lines, conflicts = [], []
    for keys, group in by_document.groupby(LINE_KEYS, sort=True, dropna=False):
        group = group.sort_values("document_id")
        latest = group.iloc[-1]
        line = dict(zip(LINE_KEYS, keys, strict=True))
        if group["value"].map(decimal_text).nunique() > 1:
            conflicts.append(
                {
                    **line,
                    "type": "documents_disagree",
                    "detail": "; ".join(f"{r.doc}: {decimal_text(r.value)}" for r in group.itertuples()),
                    "used": decimal_text(latest["value"]),
                }
            )
        lines.append(
            {
                **line,
                "value": latest["value"],
                "figures": int(latest["figures"]),
                "unreviewed": int(latest["unreviewed"]),
                "documents": "; ".join(dict.fromkeys(group["doc"])),
                "figure_ids": latest["figure_ids"],
                "note": latest["note"],
            }
        )
    columns = [*LINE_KEYS, "value", "figures", "unreviewed", "documents", "figure_ids", "note"]
    return pd.DataFrame(lines, columns=columns), conflicts


def total_vs_parts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A stated total that differs from the sum of its parts (same indicator, kind and unit)."""
    conflicts = []
    usable = frame[frame["review_status"] != "rejected"]
    by_id = usable.set_index("figure_id")
    for total_id, parts in usable[usable["part_of"].notna()].groupby("part_of"):
        if total_id not in by_id.index:
            continue
        total = by_id.loc[total_id]
        same = parts[(parts["kind"] == total["kind"]) & (parts["unit"] == total["unit"])]
        if same.empty or total["kind"] not in ADDITIVE_KINDS:
            continue
        parts_sum, stated = decimal_sum(same["value"]), Decimal(total["value"])
        # one part below its total is a subset ("trong đó 45.370 nhân khẩu là đồng bào DTTS"), not a slip
        if parts_sum > stated or (len(same) > 1 and parts_sum != stated):
            conflicts.append(
                {
                    **{k: total[k] for k in LINE_KEYS if k in total and k != "modality"},
                    "modality": total["line_modality"],
                    "type": "total_differs_from_parts",
                    "detail": f"{total['doc']}: tổng {decimal_text(stated)} ≠ "
                    f"cộng {len(same)} phần {decimal_text(parts_sum)} — «{total['quote']}»",
                    "used": decimal_text(stated),
                }
            )
    return conflicts


def breakdowns(frame: pd.DataFrame) -> pd.DataFrame:
    """Each stated total next to its parts (communes, member organisations) and their sum."""
    columns = [
        "period",
        "reporting_unit",
        "indicator_code",
        "total_quote",
        "total",
        "subject",
        "part",
        "parts_sum",
        "matches",
        "doc",
        "figure_id",
    ]
    usable = frame[frame["review_status"] != "rejected"] if not frame.empty else frame
    if usable.empty or usable["part_of"].isna().all():
        return pd.DataFrame(columns=columns)
    by_id = usable.set_index("figure_id")
    rows = []
    for total_id, parts in usable[usable["part_of"].notna()].groupby("part_of", sort=False):
        if total_id not in by_id.index:
            continue
        total = by_id.loc[total_id]
        parts = parts.sort_values("seq")
        parts_sum = decimal_sum(parts["value"])
        for part in parts.itertuples():
            rows.append(
                {
                    "period": total["period"],
                    "reporting_unit": total["reporting_unit"],
                    "indicator_code": total["indicator_code"],
                    "total_quote": total["quote"],
                    "total": Decimal(total["value"]),
                    "subject": part.subject or part.indicator,
                    "part": Decimal(part.value),
                    "parts_sum": parts_sum,
                    "matches": parts_sum == Decimal(total["value"]),
                    "doc": total["doc"],
                    "figure_id": part.figure_id,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def totals_across_units(lines: pd.DataFrame) -> pd.DataFrame:
    """Sums over reporting units of the same level (a district's total never adds its communes')."""
    additive = lines[lines["kind"].isin(ADDITIVE_KINDS)]
    keys = ["period", "level", "indicator_code", "kind", "unit", "per", "modality"]
    if additive.empty:
        return pd.DataFrame(columns=[*keys, "value", "units"])
    grouped = additive.groupby(keys, sort=True, dropna=False)
    return grouped.agg(value=("value", decimal_sum), units=("reporting_unit", "nunique")).reset_index()


def targets_vs_actuals(lines: pd.DataFrame) -> pd.DataFrame:
    """Where a programme set a target and a report for the same period states the result."""
    keys = ["period", "reporting_unit", "indicator_code", "kind", "unit", "per"]
    targets = lines[lines["modality"] == "target"][[*keys, "value"]].rename(columns={"value": "target"})
    actuals = lines[lines["modality"] == "actual"][[*keys, "value"]].rename(columns={"value": "actual"})
    both = targets.merge(actuals, on=keys, how="inner")
    if both.empty:
        return pd.DataFrame(columns=[*keys, "target", "actual", "achieved_percent"])

    def achieved(row: pd.Series) -> Decimal | None:
        if row["kind"] not in ADDITIVE_KINDS or Decimal(row["target"]) == 0:
            return None
        return (Decimal(row["actual"]) * 100 / Decimal(row["target"])).quantize(Decimal("0.1"))

    both["achieved_percent"] = both.apply(achieved, axis=1)
    return both


def load_expected_units(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The officer's list of units that should report (units.yaml)."""
    with open(path or UNITS_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return list(data.get("expected_units") or [])


def unit_names(unit: dict[str, Any]) -> set[str]:
    return {fold(unicodedata.normalize("NFC", n)) for n in [unit["name"], *(unit.get("aliases") or [])]}


def missing_reports(documents: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each reported results period, the expected units with no loaded document for it."""
    loaded = [d for d in documents if d["status"] == "loaded"]
    periods: dict[str, set[str]] = {}
    for document in loaded:
        for period in (document.get("metadata") or {}).get("periods", []):
            if period.get("role", "results") == "results":
                periods.setdefault(period["period"], set()).add(fold(document["issuer"]))
    missing = []
    for period, issuers in sorted(periods.items()):
        for unit in expected:
            if not unit_names(unit) & issuers:
                missing.append({"period": period, "unit": unit["name"], "level": unit.get("level", "")})
    return missing


def sources_frame(documents: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per submitted file: what it is, its state and how many figures it gave."""
    rows = [
        {
            "document_id": d["id"],
            "path": d["path"],
            "format": d["format"],
            "status": d["status"],
            "issuer": d["issuer"],
            "level": d["level"],
            "period": d["period"],
            "doc_type": d["doc_type"],
            "figures": d["figures"],
            "unreviewed": d["review_counts"]["unreviewed"],
            "error_code": d["error_code"],
            "error": d["error"],
            "superseded_by": d["superseded_by"],
            "sha256": d["sha256"],
        }
        for d in documents
    ]
    return pd.DataFrame(rows)


def consolidate_records(
    figures: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    expected_units: list[dict[str, Any]] | None = None,
) -> Consolidation:
    """Consolidate figure and document dicts as the store returns them (pure: no store needed)."""
    frame = mark_not_counted(figures_frame(figures))
    counted = frame.loc[frame["counted"].astype(bool)].copy()
    counted["modality"] = counted["line_modality"]
    by_document = per_document(counted)
    lines, conflicts = across_documents(by_document)
    conflicts += total_vs_parts(frame) if not frame.empty else []
    catalogue = load_catalogue().by_code()
    lines.insert(
        4, "indicator_name", lines["indicator_code"].map(lambda c: catalogue[c].name if c in catalogue else c)
    )
    return Consolidation(
        figures=frame,
        consolidated=lines,
        totals=totals_across_units(lines),
        conflicts=conflicts,
        targets_vs_actuals=targets_vs_actuals(lines),
        not_reported=missing_reports(
            documents, load_expected_units() if expected_units is None else expected_units
        ),
        sources=sources_frame(documents),
        breakdowns=breakdowns(frame),
        review_info=bool((frame["review_status"] != "unreviewed").any()) if not frame.empty else False,
    )


def consolidate(store: Store, *, reviewed_only: bool = False) -> Consolidation:
    """Consolidate what the store holds now (current documents only; superseded ones stay out)."""
    return consolidate_records(store.figures(reviewed_only=reviewed_only), store.documents())
