"""Plain-text reports: decode, keep the text exactly as written (NFC), one block per line.

A file saved from a TCVN3 (.VnTime) document holds TCVN3 bytes: it is converted to Unicode and
flagged, the one case where the canonical text is not simply NFC(file).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.document import FLAG_DECOMPOSED, FLAG_LEGACY_TCVN3, Document, canonical_text
from pipeline.errors import DocumentRejected
from pipeline.readers.assemble import BlockMaker
from pipeline.readers.legacy import TCVN3, to_unicode

# Tried in order after UTF-8 and UTF-16-with-BOM: the code pages Vietnamese offices still save in.
FALLBACK_ENCODINGS = ("cp1258", "windows-1252")

STRAY_NUL_SHARE = 100  # at most one NUL in this many characters is a stray byte, not an encoding
# Control characters a real text report never holds; seeing them means the codec guessed wrong.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v"} | {"\x7f"}


# Bytes where TCVN3 (.VnTime) keeps its most frequent letters: à á ả ã ạ ì đ ơ ư ă â. Windows
# shows them as µ ¸ ¶ · ¹ × ® ¬ (soft hyphen) ¨ ©, which no Vietnamese in a Windows code page uses.
TCVN3_SIGNATURE = frozenset(b"\xb5\xb8\xb6\xb7\xb9\xd7\xae\xac\xad\xa8\xa9")


def looks_like_tcvn3(raw: bytes) -> bool:
    """Text typed in a TCVN3 font and saved as bytes: many of its high bytes are the signature ones."""
    high = sum(1 for b in raw if b >= 0xA1)
    marks = sum(1 for b in raw if b in TCVN3_SIGNATURE)
    return marks >= 3 and marks >= 0.2 * high


def decode_text(raw: bytes, path: str) -> tuple[str, str]:
    """The decoded text and the codec name; UTF-8 first, then UTF-16 by BOM, then the fallbacks."""
    if raw.startswith(codecs.BOM_UTF8):
        attempts: tuple[str, ...] = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ("utf-16",)
    else:
        attempts = ("utf-8", *FALLBACK_ENCODINGS)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            if looks_like_tcvn3(raw):
                return to_unicode(raw.decode("cp1252", errors="replace"), TCVN3), TCVN3
    for encoding in attempts:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.intersection(_without_stray_nuls(text)):
            return text, encoding  # stray NULs stay in: read_document removes and flags them
    raise DocumentRejected("E011_UNDECODABLE_TEXT", path, f"tried {', '.join(attempts)}")


def _without_stray_nuls(text: str) -> str:
    """The text without its NUL characters when they are few (a stray byte from a copy tool);
    UTF-16 read as UTF-8 has one in every two characters and stays undecodable."""
    nuls = text.count("\x00")
    return text.replace("\x00", "") if nuls <= max(1, len(text) // STRAY_NUL_SHARE) else text


def read_txt(path: Path, raw: bytes, sha256: str) -> Document:
    """A .txt report whose canonical text is exactly NFC(file) with `\\n` line ends."""
    decoded, encoding = decode_text(raw, path.name)
    text = canonical_text(decoded)
    maker = BlockMaker()
    blocks = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            blocks.append(maker.block(line, start, end))
        start = end + 1
    flags = [FLAG_DECOMPOSED] if text != decoded.replace("\r\n", "\n").replace("\r", "\n") else []
    if encoding == TCVN3:
        flags = [FLAG_LEGACY_TCVN3]
    return Document(text, blocks, path.name, "txt", sha256, encoding=encoding, flags=flags)
