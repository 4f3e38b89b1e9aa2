"""The review page and a running ingest write to the embedded SQLite store at the same time, without error."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import REPO, SAMPLES, ingest_into

from pipeline.review import create_app
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.store import open_store

COPIES = 2  # of each seed, each made distinct so every one is a new document to load


def test_reviewing_while_an_ingest_runs_in_another_process(tmp_path: Path, live_server):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = next(SAMPLES.glob("000_*.txt"))
    shutil.copy(first, tmp_path / first.name)
    (seeded,) = ingest_into(url, [tmp_path / first.name])
    store = open_store(url)
    figures = store.figures(document_id=seeded.document_id)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for copy in range(COPIES):
        for seed in sorted(SAMPLES.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            distinct = f"{text}\nBản sao số {copy}.\n"
            (inbox / f"{seed.stem}_ban_{copy}.txt").write_text(distinct, encoding="utf-8")
    expected = len(list(inbox.iterdir()))

    with live_server(create_app(url)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        client.get("/")
        client.headers[HEADER] = client.cookies[COOKIE]
        ingest = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "ingest", str(inbox), "--store", url],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        statuses, during, actions = [], 0, ("accept", "reject", "correct")
        deadline = time.monotonic() + 240
        for n, figure in enumerate(figures):
            running = ingest.poll() is None
            if not running and during >= 10:
                break
            action = actions[n % 3]
            form = {"action": action, "comment": f"lúc nạp #{n}"}
            if action == "correct":
                form["value"] = str(1000 + n)
            response = client.post(
                f"/documents/{seeded.document_id}/figures/{figure['figure_id']}/decision", data=form
            )
            statuses.append((response.status_code, response.text[:200]))
            during += running and ingest.poll() is None
            assert time.monotonic() < deadline
        _out, err = ingest.communicate(timeout=240)

    print(f"{len(statuses)} decisions, {during} of them while the ingest of {expected} files ran")
    assert ingest.returncode == 0, err
    assert "locked" not in err.lower() and "Traceback" not in err
    assert all(code == 200 for code, _ in statuses), [s for s in statuses if s[0] != 200][:3]
    assert during >= 10, f"only {during} decisions overlapped the ingest; make the ingest bigger"
    documents = store.documents()
    # every file is stored once; copies of one unit's report with the same figures replace each other
    assert sum(d["status"] in ("loaded", "superseded") for d in documents) == expected + 1
    log = store.reviews()
    assert len(log) == len(statuses), "every decision is in the audit log, once"
    store.close()
