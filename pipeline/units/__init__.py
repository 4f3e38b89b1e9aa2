"""Vietnam's administrative units before and after the 1 July 2025 reorganisation.

    from pipeline.units import gazetteer
    g = gazetteer()
    [ky] = g.lookup("xã Nghĩa Kỳ", era="old")  # old:X21250, under huyện Tư Nghĩa, tỉnh Quảng Ngãi
    g.successors(ky)                           # [xã Nghĩa Giang (new:X21250)]
    g.find_in_text("UBMTTQVN XÃ NGHĨA KỲ")     # [(9, 20, [xã Nghĩa Kỳ])]

Data comes from the pinned packages vietnam-provinces (today's 34 provinces and 3,321
communes/wards, official codes) and vietnamadminunits (the 63-province map and the old → new
mapping); nothing is fetched over the network.
"""

from __future__ import annotations

from functools import cache

from pipeline.units.gazetteer import Gazetteer
from pipeline.units.model import LEVELS, REORGANISATION, AdminUnit, Era
from pipeline.units.names import ascii_key, name_key
from pipeline.units.snapshot import load
from pipeline.units.sources import UnitDataError


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer of both eras, built once per process from the packages' data.

    Measured on the shared 2-core machine while busy (`python -m pipeline.units --bench`, where
    sum(range(10**6)) took ~140 ms instead of ~15-20 ms idle): 0.4-0.7 s from the snapshot cached
    on disk (snapshot.py); about 3 s the first time after installing or upgrading a package or
    editing kinds.yaml, when the packages are read and every name folded. The type-ahead index
    (~0.3-0.5 s) and the text finder (~0.15 s) are built on first use.
    """
    return Gazetteer(load())


__all__ = [
    "LEVELS",
    "REORGANISATION",
    "AdminUnit",
    "Era",
    "Gazetteer",
    "UnitDataError",
    "ascii_key",
    "gazetteer",
    "name_key",
]
