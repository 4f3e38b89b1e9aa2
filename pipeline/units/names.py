"""Folding of place names so the spellings reports use compare equal to the official one.

Two keys per name: `name_key` keeps the diacritics (lower case, new tone placement, "Đăk" =
"Đắk", "01" = "1", dashes and spaces collapsed); `ascii_key` drops them too, for names typed
without diacritics ("Nghia Ky"). Kind words ("xã", "TP.") and the other language data are read
from kinds.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.matching import matching_key

KINDS_FILE = Path(__file__).with_name("kinds.yaml")
# A syllable: letters and digits, possibly joined by an apostrophe ("H'Leo", "R'Lấp").
TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str  # as written in a sentence: "thị trấn"
    levels: tuple[str, ...]  # "tỉnh" | "huyện" | "xã"
    words: tuple[str, ...]  # matched whatever the case
    abbreviations: tuple[str, ...]  # matched as written


@dataclass(frozen=True, slots=True)
class Language:
    kinds: tuple[Kind, ...]
    variants: dict[str, str]  # a syllable's other spelling -> its first spelling
    name_abbreviations: dict[str, str]  # name_key of a short form -> official short name
    whole_aliases: dict[str, str]  # name_key of a whole spelling -> "kind Name"
    needs_kind_word: frozenset[str]  # name keys that alone are not a place
    not_place_words: frozenset[str]  # name keys that after a kind word are not a place

    def kind(self, kind: str) -> Kind:
        """The Kind entry of a kind as written ("xã")."""
        return next(k for k in self.kinds if k.kind == kind)


@cache
def language() -> Language:
    """The kind words and spelling data of kinds.yaml, read once."""
    data: dict[str, Any] = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))
    kinds = tuple(
        Kind(k["kind"], tuple(k["levels"]), tuple(k["words"]), tuple(k.get("abbreviations") or ()))
        for k in data["kinds"]
    )
    variants = {matching_key(v): matching_key(group[0]) for group in data["syllable_variants"] for v in group}
    lang = Language(kinds, variants, {}, {}, frozenset(), frozenset())
    return Language(
        kinds,
        variants,
        {_key(short, lang): full for short, full in data["name_abbreviations"].items()},
        {_key(alias, lang): full for alias, full in data["whole_aliases"].items()},
        frozenset(_key(n, lang) for n in data["needs_kind_word"]),
        frozenset(_key(w, lang) for w in data["not_place_words"]),
    )


def _canonical_token(token: str, lang: Language) -> str:
    if token.isdigit():
        return token.lstrip("0") or "0"
    return lang.variants.get(token, token)


def _key(text: str, lang: Language) -> str:
    folded = matching_key(text.translate(_APOSTROPHES))
    return " ".join(_canonical_token(t, lang) for t in TOKEN.findall(folded))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Lower-case, new tone placement, variant syllables and numbers unified: "Đăk  Glei" -> "đắk glei"."""
    return _key(text, language())


def token_key(token: str) -> str:
    """The key of one syllable already folded by `matching_key` ("01" -> "1", "đăk" -> "đắk")."""
    return _canonical_token(token.translate(_APOSTROPHES), language())


def _base_letter(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


# Every precomposed Latin letter (Vietnamese uses 0x00C0-0x01B0 and 0x1EA0-0x1EF9) -> its base.
_BARE = {
    code: _base_letter(chr(code))
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    if len(_base_letter(chr(code))) == 1 and _base_letter(chr(code)) != chr(code)
} | {ord("đ"): "d", ord("Đ"): "D"}


def strip_diacritics(text: str) -> str:
    """NFC text without tone and vowel marks, "đ" as "d", same length: "Nghĩa Kỳ" -> "Nghia Ky"."""
    text = text.translate(_BARE)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def ascii_key(text: str) -> str:
    """`name_key` without diacritics: "Nghĩa Kỳ", "Nghia Ky" and "NGHĨA KỲ" -> "nghia ky"."""
    return strip_diacritics(name_key(text))


def is_plain(text: str) -> bool:
    """True when a name is typed without diacritics (an "Đ" alone does not count)."""
    return strip_diacritics(text) == text.replace("đ", "d").replace("Đ", "D")


def split_kind(text: str) -> tuple[str | None, str]:
    """The kind a name starts with, and the rest: "TP. Hồ Chí Minh" -> ("thành phố", "Hồ Chí Minh").

    Without diacritics the kind words are recognised too ("xa Nghia Ky"); the caller tries the
    whole text as a name as well, since "Quan Hoa" may be huyện Quan Hóa.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    abbreviations, words = _kind_openers()
    for kind_name, abbreviation in abbreviations:
        rest = text[len(abbreviation) :]
        spaced = abbreviation.endswith(".") or rest[:1].isspace()
        if text.startswith(abbreviation) and rest.strip() and spaced:
            return kind_name, rest.strip()
    key = matching_key(text)
    plain = strip_diacritics(key) if is_plain(text) else None
    for word, kind_name in words:
        if key.startswith(word + " ") or (plain and plain.startswith(strip_diacritics(word) + " ")):
            return kind_name, text[len(word) + 1 :].strip()
    return None, text


@cache
def _kind_openers() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What split_kind tries, in its order: (kind, abbreviation), longest first within each kind,
    and (matching key of a kind word, kind), longest first; worked out once, not per name."""
    lang = language()
    abbreviations = [
        (kind.kind, a) for kind in lang.kinds for a in sorted(kind.abbreviations, key=len, reverse=True)
    ]
    words = sorted(((matching_key(w), k.kind) for k in lang.kinds for w in k.words), key=lambda p: -len(p[0]))
    return abbreviations, words
