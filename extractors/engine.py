"""The extraction pass: candidates from the number grammar, kept or dropped by the family rules."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from extractors.context.vi import rules as context
from extractors.context.vi.indicator import describe
from extractors.count.vi.rules import noun_after
from extractors.data import alternation, load_yaml
from extractors.money.vi.rules import currency_after, money_shaped, sentence_speaks_of_money
from extractors.nonfigure.vi.rules import Blocked, blocked_spans
from extractors.numeral.vi.rules import grammar, has_scale, parse_amount, parse_digits, parse_spelled
from extractors.percent.vi.rules import percent_after
from extractors.quantity.vi.rules import unit_after
from extractors.rate.vi.rules import amount_after_slash, per_after, per_before, per_each_after
from extractors.ratio.vi.rules import could_be_date, plausible, slash_after
from extractors.tables import table_figure
from pipeline.document import Block, Document
from pipeline.figure import Figure

MAX_SENTENCE_CHARS = 2000  # the longest sentence of the seeds and held-out texts is 1,198 characters
SENTENCE_END = re.compile(r"\n|[.!?…](?=\s+[^\s\w]|\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ]|\s*$)")
CLAUSE_MARK = re.compile(r"[,;:(]")
DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(slots=True)
class Draft:
    """A figure before context is added: span, kind, value and the rule that found it."""

    start: int
    end: int
    kind: str
    value: Decimal
    unit: str
    rule: str
    confidence: float
    denominator: Decimal | None = None
    per: str = ""
    approx: str = "exact"
    upper: Decimal | None = None
    noun_start: int | None = None  # where the counted noun begins (counts and ratios)


@dataclass(slots=True)
class Scan:
    """One document being read: its text, sentence bounds and non-figure spans."""

    document: Document
    text: str
    blocked: Blocked  # never a figure
    weak: Blocked  # not a figure unless a unit or counted noun follows (a bare "2020")
    sentence_starts: list[int]
    zones: context.Zones
    drafts: list[Draft] = field(default_factory=list)

    def sentence(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding offset."""
        i = bisect.bisect_right(self.sentence_starts, offset) - 1
        start = self.sentence_starts[i]
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return start, end


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences begin (line breaks and full stops before a capital or a bullet);
    a "sentence" longer than MAX_SENTENCE_CHARS is cut at its last space before the limit, so the
    rules that look back to a sentence's start cost linear time on any text."""
    starts = [0]
    for m in SENTENCE_END.finditer(text):
        starts.append(m.end())
    starts.append(len(text))
    bounded = []
    for start, end in itertools.pairwise(starts):
        bounded.append(start)
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            start = cut + 1 if cut >= 0 else start + MAX_SENTENCE_CHARS
            bounded.append(start)
    return sorted(set(bounded) - {len(text)} | {0})


def scan(document: Document) -> Scan:
    """Every figure draft in the document, sorted by start, with what was learnt reading it."""
    text = document.text
    nonfigures = blocked_spans(text)
    s = Scan(
        document, text, nonfigures.hard, nonfigures.weak, sentence_starts(text),
        context.programme_zones(text),
    )
    for m in grammar().number_re.finditer(text):
        read_number(s, m)
    read_words(s)
    s.drafts.sort(key=lambda d: (d.start, d.end))
    return s


def read_number(s: Scan, m: re.Match[str]) -> None:
    """Classify one digit candidate: percent, ratio, money/rate, quantity, count, or nothing."""
    text = s.text
    a_start, a_end = m.span("a")
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
        if upper <= value:
            upper, end = None, a_end
        else:
            end = m.end("b")

    def emit(kind: str, stop: int, unit: str, rule: str, conf: float, **extra: object) -> Draft:
        d = Draft(a_start, stop, kind, value, unit, rule, conf, **extra)  # type: ignore[arg-type]
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
        code, cend = cur
        if per := per_after(text, cend):
            emit("rate", per[1], code, "rate.money_per_noun", 0.9, per=per[0])
        elif per_word := per_before(text, a_start):
            emit("rate", cend, code, "rate.each_noun_money", 0.85, per=per_word)
        elif per_word := per_each_after(text, cend):
            emit("rate", cend, code, "rate.money_each_noun", 0.85, per=per_word)
        else:
            emit("money", cend, code, "money.currency", 0.95)
        return
    if qty := unit_after(text, end):
        emit("quantity", qty[1], qty[0], "quantity.unit", 0.9)
        return
    noun = noun_after(text, end)
    if noun and not s.blocked.hit(noun.start, noun.end) and same_block(s.document, a_start, noun.start):
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
    sent = text[slice(*s.sentence(a_start))]
    if (money_shaped(a_text) or has_scale(a_text)) and sentence_speaks_of_money(sent):
        emit("money", end, "VND", "money.bare_amount_in_money_sentence", 0.6)


