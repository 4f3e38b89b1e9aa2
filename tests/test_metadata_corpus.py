"""One test over each metadata corpus (pipeline/data/corpus/): period phrases and document headers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from pipeline.metadata import detect_metadata
from pipeline.periods import first_period, own_period
from pipeline.readers.txt import read_txt

CORPUS = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "corpus"
PERIODS = yaml.safe_load((CORPUS / "periods.yaml").read_text(encoding="utf-8"))
FIGURE_PERIODS = yaml.safe_load((CORPUS / "figure_periods.yaml").read_text(encoding="utf-8"))
HEADERS = yaml.safe_load((CORPUS / "headers.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", PERIODS, ids=[e["text"] for e in PERIODS])
def test_period_example(example: dict) -> None:
    value = first_period(example["text"], example.get("year"))
    if example["period"] is None:
        assert value is None, value
    else:
        assert value is not None
        assert (value.label, str(value.start), str(value.end)) == (
            example["period"], str(example["start"]), str(example["end"])
        )


@pytest.mark.parametrize("example", FIGURE_PERIODS, ids=[e["before"] for e in FIGURE_PERIODS])
def test_figure_period_example(example: dict) -> None:
    document = first_period(example["document"])
    value = own_period(example["before"], document, document.start.year if document else None)
    found = None if value is None or (document and value.key == document.key) else value.label
    assert found == example["period"]


@pytest.mark.parametrize("example", HEADERS, ids=[e["name"] for e in HEADERS])
def test_header_example(example: dict) -> None:
    raw = example["text"].encode("utf-8")
    document = read_txt(Path("corpus.txt"), raw, hashlib.sha256(raw).hexdigest())
    meta = detect_metadata(document)
    found = {
        "unit_code": meta.unit_code, "issuer": meta.issuer, "level": meta.level, "province": meta.province,
        "number": meta.number, "date": meta.date,
        "period": next((p.period for p in meta.periods if p.role == "results"), ""),
    }
    wanted = {k: v for k, v in example.items() if k not in ("name", "text")}
    assert {k: found[k] for k in wanted} == {k: str(v) for k, v in wanted.items()}, meta.why


def test_corpora_hold_negatives_too() -> None:
    assert sum(e["period"] is None for e in PERIODS) >= 5
    assert sum(e["period"] is None for e in FIGURE_PERIODS) >= 5
    assert any(e.get("unit_code") == "" for e in HEADERS)
