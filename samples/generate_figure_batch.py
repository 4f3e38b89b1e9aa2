"""Write a batch of commune reports (.docx) with an answer key of the consolidated cells they must give.

Each report fills the sentences of figure_batch.yaml with its own numbers: a fund raised that is
repeated and restated in an appendix table (plan / actual / "Tỷ lệ %" columns, ĐVT "triệu đồng"),
poor beside near-poor households, houses built beside repaired with a per-house amount, an
average and an income threshold. key.json says, per report, which value each consolidated cell
(indicator × unit × modality, period "6 tháng đầu năm 2024") must hold, and which values would
only come from adding what must not be added. Deterministic for a given --random-seed.

    python samples/generate_figure_batch.py samples/batches/figures_7 --count 8 --random-seed 7
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import yaml
from docx import Document as WordDocument

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "figure_batch.yaml"
MILLION = 1_000_000


def vn(value: int) -> str:
    """1234567 → "1.234.567", the way reports write numbers."""
    return f"{value:,}".replace(",", ".")


def draw(rng: random.Random) -> dict[str, int]:
    """One commune's numbers; every pair that must not be added differs, so a wrong sum shows."""
    fund_plan_m = rng.randrange(100, 400, 10)
    fund_m = rng.randrange(fund_plan_m // 2, fund_plan_m, 5)
    gifts_plan = rng.randrange(120, 400, 10)
    gifts = rng.randrange(gifts_plan // 2, gifts_plan, 1)
    sessions_plan = rng.randint(15, 40)
    sessions = rng.randint(6, sessions_plan - 1)
    average = rng.randint(35, 90)
    poor = rng.randint(20, 90)
    near_poor = rng.choice([n for n in range(15, 95) if n != poor])
    built, repaired = rng.randint(2, 6), rng.randint(1, 5)
    per_house = rng.randrange(40, 70, 5) * MILLION
    house_money = built * per_house + repaired * rng.randrange(10, 25) * MILLION
    hardship = rng.randint(5, 25)
    relief_cash = rng.randrange(10, 40) * MILLION
    return {
        "fund_plan_m": fund_plan_m,
        "fund_m": fund_m,
        "fund": fund_m * MILLION,
        "fund_pct": round(fund_m * 100 / fund_plan_m),
        "gifts_plan": gifts_plan,
        "gifts": gifts,
        "gifts_pct": round(gifts * 100 / gifts_plan),
        "sessions_plan": sessions_plan,
        "sessions": sessions,
        "sessions_pct": round(sessions * 100 / sessions_plan),
        "average": average,
        "attendees": sessions * average,
        "poor": poor,
        "near_poor": near_poor,
        "built": built,
        "repaired": repaired,
        "per_house": per_house,
        "house_money": house_money,
        "hardship": hardship,
        "hardship_money": hardship * 2 * MILLION,
        "relief_cash": relief_cash,
        "relief_total": relief_cash + rng.randrange(5, 30) * MILLION,
    }


def answer_key(n: dict[str, int]) -> dict[str, Any]:
    """The cells an officer consolidates from one report, and the sums that must never appear."""
    cells = [
        ("QUY_VNN_VAN_DONG", "VND", "actual", n["fund"]),
        ("QUY_VNN_VAN_DONG", "VND", "target", n["fund_plan_m"] * MILLION),
        ("QUA_TET_SO_SUAT", "suất", "actual", n["gifts"]),
        ("QUA_TET_SO_SUAT", "suất", "target", n["gifts_plan"]),
        ("TUYEN_TRUYEN_BUOI", "buổi", "actual", n["sessions"]),
        ("TUYEN_TRUYEN_BUOI", "buổi", "target", n["sessions_plan"]),
        ("TUYEN_TRUYEN_NGUOI", "lượt người", "actual", n["attendees"]),
        ("NHA_DDK_XAY_MOI", "nhà", "actual", n["built"]),
        ("NHA_DDK_SUA_CHUA", "nhà", "actual", n["repaired"]),
        ("NHA_DDK_KINH_PHI", "VND", "actual", n["house_money"]),
        ("HO_NGHEO_SO_HO", "hộ", "actual", n["poor"]),
        ("HO_CAN_NGHEO_SO_HO", "hộ", "actual", n["near_poor"]),
        ("HO_TRO_KHO_KHAN_DOT_XUAT", "VND", "actual", n["hardship_money"]),
        ("DOI_TUONG_KHO_KHAN", "hộ", "actual", n["hardship"]),
        ("CUU_TRO_TIEN_HANG", "VND", "actual", n["relief_total"]),
    ]
    never = [  # (line it would show on, value, the addition that would make it)
        ("QUY_VNN_VAN_DONG", 2 * n["fund"], "quỹ lặp lại / repeated paragraph"),
        ("QUY_VNN_VAN_DONG", 3 * n["fund"], "quỹ văn xuôi + bảng / prose + table"),
        (
            "QUY_VNN_VAN_DONG",
            (n["fund_plan_m"] + n["fund_m"]) * MILLION,
            "kế hoạch + thực hiện / plan + actual",
        ),
        (
            "QUY_VNN_VAN_DONG",
            n["fund"] + n["fund_pct"] * MILLION,
            "tỷ lệ % đọc thành tiền / percent as money",
        ),
        ("HO_NGHEO_SO_HO", n["poor"] + n["near_poor"], "hộ nghèo + cận nghèo"),
        ("HO_CAN_NGHEO_SO_HO", n["poor"] + n["near_poor"], "hộ nghèo + cận nghèo"),
        ("NHA_DDK_XAY_MOI", n["built"] + n["repaired"], "xây mới + sửa chữa"),
        ("NHA_DDK_SUA_CHUA", n["built"] + n["repaired"], "xây mới + sửa chữa"),
        ("NHA_DDK_SO_NHA", n["built"] + n["repaired"], "xây mới + sửa chữa"),
        ("NHA_DDK_KINH_PHI", n["house_money"] + n["per_house"], "kinh phí + mức mỗi nhà / total + per-house"),
        ("HO_TRO_KHO_KHAN_DOT_XUAT", n["hardship_money"] + 1_500_000, "ngưỡng thu nhập / threshold added"),
        (
            "CUU_TRO_TIEN_HANG",
            n["relief_cash"] + n["relief_total"],
            "tiền mặt + tổng tương đương / cash + total",
        ),
        ("TUYEN_TRUYEN_BUOI", 2 * n["sessions"], "buổi văn xuôi + bảng / sessions prose + table"),
        ("TUYEN_TRUYEN_NGUOI", n["attendees"] + n["average"], "bình quân cộng vào / average added"),
        ("QUA_TET_SO_SUAT", n["gifts"] + n["gifts_plan"], "quà kế hoạch + thực hiện / plan + actual"),
    ]
    return {
        "cells": [{"indicator": c, "unit": u, "modality": m, "value": v} for c, u, m, v in cells],
        "never": [{"indicator": c, "value": v, "why": why} for c, v, why in never],
    }


def fill(text: str, fields: dict[str, Any]) -> str:
    return text.format(**{k: vn(v) if isinstance(v, int) and v >= 1000 else v for k, v in fields.items()})


def write_report(path: Path, templates: dict[str, Any], fields: dict[str, Any]) -> None:
    """One .docx report: header, paragraphs, then the appendix table."""
    document = WordDocument()
    for line in [*templates["header"], *templates["paragraphs"]]:
        document.add_paragraph(fill(line, fields))
    rows = [templates["table_header"], *templates["table_rows"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for cell, text in zip(table.rows[r].cells, row, strict=True):
            cell.text = fill(text, fields) if r else text
    document.add_paragraph("Nơi nhận: như trên.")
    document.save(str(path))


def generate(out: Path, count: int = 8, random_seed: int = 7) -> dict[str, Any]:
    """Write `count` reports and key.json into `out`; returns the key."""
    templates = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    rng = random.Random(random_seed)
    out.mkdir(parents=True, exist_ok=True)
    key: dict[str, Any] = {"period": "6 tháng đầu năm 2024", "reports": {}}
    for index in range(1, count + 1):
        name = f"Thử Nghiệm {index:02d}"
        numbers = draw(rng)
        fields = {**numbers, "upper_name": name.upper(), "number": f"{index:02d}"}
        file = f"bao_cao_xa_thu_nghiem_{index:02d}.docx"
        write_report(out / file, templates, fields)
        key["reports"][file] = answer_key(numbers)
    (out / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    return key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--random-seed", type=int, default=7)
    args = parser.parse_args()
    key = generate(args.out, args.count, args.random_seed)
    cells = sum(len(r["cells"]) for r in key["reports"].values())
    print(f"{len(key['reports'])} báo cáo, {cells} ô đáp án → {args.out}")


if __name__ == "__main__":
    main()