def counted_next(text: str, end: int) -> bool:
    """Whether a percent sign, currency, physical unit or listed counted noun follows the number."""
    return bool(
        percent_after(text, end) is not None or currency_after(text, end) or unit_after(text, end)
        or noun_after(text, end, allow_unknown=False)
    )


def same_block(document: Document, a: int, b: int) -> bool:
    """Whether two offsets sit in the same block (a table cell's number never reads the next cell)."""
    if not document.blocks:
        return True
    first, second = document.block_at(a), document.block_at(b)
    if first is second:
        return True
    # a hard-wrapped paragraph line may split "639\nlao động"; cells, headings and footnotes may not
    prose = ("paragraph", "list_item")
    return first is not None and second is not None and first.kind in prose and second.kind in prose


def is_footnote_marker(document: Document, start: int, digits: str) -> bool:
    """The "1" opening footnote 1's own text is its marker, not a figure."""
    if not document.blocks:
        return False
    block = document.block_at(start)
    return (
        block is not None and block.kind == "footnote" and digits == block.footnote_marker
        and document.text[block.start : start].strip() == ""
    )


def read_ratio(s: Scan, a_start: int, a: Decimal, slash: re.Match[str]) -> None:
    """`04/7 xã` with its noun; bare `(15/19)` only when it cannot be a date and a count precedes."""
    text = s.text
    b = parse_digits(slash.group("b"))
    if s.blocked.hit(*slash.span("b")) or not plausible(a, b):
        return
    noun = noun_after(text, slash.end())
    if noun and not same_block(s.document, a_start, noun.start):
        noun = None
    if noun and not noun.known and could_be_date(a, b):
        return  # "dịp 2/9 hằng năm": a date before an ordinary word
    if noun and not s.blocked.hit(noun.start, noun.end):
        s.drafts.append(Draft(
            a_start, noun.end, "ratio", a, noun.unit, "ratio.of_noun", 0.9 if noun.known else 0.75,
            denominator=b, noun_start=noun.start,
        ))
        return
    if could_be_date(a, b):
        return
    sent_start, _ = s.sentence(a_start)
    before = [d for d in s.drafts if d.kind in ("count", "ratio") and sent_start <= d.start < a_start]
    if before:
        s.drafts.append(Draft(
            a_start, slash.end(), "ratio", a, before[-1].unit, "ratio.bare_after_count", 0.7, denominator=b,
        ))


def read_price(s: Scan, count: Draft, price: re.Match[str]) -> None:
    """"896 suất quà/300.000": the amount after the slash is the price of each counted thing."""
    value = parse_digits(price.group("n"))
    end = price.end()
    cur = currency_after(s.text, end)
    if cur:
        end = cur[1]
    elif value < 1000:
        return
    s.drafts.append(Draft(
        price.start("n"), end, "rate", value, cur[0] if cur else "VND", "rate.count_slash_price", 0.8,
        per=count.unit.split()[0],
    ))


