"""`tonghop review` as an officer starts it: it serves the page, and refuses an unsafe setup."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import REPO
from typer.testing import CliRunner

from pipeline.cli import app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_review_serves_the_page_on_the_port_it_was_given(tmp_path: Path):
    port = free_port()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "review", "--store", url, "--port", str(port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline, page = time.monotonic() + 30, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None, server.stderr.read() if server.poll() is not None else "no answer in 30 s"
        assert page.status_code == 200
        assert "Chưa có văn bản nào" in page.text and "tonghop ingest" in page.text
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_network_address_without_logins_is_refused():
    result = CliRunner().invoke(app, ["review", "--host", "0.0.0.0", "--store", "sqlite:///unused.db"])
    assert result.exit_code == 2
    assert "--users" in result.output


def test_a_users_file_with_a_plain_password_is_refused(tmp_path: Path):
    users = tmp_path / "users.txt"
    users.write_text("lan:matkhau123\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(app, ["review", "--users", str(users), "--store", url, "--port", "1"])
    assert result.exit_code == 2
    assert "dòng 1" in result.output and "python -m pipeline.review.users" in result.output


def test_an_administrator_adds_a_reviewer_with_the_users_tool(tmp_path: Path):
    from pipeline.review.users import load_users, verify_password

    users = tmp_path / "users.txt"
    added = subprocess.run(
        [sys.executable, "-m", "pipeline.review.users", str(users), "lan"],
        input="mat-khau-cua-lan\nmat-khau-cua-lan\n", capture_output=True, text=True, cwd=REPO,
        start_new_session=True, timeout=60,  # no terminal: the password is read from stdin
    )
    assert added.returncode == 0, added.stderr
    assert "RuntimeWarning" not in added.stderr
    assert verify_password("mat-khau-cua-lan", load_users(users)["lan"])
    mismatch = subprocess.run(
        [sys.executable, "-m", "pipeline.review.users", str(users), "minh"],
        input="mat-khau-cua-minh\nkhac-hoan-toan\n", capture_output=True, text=True, cwd=REPO,
        start_new_session=True, timeout=60,
    )
    assert mismatch.returncode == 2 and "không khớp" in mismatch.stderr
    assert "minh" not in load_users(users)
