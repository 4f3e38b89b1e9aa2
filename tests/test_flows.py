"""The real `ingest-inbox` flow on a temporary Prefect server, over good, duplicate and bad files."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from pipeline.inbox import Inbox, claimed_files, waiting_files

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "samples").glob("*.txt"))

pytestmark = pytest.mark.prefect


def fill_inbox(root: Path) -> dict[str, str]:
    """Five good seeds, a duplicate of one under another name, and three bad files; name → expected place."""
    expected = {}
    for seed in SEEDS:
        shutil.copy(seed, root / seed.name)
        expected[seed.name] = "done"
    shutil.copy(SEEDS[0], root / "bản sao gửi lại.txt")  # same content, another name: a duplicate
    expected["bản sao gửi lại.txt"] = "done"
    (root / "rỗng.txt").write_bytes(b"")
    expected["rỗng.txt"] = "quarantine"
    (root / "cũ.doc").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 1024)
    expected["cũ.doc"] = "quarantine"
    (root / "hỏng.docx").write_bytes(b"PK\x03\x04 not really a zip")
    expected["hỏng.docx"] = "quarantine"
    return expected


def where_is(inbox: Inbox) -> dict[str, list[str]]:
    """Every file name → the places it sits in (must be exactly one each)."""
    places: dict[str, list[str]] = {}
    for path in waiting_files(inbox):
        places.setdefault(path.name, []).append("inbox")
    for path in claimed_files(inbox):
        places.setdefault(path.name, []).append("processing")
    for folder in ("done", "quarantine"):
        for path in (inbox.root / folder).iterdir():
            if not path.name.endswith(".reason.txt"):
                places.setdefault(path.name, []).append(folder)
    return places


def stored_once(loaded: list[dict[str, object]]) -> bool:
    """Each seed's content stored once, under the name of the copy claimed first (the seed's own:
    digits sort before "bản sao …"); the later copy is the duplicate."""
    names = sorted(str(d["path"]) for d in loaded)
    return names == sorted(seed.name for seed in SEEDS) and len({d["sha256"] for d in loaded}) == len(SEEDS)


def artifacts_of(flow_run_id: object) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key: a for a in found}


def test_every_file_ends_in_done_or_quarantine_and_each_good_document_is_stored_once(
    prefect_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest import READ_CACHE_SECONDS_ENV, ingest_inbox
    from pipeline.store import open_store

    inbox = Inbox(tmp_path / "inbox").ensure()
    expected = fill_inbox(inbox.root)
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"

    out = tmp_path / "exports"
    state = ingest_inbox(
        str(inbox.root), store=url, settle_seconds=0.2, export_to=str(out), return_state=True
    )
    tally = state.result()["counts"]

    assert where_is(inbox) == {name: [place] for name, place in expected.items()}
    assert tally == {"loaded": 5, "unchanged": 1, "rejected": 3}
    for bad in ("rỗng.txt", "cũ.doc", "hỏng.docx"):
        reason = (inbox.quarantine / f"{bad}.reason.txt").read_text(encoding="utf-8")
        assert reason.startswith("E0") and "\n" in reason
    assert (inbox.quarantine / "rỗng.txt.reason.txt").read_text(encoding="utf-8").startswith("E001_EMPTY")
    assert (inbox.quarantine / "cũ.doc.reason.txt").read_text(encoding="utf-8").startswith("E003_LEGACY_DOC")

    store = open_store(url)
    loaded = [d for d in store.documents() if d["status"] == "loaded"]
    assert stored_once(loaded)
    rejected = {d["path"]: d["error_code"] for d in store.documents() if d["status"] == "rejected"}
    assert rejected.pop("rỗng.txt") == "E001_EMPTY" and rejected.pop("cũ.doc") == "E003_LEGACY_DOC"
    assert rejected.pop("hỏng.docx") in ("E002_UNKNOWN_FORMAT", "E005_CORRUPT") and not rejected
    figures_before = len(store.figures())
    assert figures_before > 0

    artifacts = artifacts_of(state.state_details.flow_run_id)
    assert set(artifacts) >= {"inbox-outcomes", "inbox-summary"}
    rows = json.loads(artifacts["inbox-outcomes"].data)
    assert {row["tệp / file"] for row in rows} == set(expected)
    assert {row["nằm ở / filed as"].split("/")[0] for row in rows} == {"done", "quarantine"}
    summary = artifacts["inbox-summary"].data
    assert "Conflicts" in summary and "Units not reported" in summary and "(rejected): 3" in summary
    assert "(chưa tính" not in summary and "consolidated.xlsx" in summary
    assert {p.name for p in out.iterdir()} >= {"figures.csv", "consolidated.csv", "consolidated.xlsx"}

    # The same report sent again under a third name: a .txt reads in milliseconds, cheaper to read
    # again than to keep, so it was not cached and is read again; stored once all the same.
    shutil.copy(SEEDS[1], inbox.root / "gửi lần ba.txt")
    again = ingest_inbox(str(inbox.root), store=url, settle_seconds=0.2, return_state=True)
    assert again.result()["counts"] == {"unchanged": 1}
    seconds = again.result()["stage_seconds"]
    assert "read_extract" in seconds and "read_cache" not in seconds

    # A costly read (here every read counts as one: no threshold) is kept by its sha256 and the next
    # copy of that content, in the same parcel, is served from Prefect's result storage.
    monkeypatch.setenv(READ_CACHE_SECONDS_ENV, "0")
    shutil.copy(SEEDS[2], inbox.root / "gửi lần bốn.txt")
    shutil.copy(SEEDS[2], inbox.root / "gửi lần năm.txt")
    cached = ingest_inbox(str(inbox.root), store=url, settle_seconds=0.2, return_state=True)
    assert cached.result()["counts"] == {"unchanged": 2}
    seconds = cached.result()["stage_seconds"]
    assert "read_extract" in seconds and "read_cache" in seconds  # the first read, the second served
    assert len(store.figures()) == figures_before
    assert len([d for d in store.documents() if d["status"] == "loaded"]) == 5
    store.close()


def test_only_a_costly_read_is_worth_caching(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR, a .doc through LibreOffice or a slow read are kept; a quick .docx or .txt read is not."""
    import dataclasses

    from flows.ingest import READ_CACHE_SECONDS, READ_CACHE_SECONDS_ENV, worth_caching
    from pipeline.document import FLAG_OCR
    from pipeline.readers import read_document

    monkeypatch.delenv(READ_CACHE_SECONDS_ENV, raising=False)
    word = read_document(next((REPO / "samples").glob("*.docx")))
    assert not worth_caching(word, 0.03)
    assert worth_caching(word, READ_CACHE_SECONDS)
    assert worth_caching(dataclasses.replace(word, format="doc"), 0.03)  # converted by LibreOffice
    assert worth_caching(dataclasses.replace(word, flags=[FLAG_OCR]), 0.03)
    monkeypatch.setenv(READ_CACHE_SECONDS_ENV, "0")  # an administrator who wants every read kept
    assert worth_caching(word, 0.03)
    monkeypatch.setenv(READ_CACHE_SECONDS_ENV, "5")
    assert not worth_caching(word, 1.5)