@lru_cache(maxsize=1)
def word_guards() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(after a digit or an ordinal marker, after a word that makes "một" an article), from the lexicon."""
    lex = load_yaml("numeral", "lexicon.yaml")
    ordinal = re.compile(rf"(?i)(?:\d|(?<![\w])(?:{alternation(lex['ordinal_markers'])}))\s*$")
    article = re.compile(rf"(?i)(?<![\w])(?:{alternation(lex['one_is_an_article_after'])})\s+$")
    return ordinal, article


@lru_cache(maxsize=1)
def lone_skipped() -> frozenset[str]:
    """Spelled numbers never read alone ("năm" is "year" far more often than "five")."""
    return frozenset(load_yaml("numeral", "lexicon.yaml")["lone_words_skipped"])


@lru_cache(maxsize=1)
def one_not_a_count() -> frozenset[str]:
    """Nouns before which a lone spelled "one" is an article ("một số", "một lần"), not a count."""
    return frozenset(load_yaml("numeral", "lexicon.yaml")["one_not_a_count_before"])


@lru_cache(maxsize=1)
def one_word() -> str:
    """The spelled "one" ("một"), which often means "a"."""
    return str(load_yaml("numeral", "lexicon.yaml")["one_word"])


def read_words(s: Scan) -> None:
    """Spelled numbers ("hai mươi hộ") and vague amounts ("hàng trăm lượt") before a counted noun."""
    text = s.text
    g = grammar()
    vague_spans = []
    for m in g.vague_re.finditer(text):
        noun = noun_after(text, m.end(), allow_unknown=False)
        if noun:
            vague_spans.append(m.span())
            s.drafts.append(Draft(
                m.start(), noun.end, "count", g.vague[m.group().lower()], noun.unit,
                "count.vague_amount", 0.4, approx="about", noun_start=noun.start,
            ))
    for m in g.spelled_re.finditer(text):
        if any(vs <= m.start() < ve for vs, ve in vague_spans) or word_guards()[0].search(
            text, max(0, m.start() - 8), m.start()
        ):
            continue
        value = parse_spelled(m.group())
        if value is None or value == 0:
            continue
        words = m.group().lower().split()
        if len(words) == 1 and words[0] in lone_skipped():
            continue
        if cur := currency_after(text, m.end()):
            s.drafts.append(Draft(m.start(), cur[1], "money", value, cur[0], "money.spelled", 0.7))
            continue
        noun = noun_after(text, m.end(), allow_unknown=False)
        if not noun or "\n" in text[m.end() : noun.start] or text[noun.start].isupper():
            continue
        if words == [one_word()] and (
            word_guards()[1].search(text, max(0, m.start() - 12), m.start())
            or noun.unit.split()[0] in one_not_a_count()
        ):
            continue
        s.drafts.append(Draft(
            m.start(), noun.end, "count", value, noun.unit, "count.spelled_number", 0.7,
            noun_start=noun.start,
        ))


def finish(s: Scan) -> list[Figure]:
    """Add approx, modality, indicator, subject, section and part_of; build the Figures."""
    s_text, document, drafts = s.text, s.document, s.drafts
    starts = s.sentence_starts
    zones = s.zones
    doc_name = Path(document.path).name
    figures: list[Figure] = []
    for n, d in enumerate(drafts):
        next_start = drafts[n + 1].start if n + 1 < len(drafts) else len(s_text)
        i = bisect.bisect_right(starts, d.start) - 1
        sent_start = starts[i]
        k = bisect.bisect_right(starts, max(d.start, d.end - 1))  # a wrapped quote may cross a line end
        sent_end = starts[k] if k < len(starts) else len(s_text)
        left = s_text[sent_start : d.start]
        semi = left.rfind(";")
        # "Phấn đấu …; …; …": a sentence opening on a target cue makes every item of its list a target
        opens_on_target = context.cues().target_re.match(left.lstrip(" \t-+•*"))
        scope = left[semi + 1 :] if semi >= 0 and not opens_on_target else left
        clause_at = max((m.end() for m in CLAUSE_MARK.finditer(left)), default=0)
        approx = d.approx
        if approx == "exact" and (cue := context.approx_before(s_text, d.start)):
            approx = cue[0]
        mod = context.modality(scope, zones.is_programme(d.start), left[clause_at:])
        if mod == "actual" and context.change_after(s_text, d.start, d.end):
            mod = "change"
        elif mod == "change" and not context.cues().change_ref_re.search(s_text, sent_start, sent_end):
            mod = "target" if zones.is_programme(d.start) else "actual"
        block = document.block_at(d.start) if document.blocks else None
        if block is not None and block.cell is not None and block.cell.row_header:
            indicator, subject = block.cell.row_header, block.cell.col_header.split(" > ")[-1]
        else:
            indicator = describe(
                s_text, d.kind, (d.start, d.end), d.noun_start, d.per, figures, sent_start, next_start,
            )
            subject = context.subject_before(s_text, sent_start, d.start)
        figures.append(Figure(
            doc=doc_name, quote=s_text[d.start : d.end], char_start=d.start, char_end=d.end,
            kind=d.kind, value=_plain(d.value), unit=d.unit, denominator=_plain(d.denominator), per=d.per,
            approx=approx, upper=_plain(d.upper), modality=mod, indicator=indicator, subject=subject,
            section=" > ".join(block.section) if block else "", rule=d.rule, confidence=d.confidence,
            sentence_start=sent_start, sentence_end=sent_end,
            page=block.page if block else None,
            table_cell=(block.cell.table, block.cell.row, block.cell.col) if block and block.cell else None,
        ))
    link_parts(s_text, figures, document.blocks)
    for f in figures:
        if f.part_of is not None and f.indicator in ("", f.subject):
            f.indicator = figures[f.part_of].indicator  # "(xã Nam Dong 214.383.000đ; …)": what the total is
    return figures


def _plain(value: Decimal | None) -> Decimal | None:
    """Decimal without trailing zeros or exponent ("145140000000.00" → 145140000000)."""
    if value is None:
        return None
    v = value.normalize()
    if v != v.to_integral():
        return v
    try:
        return v.quantize(Decimal(1))
    except InvalidOperation:  # more digits than any context holds: keep the exponent form
        return v


def link_parts(text: str, figures: list[Figure], blocks: list[Block]) -> None:
    """part_of: parenthesised lists after a total, "Trong đó …" breakdowns, a table row's total column."""
    ends = [f.char_end for f in figures]
    for i, total in enumerate(figures):
        m = re.compile(r"\s*\(").match(text, total.char_end)
        if not m:
            continue
        close = text.find(")", m.end(), m.end() + 600)
        if close < 0:
            continue
        for j in range(i + 1, len(figures)):
            f = figures[j]
            if f.char_start >= close:
                break
            if f.part_of is None and can_be_part(f, total):
                f.part_of = i
                label = LIST_LABEL.search(text, m.end() - 1, f.char_start)
                if label and label.group("name")[:1].isupper():
                    f.subject = label.group("name").strip()
    for cue_start, cue_end in context.part_cue_spans(text):
        k = bisect.bisect_right(ends, cue_start) - 1
        if k < 0:
            continue
        scope_end = _breakdown_end(text, cue_end)
        # the total stands on the cue's own line ("Đợt 1: 715 hồ sơ, … 722.200.000 đồng. Trong đó:");
        # a cue line with no figure ("…, cụ thể:") opens a breakdown without a stated total
        if "\n" in text[figures[k].char_end : cue_start]:
            continue
        candidates = []  # totals on the cue's line, nearest first
        for t in range(k, max(-1, k - 6), -1):
            if "\n" in text[figures[t].char_end : cue_start]:
                break
            candidates.append(t)
        for j in range(k + 1, len(figures)):
            f = figures[j]
            if f.char_start >= scope_end:
                break
            if f.part_of is None and f.char_start > cue_start:
                f.part_of = breakdown_total(f, figures, candidates)
    _table_totals(figures, blocks)


