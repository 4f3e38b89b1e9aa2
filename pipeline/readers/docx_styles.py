"""What Word styles decide for a paragraph or run: its list numbering and its font."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from pipeline.readers.ooxml import w, wval

StyleLookup = Callable[[str], "etree._Element | None"]  # a style element by its id, None if absent


class StyleSheet:
    """styles.xml, read once, answering with the basedOn chain followed; each answer is kept, since
    a report asks the same few styles about every paragraph and run. `element` gives a style by
    id (the last of that id, as Word takes it), from the whole tree (`from_tree`) or from the
    pieces of the part a reader asks for (docx_style_scan.py)."""

    def __init__(self, element: StyleLookup, default_paragraph: str = "", default_font: str = "") -> None:
        self._answers: dict[tuple[str, str, str], Any] = {}
        self._element = element
        self.default_paragraph = default_paragraph
        self.default_font = default_font

    @classmethod
    def from_tree(cls, root: etree._Element | None) -> StyleSheet:
        """The style sheet of a parsed styles.xml (None: a package without one)."""
        if root is None:
            return cls(lambda _: None)
        styles: dict[str, etree._Element] = {}
        default_paragraph = ""
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            styles[style_id] = style
            if is_default_paragraph(style):
                default_paragraph = style_id
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        return cls(styles.get, default_paragraph, font_of(defaults))

    def _chain(self, style_id: str) -> list[etree._Element]:
        chain, seen = [], set()
        while style_id and style_id not in seen:
            style = self._element(style_id)
            if style is None:
                break
            seen.add(style_id)
            chain.append(style)
            style_id = wval(style, "basedOn") or ""
        return chain

    def _kept(self, question: str, a: str, b: str, work: Callable[[], Any]) -> Any:
        key = (question, a, b)
        if key not in self._answers:
            self._answers[key] = work()
        return self._answers[key]

    def numbering(self, style_id: str) -> tuple[str, str | None] | None:
        """(numId, ilvl or None) a paragraph style attaches to its paragraphs, if any."""
        return self._kept("numbering", style_id, "", lambda: self._numbering(style_id))

    def _numbering(self, style_id: str) -> tuple[str, str | None] | None:
        for style in self._chain(style_id or self.default_paragraph):
            num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
            if num_pr is not None and wval(num_pr, "numId") is not None:
                return wval(num_pr, "numId") or "", wval(num_pr, "ilvl")
        return None

    def outline_level(self, style_id: str) -> int | None:
        """The outline level (0 = Heading 1) a paragraph style gives, None for body text."""
        return self._kept("outline", style_id, "", lambda: self._outline_level(style_id))

    def _outline_level(self, style_id: str) -> int | None:
        for style in self._chain(style_id or self.default_paragraph):
            level = wval(style.find(w("pPr")), "outlineLvl")
            if level is not None:
                return int(level) if level.isdigit() and int(level) < 9 else None
        return None

    def font(self, run_style: str, paragraph_style: str) -> str:
        """The ASCII font a run without its own rFonts is drawn in."""
        return self._kept("font", run_style, paragraph_style, lambda: self._font(run_style, paragraph_style))

    def _font(self, run_style: str, paragraph_style: str) -> str:
        for style_id in (run_style, paragraph_style or self.default_paragraph):
            for style in self._chain(style_id):
                font = font_of(style.find(w("rPr")))
                if font:
                    return font
        return self.default_font


def is_default_paragraph(style: etree._Element) -> bool:
    """Whether a w:style element is the paragraph style of paragraphs that name none."""
    return style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true")


def font_of(rpr: etree._Element | None) -> str:
    """The ASCII font an rPr names (w:rFonts ascii, else hAnsi), "" when none."""
    if rpr is None:
        return ""
    fonts = rpr.find(w("rFonts"))
    if fonts is None:
        return ""
    return fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or ""


def run_font(rpr: etree._Element | None) -> str:
    """The ASCII font a run names itself, "" when it leaves it to its styles."""
    return font_of(rpr)
