"""Reviewer accounts of a shared deployment: a text file of `name:hash` lines, never plain passwords.

The file is meant to be edited by an administrator with `python -m pipeline.review.users FILE NAME`,
which asks for the password twice and writes its scrypt hash. Lines starting with `#` are comments.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import sys
from pathlib import Path

# scrypt cost: ~50 ms and 16 MiB per check, slow enough to make guessing expensive.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32
PBKDF2_MIN_ITERATIONS = 100_000


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and the line."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """An scrypt hash with its parameters and salt, so the cost can be raised later."""
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a stored `scrypt$…` or `pbkdf2_sha256$…` hash."""
    parts = stored.split("$")
    try:
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = (int(x) for x in parts[1:4])
            salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
            key = hashlib.scrypt(
                password.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=256 * 1024 * 1024
            )
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            iterations = int(parts[1])
            salt, expected = base64.b64decode(parts[2]), base64.b64decode(parts[3])
            key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, len(expected))
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(key, expected)


def _check_hash(stored: str) -> bool:
    parts = stored.split("$")
    if parts[0] == "scrypt":
        return len(parts) == 6 and all(x.isdigit() for x in parts[1:4])
    if parts[0] == "pbkdf2_sha256":
        return len(parts) == 4 and parts[1].isdigit() and int(parts[1]) >= PBKDF2_MIN_ITERATIONS
    return False


def load_users(path: Path) -> dict[str, str]:
    """Name → password hash; refuses plain-text passwords and unknown hash formats."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UsersFileError(f"{path}: không đọc được tệp người dùng ({error.strerror})") from None
    users: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        name = name.strip()
        if not sep or not name or not _check_hash(stored.strip()):
            raise UsersFileError(
                f"{path}, dòng {number}: cần dạng 'tên:scrypt$…' (mật khẩu đã băm); "
                "hãy tạo bằng: python -m pipeline.review.users TỆP TÊN"
            )
        users[name] = stored.strip()
    if not users:
        raise UsersFileError(f"{path}: tệp người dùng chưa có tài khoản nào")
    return users


def set_user(path: Path, name: str, password: str) -> None:
    """Add or replace one account's line, keeping every other line and comment as it was."""
    if not name or ":" in name or name != name.strip():
        raise UsersFileError(f"tên người dùng không hợp lệ: {name!r} (không được chứa ':')")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else [
        "# tonghop review: người dùng và mật khẩu đã băm (scrypt).",
        "# Thêm hoặc đổi mật khẩu: python -m pipeline.review.users TỆP TÊN",
    ]
    entry = f"{name}:{hash_password(password)}"
    kept = [line for line in lines if line.partition(":")[0].strip() != name or line.lstrip().startswith("#")]
    path.write_text("\n".join([*kept, entry]) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    """`python -m pipeline.review.users FILE NAME`: ask a password twice and store its hash."""
    if len(argv) != 2:
        print("Cách dùng: python -m pipeline.review.users TỆP_NGƯỜI_DÙNG TÊN", file=sys.stderr)
        return 2
    path, name = Path(argv[0]), argv[1]
    password = getpass.getpass(f"Mật khẩu cho {name}: ")
    if len(password) < 8:
        print("Mật khẩu cần ít nhất 8 ký tự.", file=sys.stderr)
        return 2
    if getpass.getpass("Nhập lại mật khẩu: ") != password:
        print("Hai lần nhập không khớp.", file=sys.stderr)
        return 2
    set_user(path, name, password)
    print(f"Đã lưu tài khoản {name} vào {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
