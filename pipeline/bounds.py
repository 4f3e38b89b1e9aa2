"""How large a figure may be: anything beyond 10^18 is not a figure a report can hold.

The whole national budget of Viet Nam is about 2 * 10^15 đồng, so 10^18 leaves a thousandfold
margin; a longer digit run is a serial, an ID or a hostile file, and a value past the range of a
float (over 308 digits) would break every later export. The extractor's output, an officer's
correction and each exported number are all held to this one bound.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_ABS_VALUE = Decimal(10) ** 18
MAX_DIGITS = 40  # more digits than this (before the decimal mark and after) is refused unread


def within_bounds(value: Decimal | float | int | str | None) -> bool:
    """True for a finite number whose size is at most MAX_ABS_VALUE (None counts as in bounds)."""
    if value is None:
        return True
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            return False
        _, digits, exponent = number.as_tuple()
        if len(digits) + max(0, int(exponent)) > MAX_DIGITS:  # decided without big arithmetic
            return False
        return abs(number) <= MAX_ABS_VALUE
    except (InvalidOperation, ValueError, TypeError):
        return False
