"""A key under which spellings that differ only in tone placement or case compare equal.

Vietnamese has two habits for where the tone mark sits: old "hoà", "thuý", "Uỷ" and new "hòa",
"thúy", "Ủy". Both are right and both are found in reports, so place names, issuers and
indicators are compared by `matching_key`, while the text shown keeps the writer's spelling.
The key has the same length as the (NFC) text, so an offset found in the key is an offset in
the text.
"""

from __future__ import annotations

import re
import unicodedata

# The five tone marks as combining characters; vowel marks (circumflex, breve, horn) are kept.
TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old placement: the tone on the second vowel of an open "oa", "oe", "uy" syllable ("hoà",
# "khoẻ", "thuý"). After "q" the "u" is part of the consonant ("quý"), so it is left alone.
# Anchored on the vowel pair that ends a word (a scan from every word start was 4x slower). The
# pattern opens on the class [oOuU], so `re` jumps in C from one o or u to the next (the "not
# after q or a digit" test comes after it, looking two characters back): a lookbehind first
# made `re` try every position of the text, 4x slower again.
_OLD_PLACEMENT = re.compile(r"([oOuU])(?<![qQ\d].)([àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ])(?!\w)")


def _tone_of(char: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in TONES)
    bare = "".join(c for c in decomposed if c not in TONES)
    return unicodedata.normalize("NFC", bare), tone


def _move_tone(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    bare, tone = _tone_of(second)
    return unicodedata.normalize("NFC", first + tone) + bare


def new_tone_placement(text: str) -> str:
    """NFC text with old tone placement rewritten to new ("hoà" -> "hòa"); same length."""
    return _OLD_PLACEMENT.sub(_move_tone, unicodedata.normalize("NFC", text))


def matching_key(text: str) -> str:
    """Lower-case, new tone placement: "Uỷ ban" and "ủy ban" give the same key, of the same length."""
    return new_tone_placement(text).lower()
