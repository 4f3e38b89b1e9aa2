"""Which reader a file needs, decided by its bytes, never by its name alone."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from pipeline.errors import DocumentRejected

Format = Literal["txt", "docx", "pdf", "image", "doc", "xlsx", "xls"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and Office's password wrapper
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
# An OLE2 file holding this stream is an OOXML document encrypted with a password.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Scans and photos of reports, read by OCR: PNG, JPEG, TIFF (little- and big-endian).
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# Formats officers send by mistake: recognised so the message says "unknown", not "undecodable".
KNOWN_BINARY = (b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
WORD_97_STREAM = "WordDocument".encode("utf-16-le")  # the stream every Word 97-2003 file holds
# The stream of an Excel 97-2003 workbook ("Book" in Excel 5/95 files), as its directory names it.
EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
# Suffixes whose files always start with a signature: one without it is not what its name says.
SIGNED_SUFFIXES = (
    ".docx", ".pdf", ".doc", ".docm", ".xlsx", ".xls", ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
)
TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv", ""}


def detect_format(raw: bytes, name: str) -> Format:
    """The format of a submitted file, or DocumentRejected with the code that explains why not."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if not raw.strip():
        raise DocumentRejected("E001_EMPTY", name)
    if raw.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in raw:
            raise DocumentRejected("E004_ENCRYPTED", name, "Office password protection")
        if WORD_97_STREAM in raw:
            return "doc"  # converted to .docx by LibreOffice when it is installed (legacy_doc.py)
        if any(stream in raw for stream in EXCEL_STREAMS) or suffix == ".xls":
            return "xls"  # read by xlrd (xls.py), which refuses a truncated one E005
        raise DocumentRejected("E003_LEGACY_DOC", name, "an old Office file that is neither Word nor Excel")
    if PDF_MAGIC in raw[:1024]:
        return "pdf"
    if raw.startswith(IMAGE_MAGIC):
        return "image"
    if raw.startswith(ZIP_MAGIC):
        return _zip_format(raw, name)
    if suffix in SIGNED_SUFFIXES:
        detail = f"{suffix} file without the {suffix[1:].upper()} signature"
        raise DocumentRejected("E002_UNKNOWN_FORMAT", name, detail)
    if raw.startswith(KNOWN_BINARY):
        raise DocumentRejected("E002_UNKNOWN_FORMAT", name, "an animation or archive, not a report")
    if suffix in TEXT_SUFFIXES or _looks_like_text(raw):
        return "txt"
    raise DocumentRejected("E002_UNKNOWN_FORMAT", name)


def _zip_format(raw: bytes, name: str) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentRejected("E005_CORRUPT", name, f"ZIP: {error}") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "EncryptedPackage" in names:
        raise DocumentRejected("E004_ENCRYPTED", name)
    raise DocumentRejected("E002_UNKNOWN_FORMAT", name, "a ZIP archive that is neither Word nor Excel")


def _looks_like_text(raw: bytes) -> bool:
    sample = raw[:4096]
    return b"\x00" not in sample or sample.startswith((b"\xff\xfe", b"\xfe\xff"))
