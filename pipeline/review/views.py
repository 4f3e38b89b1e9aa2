"""Renders the page templates: Jinja2 with autoescaping on, so every piece of document text is escaped."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.review.labels import LABELS, label
from pipeline.review.numbers import format_number

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHANGED_FIELDS = (
    "kind", "value", "denominator", "upper", "unit", "per", "approx", "modality", "indicator", "subject",
)


CHOICE_GROUPS = {"kind": "kinds", "approx": "approx", "modality": "modality"}  # labels.yaml group of each


def _confidence(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _moment(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value[:16].replace("T", " ")
    return value.strftime("%Y-%m-%d %H:%M")


def sentence_pieces(figure: dict[str, Any]) -> tuple[str, str, str]:
    """The figure's sentence cut around its quote, so the page can bold the quote in it."""
    sentence, quote = figure.get("sentence") or "", figure["quote"]
    at = sentence.find(quote)
    if at < 0:
        return sentence, "", ""
    return sentence[:at], quote, sentence[at + len(quote) :]


def corrected_fields(figure: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, extractor's value, current value) for every field an officer changed."""
    original = figure.get("original") or {}
    out = []
    for name in CHANGED_FIELDS:
        if name not in original:
            continue
        was, now = original.get(name), figure.get(name)
        if name in ("value", "denominator", "upper"):
            same = (was in (None, "") and now in (None, "")) or (
                was not in (None, "") and now not in (None, "") and Decimal(str(was)) == Decimal(str(now))
            )
            was, now = format_number(was), format_number(now)
        else:
            same = (was or "") == (now or "")
            if name in CHOICE_GROUPS:
                was, now = label(CHOICE_GROUPS[name], was), label(CHOICE_GROUPS[name], now)
        if not same:
            out.append((name, str(was or ""), str(now or "")))
    return out


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters.update(number=format_number, confidence=_confidence, moment=_moment)
ENVIRONMENT.globals.update(
    labels=LABELS, label=label, sentence_pieces=sentence_pieces, corrected_fields=corrected_fields
)


def render(template: str, **context: Any) -> str:
    """One page as HTML text."""
    return ENVIRONMENT.get_template(template).render(**context)


def figure_fragments(figure: dict[str, Any], reviews: list[dict[str, Any]]) -> dict[str, str]:
    """The figure's card, re-rendered after a decision so the page shows exactly what is stored."""
    macros = ENVIRONMENT.get_template("_figure.html").module
    return {"card": str(macros.card(figure, reviews[-1] if reviews else None))}
