"""Why a document could not be read: stable codes, messages an officer understands.

Every rejection names the file, says what is wrong in Vietnamese and English and what to do.
Codes are stable: they land in the store, the quarantine folder and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    vi: str
    en: str


REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("E001_EMPTY", "Tệp rỗng, không có nội dung.", "The file is empty."),
        Reason(
            "E002_UNKNOWN_FORMAT",
            "Không nhận dạng được định dạng tệp; hãy gửi lại dưới dạng .docx, .pdf hoặc .txt.",
            "Unknown file format; please resubmit as .docx, .pdf or .txt.",
        ),
        Reason(
            "E003_LEGACY_DOC",
            "Tệp Word cũ (.doc); hãy mở bằng Word và lưu lại dưới dạng .docx rồi gửi lại.",
            "Old Word (.doc) file; open it in Word, save as .docx and resubmit.",
        ),
        Reason(
            "E004_ENCRYPTED",
            "Tệp có mật khẩu bảo vệ; hãy gỡ mật khẩu rồi gửi lại.",
            "The file is password-protected; remove the password and resubmit.",
        ),
        Reason(
            "E005_CORRUPT",
            "Tệp bị hỏng hoặc không đầy đủ, không đọc được; hãy xuất lại tệp và gửi lại.",
            "The file is damaged or truncated; export it again and resubmit.",
        ),
        Reason(
            "E006_TOO_LARGE",
            "Tệp quá lớn hoặc giải nén ra quá lớn so với giới hạn cho phép.",
            "The file, or what it unpacks to, is larger than allowed.",
        ),
        Reason(
            "E007_UNSAFE_XML",
            "Tệp chứa cấu trúc XML không an toàn (DOCTYPE/thực thể); không xử lý.",
            "The file holds unsafe XML (DOCTYPE or entities); not processed.",
        ),
        Reason(
            "E008_TIMEOUT",
            "Đọc tệp quá thời gian cho phép; tệp có thể quá phức tạp hoặc bị lỗi.",
            "Reading the file took longer than allowed; it may be too complex or damaged.",
        ),
        Reason(
            "E009_NEEDS_OCR",
            "Tệp PDF chỉ có hình ảnh (bản scan), không có lớp chữ; "
            "cần gửi bản có chữ hoặc nhận dạng chữ (OCR).",
            "Image-only (scanned) PDF without a text layer; send a text version or run OCR.",
        ),
        Reason(
            "E010_UNMAPPABLE_TEXT",
            "Chữ trong tệp PDF không giải mã được (phông chữ không chuẩn); hãy xuất lại PDF từ Word.",
            "The PDF's text cannot be decoded (non-standard fonts); export the PDF from Word again.",
        ),
        Reason(
            "E011_UNDECODABLE_TEXT",
            "Không xác định được bảng mã của tệp văn bản; hãy lưu lại dưới dạng UTF-8.",
            "The text file's encoding could not be determined; save it as UTF-8.",
        ),
        Reason(
            "E012_NO_TEXT",
            "Tệp không có nội dung chữ để đọc.",
            "The file holds no text to read.",
        ),
        Reason(
            "E013_TOO_DEEP",
            "Cấu trúc tệp lồng nhau quá sâu; không xử lý.",
            "The file's structure is nested too deeply; not processed.",
        ),
        Reason(
            "E014_PARSER_CRASH",
            "Trình đọc tệp gặp lỗi không mong muốn; đã chuyển tệp vào mục cách ly để kiểm tra.",
            "The reader failed unexpectedly; the file was quarantined for inspection.",
        ),
        Reason(
            "E015_EXTRACT_FAILED",
            "Đọc được tệp nhưng trích xuất số liệu gặp lỗi của phần mềm; tệp đã được cách ly, "
            "hãy báo cho quản trị viên.",
            "The file was read but figure extraction failed (a software fault); it was quarantined, "
            "please tell the administrator.",
        ),
        Reason(
            "E016_NOT_A_FILE",
            "Không phải tệp thông thường (thư mục, FIFO, thiết bị, socket, hoặc liên kết trỏ ra ngoài "
            "thư mục được nạp); không đọc. Hãy đặt chính tệp báo cáo vào đó.",
            "Not a regular file (a folder, FIFO, device, socket, or a link out of the folder being "
            "loaded); not read. Put the report file itself there.",
        ),
        Reason(
            "E017_FILE_GONE",
            "Tệp đã bị xoá, di chuyển hoặc không có quyền đọc trong lúc xử lý; hãy gửi lại.",
            "The file was deleted, moved or could not be read while it was being processed; resubmit it.",
        ),
    )
}


class DocumentRejected(Exception):
    """A submitted file that cannot be read; carries a stable code and a human message."""

    def __init__(self, code: str, path: str, detail: str = "") -> None:
        self.code = code
        self.path = path
        self.detail = detail
        self.reason = REASONS[code]
        super().__init__(self.message())

    def message(self, lang: str = "vi") -> str:
        text = self.reason.vi if lang == "vi" else self.reason.en
        tail = f" ({self.detail})" if self.detail else ""
        return f"{self.path}: [{self.code}] {text}{tail}"
