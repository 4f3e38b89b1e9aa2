"""kill -9 of the flow at chosen and at random moments, then a rerun: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import IO

import pytest

from pipeline.inbox import Inbox, claimed_files, waiting_files

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "samples").glob("*.txt"))
BAD = {"rỗng.txt": b"", "cũ.doc": bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 1024}

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

RUN_FLOW = """
import sys
from flows.ingest import ingest_inbox
ingest_inbox(sys.argv[1], store=sys.argv[2], settle_seconds=0, threads=2)
"""


def fill(inbox: Inbox) -> set[str]:
    inbox.ensure()
    for seed in SEEDS:
        shutil.copy(seed, inbox.root / seed.name)
    for name, data in BAD.items():
        (inbox.root / name).write_bytes(data)
    return {seed.name for seed in SEEDS} | set(BAD)


def start_flow(
    prefect_env: dict[str, str], inbox: Inbox, url: str, working: threading.Event | None = None, **extra: str
) -> subprocess.Popen[bytes]:
    """The flow in a child process; `working` is set once it starts on the documents."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))
    env = {**os.environ, **prefect_env, "PYTHONPATH": path, **extra}
    run = subprocess.Popen(
        [sys.executable, "-c", RUN_FLOW, str(inbox.root), url],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def watch(stream: IO[bytes]) -> None:
        for line in stream:  # Prefect's console log: the sub-flow that takes the documents has begun
            if working is not None and b"process-documents" in line:
                working.set()

    threading.Thread(target=watch, args=(run.stderr,), daemon=True).start()
    return run


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def stored(url: str) -> dict[str, tuple[str, int]]:
    """sha256 → (status, figures actually stored for it), failing on any duplicated content."""
    from pipeline.store import open_store

    store = open_store(url)
    try:
        documents = store.documents()
        shas = [d["sha256"] for d in documents]
        assert len(shas) == len(set(shas)), "a document was stored twice"
        per_document = Counter(f["document_id"] for f in store.figures(include_superseded=True))
        return {d["sha256"]: (d["status"], per_document[d["id"]]) for d in documents}
    finally:
        store.close()


def assert_each_file_once(inbox: Inbox, names: set[str]) -> None:
    assert waiting_files(inbox) == [] and claimed_files(inbox) == []
    done = {p.name for p in inbox.done.iterdir()}
    quarantined = {p.name for p in inbox.quarantine.iterdir() if not p.name.endswith(".reason.txt")}
    assert done.isdisjoint(quarantined)
    assert done | quarantined == names
    assert quarantined == set(BAD)


@pytest.fixture(scope="module")
def reference(
    prefect_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[str, int]]:
    """What an uninterrupted run stores: the yardstick every killed-and-rerun inbox must match."""
    from flows.ingest import ingest_inbox

    root = tmp_path_factory.mktemp("reference")
    inbox = Inbox(root / "inbox")
    names = fill(inbox)
    url = f"sqlite:///{root / 'tonghop.db'}"
    ingest_inbox(str(inbox.root), store=url, settle_seconds=0)
    assert_each_file_once(inbox, names)
    result = stored(url)
    assert sum(1 for status, _ in result.values() if status == "loaded") == len(SEEDS)
    return result


@pytest.mark.parametrize("point", ["claim", "load", "loaded"])
def test_kill_at_a_pause_point_then_rerun(
    point: str, reference: dict[str, tuple[str, int]], prefect_env: dict[str, str], tmp_path: Path
) -> None:
    from flows.ingest import ingest_inbox

    inbox = Inbox(tmp_path / "inbox")
    names = fill(inbox)
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    marker = tmp_path / "paused"
    run = start_flow(prefect_env, inbox, url, TONGHOP_PAUSE_AT=point, TONGHOP_PAUSE_FILE=str(marker))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"the flow never reached pause point {point!r} (exit {run.poll()})"
    finally:
        kill(run)
    assert run.returncode == -signal.SIGKILL

    before = stored(url) if (tmp_path / "tonghop.db").exists() else {}
    assert claimed_files(inbox), "a killed run leaves its claimed files in processing/"
    if point == "load":  # killed inside the transaction: the document being loaded is not there at all
        assert all(reference[sha] == row for sha, row in before.items())
    if point == "loaded":  # killed after commit, before the move: stored, yet still in processing/
        assert before, "the first document was committed before the kill"

    ingest_inbox(str(inbox.root), store=url, settle_seconds=0)

    assert_each_file_once(inbox, names)
    assert stored(url) == reference


def test_kill_at_random_moments_until_a_run_finishes(
    reference: dict[str, tuple[str, int]], prefect_env: dict[str, str], tmp_path: Path
) -> None:
    from flows.ingest import ingest_inbox

    inbox = Inbox(tmp_path / "inbox")
    names = fill(inbox)
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    chance = random.Random(int(os.environ.get("TONGHOP_KILL_SEED", "5")))
    kills = 0
    for _ in range(5):  # each run is killed a random moment after it starts claiming, until one finishes
        working = threading.Event()
        run = start_flow(prefect_env, inbox, url, working)
        try:
            deadline = time.monotonic() + 120
            while not working.is_set() and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(chance.uniform(0.0, 1.5))
            if run.poll() is None:
                kills += 1
        finally:
            kill(run)
        if run.returncode == 0:
            break
    assert kills >= 1, "every run finished before its kill moment"
    ingest_inbox(str(inbox.root), store=url, settle_seconds=0)
    assert_each_file_once(inbox, names)
    assert stored(url) == reference
