"""Word 97-2003 (.doc) reports: converted to .docx by LibreOffice headless, then read as usual.

The conversion runs inside the sandboxed reader, so the file is still parsed under its limits; each
conversion gets its own throw-away LibreOffice profile, so parallel readers never share one. When
LibreOffice is not installed the file is refused E003, saying how to convert it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import DocumentRejected

CONVERT_SECONDS = 120  # LibreOffice starts in a few seconds and converts a long report in a few more
OFFICE_NAMES = ("soffice", "libreoffice")  # Debian's libreoffice-writer-nogui installs both


def office() -> str | None:
    """The LibreOffice program, if one is installed."""
    return next((found for name in OFFICE_NAMES if (found := shutil.which(name))), None)


def doc_to_docx(raw: bytes, name: str) -> bytes:
    """The .docx LibreOffice writes for a .doc; DocumentRejected E003 without LibreOffice, E005
    when it cannot convert the file, E008 when it takes too long."""
    program = office()
    if program is None:
        detail = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
        raise DocumentRejected("E003_LEGACY_DOC", name, detail)
    with tempfile.TemporaryDirectory(prefix="tonghop-doc-") as folder:
        work = Path(folder)
        source = work / "report.doc"
        source.write_bytes(raw)
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source),
        ]
        environment = {**os.environ, "HOME": folder, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=CONVERT_SECONDS, env=environment, check=False)
        except subprocess.TimeoutExpired:
            detail = f"LibreOffice took over {CONVERT_SECONDS} s"
            raise DocumentRejected("E008_TIMEOUT", name, detail) from None
        converted = work / "out" / "report.docx"
        if not converted.is_file():
            raise DocumentRejected("E005_CORRUPT", name, "LibreOffice could not convert the .doc")
        return converted.read_bytes()
