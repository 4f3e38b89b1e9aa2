"""Rates, an amount per unit: "500.000đ/suất", "mỗi hộ 20.000.000đ", "896 suất quà/300.000"."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.count.vi.rules import noun_after
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after
from extractors.numeral.vi.rules import NUMBER, parse_digits
from extractors.scan import Draft, Scan

PER_AFTER = re.compile(r"[ \t]?/[ \t]?(?=[^\W\d_])")
AMOUNT_AFTER_SLASH = re.compile(rf"[ \t]?/[ \t]?(?P<n>{NUMBER})")


def per_after(text: str, pos: int) -> tuple[str, int] | None:
    """("suất", end) for "/suất" right after a money amount ending at pos."""
    m = PER_AFTER.match(text, pos)
    if not m:
        return None
    noun = noun_after(text, m.end())
    return (noun.unit, noun.end) if noun else None


@lru_cache(maxsize=1)
def each_before() -> re.Pattern[str]:
    """"mỗi <up to six words>" ending right before an amount; the words from rate/vi/lexicon.yaml."""
    each = alternation(load_yaml("rate", "lexicon.yaml")["each"])
    return re.compile(rf"(?i)(?<![\w])(?:{each})\s+(?P<words>(?:[^\W\d_]+\s+){{0,5}}?[^\W\d_]+)\s*:?\s*$")


def per_before(text: str, start: int) -> str | None:
    """"hộ" for "mỗi hộ 20.000.000đ": the noun after "mỗi" shortly before the amount at start."""
    m = each_before().search(text, max(0, start - 60), start)
    if not m:
        return None
    noun = noun_after(text, m.start("words"), allow_unknown=True)
    return noun.unit if noun else None


@lru_cache(maxsize=1)
def each_after() -> re.Pattern[str]:
    """"[cho] mỗi " right after an amount ("từ 5 đến 10 triệu đồng mỗi hộ"), from rate/vi/lexicon.yaml."""
    lex = load_yaml("rate", "lexicon.yaml")
    leads, each = alternation(lex["each_after_leads"]), alternation(lex["each"])
    return re.compile(rf"(?i)[ \t]*(?:(?:{leads})\s+)?(?:{each})\s+(?=[^\W\d_])")


def per_each_after(text: str, end: int) -> str | None:
    """"hộ" for "5 triệu đồng mỗi hộ": the noun after "mỗi" right after the amount ending at end."""
    m = each_after().match(text, end)
    if not m:
        return None
    noun = noun_after(text, m.end(), allow_unknown=True)
    return noun.unit if noun else None


@lru_cache(maxsize=1)
def count_per_nouns() -> frozenset[str]:
    """Nouns after a slash that make a count a rate ("3 buổi/tuần"), from rate/vi/lexicon.yaml."""
    return frozenset(load_yaml("rate", "lexicon.yaml")["count_per_nouns"])


def count_per_after(text: str, pos: int) -> tuple[str, int] | None:
    """("tuần", end) for "/tuần" right after a counted noun ending at pos, when it is a per noun."""
    per = per_after(text, pos)
    return per if per and per[0] in count_per_nouns() else None


def amount_after_slash(text: str, pos: int) -> re.Match[str] | None:
    """The "/300.000" after a count ("896 suất quà/300.000"): the price of each."""
    return AMOUNT_AFTER_SLASH.match(text, pos)


def read_price(s: Scan, count: Draft, price: re.Match[str]) -> None:
    """"896 suất quà/300.000": the amount after the slash is the price of each counted thing."""
    value = parse_digits(price.group("n"))
    end = price.end()
    cur = currency_after(s.text, end)
    if cur:
        end, value = cur.end, value * cur.factor
    elif value < 1000:
        return
    s.drafts.append(Draft(
        price.start("n"), end, "rate", value, cur.code if cur else "VND", "rate.count_slash_price", 0.8,
        per=count.unit.split()[0],
    ))
