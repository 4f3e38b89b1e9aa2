"""The WordprocessingML names and values the docx reader needs (parts are parsed by package.py)."""

from __future__ import annotations

import functools
import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

@functools.cache  # called for every element the reader looks at: the name is built once
def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: w("p") -> "{…/main}p"."""
    return f"{{{W_NS}}}{tag}"


def wval(element: etree._Element | None, child: str, attribute: str = "val") -> str | None:
    """The w:val (or another attribute) of a child element; None when the child is absent."""
    if element is None:
        return None
    found = element.find(w(child))
    if found is None:
        return None
    return found.get(w(attribute), "")


def number(text: str | None, default: int, low: int = 0, high: int = 1 << 31) -> int:
    """An integer attribute as Word would take it: a malformed value (w:start="abc") is the
    default, never our crash, and a huge one is held within [low, high]."""
    text = (text or "").strip()
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        return default
    return min(max(int(text), low), high)


def is_on(element: etree._Element | None, child: str) -> bool:
    """A WordprocessingML on/off property (<w:b/>, <w:vanish w:val="0"/>) read as a bool."""
    value = wval(element, child)
    return value is not None and value not in ("0", "false", "off")
