"""Kind dispatch: each number the grammar finds is offered to the kind rules in a fixed order.

percent → ratio → money/rate → quantity → count → table cell → bare money; the first that
claims it makes the draft. Spelled numbers are read by numeral/vi/spelled.py, context (approx,
modality, indicator, subject, part_of) by context/vi/attach.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from extractors.context.vi.zones import programme_zones
from extractors.count.vi.rules import noun_after
from extractors.money.vi.rules import currency_after, currency_before, money_shaped, sentence_speaks_of_money
from extractors.nonfigure.vi.rules import blocked_spans
from extractors.numeral.vi.ranges import join_ranges
from extractors.numeral.vi.rules import grammar, has_scale, negative_before, parse_amount
from extractors.numeral.vi.spelled import read_words
from extractors.percent.vi.rules import percent_after
from extractors.quantity.vi.rules import unit_after
from extractors.rate.vi.rules import (
    amount_after_slash,
    count_per_after,
    per_after,
    per_before,
    per_each_after,
    read_price,
)
from extractors.ratio.vi.rules import read_ratio, slash_after
from extractors.scan import Draft, Scan, same_block, sentence_starts
from extractors.table.vi.flat import flat_cell
from extractors.tables import table_figure
from pipeline.document import Document

DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")
Emit = Callable[..., Draft]  # emit(kind, end, unit, rule, confidence, **extra): a draft of the number read


def scan(document: Document) -> Scan:
    """Every figure draft in the document, sorted by start, with what was learnt reading it."""
    text = document.text
    nonfigures = blocked_spans(text)
    s = Scan(
        document, text, nonfigures.hard, nonfigures.weak, sentence_starts(text),
        programme_zones(text),
    )
    for m in grammar().number_re.finditer(text):
        read_number(s, m)
    read_words(s)
    s.drafts.sort(key=lambda d: (d.start, d.end))
    join_ranges(s)
    return s


def read_number(s: Scan, m: re.Match[str]) -> None:
    """Classify one digit candidate: percent, ratio, money/rate, quantity, count, or nothing."""
    text = s.text
    a_start, a_end = m.span("a")
    if s.drafts and s.drafts[-1].end > a_start:
        return  # already read as part of the figure before ("896 suất quà / 300.000 đồng")
    if s.blocked.hit(a_start, a_end) or is_footnote_marker(s.document, a_start, m.group("a")):
        return
    if s.weak.hit(a_start, a_end) and not counted_next(text, a_end):
        return
    a_text = m.group("a")
    value = parse_amount(a_text)
    upper = None
    end = a_end
    if m.group("b") and not s.blocked.hit(*m.span("b")) and not slash_after(text, a_end):
        b_text = m.group("b")
        upper = parse_amount(b_text)
        if has_scale(b_text) and not has_scale(a_text):
            value = parse_amount(a_text + " " + b_text[len(DIGIT_RUN.match(b_text).group()) :].strip())
        if upper <= value or not range_joined(text, a_start, m.group("rsep")):
            upper, end = None, a_end
            if again := grammar().number_re.match(text, m.start("b")):
                read_number(s, again)  # "5 và 6 hộ", "2020 - 15 hộ": the second number on its own
        else:
            end = m.end("b")
    start = a_start
    if sign := negative_before(text, a_start):
        start, value = sign, -value

    def emit(kind: str, stop: int, unit: str, rule: str, conf: float, **extra: object) -> Draft:
        d = Draft(start, stop, kind, value, unit, rule, conf, **extra)  # type: ignore[arg-type]
        if upper is not None:
            d.upper, d.approx = upper, "range"
        s.drafts.append(d)
        return d

    if (pend := percent_after(text, end)) is not None:
        emit("percent", pend, "%", "percent.sign", 0.95)
        return
    slash = slash_after(text, a_end) if upper is None and not has_scale(a_text) else None
    if slash:
        read_ratio(s, a_start, value, slash)
        return
    if cur := currency_after(text, end):
        value *= cur.factor
        if upper is not None:
            upper *= cur.factor
        read_money(s, emit, a_start, cur.end, cur.code)
        return
    before = currency_before(text, start)
    if before and not (s.drafts and s.drafts[-1].end > before[1]):  # "2 tỷ USD 50 dự án": USD is taken
        start = before[1]
        read_money(s, emit, a_start, end, before[0])
        return
    if qty := unit_after(text, end):
        unit, qend = qty
        if per := per_after(text, qend):  # "62,58 tạ/ha", "45 kg/người"
            emit("rate", per[1], unit, "rate.quantity_per_noun", 0.85, per=per[0])
        elif per_word := per_each_after(text, qend):  # "5 kg mỗi hộ"
            emit("rate", qend, unit, "rate.quantity_each_noun", 0.8, per=per_word)
        else:
            emit("quantity", qend, unit, "quantity.unit", 0.9)
        return
    noun = noun_after(text, end)
    if noun and not s.blocked.hit(noun.start, noun.end) and same_block(s.document, a_start, noun.start):
        if per_word := per_each_after(text, noun.end):  # "300 suất quà mỗi tỉnh": so many for each
            emit("rate", noun.end, noun.unit, "rate.count_each_noun", 0.8, per=per_word,
                 noun_start=noun.start)
            return
        if per := count_per_after(text, noun.end):  # "3 buổi/tuần"
            emit("rate", per[1], noun.unit, "rate.count_per_noun", 0.8, per=per[0], noun_start=noun.start)
            return
        d = emit(
            "count", noun.end, noun.unit, "count.known_noun" if noun.known else "count.any_noun",
            0.9 if noun.known else 0.7, noun_start=noun.start,
        )
        price = amount_after_slash(text, noun.end)
        if price and not s.blocked.hit(*price.span("n")):
            read_price(s, d, price)
        return
    table = table_figure(s.document, a_start, end, value)
    if table:
        s.drafts.append(Draft(a_start, end, *table))
        return
    if upper is None and (flat := flat_cell(text, a_start, end, value)):
        kind, amount, unit, label = flat
        s.drafts.append(Draft(a_start, end, kind, amount, unit, "table.flat_cell", 0.7, indicator=label))
        return
    sent = text[slice(*s.sentence(a_start))]
    if (money_shaped(a_text) or has_scale(a_text)) and sentence_speaks_of_money(sent):
        emit("money", end, "VND", "money.bare_amount_in_money_sentence", 0.6)


def read_money(s: Scan, emit: Emit, a_start: int, end: int, code: str) -> None:
    """An amount with its currency: a rate when a per noun follows or "mỗi <noun>" precedes, else money."""
    text = s.text
    if per := per_after(text, end):
        emit("rate", per[1], code, "rate.money_per_noun", 0.9, per=per[0])
    elif per_word := per_before(text, a_start):
        emit("rate", end, code, "rate.each_noun_money", 0.85, per=per_word)
    elif per_word := per_each_after(text, end):
        emit("rate", end, code, "rate.money_each_noun", 0.85, per=per_word)
    else:
        emit("money", end, code, "money.currency", 0.95)


def range_joined(text: str, a_start: int, separator: str) -> bool:
    """Whether the separator makes one range: "và" only after "giữa" ("giữa 10 và 15 hộ")."""
    if separator.lower() != "và":
        return True
    return bool(between_before().search(text, max(0, a_start - 8), a_start))


@lru_cache(maxsize=1)
def between_before() -> re.Pattern[str]:
    """"giữa " right before a number (numeral/vi/lexicon.yaml range_between)."""
    return re.compile(rf"(?i)(?<![\w]){re.escape(grammar().between)}\s+$")


def counted_next(text: str, end: int) -> bool:
    """Whether a percent sign, currency, physical unit or listed counted noun follows the number."""
    return bool(
        percent_after(text, end) is not None or currency_after(text, end) or unit_after(text, end)
        or noun_after(text, end, allow_unknown=False)
    )


def is_footnote_marker(document: Document, start: int, digits: str) -> bool:
    """The "1" opening footnote 1's own text is its marker, not a figure."""
    if not document.blocks:
        return False
    block = document.block_at(start)
    return (
        block is not None and block.kind == "footnote" and digits == block.footnote_marker
        and document.text[block.start : start].strip() == ""
    )
