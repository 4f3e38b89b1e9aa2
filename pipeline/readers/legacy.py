"""Vietnamese typed in the pre-Unicode fonts (TCVN3 `.VnTime`, VNI `VNI-Times`) turned into Unicode.

Word keeps such text as the Windows-1252 characters of the legacy bytes ("Ch\u00ac\u00b5ng" for "Chương"),
so a reader must convert every run set in one of these fonts. The tables live in data/*.tsv.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

TCVN3 = "tcvn3"
VNI = "vni"


def legacy_encoding(font: str) -> str:
    """Which legacy encoding a font name implies: "tcvn3" for .Vn*, "vni" for VNI-*, else ""."""
    name = font.strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith(("vni-", "vni ")):
        return VNI
    return ""


def is_capitals_font(font: str) -> bool:
    """TCVN3 ".Vn…H" fonts (.VnTimeH, .VnArialH) draw every letter as a capital."""
    name = font.strip()
    return legacy_encoding(name) == TCVN3 and name.endswith("H")


@cache
def _table(encoding: str) -> tuple[dict[str, str], re.Pattern[str]]:
    mapping: dict[str, str] = {}
    lines = (DATA / f"legacy_{encoding}.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line or line.startswith("#") or line.startswith("legacy\t"):
            continue
        legacy, unicode, _comment = line.split("\t")
        mapping[legacy.encode("ascii", "backslashreplace").decode("unicode_escape")] = unicode
    keys = sorted(mapping, key=len, reverse=True)  # longest first: "oâ" before "o"
    return mapping, re.compile("|".join(re.escape(k) for k in keys))


def to_unicode(text: str, encoding: str, capitals: bool = False) -> str:
    """Text of a legacy-font run as the Vietnamese letters the font displays."""
    mapping, pattern = _table(encoding)
    converted = pattern.sub(lambda m: mapping[m.group(0)], text)
    return converted.upper() if capitals else converted


def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def from_unicode(text: str, encoding: str) -> str:
    """The inverse, for building legacy samples and tests; ValueError for a letter the font lacks.

    TCVN3 `.VnTime` has no capitals with diacritics (bar seven): such text goes in a `.VnTimeH`
    run as lower-case codes, so convert `text.lower()` for those runs.
    """
    mapping, _ = _table(encoding)
    inverse = {v: k for k, v in mapping.items()}
    out = []
    for char in text:
        if char in inverse:
            out.append(inverse[char])
        elif char not in mapping and _in_cp1252(char):
            out.append(char)  # punctuation such as “ ” – sits at the same codes in legacy fonts
        else:
            raise ValueError(f"{char!r} cannot be written in {encoding}")
    return "".join(out)
