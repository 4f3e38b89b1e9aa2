"""The command's own mistakes read like its file errors: Vietnamese / English, exit code 2, never
click's English box (the real `tonghop` entry point, run as a process)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO


def tonghop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=REPO, capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "--bogus"], "tonghop export: không có tùy chọn này / No such option: --bogus"),
        (["export", "--as-of", "mai"], "tonghop export: giá trị không hợp lệ / Invalid value"),
        (["units", "set"], "tonghop units set: thiếu tham số bắt buộc / Missing argument"),
        (["ingest", "khong-co/bao-cao.docx"],
         "khong-co/bao-cao.docx: không tìm thấy tệp hoặc thư mục / file or folder not found"),
    ],
)
def test_usage_errors_are_told_in_vietnamese_and_english(args: list[str], said: str) -> None:
    done = tonghop(*args)
    assert done.returncode == 2
    assert said in done.stderr
    assert "╭" not in done.stderr and "Traceback" not in done.stderr


def test_help_still_shows() -> None:
    done = tonghop("--help")
    assert done.returncode == 0 and "tổng hợp số liệu" in done.stdout