@pytest.mark.slow
def test_the_dask_runner_files_every_document_once(
    prefect_env: dict[str, str], store_url: str, tmp_path: Path
) -> None:
    """The same inbox on a local Dask cluster of two worker processes, parcels of two documents,
    into SQLite and into PostgreSQL (the store a province shares between machines)."""
    from flows.ingest import ingest_inbox
    from pipeline.store import open_store

    inbox = Inbox(tmp_path / "inbox").ensure()
    expected = fill_inbox(inbox.root)
    url = store_url

    report = ingest_inbox(str(inbox.root), store=url, settle_seconds=0, workers=2, per_task=2)

    assert where_is(inbox) == {name: [place] for name, place in expected.items()}
    assert report["counts"] == {"loaded": 5, "unchanged": 1, "rejected": 3}
    store = open_store(url)
    assert stored_once([d for d in store.documents() if d["status"] == "loaded"])
    assert len(store.figures()) > 0
    store.close()


def test_a_fault_while_filing_away_is_retried_and_each_file_loaded_once(
    prefect_env: dict[str, str], tmp_path: Path
) -> None:
    """The shared drive's done/ folder vanishes for a moment right after the first document is
    committed: Prefect retries the load task, which files both documents once, both as loaded."""
    from prefect.client.orchestration import get_client

    from flows.ingest import load
    from pipeline import stages
    from pipeline.store import open_store

    inbox = Inbox(tmp_path / "inbox").ensure()
    items = []
    for seed in SEEDS[:2]:
        shutil.copy(seed, inbox.processing / seed.name)
        claimed = stages.claimed_file(inbox.processing / seed.name)
        items.append(stages.normalise_stage(stages.extract_stage(stages.read_stage(claimed))))
    url = f"sqlite:///{tmp_path / 'tonghop.db'}"
    store = open_store(url)
    run_id = store.start_run("inbox")

    inbox.done.rmdir()
    inbox.done.write_text("")  # a file where the folder was: moving into it fails (ENOTDIR)

    def drive_comes_back() -> None:
        deadline = time.monotonic() + 60
        while not store.documents() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # well after the failed move, well before the retry (2 s of backoff)
        inbox.done.unlink()
        inbox.done.mkdir()

    helper = threading.Thread(target=drive_comes_back)
    helper.start()
    state = load(items, "retry", url, run_id, str(inbox.root), return_state=True)
    helper.join()

    outcomes = state.result()
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert sorted(p.name for p in inbox.done.iterdir()) == sorted(seed.name for seed in SEEDS[:2])
    assert list(inbox.processing.iterdir()) == []
    assert len([d for d in store.documents() if d["status"] == "loaded"]) == 2
    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 10  # task run states reach the server as events
        while client.read_task_run(state.state_details.task_run_id).run_count < 2:
            assert time.monotonic() < deadline, "the load task was not retried"
            time.sleep(0.2)
    store.close()


