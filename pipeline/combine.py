"""How the figures of one consolidated line combine, and how the cell says what it holds.

`sum` adds (money, counts); `none` keeps one value and names the others (percents, rates,
averages, criteria met: never added); `latest` keeps the last stated; `max` the largest.
A sum of figures that are not exact stays not exact: "hơn 100" + "50" is "> 150", a range adds
its bounds ("10–15"). The cell text lists the figures a sum was built from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.figure import decimal_text

APPROX_SIGN = {"over": "> ", "under": "< ", "about": "~ ", "exact": ""}


def vn_number(value: Decimal) -> str:
    """1500000.5 → "1.500.000,5": the way an officer reads a number."""
    text = decimal_text(value)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = ".".join(digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)[::-1])
    return sign + grouped + ("," + fraction if fraction else "")


def combined_approx(approxes: list[str]) -> str:
    """The approx of a sum: exact only if every part is; mixed directions become "about"."""
    kinds = {a for a in approxes if a != "exact"}
    if not kinds:
        return "exact"
    if kinds == {"range"}:
        return "range"
    if len(kinds) == 1:
        return kinds.pop()
    return "about"


def shown_value(value: Decimal, approx: str, upper: Decimal | None) -> str:
    """ "> 1.500", "10–15", "~ 200" or the plain number, for the workbook cell."""
    if approx == "range" and upper is not None and upper != value:
        return f"{vn_number(value)}–{vn_number(upper)}"
    return APPROX_SIGN.get(approx, "") + vn_number(value)


def combine_values(
    combine: str, values: list[Decimal], approxes: list[str], uppers: list[Decimal | None]
) -> tuple[Decimal, str, Decimal | None, str]:
    """(value, approx, upper, note) of one line in one document, figures in document order."""
    if combine == "sum":
        value = sum(values, Decimal(0))
        approx = combined_approx(approxes)
        upper = None
        if approx == "range":
            upper = sum((u if u is not None else v for v, u in zip(values, uppers, strict=True)), Decimal(0))
        listed = " + ".join(shown_value(v, a, u) for v, a, u in zip(values, approxes, uppers, strict=True))
        return value, approx, upper, (f"cộng: {listed}" if len(values) > 1 else "")
    if combine == "latest":
        chosen = len(values) - 1
    elif combine == "max":
        chosen = max(range(len(values)), key=values.__getitem__)
    else:
        chosen = 0
    note = ""
    if len({decimal_text(v) for v in values}) > 1:
        note = "nhiều giá trị / several values: " + "; ".join(vn_number(v) for v in values)
    return values[chosen], approxes[chosen], uppers[chosen], note


def decimal_or_none(value: Any) -> Decimal | None:
    """A stored bound as Decimal; missing (None, NaN, "") as None."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return Decimal(str(value))
