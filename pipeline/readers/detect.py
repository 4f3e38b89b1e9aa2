"""Which reader a file needs, decided by its bytes, never by its name alone."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from pipeline.errors import DocumentRejected

Format = Literal["txt", "docx", "pdf"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and Office's password wrapper
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
# An OLE2 file holding this stream is an OOXML document encrypted with a password.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Formats officers send by mistake: recognised so the message says "unknown", not "undecodable".
KNOWN_BINARY = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"II*\x00", b"MM\x00*",
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
        raise DocumentRejected("E003_LEGACY_DOC", name)
    if PDF_MAGIC in raw[:1024]:
        return "pdf"
    if raw.startswith(ZIP_MAGIC):
        return _zip_format(raw, name)
    if suffix in (".docx", ".pdf", ".doc", ".docm", ".xlsx", ".odt"):
        detail = f"{suffix} file without the {suffix[1:].upper()} signature"
        raise DocumentRejected("E002_UNKNOWN_FORMAT", name, detail)
    if raw.startswith(KNOWN_BINARY):
        raise DocumentRejected("E002_UNKNOWN_FORMAT", name, "an image or archive, not a report")
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
    if "EncryptedPackage" in names:
        raise DocumentRejected("E004_ENCRYPTED", name)
    raise DocumentRejected("E002_UNKNOWN_FORMAT", name, "a ZIP archive that is not a Word document")


def _looks_like_text(raw: bytes) -> bool:
    sample = raw[:4096]
    return b"\x00" not in sample or sample.startswith((b"\xff\xfe", b"\xfe\xff"))