def test_parcels_keep_copies_of_one_content_together_in_claim_order() -> None:
    from flows.ingest import parcel_size, parcels
    from pipeline.stages import Claimed

    files = [Claimed(Path(name), sha, name) for name, sha in [("a", "1"), ("b", "2"), ("c", "1"), ("d", "3")]]
    assert [[c.name for c in p] for p in parcels(files, 2)] == [["a", "c"], ["b", "d"]]
    assert [[c.name for c in p] for p in parcels(files, 1)] == [["a", "c"], ["b"], ["d"]]
    assert [len(p) for p in parcels(files * 5, 8)] == [10, 10]  # ten copies of "1" stay in one parcel
    assert parcel_size(1000, 8, 4) == 8 and parcel_size(9, 8, 4) == 3 and parcel_size(0, 8, 4) == 1


def test_an_empty_inbox_is_a_quiet_run(prefect_env: dict[str, str], tmp_path: Path) -> None:
    from flows.ingest import ingest_inbox

    report = ingest_inbox(str(tmp_path / "new inbox"), store=f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert report == {"counts": {}, "stage_seconds": {}}
    assert (tmp_path / "new inbox" / "processing").is_dir()


def test_only_transient_faults_are_retried(prefect_env: dict[str, str]) -> None:
    import sqlalchemy
    from prefect.states import Failed

    from flows.ingest import _transient_only
    from pipeline.errors import DocumentRejected

    engine = sqlalchemy.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(sqlalchemy.exc.OperationalError) as unavailable:
        engine.connect()
    assert _transient_only(None, None, Failed(data=unavailable.value)) is True
    assert _transient_only(None, None, Failed(data=OSError(5, "Input/output error"))) is True
    assert _transient_only(None, None, Failed(data=DocumentRejected("E005_CORRUPT", "x.docx"))) is False
    assert _transient_only(None, None, Failed(data=KeyError("a bug"))) is False


@pytest.mark.parametrize(
    ("text", "seconds"), [("10m", 600), ("1m", 60), ("90s", 90), ("2h", 7200), ("1d", 86400), ("45", 45)]
)
def test_serve_reads_the_schedule_an_officer_writes(text: str, seconds: int) -> None:
    from flows.serve import parse_every

    assert parse_every(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "often", "5s", "10 minutes please"])
def test_serve_refuses_a_schedule_it_cannot_read(text: str) -> None:
    from flows.serve import parse_every

    with pytest.raises(ValueError, match="--every"):
        parse_every(text)
