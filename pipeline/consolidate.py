"""Consolidation (pandas): one trustworthy number per indicator × reporting unit × period.

Rules, in the order they apply:
1. which figures may enter a sum is `pipeline.counting`: rejected, "not to be consolidated",
   unclassified, thresholds, averages and per-unit amounts on sum lines, repeated paragraphs,
   restated facts, amounts a sentence's total contains, parts of a stated total stay out, each
   with its reason (and `same_as` naming the figure a restatement repeats);
2. actuals, targets, estimates and changes are separate lines; figures of a programme period
   ("Phần thứ hai … năm 2021" in a programme) are targets even when the verb reads as done;
3. within one document a line combines as its indicator says (`pipeline.combine`): `sum` for
   money and counts, never for percents, ratios, rates or averages (`none`: the first is kept and
   the others are named), `latest` or `max`; approx is kept ("> 1.500", "10–15");
4. two documents of the same unit and period that disagree are a conflict: the most recently
   loaded document's number is used and both are listed;
5. totals across units add only lines whose indicator combines by `sum`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from pipeline.combine import combine_values, decimal_or_none, shown_value
from pipeline.counting import mark_not_counted, parts_claim_completeness
from pipeline.expected import missing_reports
from pipeline.figure import decimal_text
from pipeline.line_keys import (
    ADDITIVE_KINDS,
    DOCUMENT_LINE_COLUMNS,
    LINE_KEYS,
    NO_PERIOD,
    NO_UNIT,
    VALUE_COLUMNS,
    decimal_sum,
)
from pipeline.normalise import load_catalogue
from pipeline.normalise.catalogue import Catalogue, Indicator, fold, store_catalogue
from pipeline.reporting_unit import parent_name
from pipeline.store.api import Store
from pipeline.successors import lines_as_of


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
    # read from the store's cells (pipeline.cells): `figures` stays empty, the unmapped ones are here
    unclassified: pd.DataFrame | None = None


def row_groups(frame: pd.DataFrame, keys: str | list[str], *, sort: bool) -> list[tuple[Any, list[int]]]:
    """Each group's key and its rows' positions, in the order `frame.groupby(keys)` gives them.

    pandas still decides what a group is (missing keys, key order), but the callers then work on
    plain lists: slicing a DataFrame per group cost more than everything else together.
    """
    grouped = frame.groupby(keys, sort=sort, dropna=False)
    positions: list[list[int]] = [[] for _ in range(grouped.ngroups)]
    for position, group in enumerate(grouped.ngroup().tolist()):
        positions[group].append(position)
    return list(zip(grouped.size().index, positions, strict=True))


def reporting_unit(row: pd.Series | Mapping[str, Any]) -> str:
    """The reporting unit's official name when its code is known, else the issuer as written; an
    unknown issuer stays apart per document, never merged with others."""
    return row.get("unit_name") or row["issuer"] or f"{NO_UNIT} {row['doc']}"


def distinct_unit_names(frame: pd.DataFrame) -> pd.Series:
    """Reporting-unit names made unique: two units of the same name (33 communes have a "Phường 1")
    get their parent unit after the name, so their columns never merge."""
    names = frame["reporting_unit"]
    codes = frame["unit_code"].astype(object).fillna("")
    clash = frame.assign(code=codes).groupby("reporting_unit")["code"].nunique()
    clashing = set(clash[clash > 1].index)
    if not clashing:
        return names
    return pd.Series(
        [
            f"{name} ({parent_name(code)})" if name in clashing and code else name
            for name, code in zip(names, codes, strict=True)
        ],
        index=frame.index,
    )


FRAME_COLUMNS = (  # what a consolidation reads of each figure (and its document: doc, issuer, unit…)
        "figure_id",
        "document_id",
        "doc",
        "issuer",
        "unit_code",
        "unit_name",
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
        "upper",
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
        "role",
)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame.to_dict("records")` built from each column's plain list: the same dicts, without
    pandas boxing every value on its own (that cost more than the rules that use the rows)."""
    columns = list(frame.columns)
    if not columns:
        return frame.to_dict("records")
    lists = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    return [dict(zip(columns, values, strict=True)) for values in zip(*lists, strict=True)]


