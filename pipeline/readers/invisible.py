"""Takes out characters no reader can see (zero-width spaces, NUL bytes) before anything reads the text.

"1\u200b500" shows as 1500 on screen but splits the number for a machine, giving a silently wrong
value; a stray NUL makes a whole .txt look binary. They are removed from the canonical text, every
block offset is moved to match, and the document is flagged so a reviewer knows it happened.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from pipeline.document import FLAG_INVISIBLE, Block, Document

# NUL, soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, LRM/RLM,
# word joiner and the invisible operators, BOM (zero-width no-break space).
INVISIBLE = re.compile("[\x00\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def remove_invisible(document: Document) -> Document:
    """The document without invisible characters, blocks re-aligned; unchanged when it has none."""
    gone = [match.start() for match in INVISIBLE.finditer(document.text)]
    if not gone:
        return document

    def moved(offset: int) -> int:
        return offset - bisect.bisect_left(gone, offset)

    blocks: list[Block] = []
    for block in document.blocks:
        start, end = moved(block.start), moved(block.end)
        if end > start:
            ref = None if block.footnote_ref is None else moved(block.footnote_ref)
            blocks.append(replace(block, start=start, end=end, footnote_ref=ref))
    document.text = INVISIBLE.sub("", document.text)
    document.blocks = blocks
    document.headers_footers = [INVISIBLE.sub("", line) for line in document.headers_footers]
    if FLAG_INVISIBLE not in document.flags:
        document.flags.append(FLAG_INVISIBLE)
    return document
