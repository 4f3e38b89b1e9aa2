"""Files that are not what they claim, recognised by their bytes and refused with the right code."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import DocumentRejected
from pipeline.readers import read_document
from pipeline.readers.detect import OLE2_MAGIC, detect_format
from pipeline.readers.ocr import ocr_available
from pipeline.readers.word97 import office

WORD97_BROKEN = "E005_CORRUPT" if office() else "E003_LEGACY_DOC"
IMAGE_BROKEN = "E005_CORRUPT" if ocr_available() else "E009_NEEDS_OCR"

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _ole2(*stream_names: str) -> bytes:
    """A compound-file header followed by directory entries naming `stream_names` (UTF-16LE)."""
    header = OLE2_MAGIC + bytes(504)
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for name in stream_names)
    return header + entries


def _rejected(tmp_path: Path, name: str, raw: bytes) -> DocumentRejected:
    file = tmp_path / name
    file.write_bytes(raw)
    with pytest.raises(DocumentRejected) as caught:
        read_document(file)
    assert name in caught.value.message()
    return caught.value


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("empty.docx", b"", "E001_EMPTY"),
        ("blank.txt", b"  \r\n\t\n", "E001_EMPTY"),
        # a bare Word 97 container: LibreOffice cannot convert it (E003 where LibreOffice is missing)
        ("report.doc", _ole2("Root Entry", "WordDocument", "1Table"), WORD97_BROKEN),
        ("renamed.docx", _ole2("Root Entry", "WordDocument"), WORD97_BROKEN),
        # an Excel 97 container is read by xlrd: this one names its stream but holds none
        ("workbook.xls", _ole2("Root Entry", "Workbook"), "E005_CORRUPT"),
        ("slides.doc", _ole2("Root Entry", "PowerPoint Document"), "E003_LEGACY_DOC"),
        ("locked.docx", _ole2("Root Entry", "EncryptionInfo", "EncryptedPackage"), "E004_ENCRYPTED"),
        # images are read by OCR, whatever their name: these are broken ones (E009 without Tesseract)
        ("photo.docx", b"\x89PNG\r\n\x1a\n" + bytes(64), IMAGE_BROKEN),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), IMAGE_BROKEN),
        ("anim.gif", b"GIF89a" + bytes(64), "E002_UNKNOWN_FORMAT"),
        ("notes.docx", "Báo cáo năm 2020".encode(), "E002_UNKNOWN_FORMAT"),
        ("scan.pdf", b"\xff\xd8\xff\xe0" + bytes(64), IMAGE_BROKEN),
        ("blob.bin", bytes(range(256)) * 8, "E002_UNKNOWN_FORMAT"),
    ],
)
def test_refused_with_the_right_code(tmp_path: Path, name: str, raw: bytes, code: str) -> None:
    assert _rejected(tmp_path, name, raw).code == code


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "xã,số hộ\nEa Pô,2763\n")
    assert _rejected(tmp_path, "data.docx", buffer.getvalue()).code == "E002_UNKNOWN_FORMAT"


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    raw = (SAMPLES / "004_386d69b07cae7cb5.docx").read_bytes()
    code = _rejected(tmp_path, "cut.docx", raw[: len(raw) // 2]).code
    assert code == "E005_CORRUPT"


def test_message_is_vietnamese_and_names_the_file(tmp_path: Path) -> None:
    rejected = _rejected(tmp_path, "báo cáo.doc", _ole2("Root Entry", "WordDocument"))
    if office():
        assert rejected.message().startswith("báo cáo.doc: [E005_CORRUPT] Tệp bị hỏng")
        assert "LibreOffice could not convert" in rejected.message("en")
    else:
        assert rejected.message().startswith("báo cáo.doc: [E003_LEGACY_DOC] Tệp Word cũ (.doc)")
        assert "save as .docx" in rejected.message("en") and "libreoffice-writer-nogui" in rejected.message()


@pytest.mark.parametrize(
    ("sample", "kind"),
    [("000_064a08cc418c8552.txt", "txt"), ("000_064a08cc418c8552.docx", "docx"),
     ("000_064a08cc418c8552.pdf", "pdf"), ("scanned_report.pdf", "pdf")],
)
def test_real_samples_are_detected_by_bytes_whatever_their_name(sample: str, kind: str) -> None:
    raw = (SAMPLES / sample).read_bytes()
    assert detect_format(raw, sample) == kind
    assert detect_format(raw, "upload.bin") == kind