def figures_frame(records: list[dict[str, Any]], *, distinct_names: bool = True) -> pd.DataFrame:
    """The store's figure dicts as a frame with the consolidation keys filled in (`distinct_names`:
    two units of one name told apart by their parent; the stored cells settle that when read)."""
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    frame["role"] = frame["role"].astype(object).where(frame["role"].notna(), "")
    if frame.empty:
        return frame.assign(reporting_unit=[], line_modality=[], counted=[], why_not_counted=[])
    frame["reporting_unit"] = [
        reporting_unit(row) for row in frame_records(frame[["issuer", "unit_name", "doc"]])
    ]
    if distinct_names:
        frame["reporting_unit"] = distinct_unit_names(frame)
    frame["period"] = frame["period"].replace("", NO_PERIOD)
    frame["unit"] = frame["unit"].fillna("").map(lambda u: u if u.isupper() else fold(u))
    frame["line_modality"] = frame["modality"].where(
        ~((frame["period_role"] == "programme") & (frame["modality"] == "actual")), "target"
    )
    frame["counted"] = True
    frame["why_not_counted"] = ""
    return frame


def per_document(counted: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """One number per line and document, combined as the line's indicator says."""
    value, denominator, seq, doc, review_status, figure_id, approx, upper = (
        counted[column].tolist()
        for column in ("value", "denominator", "seq", "doc", "review_status", "figure_id", "approx", "upper")
    )
    rows = []
    for keys, group in row_groups(counted, [*LINE_KEYS, "document_id"], sort=False):
        group.sort(key=seq.__getitem__)  # one document: its figures' seq never repeat
        line = dict(zip([*LINE_KEYS, "document_id"], keys, strict=True))
        kind, code = line["kind"], line["indicator_code"]
        combine = indicators[code].combine_for(kind) if code in indicators else (
            "sum" if kind in ADDITIVE_KINDS else "none"
        )
        combined, line_approx, line_upper, note = combine_values(
            combine,
            [Decimal(value[p]) for p in group],
            [approx[p] or "exact" for p in group],
            [decimal_or_none(upper[p]) for p in group],
        )
        if kind == "ratio":  # the value is the numerator: say of how many
            pairs = zip((value[p] for p in group), (denominator[p] for p in group), strict=True)
            shown = [
                f"{decimal_text(Decimal(v))}/{decimal_text(d) if isinstance(d, Decimal) else '?'}"
                for v, d in pairs
            ]
            note = "tỷ số / ratio: " + "; ".join(shown)
        rows.append(
            {
                **line,
                "value": combined,
                "approx": line_approx,
                "upper": line_upper,
                "shown": shown_value(combined, line_approx, line_upper),
                "combine": combine,
                "doc": doc[group[0]],
                "figures": len(group),
                "unreviewed": sum(review_status[p] == "unreviewed" for p in group),
                "figure_ids": " ".join(figure_id[p] for p in group),
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=[*LINE_KEYS, "document_id", *DOCUMENT_LINE_COLUMNS])


def across_documents(by_document: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Rule 6: documents that agree give one number; documents that disagree give a conflict."""
    document_id, value, doc, figures, unreviewed, figure_ids, note = (
        by_document[column].tolist()
        for column in ("document_id", "value", "doc", "figures", "unreviewed", "figure_ids", "note")
    )
    values = {column: by_document[column].tolist() for column in VALUE_COLUMNS}
    lines, conflicts = [], []
    for keys, group in row_groups(by_document, LINE_KEYS, sort=True):
        group.sort(key=document_id.__getitem__)  # a line has one row per document: no ties
        latest = group[-1]
        line = dict(zip(LINE_KEYS, keys, strict=True))
        if len({decimal_text(value[p]) for p in group}) > 1:
            conflicts.append(
                {
                    **line,
                    "type": "documents_disagree",
                    "detail": "; ".join(f"{doc[p]}: {decimal_text(value[p])}" for p in group),
                    "used": decimal_text(value[latest]),
                }
            )
        lines.append(
            {
                **line,
                **{column: values[column][latest] for column in VALUE_COLUMNS},
                "figures": int(figures[latest]),
                "unreviewed": int(unreviewed[latest]),
                "documents": "; ".join(dict.fromkeys(doc[p] for p in group)),
                "figure_ids": figure_ids[latest],
                "note": note[latest],
            }
        )
    columns = [*LINE_KEYS, *VALUE_COLUMNS, "figures", "unreviewed", "documents", "figure_ids", "note"]
    return pd.DataFrame(lines, columns=columns), conflicts


def stated_totals(
    frame: pd.DataFrame, *, sort: bool
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each figure not rejected that others name as their total, with those parts in frame order.

    Totals come in `groupby("part_of", sort=sort)` order; rows are plain dicts, one per figure.
    """
    usable = frame[frame["review_status"] != "rejected"]
    parts = usable[usable["part_of"].notna()]
    totals = usable[usable["figure_id"].isin(parts["part_of"])]
    by_id = {total["figure_id"]: total for total in frame_records(totals)}  # figure_id is unique
    part_rows = frame_records(parts)
    for total_id, group in row_groups(parts, "part_of", sort=sort):
        if total_id in by_id:
            yield by_id[total_id], [part_rows[p] for p in group]


def total_vs_parts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A stated total that differs from the sum of its parts (same indicator, kind and unit)."""
    return [conflict for _total, conflict in total_part_conflicts(frame)]


def total_part_conflicts(frame: pd.DataFrame) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """`total_vs_parts` with each conflict's total figure (pipeline.cells files it under its document)."""
    for total, parts in stated_totals(frame, sort=True):
        same = [part for part in parts if part["kind"] == total["kind"] and part["unit"] == total["unit"]]
        if not same or total["kind"] not in ADDITIVE_KINDS:
            continue
        parts_sum, stated = decimal_sum(part["value"] for part in same), Decimal(total["value"])
        # parts below their total are a subset ("trong đó …"), not a slip, unless they claim to be all ("gồm")
        if parts_sum > stated or (parts_claim_completeness(total) and parts_sum != stated):
            yield total, (
                {
                    **{k: total[k] for k in LINE_KEYS if k in total and k != "modality"},
                    "modality": total["line_modality"],
                    "type": "total_differs_from_parts",
                    "detail": f"{total['doc']}: tổng {decimal_text(stated)} ≠ "
                    f"cộng {len(same)} phần {decimal_text(parts_sum)} — «{total['quote']}»",
                    "used": decimal_text(stated),
                }
            )


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
    rows = []
    for total, parts in stated_totals(frame, sort=False):
        parts.sort(key=lambda part: part["seq"])  # parts share their total's document: no ties
        parts_sum = decimal_sum(part["value"] for part in parts)
        for part in parts:
            rows.append(
                {
                    "period": total["period"],
                    "reporting_unit": total["reporting_unit"],
                    "indicator_code": total["indicator_code"],
                    "total_quote": total["quote"],
                    "total": Decimal(total["value"]),
                    "subject": part["subject"] or part["indicator"],
                    "part": Decimal(part["value"]),
                    "parts_sum": parts_sum,
                    "matches": parts_sum == Decimal(total["value"]),
                    "doc": total["doc"],
                    "figure_id": part["figure_id"],
                }
            )
    return pd.DataFrame(rows, columns=columns)


def totals_across_units(lines: pd.DataFrame) -> pd.DataFrame:
    """Sums over reporting units of the same level (a district's total never adds its communes')."""
    additive = lines[lines["kind"].isin(ADDITIVE_KINDS) & (lines["combine"] == "sum")]
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
            "unit_code": d.get("unit_code", ""),
            "replace_note": d.get("replace_note", ""),
            "ambiguous_with": d.get("ambiguous_with"),
        }
        for d in documents
    ]
    return pd.DataFrame(rows)


def consolidate_records(
    figures: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    expected_units: list[dict[str, Any]] | None = None,
    catalogue: Catalogue | None = None,
) -> Consolidation:
    """Consolidate figure and document dicts as the store returns them (pure: no store needed)."""
    catalogue = (catalogue or load_catalogue()).by_code()
    frame = mark_not_counted(figures_frame(figures), catalogue)
    counted = frame.loc[frame["counted"].astype(bool)].copy()
    counted["modality"] = counted["line_modality"]
    by_document = per_document(counted, catalogue)
    lines, conflicts = across_documents(by_document)
    conflicts += total_vs_parts(frame) if not frame.empty else []
    lines.insert(
        4, "indicator_name", lines["indicator_code"].map(lambda c: catalogue[c].name if c in catalogue else c)
    )
    return Consolidation(
        figures=frame,
        consolidated=lines,
        totals=totals_across_units(lines),
        conflicts=conflicts,
        targets_vs_actuals=targets_vs_actuals(lines),
        not_reported=missing_reports(documents, expected_units or []),
        sources=sources_frame(documents),
        breakdowns=breakdowns(frame),
        review_info=bool((frame["review_status"] != "unreviewed").any()) if not frame.empty else False,
    )


def consolidate(store: Store, *, reviewed_only: bool = False, as_of: date | None = None) -> Consolidation:
    """Consolidate what the store holds now (current documents only; superseded ones stay out).
    `as_of` (e.g. 2025-07-01) shows every unit as the unit it had become by then (pipeline/successors.py)."""
    result = consolidate_records(
        store.figures(reviewed_only=reviewed_only),
        store.documents(),
        store.expected_units(),
        catalogue=store_catalogue(store),
    )
    if as_of is None:
        return result
    codes = (
        dict(zip(result.figures["reporting_unit"], result.figures["unit_code"].fillna(""), strict=True))
        if not result.figures.empty
        else {}
    )
    lines = lines_as_of(result.consolidated, codes, as_of)
    return replace(result, consolidated=lines, totals=totals_across_units(lines))
