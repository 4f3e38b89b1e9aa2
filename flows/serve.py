"""`tonghop serve`: run the inbox flow on a schedule against a real Prefect API server.

Prefect schedules need an API server. When PREFECT_API_URL is set (a province's shared server
backed by PostgreSQL) we use it; otherwise we use the one already answering on this machine's
port, or start `prefect server start` ourselves (SQLite under PREFECT_HOME) and stop it on exit.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx

EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """'10m', '90s', '2h', '1d' or plain seconds → a timedelta; at least 10 seconds."""
    match = EVERY.match(text)
    if not match:
        raise ValueError(f"--every {text!r}: write a number with s, m, h or d, e.g. 10m / ví dụ 10m")
    seconds = float(match.group(1)) * UNIT_SECONDS[(match.group(2) or "s").lower()]
    if seconds < 10:
        raise ValueError("--every must be at least 10s / chu kỳ tối thiểu 10 giây")
    return timedelta(seconds=seconds)


def quiet_prefect_environment() -> None:
    """No telemetry and no network beyond this machine, before Prefect is imported."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


# Prefect's server records task runs from the events its clients send, by default one event per
# database transaction. Batching them took the temporary server from 18 to 10 CPU-seconds for
# 1,200 task runs (one chain per document, 300 documents); the Prefect UI shows a task's new
# state at most a second later.
SERVER_TUNING = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "50",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}


def tuned_server_environment() -> None:
    """The batching above, for a Prefect server started from this process (kept if already set)."""
    for name, value in SERVER_TUNING.items():
        os.environ.setdefault(name, value)


def api_is_up(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_api_server(host: str, port: int, log: Path, timeout: float = 90) -> subprocess.Popen[bytes]:
    """Start `prefect server start` in the background and wait until its API answers."""
    log.parent.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy is pinned to 2.0.x because Prefect 3.8.8's scheduler cannot insert runs on 2.1
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    tuned_server_environment()
    api_url = f"http://{host}:{port}/api"
    # the UI in the browser asks the server where its API is: on another port than 4200 it must be told,
    # or a PREFECT_API_URL left in the environment sends it to a server that is not this one
    environment = dict(os.environ, PREFECT_UI_API_URL=api_url, PREFECT_SERVER_API_PORT=str(port),
                       PREFECT_SERVER_API_HOST=host)
    with log.open("ab") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with {server.returncode}; see {log}")
        if api_is_up(api_url):
            return server
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"prefect server did not answer within {timeout:.0f}s; see {log}")


def connect_api(
    host: str = "127.0.0.1", port: int = 4200, say: Callable[[str], None] = print
) -> tuple[str, subprocess.Popen[bytes] | None]:
    """The API URL to use, and the server process when we had to start one."""
    quiet_prefect_environment()
    api_url = os.environ.get("PREFECT_API_URL", "")
    if api_url:
        say(f"Prefect API: {api_url} (PREFECT_API_URL)")
        return api_url, None
    api_url = f"http://{host}:{port}/api"
    server = None
    if api_is_up(api_url):
        say(f"Using the Prefect server already running at {api_url}")
    else:
        home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect"))
        say(f"Starting a Prefect server (SQLite in {home}) … / Đang khởi động máy chủ Prefect …")
        server = start_api_server(host, port, home / "server.log")
    os.environ["PREFECT_API_URL"] = api_url
    say(f"Prefect UI: http://{host}:{port}  — open it in a browser / mở địa chỉ này bằng trình duyệt")
    return api_url, server


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_inbox(
    inbox: Path,
    *,
    every: timedelta | None = None,
    cron: str = "",
    store: str = "",
    export_to: str = "",
    dask_address: str = "",
    workers: int = 0,
    per_task: int = 0,
    host: str = "127.0.0.1",
    port: int = 4200,
    say: Callable[[str], None] = print,
) -> None:
    """Serve `ingest-inbox` on its schedule and `consolidate` on demand, until interrupted."""
    _, server = connect_api(host, port, say)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` or a service manager: stop cleanly too
    try:
        from prefect import serve
        from prefect.deployments.runner import EntrypointType

        from flows.consolidate import consolidate
        from flows.ingest import ingest_inbox

        inbox.mkdir(parents=True, exist_ok=True)
        schedule = {"cron": cron} if cron else {"interval": every or timedelta(minutes=10)}
        parameters = {
            "inbox": str(inbox.resolve()),
            "store": store,
            "dask_address": dask_address,
            "workers": workers,
            "export_to": export_to,
        }
        if per_task:
            parameters["per_task"] = per_task
        ingest = ingest_inbox.to_deployment(
            name="inbox",
            parameters=parameters,
            entrypoint_type=EntrypointType.MODULE_PATH,
            description=f"Nạp báo cáo từ hộp thư {inbox} / Load reports dropped into {inbox}",
            **schedule,
        )
        exports = consolidate.to_deployment(
            name="exports",
            parameters={"store": store, "out": export_to or "output"},
            entrypoint_type=EntrypointType.MODULE_PATH,
            description="Tổng hợp và xuất tệp / Consolidate and write the exports",
        )
        when = f"cron {cron}" if cron else f"every {schedule['interval']}"
        say(f"Watching {inbox.resolve()} ({when}); drop reports into it. Ctrl+C to stop.")
        say(f"Đang theo dõi {inbox.resolve()}; chép báo cáo vào thư mục này. Nhấn Ctrl+C để dừng.")
        serve(ingest, exports, print_starting_message=False)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
