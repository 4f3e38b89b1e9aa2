"""Ingest with the real readers and extractor: folders in, loaded/unchanged/superseded/rejected out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors import extract_figures
from pipeline.cli import app
from pipeline.consolidate import consolidate
from pipeline.ingest import discover, ingest_paths
from pipeline.readers import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEEDS = sorted(SAMPLES.glob("*.txt"))
RELIEF_TOTAL = 458358000


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A submissions folder: the five seed reports in two sub-folders, a spreadsheet, and noise to skip."""
    folder = tmp_path / "inbox"
    for n, seed in enumerate(SEEDS):
        target = folder / ("huyen" if n % 2 else "tinh") / seed.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(seed, target)
    (folder / "bang-tong-hop.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")  # an appendix cut short
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "tinh" / "~$bao-cao.docx").write_bytes(b"\x0bWord lock file")
    return folder


def distinct_figures(path: Path) -> int:
    """How many rows the store should hold for a file: the extractor's figures, one per span and kind."""
    document = read_document(path)
    return len({f.figure_id(document.sha256) for f in extract_figures(document)})


def test_discover_walks_folders_once_each_and_skips_hidden_and_lock_files(inbox):
    found = discover([inbox, inbox / "tinh"])
    assert sorted(p.name for p in found) == sorted([*(s.name for s in SEEDS), "bang-tong-hop.xlsx"])


def test_ingest_loads_rejects_and_is_idempotent(store, inbox):
    results = ingest_paths([inbox], store)
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["bang-tong-hop.xlsx"].status == "rejected"
    assert by_name["bang-tong-hop.xlsx"].code == "E005_CORRUPT"  # .xlsx appendices are read now
    for seed in SEEDS:
        assert by_name[seed.name].status == "loaded"
        assert by_name[seed.name].figures == distinct_figures(seed)
    counts = store.row_counts()
    assert counts["documents"] == len(SEEDS) + 1 and counts["runs"] == 1
    again = ingest_paths([inbox], store)
    assert sorted(r.status for r in again) == ["rejected"] + ["unchanged"] * len(SEEDS)
    assert store.row_counts() == counts


def test_a_same_day_copy_with_other_figures_waits_for_an_officer(sqlite_store, tmp_path):
    first = tmp_path / "lan1" / "bao-cao-mttq.txt"
    first.parent.mkdir()
    shutil.copy(SEEDS[4], first)
    (loaded,) = ingest_paths([first], sqlite_store)
    second = tmp_path / "lan2" / "bao-cao-mttq (sua).txt"  # dated the same month: which is right?
    second.parent.mkdir()
    second.write_text(first.read_text(encoding="utf-8").replace("184", "185"), encoding="utf-8")
    (again,) = ingest_paths([second], sqlite_store)
    assert again.status == "loaded" and "cán bộ cần chọn" in again.message
    rows = {d["id"]: d for d in sqlite_store.documents()}
    assert rows[again.document_id]["ambiguous_with"] == loaded.document_id
    assert rows[loaded.document_id]["ambiguous_with"] == again.document_id
    assert sqlite_store.choose_document(again.document_id, user="lan") == [loaded.document_id]
    statuses = {d["id"]: d["status"] for d in sqlite_store.documents()}
    assert statuses == {loaded.document_id: "superseded", again.document_id: "loaded"}
    (log,) = sqlite_store.document_reviews(document_id=again.document_id)
    assert log["user"] == "lan" and log["after"]["replaces"] == [loaded.document_id]


def test_a_later_dated_resubmission_replaces_the_first_whatever_its_name(sqlite_store, tmp_path):
    text = SEEDS[4].read_text(encoding="utf-8")
    first, second = tmp_path / "mttq-lam-dong.txt", tmp_path / "ban sua lai.txt"
    first.write_text(text, encoding="utf-8")
    second.write_text(text.replace("date 2021-02", "date 2021-03").replace("184", "185"), encoding="utf-8")
    (new,) = ingest_paths([second], sqlite_store)
    (old,) = ingest_paths([first], sqlite_store)  # the older copy arrives last: it replaces nothing
    assert (new.status, old.status) == ("loaded", "outdated")
    statuses = {d["id"]: d["status"] for d in sqlite_store.documents()}
    assert statuses == {new.document_id: "loaded", old.document_id: "superseded"}
    assert "đã có bản mới hơn" in old.message


def test_seed_000_relief_total_is_used_and_its_communes_are_not_added(sqlite_store):
    ingest_paths([SEEDS[0]], sqlite_store)
    figures = consolidate(sqlite_store).figures
    total = figures[figures["value"] == RELIEF_TOTAL]
    assert len(total) == 1 and bool(total["counted"].iloc[0])
    parts = figures[figures["part_of"] == total["figure_id"].iloc[0]]
    assert len(parts) == 5 and sum(parts["value"]) == RELIEF_TOTAL
    assert not parts["counted"].any()


def test_cli_exit_status_says_whether_something_was_rejected(inbox, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    good = runner.invoke(app, ["ingest", str(inbox / "tinh"), "--store", url])
    assert good.exit_code == 0, good.output
    assert "đã nạp / loaded" in good.output
    mixed = runner.invoke(app, ["ingest", str(inbox), "--store", url])
    assert mixed.exit_code == 2, mixed.output
    assert "bang-tong-hop.xlsx" in mixed.output and "E005_CORRUPT" in mixed.output
