"""Folding text so that catalogue phrases match however a report typed them."""

from __future__ import annotations

import functools
import re
import unicodedata

QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


@functools.lru_cache(maxsize=1 << 16)  # the same units and contexts are folded once per indicator
def fold(text: str) -> str:
    """NFC, lower case, straight quotes, single spaces: phrases match however the report typed them."""
    text = unicodedata.normalize("NFC", text).translate(QUOTES).lower()
    return re.sub(r"\s+", " ", text).strip()


def plain(text: str) -> str:
    """Folded and without diacritics ("Nhà Đại đoàn kết" → "nha dai doan ket"), for searching by name."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
