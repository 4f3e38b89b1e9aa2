"""Fuzzing the readers and the number grammar for a bounded number of runs.

"Unclassified" means a fault the sandbox could only call E014_PARSER_CRASH: every other outcome
(a document, or a rejection with a specific code) is a clear answer for the officer. The run
prints how many inputs it tried. When it finds a crash, shrink it, add a builder for it to
CASES in tests/badinput/make_corpus.py and a row to TABLE in tests/test_bad_input.py, then fix it.
TONGHOP_FUZZ_EXAMPLES sets the number of inputs per reader target (default 150; the grammar gets 4x).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from badinput import make_corpus
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.document import Block, Document, canonical_text
from pipeline.errors import DocumentRejected
from pipeline.figure import Approx, Kind, Modality
from pipeline.readers import read_document
from pipeline.sandbox import classify

EXAMPLES = int(os.environ.get("TONGHOP_FUZZ_EXAMPLES", "150"))
SECONDS_PER_INPUT = 10  # an input slower than this counts as E008_TIMEOUT, as the sandbox would say
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GRAMMAR_FUZZ = settings(FUZZ, max_examples=4 * EXAMPLES)  # pure functions: many inputs a second

# Well-formed files the mutations start from: one of each format and of each kind of trouble.
SEEDS: dict[str, bytes] = {
    name: make_corpus.CASES[name]()
    for name in (
        "broken_xref.pdf", "encrypted.pdf", "image_only.pdf", "cid_font.pdf", "tcvn3_vntime.docx",
        "no_content_types.docx", "nested_300_deep.docx", "legacy_word97.docx", "utf16.txt", "cp1258.txt",
        "bad_mediabox.pdf", "tcvn3.txt",
    )
} | {
    "report.docx": make_corpus.docx_bytes(make_corpus.REPORT.splitlines()),
    "report.pdf": make_corpus.text_pdf(),
    "report.xls": make_corpus.xls_workbook("Phụ lục 1", make_corpus.APPENDIX_ROWS, merges=((0, 0, 0, 3),)),
}

UNCLEAR = {"E014_PARSER_CRASH", "loaded_without_text"}  # a crash, or "0 figures, OK" for an empty file
outcomes: Counter[str] = Counter()
unclassified: list[tuple[str, str]] = []


class InputTookTooLong(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise InputTookTooLong


def outcome_of(name: str, data: bytes) -> str:
    """Read `data` as a file called `name`, in process; the code it ends with, or "loaded"."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(SECONDS_PER_INPUT)
        try:
            document = read_document(path)
            code = "loaded" if document.text.strip() else "loaded_without_text"
        except InputTookTooLong:
            code = "E008_TIMEOUT"
        except DocumentRejected as rejected:
            code = rejected.code
        except Exception as error:
            code, detail = classify(error)
            if code == "E014_PARSER_CRASH":
                unclassified.append((name, detail))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    outcomes[code] += 1
    return code


@pytest.fixture(scope="module", autouse=True)
def print_executions(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the executions and outcomes once this module's targets have run (visible in CI)."""
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        total, unclear = sum(outcomes.values()), sum(outcomes[code] for code in UNCLEAR)
        print(f"\nfuzz: {total} executions, {unclear} unclassified; outcomes {dict(outcomes)}")


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed file with bytes flipped, cut, duplicated or inserted."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(("flip", "cut", "insert", "repeat", "delete")))
        if action == "flip" and data:
            data[where] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[where:]
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=64))
        elif action == "repeat":
            data[where:where] = data[where : where + draw(st.integers(1, 512))]
        else:
            del data[where : where + draw(st.integers(1, 256))]
    return name, bytes(data)


