"""Counted nouns: what a number counts ("1.000 tờ rơi", "123 thôn, buôn, bon, TDP")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.count.vi.segment import WINDOW_WORDS, first_word_length
from extractors.data import alternation, load_tsv, load_yaml
from pipeline.prefix_scan import quick

ACRONYM = re.compile(r"[A-ZĐ]{2,6}")  # "2 HTX", "15 CCB": an acronym counts like a noun
ROMAN = re.compile(r"[IVXLCDM]+")  # "khóa XII": a Roman numeral is an ordinal, not a noun
WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")
GAP = re.compile(r"[ \t]*\n?[ \t]*")  # a number and its noun may be split by one line break
LIST_SEP = re.compile(r", ?")
QUOTES = "“”\"‘’'«»"


@dataclass(frozen=True, slots=True)
class Noun:
    """The counted noun after a number: its text as unit (lower-case), where it ends, how sure."""

    unit: str
    start: int
    end: int
    known: bool


@dataclass(frozen=True, slots=True)
class NounLexicon:
    roles: dict[str, str]
    longest: int
    not_nouns: frozenset[str]
    stop: frozenset[str]
    synonym_pairs: frozenset[str]
    coordinated_re: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> NounLexicon:
    """count/vi/nouns.tsv and count/vi/lexicon.yaml, compiled once."""
    roles = {row[0].lower(): row[1] for row in load_tsv("count", "nouns.tsv")}
    extra = load_yaml("count", "lexicon.yaml")
    return NounLexicon(
        roles=roles,
        longest=max(len(k.split()) for k in roles),
        not_nouns=frozenset(extra["not_nouns"]),
        stop=frozenset(extra["unit_stop"]),
        synonym_pairs=frozenset(p.lower() for p in extra["synonym_pairs"]),
        coordinated_re=quick(re.compile(rf"(?i)(?:{alternation(extra['coordinated_nouns'])})(?![\w])")),
    )


@lru_cache(maxsize=1)
def number_words() -> frozenset[str]:
    """Spelled number and scale words (numeral/vi/lexicon.yaml): they never belong to a counted noun."""
    lex = load_yaml("numeral", "lexicon.yaml")
    return frozenset([*lex["units"], *lex["scale"], *lex["ten"], *lex["tens"], *lex["hundred"]])


def _words(text: str, pos: int, limit: int) -> list[re.Match[str]]:
    """Up to `limit` words from pos, separated by single spaces only."""
    out: list[re.Match[str]] = []
    while len(out) < limit:
        m = WORD.match(text, pos)
        if not m:
            break
        out.append(m)
        pos = m.end()
        if pos < len(text) and text[pos] == " " and pos + 1 < len(text) and text[pos + 1] != " ":
            pos += 1
        else:
            break
    return out


def _known_at(text: str, pos: int) -> tuple[str, int, str] | None:
    """The longest lexicon noun starting at pos: (role, end, written form)."""
    lex = lexicon()
    if joined := lex.coordinated_re.match(text, pos):  # "tin, bài": two nouns that count one thing
        return "noun", joined.end(), joined.group()
    words = _words(text, pos, lex.longest)
    for n in range(len(words), 0, -1):
        written = text[words[0].start() : words[n - 1].end()]
        role = lex.roles.get(written.lower())
        if role:
            return role, words[n - 1].end(), written
    return None


def noun_after(text: str, pos: int, *, allow_unknown: bool = True) -> Noun | None:
    """The counted noun that starts right after a number ending at pos."""
    lex = lexicon()
    gap = GAP.match(text, pos)
    start = gap.end() if gap else pos
    if start < len(text) and text[start] in QUOTES:
        close = re.compile(rf"[{QUOTES}]").search(text, start + 1, start + 80)
        if close:
            words = WORD.findall(text, start + 1, close.start())
            if words and words[0].lower() not in lex.not_nouns:
                return Noun(" ".join(words).lower(), start, close.end(), False)
        return None
    known = _known_at(text, start)
    if known:
        known = _through_classifier(text, start, known)
        role, end, written = known
        unit = written
        if role == "classifier" and text[end : end + 1] == " ":
            follow = _known_at(text, end + 1)
            if follow:
                unit, end = text[start : follow[1]], follow[1]
            else:
                nxt = _words(text, end + 1, WINDOW_WORDS)
                word = nxt[0].group() if nxt else ""
                if word and word.lower() not in lex.stop and word[0].islower() and word not in number_words():
                    end = _word_end(nxt)  # "lượt đại biểu": the classifier's noun, whole
                    unit = text[start:end]
        elif role == "listable":
            unit, end = _listed(text, start, end)
        return Noun(unit.lower(), start, end, True)
    if not allow_unknown:
        return None
    words = _words(text, start, WINDOW_WORDS)
    if not words or words[0].group().lower() in lex.not_nouns:
        return None
    first = words[0].group()
    if first[0].isupper():
        if ACRONYM.fullmatch(first) and not ROMAN.fullmatch(first):
            return Noun(first.lower(), start, words[0].end(), False)
        return None  # an unlisted capitalised word after a number is a name ("trường cấp 3 Tân Phú")
    end = _word_end(words)
    return Noun(text[start:end].lower(), start, end, False)


def _through_classifier(text: str, start: int, known: tuple[str, int, str]) -> tuple[str, int, str]:
    """"căn nhà đại đoàn kết": a classifier and the longer listed noun after it beat the shorter listing."""
    first = WORD.match(text, start)
    if not first or lexicon().roles.get(first.group().lower()) != "classifier" or first.end() == known[1]:
        return known
    if text[first.end() : first.end() + 1] != " ":
        return known
    follow = _known_at(text, first.end() + 1)
    if follow and follow[0] == "noun" and follow[1] > known[1]:
        return "noun", follow[1], text[start : follow[1]]
    return known


def _word_end(words: list[re.Match[str]]) -> int:
    """Where the word opening `words` ends, as the segmenter splits them (stop words never join)."""
    syllables = [w.group() for w in words]
    joinable = 1
    while joinable < len(syllables) and not _ends_noun(syllables[joinable]):
        joinable += 1
    return words[min(first_word_length(syllables), joinable) - 1].end()


def _ends_noun(word: str) -> bool:
    """A stop word, a capitalised word or a number word never joins the noun before it."""
    return word.lower() in lexicon().stop or word[0].isupper() or word in number_words()


def _listed(text: str, start: int, end: int) -> tuple[str, int]:
    """"thôn, buôn, bon, TDP văn hóa" is one unit; "thôn, làng, dân số" lists apart (ends with a comma)."""
    chain_end = end
    while m := LIST_SEP.match(text, chain_end):
        nxt = _known_at(text, m.end())
        if not nxt or nxt[0] != "listable":
            break
        chain_end = nxt[1]
    if chain_end == end or text.startswith(",", chain_end):
        return text[start:end], end  # a single noun, or an apposition list that goes on with a comma
    if text[start:chain_end].lower() in lexicon().synonym_pairs:
        return text[start:end], chain_end
    return text[start:chain_end], chain_end
