"""Compare a consolidation with the answer key of samples/generate_figure_batch.py (used by its test)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any

import pandas as pd


def lines_by_report(store: Any) -> dict[str, pd.DataFrame]:
    """Each loaded report consolidated on its own: the cells it gives, whoever the store says sent it."""
    from pipeline.consolidate import consolidate_records

    figures = store.figures()
    result = {}
    for document in store.documents():
        if document["status"] == "loaded":
            mine = [f for f in figures if f["document_id"] == document["id"]]
            result[PurePath(document["path"]).name] = consolidate_records(mine, [document], []).consolidated
    return result


def check_against_key(by_report: dict[str, pd.DataFrame], key: dict[str, Any]) -> dict[str, Any]:
    """Right and wrong key cells, and any line whose value is a sum that must never be made."""
    right, wrong, forbidden = [], [], []
    for report, answer in key["reports"].items():
        mine = by_report.get(report, pd.DataFrame(columns=["indicator_code", "modality", "unit", "value"]))
        for cell in answer["cells"]:
            found = mine[
                (mine["indicator_code"] == cell["indicator"])
                & (mine["modality"] == cell["modality"])
                & mine["unit"].str.startswith(cell["unit"])
            ]
            values = [Decimal(v) for v in found["value"]]
            ok = values == [Decimal(cell["value"])]
            (right if ok else wrong).append(
                (report, cell["indicator"], cell["modality"], cell["value"], values)
            )
        never = {(n["indicator"], Decimal(n["value"])): n["why"] for n in answer["never"]}
        expected = {(c["indicator"], c["modality"], Decimal(c["value"])) for c in answer["cells"]}
        for line in mine.to_dict("records"):
            value = Decimal(line["value"])
            why = never.get((line["indicator_code"], value))
            if why and (line["indicator_code"], line["modality"], value) not in expected:  # a key cell may
                # equal a forbidden sum by chance (a plan twice the actual): only a wrong cell is a wrong sum
                forbidden.append((report, line["indicator_code"], line["value"], why))
    return {
        "right": right,
        "wrong": wrong,
        "forbidden": forbidden,
        "share": len(right) / max(1, len(right) + len(wrong)),
    }
