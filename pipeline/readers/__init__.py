"""`read_document(path)`: any submitted report in, one canonical `Document` out.

The format is decided from the file's bytes (detect.py); each format has its own reader module;
metadata is detected from the canonical text afterwards, then the user's overrides applied.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.readers.detect import detect_format
from pipeline.readers.guards import check_before_parse, check_document, check_file_size
from pipeline.readers.invisible import remove_invisible


def read_document(path: Path | str, metadata_overrides: dict[str, Any] | None = None) -> Document:
    """Read a .txt/.docx/.doc/.pdf/.xlsx/.xls report or a scan (.jpg/.png/.tif); raises DocumentRejected
    with a stable code when it cannot."""
    path = Path(path)
    check_file_size(path.stat().st_size, path.name)  # before a huge file is read into memory
    raw = path.read_bytes()  # a FIFO blocks here: the sandbox's wall clock ends it (ingest refuses it first)
    sha256 = hashlib.sha256(raw).hexdigest()
    kind = detect_format(raw, path.name)
    submitted = kind
    if kind == "doc":  # Word 97: LibreOffice writes a .docx, which then passes the same guards
        from pipeline.readers.word97 import doc_to_docx

        raw, kind = doc_to_docx(raw, path.name), "docx"
    package = check_before_parse(raw, kind, path.name)  # guards.py: caps, DOCTYPE, depth, before any parser
    if kind == "xlsx":
        from pipeline.readers.xlsx import read_xlsx

        document = read_xlsx(path, raw, sha256)
    elif kind == "xls":
        from pipeline.readers.xls import read_xls

        document = read_xls(path, raw, sha256)
    elif kind == "image":
        from pipeline.readers.image import read_image_file

        document = read_image_file(path, raw, sha256)
    elif kind == "docx":
        from pipeline.readers.docx import read_docx

        document = read_docx(path, raw, sha256, package)  # the parts the guards parsed, not parsed again
    elif kind == "pdf":
        from pipeline.readers.pdf import read_pdf

        document = read_pdf(path, raw, sha256)
    else:
        from pipeline.readers.txt import read_txt

        document = read_txt(path, raw, sha256)
    document.format = submitted  # "doc" for a converted Word 97 file
    document = remove_invisible(document)  # zero-width characters and NUL bytes, flagged
    check_document(document)  # guards.py: character and page caps on what the reader made
    from pipeline.metadata import apply_overrides, detect_metadata

    document.metadata = apply_overrides(detect_metadata(document), metadata_overrides)
    return document