@st.composite
def mutated_docx_part(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid Word package whose document.xml, styles.xml or numbering is mutated text."""
    package = SEEDS["report.docx"]
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        part = draw(st.sampled_from([n for n in archive.namelist() if n.endswith(".xml")]))
        xml = archive.read(part)
    text = xml.decode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(("<", ">", "</w:p>", "<w:p>", "&amp;", "&#0;", "&#x1F;", "\x00", '"',
                                      "<w:tbl><w:tr><w:tc>", "<w:t>", "<w:numPr/>", "]]>", "<![CDATA[")))
        text = text[:where] + piece + text[where:]
    return "mutated.docx", make_corpus.repack(package, {part: text.encode("utf-8")})


@given(case=mutated())
@FUZZ
def test_mutated_files_end_with_a_clear_outcome(case: tuple[str, bytes]) -> None:
    name, data = case
    assert outcome_of(name, data) not in UNCLEAR, unclassified[-3:]


@given(case=mutated_docx_part())
@FUZZ
def test_mutated_word_xml_ends_with_a_clear_outcome(case: tuple[str, bytes]) -> None:
    name, data = case
    assert outcome_of(name, data) not in UNCLEAR, unclassified[-3:]


@given(data=st.binary(max_size=4096), suffix=st.sampled_from((".txt", ".docx", ".pdf", "", ".doc")))
@FUZZ
def test_random_bytes_end_with_a_clear_outcome(data: bytes, suffix: str) -> None:
    assert outcome_of("file" + suffix, data) not in UNCLEAR, unclassified[-3:]


@given(text=st.text(max_size=2000), encoding=st.sampled_from(("utf-8", "utf-16", "utf-8-sig", "cp1258")))
@FUZZ
def test_random_text_files_end_with_a_clear_outcome(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    assert outcome_of("bao cao.txt", data) not in UNCLEAR, unclassified[-3:]


# ---- the number grammar ----------------------------------------------------------------------------

NUMBER_PIECES = (
    " ", "\n", ".", ",", "/", "%", "-", "–", "(", ")", ";", ":", "đ", " đồng", " VNĐ", " triệu", " tỷ",
    " nghìn", " ngàn", " hộ", " người", " suất quà", " tấn", " ha", "khoảng ", "hơn ", "trên ", "gần ",
    "đạt ", "ước ",
    "phấn đấu ", "Tổng số ", "trong đó: ", "hai mươi mốt ", "một trăm linh năm ", "hàng trăm ", "năm 2024",
    "ngày 31/3/2020", "Quyết định số 15/QĐ-TTg", "xã Nam Dong ", "thôn 19 ", "mỗi hộ ", "/suất", " đến ",
)


def grouped(value: int) -> str:
    """An integer as a Vietnamese report writes it: `1.500.000`."""
    return f"{value:,}".replace(",", ".")


number_text = st.lists(
    st.one_of(
        st.sampled_from(NUMBER_PIECES),
        st.integers(0, 10**13).map(grouped),
        st.integers(0, 999).map(str),
        st.text(alphabet="0123456789.,/ %", max_size=12),
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)


@given(value=st.integers(0, 10**15), leading_zeros=st.integers(0, 2))
@GRAMMAR_FUZZ
def test_thousand_groups_read_back_as_the_same_integer(value: int, leading_zeros: int) -> None:
    from extractors.numeral.vi.rules import parse_digits

    outcomes["grammar"] += 1
    written = "0" * leading_zeros + grouped(value) if value < 1000 else grouped(value)
    assert parse_digits(written) == value


@given(whole=st.integers(0, 10**9), decimals=st.text(alphabet="0123456789", min_size=1, max_size=4),
       scale=st.sampled_from(("", " nghìn", " triệu", " tỷ", " nghìn tỷ")))
@GRAMMAR_FUZZ
def test_decimal_comma_and_scale_words_multiply(whole: int, decimals: str, scale: str) -> None:
    from extractors.numeral.vi.rules import parse_amount

    outcomes["grammar"] += 1
    factor = {"": 1, " nghìn": 10**3, " triệu": 10**6, " tỷ": 10**9, " nghìn tỷ": 10**12}[scale]
    expected = (Decimal(whole) + Decimal(decimals) / 10 ** len(decimals)) * factor
    assert parse_amount(f"{grouped(whole)},{decimals}{scale}") == expected


@given(text=number_text)
@example(text="0.0,0,0")  # found by this fuzzer: parse_digits raised InvalidOperation (fixed)
@GRAMMAR_FUZZ
def test_every_figure_points_at_its_own_quote(text: str) -> None:
    from extractors import extract_figures

    outcomes["grammar"] += 1
    document = text_document(text)
    figures = extract_figures(document)
    for index, figure in enumerate(figures):
        assert 0 <= figure.char_start < figure.char_end <= len(document.text)
        assert document.text[figure.char_start : figure.char_end] == figure.quote
        assert figure.kind in KINDS and figure.approx in APPROX and figure.modality in MODALITY
        assert isinstance(figure.value, Decimal) and figure.value.is_finite()
        assert (figure.denominator is not None) == (figure.kind == "ratio")
        assert figure.approx != "range" or figure.upper is not None
        assert figure.part_of is None or (0 <= figure.part_of < len(figures) and figure.part_of != index)
    assert [f.char_start for f in figures] == sorted(f.char_start for f in figures)


KINDS = set(get_args(Kind))
APPROX = set(get_args(Approx))
MODALITY = set(get_args(Modality))


def text_document(raw: str) -> Document:
    """A .txt-like Document for `raw`: canonical text, one paragraph block per non-empty line."""
    text = canonical_text(raw)
    blocks, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block("paragraph", start, start + len(line)))
        start += len(line) + 1
    return Document(text, blocks, "fuzz.txt", "txt", "0" * 64)
