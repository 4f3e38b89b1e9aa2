"""Beside a figure read by OCR, the piece of the scanned page it was read from, so an officer can
compare the machine's digits with the ink.

The store keeps no page images, only the submitted file's name and sha256 and, on each block read
by OCR, its lines' boxes. The review page finds the submitted file in the folders it was given
(`tonghop review --sources DIR`, else $TONGHOP_SOURCES, else the working folder), by its name (or
the inbox's "name (2).pdf"), and uses it only when its sha256 is the stored one: a file of the same
name with other content is not the scan the figure came from. When the file is gone, the card says
so instead of showing a picture.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from PIL import Image

from pipeline.guarded_extract import OCR_MARK
from pipeline.readers.page_image import crop_png, figure_region, page_image

SOURCES_ENV = "TONGHOP_SOURCES"  # folders holding the submitted files, separated like PATH
MAX_WALK = 50_000  # files looked at in one folder tree when searching for a submitted file
MISS_SECONDS = 30.0  # a file not found is looked for again after this, not on every card
RENDER_LOCK = threading.Lock()  # PDFium is not thread-safe; the app answers from a thread pool


def default_sources() -> list[Path]:
    """$TONGHOP_SOURCES, else the folder the review page was started in."""
    given = os.environ.get(SOURCES_ENV, "")
    return [Path(p) for p in given.split(os.pathsep) if p] or [Path.cwd()]


class SourceFiles:
    """Finds a stored document's submitted file in the given folders, checked by its sha256."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [Path(folder) for folder in folders]
        self._found: dict[str, Path] = {}
        self._hashes: dict[tuple[str, int, int], str] = {}  # (path, mtime, size) -> sha256
        self._missed: dict[str, float] = {}
        self._lock = threading.Lock()

    def find(self, name: str, sha256: str) -> Path | None:
        """The file named `name` (or an inbox copy of it) whose content is `sha256`, or None."""
        with self._lock:
            known = self._found.get(sha256)
            if known is not None and self._holds(known, sha256):
                return known
            if time.monotonic() - self._missed.get(sha256, -MISS_SECONDS) < MISS_SECONDS:
                return None
            for candidate in self._named(name):
                if self._holds(candidate, sha256):
                    self._found[sha256] = candidate
                    return candidate
            self._missed[sha256] = time.monotonic()
            return None

    def _holds(self, path: Path, sha256: str) -> bool:
        try:
            stat = path.stat()
            key = (str(path), stat.st_mtime_ns, stat.st_size)
            if key not in self._hashes:
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
                self._hashes[key] = digest.hexdigest()
        except OSError:
            return False
        return self._hashes[key] == sha256

    def _named(self, name: str) -> Iterator[Path]:
        """Files called `name` or `stem (n).ext` under the folders; hidden folders and links skipped."""
        stem, suffix = os.path.splitext(name)
        copy = re.compile(re.escape(stem) + r" \(\d+\)" + re.escape(suffix))
        for folder in self.folders:
            seen = 0
            for root, folders, files in os.walk(folder):
                folders[:] = [f for f in folders if not f.startswith(".")]
                for file in files:
                    if file == name or copy.fullmatch(file):
                        yield Path(root) / file
                seen += len(files)
                if seen > MAX_WALK:
                    break


def scan_panel(
    document: dict[str, Any], figure: dict[str, Any], sources: SourceFiles
) -> dict[str, Any] | None:
    """What a figure's card shows beside its text: the address of the scan's crop, or why there is
    none; None for a figure not read from a page image."""
    if OCR_MARK not in (figure.get("rule") or ""):
        return None
    region = figure_region(document["blocks"], figure["char_start"], figure["char_end"])
    if region is None:
        return {"page": figure.get("page"), "url": "", "missing": (
            "Văn bản được nạp trước khi tonghop giữ vị trí các dòng trên ảnh: nạp lại tệp để xem vùng ảnh. "
            "(Loaded before line positions were kept: load the file again to see the scan.)"
        )}
    if sources.find(document["path"], document["sha256"]) is None:
        where = ", ".join(str(folder) for folder in sources.folders)
        return {"page": region[0], "url": "", "missing": (
            f"Không tìm thấy tệp gốc «{document['path']}» (đã chuyển đi hoặc xoá) trong {where}: "
            "không xem được vùng ảnh. Mở trang duyệt với --sources THƯ_MỤC chứa tệp. "
            "(The submitted file is gone: the scan cannot be shown.)"
        )}
    url = f"/documents/{document['id']}/figures/{figure['figure_id']}/scan.png"
    return {"page": region[0], "url": url, "missing": ""}


def add_scan_routes(
    app: FastAPI,
    load_document: Callable[[int], dict[str, Any]],
    load_figure: Callable[[int, str], dict[str, Any]],
    sources: SourceFiles,
) -> None:
    """The route that serves a figure's piece of the scan as PNG."""

    @app.get("/documents/{document_id}/figures/{figure_id}/scan.png")
    def scan_crop(document_id: int, figure_id: str) -> Response:
        """The lines of the page image the figure was read from, cut from the submitted file."""
        document = load_document(document_id)
        figure = load_figure(document_id, figure_id)  # 404 when unknown or another document's
        region = figure_region(document["blocks"], figure["char_start"], figure["char_end"])
        if region is None:
            raise HTTPException(404, "Số liệu này không được đọc từ ảnh quét.")
        path = sources.find(document["path"], document["sha256"])
        if path is None:
            raise HTTPException(404, f"Không tìm thấy tệp gốc «{document['path']}».")
        page, box = region
        try:
            with RENDER_LOCK:
                png = crop_png(page_image(path, page), box)
        except (IndexError, OSError, ValueError, RuntimeError, Image.DecompressionBombError) as error:
            detail = f"Không dựng lại được trang {page} của «{document['path']}»: {error}"
            raise HTTPException(422, detail) from None
        return Response(png, media_type="image/png")
