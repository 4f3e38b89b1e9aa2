"""The officer-edited indicator catalogue: well-formed, commented, and mapping the seeds' main figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import gold_document, gold_figures

from pipeline.normalise import load_catalogue, map_figures
from pipeline.normalise.catalogue import CATALOGUE_PATH, parse_catalogue

SEED0 = "000_064a08cc418c8552.txt"


def test_catalogue_has_thirty_commented_indicators_an_officer_can_edit():
    catalogue = load_catalogue()
    assert len(catalogue.indicators) >= 30
    codes = [i.code for i in catalogue.indicators]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"[A-Z][A-Z0-9_]+", c) for c in codes)
    entries = [line for line in CATALOGUE_PATH.read_text(encoding="utf-8").splitlines() if "- code:" in line]
    assert len(entries) == len(codes) and all("#" in line for line in entries), "each entry has a comment"
    assert all(i.name and i.phrases and i.unit for i in catalogue.indicators)


@pytest.mark.parametrize(
    ("quote", "code"),
    [
        ("361.432.000", "QUY_VNN_VAN_DONG"),
        ("252.307.000 đồng", "QUY_VNN_VAN_DONG"),
        ("200 triệu đồng", "QUY_VNN_TIEP_NHAN"),
        ("458.358.000đ", "CUU_TRO_TIEN_HANG"),
        ("214.383.000đ", "CUU_TRO_TIEN_HANG"),
        ("05 nhà Đại đoàn kết", "NHA_DDK_XAY_MOI"),  # "xây mới 05 nhà Đại đoàn kết"
        ("90.000.000đ", "NHA_DDK_KINH_PHI"),
        ("20.000.000đ", "NHA_DDK_MUC_HO_TRO"),
        ("31 triệu đồng", "HO_TRO_KHO_KHAN_DOT_XUAT"),
    ],
)
def test_seed_000_main_figures_map_to_their_indicator(quote, code):
    document, figures = gold_document(SEED0), gold_figures(SEED0)
    mapped = dict(zip((f.quote for f in figures), map_figures(document, figures), strict=False))
    assert mapped[quote][0] == code and mapped[quote][1] >= 0.35


def test_a_count_never_lands_on_a_money_line():
    document, figures = gold_document(SEED0), gold_figures(SEED0)
    by_code = load_catalogue().by_code()
    for figure, (code, *_rest) in zip(figures, map_figures(document, figures), strict=True):
        if code:
            assert figure.kind in by_code[code].kinds


def test_unmapped_figures_stay_with_an_empty_code():
    document, figures = gold_document(SEED0), gold_figures(SEED0)
    mapped = map_figures(document, figures)
    assert ("", 0.0) in [m[:2] for m in mapped]  # e.g. "15 ngày" of the lockdown: no line, still kept


def test_a_mistake_in_the_yaml_names_the_entry(tmp_path: Path):
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    data["indicators"][3]["kind"] = "tiền"
    with pytest.raises(ValueError, match=r"indicator #4 \(NHA_DDK_SO_NHA\).*kind 'tiền'"):
        parse_catalogue(data)
    data["indicators"][3]["kind"] = "count"
    data["indicators"][5]["code"] = data["indicators"][0]["code"]
    with pytest.raises(ValueError, match="code used twice"):
        parse_catalogue(data)


def test_an_edited_catalogue_is_picked_up(tmp_path: Path):
    edited = tmp_path / "indicators.yaml"
    edited.write_text(
        "indicators:\n"
        "  - code: LU_LUT  # a new line an officer added\n"
        "    name: Hỗ trợ lũ lụt\n    kind: money\n    unit: VND\n    phrases: [đồng bào miền trung]\n",
        encoding="utf-8",
    )
    document, figures = gold_document(SEED0), gold_figures(SEED0)
    mapped = map_figures(document, figures, load_catalogue(edited))
    relief = next(m for f, m in zip(figures, mapped, strict=True) if f.quote == "458.358.000đ")
    assert relief[0] == "LU_LUT"


def test_remap_applies_an_edited_catalogue_but_keeps_officer_corrections(sqlite_store, tmp_path: Path):
    from pipeline.normalise.remap import remap_store

    sqlite_store.load(gold_document(SEED0), gold_figures(SEED0))
    relief = [f for f in sqlite_store.figures() if f["indicator_code"] == "CUU_TRO_TIEN_HANG"]
    corrected = relief[0]["figure_id"]
    sqlite_store.review(corrected, "correct", user="Lan", changes={"indicator_code": "CUU_TRO_TIEN_HANG"})
    edited = tmp_path / "indicators.yaml"
    edited.write_text(
        "indicators:\n"
        "  - code: LU_LUT  # relief for the 2020 floods only\n"
        "    name: Hỗ trợ lũ lụt\n    kind: money\n    unit: VND\n    phrases: [đồng bào miền trung]\n",
        encoding="utf-8",
    )
    changed = remap_store(sqlite_store, load_catalogue(edited))
    after = {f["figure_id"]: f["indicator_code"] for f in sqlite_store.figures()}
    assert changed > len(relief) - 1
    assert after[corrected] == "CUU_TRO_TIEN_HANG"
    total = next(f["figure_id"] for f in relief if f["quote"] == "458.358.000đ")
    assert after[total] == "LU_LUT" and {after[f["figure_id"]] for f in relief[1:]} <= {"LU_LUT", ""}
    assert remap_store(sqlite_store, load_catalogue(edited)) == 0  # nothing left to change


def corpus_examples() -> list[dict]:
    path = CATALOGUE_PATH.with_name("corpus.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]


@pytest.mark.parametrize("example", corpus_examples(), ids=lambda e: f"{e['quote']} · {e['text'][:40]}")
def test_the_mapping_corpus(example):
    """Each example of pipeline/normalise/corpus.yaml: the figure's line (or none) and its role."""
    from extractors import extract_figures
    from pipeline.document import Document, canonical_text

    text = canonical_text(example["text"])
    document = Document(text=text, blocks=[], path="corpus.txt", format="txt", sha256="0" * 64)
    figures = extract_figures(document)
    mapped = dict(zip((f.quote for f in figures), map_figures(document, figures), strict=True))
    assert example["quote"] in mapped, f"the extractor gave {list(mapped)}"
    got = mapped[example["quote"]]
    if "code" in example:
        assert got.code == (example["code"] or ""), got
    if "role" in example:
        assert got.role == (example["role"] or ""), got


def test_the_hand_checked_codes_name_real_gold_figures_and_real_lines():
    """tests/gold/indicator_codes.tsv (make eval's mapping accuracy): ≥ 150 figures, each a gold figure."""
    import json

    from pipeline.evaluate_mapping import read_checked

    tests = Path(__file__).parent
    rows = read_checked(tests / "gold" / "indicator_codes.tsv")
    assert len(rows) >= 150
    codes = set(load_catalogue().by_code()) | {"-"}
    gold = {}
    for folder in (tests / "gold", tests / "heldout" / "gold"):
        for path in folder.glob("*.jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                gold[(path.name[: -len(".jsonl")], record["char_start"])] = record["quote"]
    for row in rows:
        assert gold.get((row["doc"], int(row["char_start"]))) == row["quote"], row
        assert row["code"] in codes and row["set"] in ("held-out", "seed", "seed-dev"), row
