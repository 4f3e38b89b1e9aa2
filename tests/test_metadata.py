"""Document metadata of the seeds, in all three formats, against ../shared/gold/metadata.json."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.matching import matching_key, new_tone_placement
from pipeline.metadata import apply_overrides, detect_metadata
from pipeline.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = json.loads((ROOT / "tests" / "gold" / "metadata.json").read_text(encoding="utf-8"))


def normalised(value: Any) -> Any:
    """Strings compared after NFC and whitespace normalisation, containers element by element."""
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    return value


@cache
def metadata(name: str) -> dict[str, Any]:
    return read_document(SAMPLES / name).metadata.to_record()


def test_gold_covers_the_five_seeds() -> None:
    assert sorted(GOLD) == sorted(p.name for p in SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
@pytest.mark.parametrize("seed", sorted(GOLD), ids=lambda s: s[:3])
def test_metadata_matches_the_gold(seed: str, suffix: str) -> None:
    found = metadata(seed.replace(".txt", suffix))
    expected = GOLD[seed]
    # a period now also carries its dates (start, end, kind): the gold names the fields it checks
    periods = [{k: p[k] for k in ("section", "period", "role")} for p in found["periods"]]
    assert {k: normalised(periods if k == "periods" else found[k]) for k in expected} == normalised(expected)


def test_province_comes_from_the_district_gazetteer_when_never_named() -> None:
    text = read_document(SAMPLES / "001_5efdf61d82cdb014.txt").text
    assert "Đồng Nai" not in text
    assert metadata("001_5efdf61d82cdb014.txt")["province"] == "Đồng Nai"
    assert metadata("001_5efdf61d82cdb014.txt")["places"] == ["Trảng Bom"]


def test_dates_and_places() -> None:
    news = metadata("004_386d69b07cae7cb5.txt")
    assert (news["date"], news["date_year"]) == ("2021-02", 2021)
    assert metadata("002_bb16b2840fea809a.txt")["date"] == "2024"
    assert metadata("000_064a08cc418c8552.txt")["date"] == ""  # a resolution date in a sentence is not it
    assert metadata("000_064a08cc418c8552.txt")["places"][:2] == ["Cư Jút", "Đắk Nông"]


def test_overrides_replace_fields_and_are_recorded() -> None:
    document = read_document(
        SAMPLES / "003_f4169d506d3930e4.txt",
        metadata_overrides={"issuer": "Ủy ban MTTQ Việt Nam huyện Cao Lộc", "level": "huyện",
                            "periods": [{"period": "năm 2021", "role": "results"}]},
    )
    assert document.metadata.issuer == "Ủy ban MTTQ Việt Nam huyện Cao Lộc"
    assert [(p.period, p.role, p.section) for p in document.metadata.periods] == [("năm 2021", "results", "")]
    assert document.metadata.overridden == ["issuer", "level", "periods"]
    assert document.metadata.province == "Lạng Sơn"  # what was not overridden stays detected
    with pytest.raises(ValueError, match="unknown metadata field"):
        apply_overrides(detect_metadata(document), {"tinh": "Lạng Sơn"})


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("Thuý", "Thúy"), ("Uỷ ban", "Ủy ban"), ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình"),
     ("oà", "òa"), ("xã Hoà", "xã Hòa")],  # at the very start of the text, after a space
)
def test_old_and_new_tone_placement_share_a_matching_key(old: str, new: str) -> None:
    assert matching_key(old) == matching_key(new)
    assert len(matching_key(old)) == len(unicodedata.normalize("NFC", old))


@pytest.mark.parametrize("word", ["quý", "hoàng", "thuyền", "Đắk", "hoa", "Quỳ", "QUÝ", "3oà", "uý5"])
def test_matching_key_leaves_other_spellings_alone(word: str) -> None:
    assert new_tone_placement(word) == word
    assert matching_key("Đăk") != matching_key("Đắk")  # a different tone is a different word
