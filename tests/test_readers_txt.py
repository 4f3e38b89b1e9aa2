"""The .txt reader: exact canonical text, encodings, blocks and section paths against the gold."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.document import FLAG_DECOMPOSED, FLAG_LEGACY_TCVN3, canonical_text
from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.legacy import TCVN3, from_unicode

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "gold"
SEEDS = sorted(SAMPLES.glob("[0-9][0-9][0-9]_*.txt"))


def test_there_are_five_seeds() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_canonical_text_is_nfc_of_the_file(seed: Path) -> None:
    document = read_document(seed)
    raw = seed.read_bytes().decode("utf-8")
    assert document.text == unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))
    assert document.format == "txt" and document.encoding == "utf-8"
    assert document.path == seed.name


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_one_block_per_non_empty_line(seed: Path) -> None:
    document = read_document(seed)
    lines = [line for line in document.text.split("\n") if line.strip()]
    assert [document.text[b.start : b.end] for b in document.blocks] == lines
    assert all(b.kind in ("heading", "paragraph", "list_item") for b in document.blocks)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_section_paths_match_the_gold(seed: Path) -> None:
    document = read_document(seed)
    checked = 0
    for line in (GOLD / f"{seed.name}.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if "section" not in gold:
            continue
        assert document.text[gold["char_start"] : gold["char_end"]] == gold["quote"]
        assert " > ".join(document.section_at(gold["char_start"])) == gold["section"], gold["quote"]
        checked += 1
    if seed.name.startswith("000"):
        assert checked > 100


def test_headings_of_seed_000_carry_numbering_and_depth() -> None:
    document = read_document(SAMPLES / "000_064a08cc418c8552.txt")
    headings = [b for b in document.blocks if b.kind == "heading"]
    assert [(h.numbering, h.level) for h in headings[:4]] == [
        ("Phần thứ nhất", 1), ("1.", 2), ("1.1.", 3), ("1.2.", 3),
    ]
    part_two = next(h for h in headings if h.numbering == "Phần thứ hai")
    after = headings[headings.index(part_two) + 1]
    assert after.section[0] == "Phần thứ hai" and after.level == 2
    stars = [b for b in document.blocks if b.numbering == "*"]
    assert stars and all(b.kind == "list_item" for b in stars)


def test_decomposed_seed_is_composed_and_flagged() -> None:
    seed = SAMPLES / "000_064a08cc418c8552.txt"
    assert unicodedata.normalize("NFC", seed.read_text(encoding="utf-8")) != seed.read_text(encoding="utf-8")
    assert FLAG_DECOMPOSED in read_document(seed).flags
    assert FLAG_DECOMPOSED not in read_document(SAMPLES / "004_386d69b07cae7cb5.txt").flags


TEXT = (
    " Báo cáo\r\n\r\n1. Tổng số hộ dân được phát phiếu: 1.519 hộ, chiếm tỷ lệ 77%.\r\n"
    "**Quỹ** 200 triệu đồng\r\n"
)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def _cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: letter with its hat/horn precomposed, tone combining."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (letter + tones).encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (_cp1258(TEXT), "cp1258"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1258"],
)
def test_encodings_decode_to_the_same_canonical_text(tmp_path: Path, raw: bytes, encoding: str) -> None:
    file = tmp_path / "report.txt"
    file.write_bytes(raw)
    document = read_document(file)
    assert document.encoding == encoding
    assert document.text == canonical_text(TEXT)
    assert document.text.startswith(" Báo cáo\n\n1.")  # leading space and blank line kept, BOM gone
    assert [b.kind for b in document.blocks] == ["paragraph", "heading", "paragraph"]
    assert document.text[document.blocks[2].start : document.blocks[2].end] == "**Quỹ** 200 triệu đồng"


def test_undecodable_text_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "garbage.txt"
    file.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentRejected) as caught:
        read_document(file)
    assert caught.value.code == "E011_UNDECODABLE_TEXT"
    assert "garbage.txt" in caught.value.message()


def test_tcvn3_bytes_are_converted_and_flagged(tmp_path: Path) -> None:
    text = "Tổng số hộ dân xã Cư Knia: 1.955 hộ, chiếm tỷ lệ 77%.\r\nMặt trận vận động được 361.432.000 đ.\n"
    file = tmp_path / "vntime.txt"
    file.write_bytes(from_unicode(text, TCVN3).encode("cp1252"))
    document = read_document(file)
    assert document.text == canonical_text(text)
    assert document.encoding == "tcvn3" and document.flags == [FLAG_LEGACY_TCVN3]


def test_windows_1258_text_is_not_mistaken_for_tcvn3(tmp_path: Path) -> None:
    file = tmp_path / "cp1258.txt"
    file.write_bytes(_cp1258(TEXT * 20))
    assert read_document(file).encoding == "cp1258"
