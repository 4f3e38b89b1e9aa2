"""The extractor against the hand-checked gold: the reference scorer's numbers must clear the bar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import scorer_path, write_predictions

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "gold"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict:
    gold_names = {p.name[: -len(".jsonl")] for p in GOLD.glob("*.jsonl")}
    samples = sorted(p for p in SAMPLES.glob("*.txt") if p.name in gold_names)
    assert len(samples) == 5
    pred = write_predictions(samples, tmp_path_factory.mktemp("eval"))
    out = subprocess.run(
        [sys.executable, str(scorer_path()), "--gold", str(GOLD), "--pred", str(pred), "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def test_detection_precision_and_recall(summary: dict) -> None:
    assert summary["precision"] >= 0.97, summary
    assert summary["recall"] >= 0.97, summary


def test_strict_recall_all_five_attributes(summary: dict) -> None:
    assert summary["strict_recall"] >= 0.90, summary


def test_every_gold_figure_is_scored(summary: dict) -> None:
    assert summary["gold_required"] == sum(
        1 for p in GOLD.glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line).get("required", True)
    )
