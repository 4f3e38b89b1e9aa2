"""The indicator of a figure: the words of its sentence that say what it counts or pays.

The procedure, with every word list in context/vi/indicator.yaml (and indicator_phrases.tsv):

- the words around a figure stop at a clause mark, at the figure before and the figure after
  (other digits belong to the description: "trẻ em dưới 1 tuổi"), at "mỗi" (a rate's per noun)
  and at words that open a new clause ("12 hội nghị tiếp xúc cử tri | với hơn 1.200 …");
  a known phrase ("Quỹ phòng, chống dịch Covid-19") or a quoted name is never cut inside;
- a count or ratio: its counted noun phrase; a noun alone takes the words before it
  ("Hòa giải thành 45/52 vụ việc"), and after "là"/":" they replace it ("Tổng số cử tri đi bầu
  là 86.412 người");
- a quantity: the noun after its unit ("3 tấn gạo" → "gạo"), else the words before;
- a percent: the noun phrase after it ("98% hộ gia đình đạt …"), joined to a "tỷ lệ" before it;
  else the words before, or "tỷ lệ" + what the figure just before counted ("…, đạt 85%"), or
  what that figure measured + the change verb ("48.600 tấn, tăng 3,2% so với …");
- money and rates: the words before it in its clause, after the subject ("vận động Quỹ "Vì người
  nghèo" được"), completed when they only say "số tiền"/"trị giá", followed by what comes after
  the amount when that names the money ("… tiền hỗ trợ", "từ Quỹ …");
- a figure whose words name no known phrase gets the last one its sentence named before it.

Every piece is a verbatim span of the canonical text (runs of white space shown as one space).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from extractors.context.vi.rules import cues
from extractors.data import alternation, load_tsv, load_yaml
from pipeline.prefix_scan import quick

TOKEN = re.compile(r"[“”\"«»]|[^\W_]+(?:[’'-][^\W_]+)*|[^\w\s]")
OPEN_QUOTES = "“«"
CLOSE_QUOTES = "”»"
PUNCT_BREAK = set(",;:.()/!?…[]")
WINDOW = 240  # characters read on each side of a figure
MAX_WORDS = 16  # longest phrase kept, in words


class Earlier(Protocol):
    """What describe needs of the figures already read (pipeline.figure.Figure fits)."""

    kind: str
    indicator: str
    sentence_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class Rules:
    """indicator.yaml, compiled once."""

    phrase_break_re: re.Pattern[str]
    before_break_re: re.Pattern[str]
    person_re: re.Pattern[str]  # "Chị Lò Thị Mai": a person named before a figure is not what it counts
    trim: frozenset[str]
    trim_edges: frozenset[str]  # first and last words of the trim entries, to skip most lookups
    trim_tail: frozenset[str]
    money_heads: frozenset[str]
    money_follow_re: re.Pattern[str]
    percent_reference_re: re.Pattern[str]
    share_heads: frozenset[str]
    rate_word: str
    copulas: tuple[str, ...]
    known_re: re.Pattern[str]  # the phrases of indicator_phrases.tsv
    each_re: re.Pattern[str]  # "mỗi", "từng" (rate/vi/lexicon.yaml)
    change_verbs: frozenset[str]  # "tăng", "giảm" (context/vi/cues.yaml)


@lru_cache(maxsize=1)
def rules() -> Rules:
    """context/vi/indicator.yaml, compiled once."""
    data = load_yaml("context", "indicator.yaml")
    each = load_yaml("rate", "lexicon.yaml")["each"]
    cue_data = load_yaml("context", "cues.yaml")
    change_verbs = cue_data["modality"]["change_verbs"]
    # approx cues ("không dưới", "trở lên") are stored as approx, never part of the indicator
    approx_cues = [w for group in ("approx", "approx_after") for ws in cue_data[group].values() for w in ws]
    trim_words = [*data["trim_words"], *approx_cues]

    def words(key: str) -> re.Pattern[str]:
        return quick(re.compile(rf"(?i)(?<![\w])(?:{alternation(data[key])})(?![\w])"))

    return Rules(
        phrase_break_re=words("phrase_breaks"),
        before_break_re=words("clause_breaks_before"),
        person_re=quick(re.compile(
            rf"(?<![\w])(?i:{alternation(data['person_titles'])})\s+[A-ZĐÂĂÊÔƠƯ][\w]*(?:\s+[A-ZĐÂĂÊÔƠƯ][\w]*){{0,4}}"
        )),
        trim=frozenset(w.lower() for w in trim_words),
        trim_edges=frozenset(w.lower().split()[k] for w in trim_words for k in (0, -1)),
        trim_tail=frozenset(w.lower() for w in data["trim_tail_words"]),
        money_heads=frozenset(w.lower() for w in data["money_heads"]),
        money_follow_re=re.compile(rf"(?i)\s*(?:{alternation(data['money_follow_leads'])})(?![\w])"),
        percent_reference_re=re.compile(rf"(?i)\s*(?:{alternation(data['percent_references'])})(?![\w])"),
        share_heads=frozenset(w.lower() for w in data["share_heads"]),
        rate_word=data["rate_word"],
        copulas=tuple(data["copulas"]),
        each_re=quick(re.compile(rf"(?i)(?<![\w])(?:{alternation(each)})(?![\w])")),
        change_verbs=frozenset(w.lower() for w in change_verbs),
        known_re=quick(re.compile(
            rf"(?i)(?<![\w])(?:{'|'.join(_phrase_pattern(p) for p in known_phrases())})"
            r"(?![\w])"
        )),
    )


def known_phrases() -> list[str]:
    """indicator_phrases.tsv, longest first so "Tết vì người nghèo và …" wins over "Tết vì người nghèo"."""
    return sorted((row[0] for row in load_tsv("context", "indicator_phrases.tsv")), key=len, reverse=True)


def _phrase_pattern(phrase: str) -> str:
    """A known phrase as a regex tolerant of its quote marks, comma spacing and hyphen spacing."""
    out = []
    for ch in phrase:
        if ch in "\"“”«»":
            out.append("[\"“”«»]")
        elif ch == ",":
            out.append(",?")
        elif ch == " ":
            out.append("\\s+")
        elif ch == "-":
            out.append("\\s*-?\\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def verbatim(text: str, span: tuple[int, int]) -> str:
    """The text of a span with its runs of white space (a wrapped line end) shown as one space."""
    return " ".join(text[span[0] : span[1]].split())


def _is_word(token: str) -> bool:
    return token[0].isalnum()


def trim(text: str, start: int, end: int, *, head: bool = True) -> tuple[int, int]:
    """The span without function words, cue words, stray punctuation or an unpaired quote at its ends
    (at its start too only if head: "từ Quỹ …" after an amount keeps its "từ")."""
    tokens = list(TOKEN.finditer(text, start, end))
    lo, hi = trimmed(tokens, head=head)
    if lo >= hi:
        return start, start
    return tokens[lo].start(), tokens[hi - 1].end()


def trimmed(tokens: Sequence[re.Match[str]], *, head: bool = True) -> tuple[int, int]:
    """trim on tokens already read (TOKEN matches of the span, in order): the (first, past-last)
    indexes of the tokens kept, so a caller that has the tokens does not read the span twice."""
    trim_words, edges, tail = rules().trim, rules().trim_edges, rules().trim_tail
    lowered: dict[int, str] = {}  # only the tokens near the ends are ever read: lower-cased on demand

    def lower(k: int) -> str:
        if (word := lowered.get(k)) is None:
            word = lowered[k] = tokens[k].group().lower()
        return word

    def droppable(i: int, step: int) -> int:
        """How many tokens from i (going step) form a trimmable word group; 0 if none."""
        word = lower(i)
        if not _is_word(word):
            return 0 if _paired_quote(tokens, i) else 1
        if step == 1 and word[0].isdigit():
            return 1  # "Đến 25/12/2020 thu được": a date or number opening the phrase is not what is counted
        if step == -1 and word in tail:
            return 1
        if word not in edges:
            return 0
        for n in (3, 2, 1):
            j = i + step * (n - 1)
            if not 0 <= j < len(tokens):
                continue
            group = [lower(k) for k in range(min(i, j), max(i, j) + 1)]
            if " ".join(group) in trim_words and all(_is_word(w) for w in group):
                return n
        return 0

    lo, hi = 0, len(tokens)
    while head and lo < hi and (n := droppable(lo, 1)):
        lo += n
    while hi > lo and (n := droppable(hi - 1, -1)):
        hi -= n
    return lo, hi


def _paired_quote(tokens: Sequence[re.Match[str]], i: int) -> bool:
    """Whether the quote token at i has its partner inside tokens (so trimming must keep it)."""
    tok = tokens[i].group()
    if tok in OPEN_QUOTES:
        return any(t.group() in CLOSE_QUOTES for t in tokens[i + 1 :])
    if tok in CLOSE_QUOTES:
        return any(t.group() in OPEN_QUOTES for t in tokens[:i])
    if tok == '"':
        return sum(1 for t in tokens if t.group() == '"') % 2 == 0
    return False


def phrase_after(
    text: str, pos: int, *, keep_until: int = -1, head: bool = True, stop: int | None = None,
) -> tuple[int, int]:
    """The noun phrase from pos: up to a clause mark, a number or a clause-opening word outside quotes.

    Text before keep_until (a counted noun already read, "thôn, buôn, bon, TDP") is always kept.
    """
    r = rules()
    limit = min(len(text), pos + WINDOW, len(text) if stop is None else stop)
    end = pos
    words = 0
    quote: str | None = None
    skip_to = keep_until
    kept: list[re.Match[str]] = []  # the tokens of text[pos:end], trimmed at the end
    known_at, break_at, date_at = r.known_re.match, r.phrase_break_re.match, DATE_OR_REFERENCE.match
    for m in TOKEN.finditer(text, pos, limit):
        tok = m.group()
        at, after = m.span()
        if after <= skip_to:
            end = after
            kept.append(m)
            continue
        if quote is None and (known := known_at(text, at)):
            skip_to, end = known.end(), after  # a known name is read whole, inner commas included
            kept.append(m)
            continue
        if end > pos and text.find("\n", end, at) >= 0:
            break
        if quote is None:
            if tok in OPEN_QUOTES or tok == '"':
                quote = "”»" if tok in OPEN_QUOTES else '"'
            elif tok in PUNCT_BREAK or tok in CLOSE_QUOTES or break_at(text, at) or date_at(text, at):
                break
        elif tok in quote:
            quote = None
        if tok[0].isalnum():  # a word
            words += 1
            if words > MAX_WORDS and quote is None:
                break
        end = after
        kept.append(m)
    lo, hi = trimmed(kept, head=head)  # as trim(text, pos, end): the same tokens, not read again
    return (kept[lo].start(), kept[hi - 1].end()) if lo < hi else (pos, pos)


DATE_OR_REFERENCE = re.compile(r"\d+\s?[/-]\s?\w")  # "18/11", "25/NQ-HĐND": not part of a noun phrase
BREAK_BEFORE = re.compile(r"[,;:.()/!?…\[\]\n]")
QUOTE_CHARS = re.compile(r"[“”\"«»]")


def _last_break(text: str, lo: int, pos: int) -> int:
    """End of the last clause mark or line end in text[lo:pos] not inside quotes or a known phrase."""
    cut = lo
    for m in BREAK_BEFORE.finditer(text, lo, pos):
        cut = m.end()
    for known in rules().known_re.finditer(text, max(lo, cut - 80), pos):
        if known.start() < cut <= known.end():  # "Quỹ phòng, chống dịch Covid-19 với …": one name
            return _last_break(text, lo, known.start()) if known.start() > lo else lo
    quotes = QUOTE_CHARS.findall(text, cut, pos)
    if not quotes or _quotes_balanced(quotes):
        return cut
    # the mark sits inside a quoted name ("Quỹ “Chung sức …, đô thị văn minh” được"): look before it
    open_at = max(text.rfind(q, lo, cut) for q in "“«\"")
    return _last_break(text, lo, open_at) if open_at > lo else lo


def _quotes_balanced(quotes: list[str]) -> bool:
    depth = 0
    for q in quotes:
        if q in OPEN_QUOTES:
            depth += 1
        elif q in CLOSE_QUOTES:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and quotes.count('"') % 2 == 0


def phrase_before(text: str, lo: int, pos: int) -> tuple[int, int]:
    """The words before pos in its clause: after the last clause mark, number, subject or "và"."""
    r = rules()
    cut = _last_break(text, max(lo, pos - WINDOW), pos)
    for m in r.each_re.finditer(text, cut, pos):  # "hỗ trợ | mỗi hộ 5 triệu": the rate's per noun follows
        if _quotes_balanced(QUOTE_CHARS.findall(text, m.end(), pos)):
            pos = m.start()
            break
    for m in r.before_break_re.finditer(text, cut, pos):
        if _quotes_balanced(QUOTE_CHARS.findall(text, m.end(), pos)):
            cut = m.end()
    for subject in cues().subject_re.finditer(text, cut, pos):
        cut = max(cut, subject.end())
    for person in r.person_re.finditer(text, cut, pos):
        cut = max(cut, person.end())
    tokens = list(TOKEN.finditer(text, cut, pos))
    lo, hi = trimmed(tokens)
    if lo >= hi:
        return cut, cut
    if hi - lo > MAX_WORDS:  # fewer tokens cannot hold too many words
        words = [t for t in tokens[lo:hi] if _is_word(t.group())]  # the trimmed span's own tokens
        if len(words) > MAX_WORDS:
            return trim(text, words[-MAX_WORDS].start(), tokens[hi - 1].end())
    return tokens[lo].start(), tokens[hi - 1].end()


def colon_clause(text: str, sent_start: int, start: int) -> tuple[int, int]:
    """The words before the colon that ends right before start ("Tổng số đã chi hỗ trợ: …")."""
    colon = text.rfind(":", sent_start, start)
    if colon < 0:
        return start, start
    between = text[colon + 1 : start].strip(" \t-+")
    if between and not cues().subject_re.fullmatch(between):  # only a subject may stand between
        return start, start
    return phrase_before(text, sent_start, colon)


def ends_with_copula(text: str, lo: int, pos: int) -> bool:
    """Whether the words right before pos end in "là" or ":" (the noun then only repeats the unit)."""
    left = text[lo:pos].rstrip()
    return any(left.lower().endswith(c) and (c == ":" or not left[-len(c) - 1 : -len(c)].isalnum())
               for c in rules().copulas)


MAX_PREVIOUS = 64  # figures looked back at in one sentence; a real sentence holds fewer than 40


def _previous(
    text: str, earlier: Sequence[Earlier], sent_start: int, start: int, kinds: tuple[str, ...],
) -> Earlier | None:
    """The nearest figure before start in the same sentence, with no ";" between, among the kinds."""
    in_list = _open_parenthesis(text[sent_start:start])  # "(xã A 5 đồng; xã B 6 đồng)": ";" separates parts
    semicolon = text.rfind(";", sent_start, start)  # found once: the loop stays linear in the figures
    for f in itertools.islice(reversed(earlier), MAX_PREVIOUS):
        if f.sentence_start != sent_start or (semicolon >= f.char_end and not in_list):
            return None
        if f.kind in kinds and f.indicator:
            return f
    return None


def describe(
    text: str, kind: str, span: tuple[int, int], noun_start: int | None, per: str,
    earlier: Sequence[Earlier], sent_start: int, next_start: int,
) -> str:
    """The indicator of the figure at span of this kind (see the module docstring); the words around
    it stop at the figure before (earlier[-1]) and at the one after (next_start), not at other digits
    ("trẻ em dưới 1 tuổi", "câu hỏi số 19" belong to the description)."""
    phrase = _own_words(text, kind, span, noun_start, per, earlier, sent_start, next_start)
    # a counted noun with words of its own already says what it counts
    described = noun_start is not None and len(phrase.split()) > len(text[noun_start : span[1]].split()) + 1
    if not described and not rules().known_re.search(phrase) and (
        named := _last_known(text, sent_start, span[0])
    ):
        phrase = f"{phrase} {named}".strip()  # "ủng hộ Quỹ phòng, chống dịch Covid-19 với tổng số tiền …"
    return phrase


def _own_words(
    text: str, kind: str, span: tuple[int, int], noun_start: int | None, per: str,
    earlier: Sequence[Earlier], sent_start: int, next_start: int,
) -> str:
    """The indicator from the figure's own clause, before a known phrase named earlier is added."""
    r = rules()
    start, end = span
    prev_end = earlier[-1].char_end if earlier and earlier[-1].char_end <= start else sent_start

    def previous(*kinds: str) -> Earlier | None:
        return _previous(text, earlier, sent_start, start, kinds)

    if noun_start is not None:
        noun = verbatim(text, (noun_start, end))
        phrase = phrase_after(text, noun_start, keep_until=end, head=False, stop=next_start)
        if phrase[1] > end:
            return verbatim(text, phrase)  # the noun phrase says it all: the words before are not read
    before = _words_before(text, max(sent_start, prev_end), start, per)
    if noun_start is not None:
        if ends_with_copula(text, sent_start, start):
            # "Tổng số cử tri tham dự: 370 người": the words before say what the noun only repeats
            lead = before or verbatim(text, colon_clause(text, sent_start, start))
            return lead if len(lead.split()) > 2 else f"{noun} {lead}".strip()
        return f"{noun} {before}".strip()
    after = verbatim(text, phrase_after(text, end, stop=next_start))
    if kind == "quantity":
        return after or before or _indicator_of(previous(kind))
    if kind == "percent":
        if after and not r.percent_reference_re.match(text, end):
            return f"{r.rate_word} {after}" if r.rate_word in before.lower() else after
        grown = previous("count", "ratio", "money", "quantity", "percent")
        if before.lower() in r.change_verbs and grown:
            return f"{grown.indicator} {before}"  # "48.600 tấn, tăng 3,2% so với năm 2021": what grew
        if before and before.lower() not in r.share_heads:
            return before
        prev = previous("count", "ratio", "money", "quantity")
        return f"{r.rate_word} {prev.indicator}" if prev else before
    # money and rates
    lead = r.money_follow_re.match(text, end)
    follow = ""
    if lead:
        follow = verbatim(text, phrase_after(text, end, keep_until=lead.end(), head=False, stop=next_start))
    if len(before.split()) <= 1 and not follow:
        # "Tổng số đã chi hỗ trợ: Ủy ban MTTQ huyện chi: 465.000.000đ"
        before = f"{verbatim(text, colon_clause(text, sent_start, start))} {before}".strip()
    if before.lower() in r.money_heads or not (before or follow):
        # "5.120 suất quà, tổng trị giá: …": the sum of what was just counted; a part in a
        # list "(xã Nam Dong 214.383.000đ; …)" shares its total's indicator
        what = _indicator_of(previous("count", "ratio", "quantity") or previous(kind)) or verbatim(
            text, colon_clause(text, sent_start, start)
        )
        before = f"{before} {what}".strip()
    return f"{before} {follow}".strip()


def _words_before(text: str, lo: int, start: int, per: str) -> str:
    """The words before the figure in its clause, without a place list's name or the rate's per noun."""
    before = verbatim(text, phrase_before(text, lo, start))
    if _is_name(before):
        return ""
    if per and before.lower().startswith(per.lower()):  # "mỗi căn 50 triệu": the per noun is stored apart
        return before[len(per) :].strip()
    return before


def _last_known(text: str, lo: int, pos: int) -> str:
    """The last known indicator phrase (indicator_phrases.tsv) in text[lo:pos], verbatim."""
    last = None
    for last in rules().known_re.finditer(text, lo, pos):  # noqa: B007
        pass
    return verbatim(text, last.span()) if last else ""


def _open_parenthesis(left: str) -> bool:
    """Whether a "(" opened in left is still open at its end."""
    return left.rfind("(") > left.rfind(")")


def _is_name(phrase: str) -> bool:
    """Every word capitalised ("Đak Rông", "Trúc Sơn"): a place named in a list, not what is counted."""
    words = [w for w in phrase.split() if w[:1].isalpha()]
    return bool(words) and all(w[0].isupper() for w in words)


def _indicator_of(figure: Earlier | None) -> str:
    return figure.indicator if figure else ""
