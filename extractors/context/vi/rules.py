"""Context of a figure: approx, modality, subject, part cues (indicator.py: indicator; zones.py: plans)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.data import alternation, load_yaml
from pipeline.prefix_scan import quick


def _words_re(words: list[str]) -> str:
    """Cue words as a regex; entries with regex syntax are kept as written."""
    plain = [w for w in words if not w.startswith("(?")]
    raw = [w for w in words if w.startswith("(?")]
    return "|".join([alternation(plain), *raw]) if plain else "|".join(raw)


@dataclass(frozen=True, slots=True)
class Cues:
    approx_re: re.Pattern[str]
    approx_kind: dict[str, str]
    approx_after_re: re.Pattern[str]
    approx_after_kind: dict[str, str]
    target_re: re.Pattern[str]
    estimate_re: re.Pattern[str]
    change_verb_re: re.Pattern[str]
    change_ref_re: re.Pattern[str]
    change_verb_any_re: re.Pattern[str]
    level_re: re.Pattern[str]  # "giảm xuống còn ": the amount after is a level, not a change
    year_on_year_re: re.Pattern[str]  # " so với cùng kỳ" right after a percent: a change
    programme_re: re.Pattern[str]
    results_re: re.Pattern[str]
    part_re: re.Pattern[str]
    comparison_bracket_re: re.Pattern[str]  # "(cùng kỳ năm 2023: …": another time, not parts of a total
    subject_re: re.Pattern[str]
    table_total_re: re.Pattern[str]
    row_number_re: re.Pattern[str]


def _first_letter_either_case(words: list[str]) -> str:
    """An alternation matching each entry as written or with its first letter in the other case."""
    return alternation([form for w in words for form in (w, w[:1].swapcase() + w[1:])])


@lru_cache(maxsize=1)
def cues() -> Cues:
    """context/vi/cues.yaml, compiled once."""
    c = load_yaml("context", "cues.yaml")
    kinds = {w.lower(): k for k, ws in c["approx"].items() for w in ws}
    after_kinds = {w.lower(): k for k, ws in c["approx_after"].items() for w in ws}
    word = lambda ws: quick(re.compile(rf"(?i)(?<![\w])(?:{_words_re(ws)})(?![\w])"))  # noqa: E731
    places = alternation(c["subject_places"])
    scopes = alternation(c["subject_scopes"])
    name = r"[A-ZĐÂĂÊÔƠƯ][\w’']*(?:[ -][A-ZĐÂĂÊÔƠƯ][\w’']*)*"
    joiners = alternation(c["subject_name_joiners"])
    names = rf"{name}(?:(?:{joiners})(?:(?i:{places}) )?{name})*"
    level = rf"(?: (?:{alternation(c['subject_levels'])}))"
    with_level = alternation(c["subject_bodies_with_level"])
    body = (
        rf"(?:{_first_letter_either_case(c['subject_bodies'])})(?: {name})?{level}?(?: {name})?"
        rf"|(?:{with_level})(?: {name})?{level}(?: {name})?"
    )
    subject_re = quick(re.compile(rf"(?<![\w])(?:(?i:{places}) {names}|(?i:{scopes})|{body})(?![\w])"))
    return Cues(
        approx_re=quick(re.compile(rf"(?i)(?<![\w])(?P<cue>{alternation(list(kinds))})\s+$")),
        approx_kind=kinds,
        approx_after_re=re.compile(rf"(?i)\s+(?P<cue>{alternation(list(after_kinds))})(?![\w])"),
        approx_after_kind=after_kinds,
        target_re=word(c["modality"]["target"]),
        estimate_re=word(c["modality"]["estimate"]),
        change_verb_re=quick(re.compile(
            rf"(?i)(?<![\w])(?:{_words_re(c['modality']['change_verbs'])})"
            rf"(?:\s+(?:{alternation(c['modality']['change_particles'])}))?\s+$"
        )),
        change_ref_re=word(c["modality"]["change_reference"]),
        change_verb_any_re=word(c["modality"]["change_verbs"]),
        level_re=quick(re.compile(
            rf"(?i)(?<![\w])(?:{_words_re(c['modality']['change_verbs'])})"
            rf"(?:\s+(?:{alternation(c['modality']['level_particles'])}))+\s*$"
        )),
        year_on_year_re=re.compile(rf"(?i)\s*(?:{alternation(c['modality']['year_on_year'])})(?![\w])"),
        programme_re=word(c["programme_headings"]),
        results_re=word(c["results_headings"]),
        part_re=word(c["part_cues"]),
        comparison_bracket_re=re.compile(rf"(?i)\s*(?:{alternation(c['comparison_brackets'])})(?![\w])"),
        subject_re=subject_re,
        table_total_re=word(c["table_total_headers"]),
        row_number_re=re.compile(rf"(?i)^\s*(?:{alternation(c['row_number_headers'])})\s*$"),
    )


def approx_before(text: str, start: int) -> tuple[str, int] | None:
    """("over", cue start) when an approx cue word stands right before the number at start."""
    c = cues()
    m = c.approx_re.search(text, max(0, start - 20), start)
    if not m:
        return None
    return c.approx_kind[m.group("cue").lower()], m.start()


def approx_after(text: str, end: int) -> str | None:
    """"over" for "từ 20 hộ trở lên": an approx cue right after the quote ending at end."""
    c = cues()
    m = c.approx_after_re.match(text, end)
    return c.approx_after_kind[m.group("cue").lower()] if m else None


def modality(sentence_left: str, in_programme: bool, left_of_number: str) -> str:
    """target / estimate / change / actual from the sentence before the figure and its section.

    A target named only as the yardstick of a result ("vượt chỉ tiêu", "đạt 168% chỉ tiêu") is no
    target cue; in a plan, a sentence that reports a result ("đã", "kết quả") is actual."""
    c, p = cues(), plan_cues()
    left = sentence_left
    if c.target_re.search(left):
        left = p.target_reference_re.sub(" ", sentence_left)
        if c.target_re.search(left):
            return "target"
    if c.estimate_re.search(left):
        return "estimate"
    if c.change_verb_any_re.search(left_of_number) and not c.level_re.search(left_of_number):
        return "change"  # the caller drops it again when the sentence compares with nothing
    if in_programme and left is sentence_left and not p.result_re.search(left):
        return "target"
    return "actual"


def change_after(text: str, start: int, end: int) -> bool:
    """"giảm 28% so với năm 2019": a change verb before and a comparison right after; or a percent
    right before "so với cùng kỳ" ("bằng 80,9% so với cùng kỳ", "100,1% so cùng kỳ")."""
    c = cues()
    if text.endswith("%", start, end) and c.year_on_year_re.match(text, end):
        return True
    return bool(c.change_verb_re.search(text, max(0, start - 20), start)) and bool(
        c.change_ref_re.match(text, end + 1) or c.change_ref_re.search(text, end, end + 12)
    )


@dataclass(frozen=True, slots=True)
class PlanCues:
    title_re: re.Pattern[str]  # "KẾ HOẠCH", "CHƯƠNG TRÌNH" … opening a title line, in capitals
    headline_re: re.Pattern[str]  # "giao chỉ tiêu" in a news headline
    section_re: re.Pattern[str]  # "Các chỉ tiêu chủ yếu" in a numbered sub-heading
    opener_re: re.Pattern[str]  # "Theo Kế hoạch" opening a sentence
    result_re: re.Pattern[str]  # "đã", "kết quả": the sentence reports a result
    target_reference_re: re.Pattern[str]  # "vượt chỉ tiêu", "168% chỉ tiêu": a yardstick, not a target


@lru_cache(maxsize=1)
def plan_cues() -> PlanCues:
    """The plan-document cues of context/vi/cues.yaml, compiled once."""
    c = load_yaml("context", "cues.yaml")
    titles = alternation([w.upper() for w in c["plan_titles"]])
    return PlanCues(
        title_re=re.compile(rf"(?:{titles})(?![\w])"),
        headline_re=re.compile(rf"(?i)(?<![\w])(?:{alternation(c['plan_headlines'])})(?![\w])"),
        section_re=re.compile(rf"(?i)(?<![\w])(?:{alternation(c['plan_section_headings'])})(?![\w])"),
        opener_re=quick(re.compile(rf"(?i)(?<![\w])(?:{alternation(c['plan_openers'])})(?![\w])")),
        result_re=quick(re.compile(rf"(?i)(?<![\w])(?:{_words_re(c['result_cues'])})(?![\w])")),
        target_reference_re=re.compile(rf"(?i)(?:{'|'.join(c['target_references'])})"),
    )


BULLET_LINE = re.compile(r"[ \t]*[-+•*]")


def subject_before(text: str, sentence_start: int, start: int) -> str:
    """The nearest place or body named before the figure in its sentence, else in the line
    introducing its bullet list ("Đối với xã Ea Pô:" over "+ Tổng số hộ: 2.763 hộ")."""
    last = None
    for m in cues().subject_re.finditer(text, sentence_start, start):
        last = m
    if last:
        return last.group().strip()
    line_start = text.rfind("\n", 0, start) + 1
    if not BULLET_LINE.match(text, line_start):
        return ""
    for _ in range(12):  # climb over the sibling bullets to the intro line
        if line_start == 0:
            return ""
        prev = text.rfind("\n", 0, line_start - 1) + 1
        if not BULLET_LINE.match(text, prev) or text[prev : line_start - 1].rstrip().endswith(":"):
            intro = text[prev : line_start - 1]
            if not intro.rstrip().endswith(":"):
                return ""
            found = list(cues().subject_re.finditer(intro))
            return found[-1].group().strip() if found else ""
        line_start = prev
    return ""


def part_cue_spans(text: str) -> list[tuple[int, int]]:
    """Where "trong đó", "gồm" … open a breakdown."""
    return [(m.start(), m.end()) for m in cues().part_re.finditer(text)]
