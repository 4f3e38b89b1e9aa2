"""The inbox's claim / recover / file-away functions, on real folders and real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.errors import REASONS, DocumentRejected
from pipeline.faults import is_transient
from pipeline.inbox import (
    Inbox,
    claim,
    claim_all,
    claimed_files,
    file_done,
    file_quarantined,
    free_name,
    inbox_lock,
    stable_files,
    waiting_files,
)

REPO = Path(__file__).resolve().parents[1]


def drop(folder: Path, name: str, data: bytes = b"bao cao") -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def everywhere(inbox: Inbox) -> list[str]:
    """Every submitted file's name, once per place it sits: root, processing, done, quarantine."""
    names = [p.name for p in waiting_files(inbox)] + [p.name for p in claimed_files(inbox)]
    for folder in (inbox.done, inbox.quarantine):
        if folder.is_dir():
            names += [p.name for p in folder.iterdir() if not p.name.endswith(".reason.txt")]
    return sorted(names)


def test_partial_lock_and_hidden_files_are_never_taken(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    for name in ("~$bao cao.docx", ".hidden.docx", "tai ve.docx.crdownload", "x.tmp", "y.part"):
        drop(tmp_path, name)
    report = drop(tmp_path, "Báo cáo xã An Bình.docx")
    assert waiting_files(inbox) == [report]


def test_a_file_still_growing_is_left_for_the_next_run(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    steady = drop(tmp_path, "steady.txt", b"xong")
    growing = drop(tmp_path, "growing.txt", b"a")
    stop = threading.Event()

    def keep_writing() -> None:
        with growing.open("ab") as out:
            while not stop.is_set():
                out.write(b"a" * 100)
                out.flush()
                time.sleep(0.05)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert stable_files(inbox, settle_seconds=0.5) == [steady]
    finally:
        stop.set()
        writer.join()
    assert stable_files(inbox, settle_seconds=0.3) == [growing, steady]


def test_claim_moves_into_processing_and_a_second_claim_finds_nothing(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    report = drop(tmp_path, "a.txt")
    claimed = claim(inbox, report)
    assert claimed == inbox.processing / "a.txt" and claimed.read_bytes() == b"bao cao"
    assert not report.exists()
    assert claim(inbox, report) is None


def test_name_clashes_get_a_numbered_name_and_nothing_is_overwritten(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    drop(inbox.processing, "a.txt", b"left by a killed run")
    claimed = claim(inbox, drop(tmp_path, "a.txt", b"new submission"))
    assert claimed is not None and claimed.name == "a (2).txt"
    assert {p.read_bytes() for p in claimed_files(inbox)} == {b"left by a killed run", b"new submission"}
    drop(inbox.quarantine, "b.txt.reason.txt")
    assert free_name(inbox.quarantine, "b.txt").name == "b (2).txt"


def test_claim_all_recovers_files_a_killed_run_left_in_processing(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    drop(inbox.processing, "left.txt")
    drop(tmp_path, "new.txt")
    assert [p.name for p in claim_all(inbox, settle_seconds=0.1)] == ["left.txt", "new.txt"]
    assert waiting_files(inbox) == []


def test_done_and_quarantine_with_a_reason_an_officer_can_read(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    bad, good = claim_all_of(inbox, "good.txt", "bad.doc")
    assert file_done(inbox, good) == inbox.done / "good.txt"
    moved = file_quarantined(inbox, bad, "E003_LEGACY_DOC", "bad.doc")
    assert moved == inbox.quarantine / "bad.doc"
    reason = (inbox.quarantine / "bad.doc.reason.txt").read_text(encoding="utf-8").splitlines()
    assert reason[0] == "E003_LEGACY_DOC"
    assert reason[1] == REASONS["E003_LEGACY_DOC"].vi and reason[2] == REASONS["E003_LEGACY_DOC"].en
    assert everywhere(inbox) == ["bad.doc", "good.txt"]
    assert [p.name for p in inbox.quarantine.iterdir() if p.name.startswith(".")] == []


def claim_all_of(inbox: Inbox, *names: str) -> list[Path]:
    for name in names:
        drop(inbox.root, name)
    return claim_all(inbox, settle_seconds=0)


HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.inbox import Inbox, inbox_lock
with inbox_lock(Inbox(Path(sys.argv[1]))) as held:
    print("held" if held else "busy", flush=True)
    time.sleep(60)
"""


def test_one_run_at_a_time_and_a_killed_run_releases_the_inbox(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with inbox_lock(inbox) as held:
            assert held is False
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with inbox_lock(inbox) as held:
        assert held is True


CLAIM_ALL = """
import sys
from pathlib import Path
from pipeline.inbox import Inbox, claim_all
claim_all(Inbox(Path(sys.argv[1])), settle_seconds=0)
"""


def test_kill_during_claim_loses_nothing_and_the_next_run_takes_the_rest(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path).ensure()
    names = [f"bao cao {i}.txt" for i in range(5)]
    for name in names:
        drop(tmp_path, name, name.encode())
    marker = tmp_path.parent / (tmp_path.name + ".paused")
    env = {**os.environ, "TONGHOP_PAUSE_AT": "claim", "TONGHOP_PAUSE_FILE": str(marker)}
    run = subprocess.Popen([sys.executable, "-c", CLAIM_ALL, str(tmp_path)], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
        assert marker.exists(), "the run never reached the claim pause point"
        os.kill(run.pid, signal.SIGKILL)
    finally:
        run.kill()
        run.wait()
    assert run.returncode == -signal.SIGKILL
    assert len(claimed_files(inbox)) == 1 and len(waiting_files(inbox)) == 4
    assert everywhere(inbox) == sorted(names)
    assert sorted(p.name for p in claim_all(inbox, settle_seconds=0)) == sorted(names)
    assert {p.read_bytes().decode() for p in claimed_files(inbox)} == set(names)


@pytest.mark.parametrize(
    ("fault", "transient"),
    [
        (DocumentRejected("E005_CORRUPT", "x.docx"), False),
        (ValueError("bug"), False),
        (FileNotFoundError("gone"), False),
        (OSError(5, "Input/output error"), True),
        (TimeoutError("share"), True),
        (__import__("sqlite3").OperationalError("database is locked"), True),
    ],
)
def test_only_faults_outside_the_file_are_retried(fault: BaseException, transient: bool) -> None:
    assert is_transient(fault) is transient


def test_database_unavailable_is_transient() -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(sqlalchemy.exc.OperationalError) as raised:
        engine.connect()
    assert is_transient(raised.value)