SUMMABLE_KINDS = ("money", "count", "quantity")  # a percent or a ratio is never a sum of parts


def can_be_part(part: Figure, total: Figure) -> bool:
    """Parts add up to their total: same summable kind, and a unit that names the same thing."""
    return part.kind == total.kind and part.kind in SUMMABLE_KINDS and same_unit_head(part.unit, total.unit)


def same_unit_head(a: str, b: str) -> bool:
    """`hộ` / `hộ nghèo` name the same thing; `lượt` / `vụ` do not."""
    wa, wb = a.lower().split(), b.lower().split()
    return wa[:1] == wb[:1]


def breakdown_total(part: Figure, figures: list[Figure], candidates: list[int]) -> int | None:
    """The total a "trong đó" part belongs to: the nearest with the same unit, else the nearest of
    its kind (counting a part as its own figure too would double-count it in consolidation)."""
    if part.kind not in SUMMABLE_KINDS:
        return None
    same_kind = [t for t in candidates if figures[t].kind == part.kind]
    same_unit = [t for t in same_kind if same_unit_head(part.unit, figures[t].unit)]
    return (same_unit or same_kind or [None])[0]


def _breakdown_end(text: str, cue_end: int) -> int:
    """Where a breakdown opened at cue_end stops: the sentence end, or the end of the bullet list."""
    line_end = text.find("\n", cue_end)
    line_end = len(text) if line_end < 0 else line_end
    if text[cue_end:line_end].strip(" :") == "":
        pos = line_end + 1
        while pos < len(text) and text[pos : pos + 2].lstrip()[:1] in ("-", "+", "•"):
            nxt = text.find("\n", pos)
            pos = len(text) if nxt < 0 else nxt + 1
        return pos
    m = re.compile(r"[.!?](?:\s|$)|\n").search(text, cue_end)
    return m.start() if m else len(text)


LIST_LABEL = re.compile(r"(?:^|[;(])\s*(?P<name>[^;()\d]{2,60}?)\s*$")


def _table_totals(figures: list[Figure], blocks: list[Block]) -> None:
    """In a table row, cells under a "Tổng"/"Cộng" column are the total of the row's other cells."""
    if not blocks:
        return
    by_row: dict[tuple[int, int], list[int]] = {}
    for i, f in enumerate(figures):
        if f.table_cell:
            by_row.setdefault(f.table_cell[:2], []).append(i)
    headers = {(b.cell.table, b.cell.col): b.cell.col_header for b in blocks if b.cell}
    for (table, _row), idx in by_row.items():
        total_re = context.cues().table_total_re
        totals = [i for i in idx if total_re.search(headers.get((table, figures[i].table_cell[2]), ""))]
        if len(totals) != 1:
            continue
        for i in idx:
            if i != totals[0] and figures[i].kind == figures[totals[0]].kind and figures[i].part_of is None:
                figures[i].part_of = totals[0]
