"""The gazetteer of Vietnam's units, both eras: the corpus of examples, then the tree and its data."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipeline.units import REORGANISATION, AdminUnit, gazetteer
from pipeline.units.names import ascii_key, name_key, split_kind
from pipeline.units.sources import package_file

CORPUS = yaml.safe_load((Path("pipeline/units/corpus.yaml")).read_text(encoding="utf-8"))


def codes(units: list[AdminUnit]) -> list[str]:
    return [u.code for u in units]


@pytest.fixture(scope="module")
def g():
    return gazetteer()


def _id(example: dict, field: str) -> str:
    return str(example[field])[:40] + (
        "|" + "|".join(f"{k}={example[k]}" for k in ("kind", "level", "era") if k in example)
    )


@pytest.mark.parametrize("example", CORPUS["lookup"], ids=[_id(e, "query") for e in CORPUS["lookup"]])
def test_lookup_example(g, example) -> None:
    within = [g.unit(c) for c in example.get("within", [])]
    got = codes(
        g.lookup(
            example["query"],
            kind=example.get("kind"),
            level=example.get("level"),
            era=example.get("era"),
            within=within,
        )
    )
    if "want" in example:
        assert got == example["want"]
    else:
        assert len(got) == example["count"] and got[: len(example["first"])] == example["first"], got


@pytest.mark.parametrize("example", CORPUS["text"], ids=[e["text"][:40] for e in CORPUS["text"]])
def test_text_example(g, example) -> None:
    got = [
        (example["text"][start:end], codes(units)) for start, end, units in g.find_in_text(example["text"])
    ]
    assert len(got) == len(example["want"]), got
    for (mention, candidates), want in zip(got, example["want"], strict=True):
        if isinstance(want, dict):
            assert mention == want["mention"] and len(candidates) == want["count"], (mention, candidates)
            assert candidates[: len(want["first"])] == want["first"]
        else:
            assert [mention, candidates] == want


@pytest.mark.parametrize("example", CORPUS["successors"], ids=[e["unit"] for e in CORPUS["successors"]])
def test_successor_example(g, example) -> None:
    assert codes(g.successors(g.unit(example["unit"]))) == example["want"]


def test_corpus_has_negatives() -> None:
    assert sum(1 for e in CORPUS["lookup"] if e.get("want") == []) >= 8
    assert sum(1 for e in CORPUS["text"] if e["want"] == []) >= 6


# -- the data, counted against the packages' own files -----------------------------------------
def _legacy(sql: str) -> list[tuple]:
    path = package_file("vietnamadminunits", "data/dataset.db")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


def test_counts_of_both_eras(g) -> None:
    assert len(g.units("new", "tỉnh")) == 34
    assert len(g.units("new", "xã")) == 3321
    assert len(g.units("old", "tỉnh")) == 63
    assert (
        len(g.units("old", "huyện"))
        == _legacy("SELECT COUNT(DISTINCT districtCode) FROM admin_units_legacy")[0][0]
    )
    assert len(g.units("old", "xã")) == _legacy("SELECT COUNT(wardCode) FROM admin_units_legacy")[0][0]


def test_communes_under_a_district_match_the_dataset(g) -> None:
    [tu_nghia] = g.lookup("huyện Tư Nghĩa")
    want = {c for (c,) in _legacy("SELECT wardCode FROM admin_units_legacy WHERE districtCode = '528'")}
    assert {u.code.removeprefix("old:X") for u in g.communes_under(tu_nghia)} == want
    assert g.communes_under(tu_nghia) == g.children(tu_nghia)
    province = g.unit("old:T51")
    assert (
        len(g.communes_under(province))
        == _legacy("SELECT COUNT(wardCode) FROM admin_units_legacy WHERE provinceCode = '51'")[0][0]
    )
    assert g.communes_under(g.unit("old:X21250")) == []


def test_hanoi_has_126_communes_and_wards(g) -> None:
    hanoi = g.unit("new:T01")
    assert hanoi.full_name == "thành phố Hà Nội"
    assert len(g.children(hanoi)) == 126
    assert all(c.level == "xã" and c.parent == "new:T01" for c in g.children(hanoi))


def test_tree_of_nghia_ky(g) -> None:
    ky = g.unit("old:X21250")
    assert (ky.full_name, ky.level, ky.parent) == ("xã Nghĩa Kỳ", "xã", "old:H528")
    assert [u.full_name for u in g.ancestors(ky)] == ["huyện Tư Nghĩa", "tỉnh Quảng Ngãi"]
    assert g.parent(g.unit("old:T51")) is None
    assert g.province(ky) == g.unit("old:T51")
    with pytest.raises(KeyError):
        g.unit("old:X99999")


def test_every_old_unit_has_a_new_one(g) -> None:
    orphans = [u.full_name for u in g.units("old") if not g.successors(u)]
    assert orphans == []
    assert all(s.era == "new" for u in g.units("old", "xã") for s in g.successors(u))


def test_successors_stay_in_the_new_province_of_the_old_one(g) -> None:
    for commune in g.units("old", "xã"):
        [new_province] = g.successors(g.province(commune))
        assert all(g.province(s) == new_province for s in g.successors(commune)), commune


def test_split_communes_name_the_default_first(g) -> None:
    split = [u for u in g.units("old", "xã") if len(g.successors(u)) > 1]
    # converter_2025.json lists 471 old communes divided between new ones
    assert len(split) == 471


def test_predecessors_of_a_new_commune(g) -> None:
    # converter_2025.json: "xatunghia": [... thitranlaha, xanghiahoa, xanghiathuong, xanghiatrung]
    names = [u.full_name for u in g.predecessors(g.unit("new:X21235"))]
    assert names == ["thị trấn La Hà", "xã Nghĩa Hòa", "xã Nghĩa Thương", "xã Nghĩa Trung"]
    assert g.predecessors(g.unit("old:X21250")) == []


def test_era_of() -> None:
    g = gazetteer()
    assert g.era_of(date(2025, 6, 30)) == "old"
    assert g.era_of(REORGANISATION) == "new"
    assert g.era_of(None) == "new"


def test_search_finds_nghia_ky_first(g) -> None:
    assert g.search("nghia ky")[0].code == "old:X21250"
    assert g.search("Nghĩa Kỳ")[0].code == "old:X21250"
    assert g.search("NGHIA")[:2] != []
    assert all(u.era == "new" for u in g.search("nghia", era="new"))
    assert len(g.search("xa", limit=5)) == 5
    assert g.search("") == [] and g.search("zzqx") == []


def test_search_ranks_exact_name_before_longer_ones(g) -> None:
    found = g.search("tu nghia")
    assert {u.code for u in found[:2]} == {"old:H528", "new:X21235"}
    assert any("quang ngai" in ascii_key(g.province(u).name) for u in found[2:])  # places under Quảng Ngãi


# -- names ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Đăk  Glei", "đắk glei"),
        ("ĐẮK GLEI", "đắk glei"),
        ("Hoà Bình", "hòa bình"),
        ("Phường 01", "phường 1"),
        ("Bà Rịa-Vũng Tàu", "bà rịa vũng tàu"),
        ("Ea H’Leo", "ea h'leo"),
    ],
)
def test_name_key(spelling: str, key: str) -> None:
    assert name_key(spelling) == key


@pytest.mark.parametrize(
    ("text", "kind", "rest"),
    [
        ("TP. Hồ Chí Minh", "thành phố", "Hồ Chí Minh"),
        ("TP.HCM", "thành phố", "HCM"),
        ("Tp Huế", "thành phố", "Huế"),
        ("TT. La Hà", "thị trấn", "La Hà"),
        ("TX. Đức Phổ", "thị xã", "Đức Phổ"),
        ("THỊ XÃ Đức Phổ", "thị xã", "Đức Phổ"),
        ("thi tran La Ha", "thị trấn", "La Ha"),
        ("Tphcm", None, "Tphcm"),
        ("Nghĩa Kỳ", None, "Nghĩa Kỳ"),
    ],
)
def test_split_kind(text: str, kind: str | None, rest: str) -> None:
    assert split_kind(text) == (kind, rest)


def test_importing_units_does_not_import_the_geocoding_parser() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pipeline.units as u; u.gazetteer()\n"
        "print('vietnamadminunits' in sys.modules, 'geopy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# -- the snapshot cache -------------------------------------------------------------------------------
def test_snapshot_cache_round_trip(tmp_path, monkeypatch) -> None:
    from pipeline.units import snapshot

    monkeypatch.setenv("TONGHOP_CACHE_DIR", str(tmp_path))
    fresh = snapshot.load()  # builds and writes
    [written] = list(tmp_path.glob("units-*.json"))
    assert written == snapshot.cache_file()
    cached = snapshot.load()  # reads
    assert cached == fresh and cached.units[0] == fresh.units[0]
    written.write_text("{not json", encoding="utf-8")
    assert snapshot.load() == fresh  # a damaged file is rebuilt, not trusted


def test_snapshot_cache_can_be_turned_off(tmp_path, monkeypatch) -> None:
    from pipeline.units import snapshot

    monkeypatch.setenv("TONGHOP_CACHE_DIR", "")
    assert snapshot.cache_file() is None
    monkeypatch.setenv("TONGHOP_CACHE_DIR", str(tmp_path / "cache"))
    assert snapshot.cache_file().parent == tmp_path / "cache"


def test_snapshot_without_a_writable_cache_still_loads(tmp_path, monkeypatch) -> None:
    from pipeline.units import snapshot

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TONGHOP_CACHE_DIR", str(blocker / "cache"))
    assert len(snapshot.load().units) == len(gazetteer())
    assert list(tmp_path.iterdir()) == [blocker]
