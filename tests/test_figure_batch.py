"""A district batch with an answer key: every consolidated cell right, nothing added that must not be."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import REPO, ingest_into
from figure_batch_check import check_against_key, lines_by_report

from pipeline.store import open_store

sys.path.insert(0, str(REPO / "samples"))
from generate_figure_batch import generate


def test_the_batch_gives_the_answer_key_and_adds_nothing_it_must_not(tmp_path: Path):
    key = generate(tmp_path / "batch", count=12, random_seed=11)
    url = f"sqlite:///{tmp_path / 'batch.db'}"
    loaded = ingest_into(url, sorted((tmp_path / "batch").glob("*.docx")))
    assert [r.status for r in loaded] == ["loaded"] * 12
    store = open_store(url)
    try:
        result = check_against_key(lines_by_report(store), key)
    finally:
        store.close()
    assert len(result["right"]) + len(result["wrong"]) == 12 * 15
    assert result["share"] >= 0.97, result["wrong"][:10]
    assert result["forbidden"] == []


def test_a_wrong_consolidation_is_caught_by_the_check(tmp_path: Path):
    """The check itself can fail: plan added to actual and poor added to near-poor are flagged."""
    import pandas as pd

    key = generate(tmp_path / "batch", count=1, random_seed=3)
    ((report, answer),) = key["reports"].items()
    cells = {(c["indicator"], c["modality"]): c["value"] for c in answer["cells"]}
    wrong = pd.DataFrame(
        [
            {
                "indicator_code": "QUY_VNN_VAN_DONG",
                "modality": "actual",
                "unit": "VND",
                "value": cells["QUY_VNN_VAN_DONG", "actual"] + cells["QUY_VNN_VAN_DONG", "target"],
            },
            {
                "indicator_code": "HO_NGHEO_SO_HO",
                "modality": "actual",
                "unit": "hộ nghèo",
                "value": cells["HO_NGHEO_SO_HO", "actual"] + cells["HO_CAN_NGHEO_SO_HO", "actual"],
            },
        ]
    )
    result = check_against_key({report: wrong}, key)
    assert result["share"] == 0
    assert {why for *_, why in result["forbidden"]} == {
        "kế hoạch + thực hiện / plan + actual",
        "hộ nghèo + cận nghèo",
    }
