"""`tonghop serve` for real: it starts its own Prefect server and its schedule loads a dropped file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "samples").glob("*.txt"))[1]

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_every_10s_loads_a_file_dropped_into_the_inbox(tmp_path: Path) -> None:
    from pipeline.store import open_store

    inbox, port = tmp_path / "hộp thư", free_port()
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # serve must start its own
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    tonghop = Path(sys.executable).with_name("tonghop")
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [str(tonghop), "serve", "--inbox", str(inbox), "--every", "10s", "--store", url, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not (inbox / "processing").is_dir() and serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert serve.poll() is None, (tmp_path / "serve.log").read_text()
        shutil.copy(SEED, inbox / "báo cáo mới.txt")
        dropped = time.monotonic()
        while not (inbox / "done" / "báo cáo mới.txt").exists() and time.monotonic() - dropped < 120:
            time.sleep(0.5)
        took = time.monotonic() - dropped
        output = (tmp_path / "serve.log").read_text(encoding="utf-8")
        assert (inbox / "done" / "báo cáo mới.txt").exists(), output
        assert f"Prefect UI: http://127.0.0.1:{port}" in output
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code == 200
        # the UI in the browser asks where its API is: on --port N it must be this server, not 4200
        settings = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=5).json()
        assert settings["api_url"] == f"http://127.0.0.1:{port}/api"
        print(f"loaded {took:.0f} s after the drop")
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        log.close()
    store = open_store(url)
    assert [d["path"] for d in store.documents()] == ["báo cáo mới.txt"]
    store.close()
    with pytest.raises(httpx.HTTPError):  # the server serve started is gone with it
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
