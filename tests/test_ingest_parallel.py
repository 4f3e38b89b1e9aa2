"""`tonghop ingest -j N`: several files read at once in their own children, the store exactly as with one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.ingest import ingest_paths
from pipeline.lanes import in_order
from pipeline.store import open_store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BATCH = SAMPLES / "batches" / "huyen_phu_ninh_2024"
# Machine-made values that differ between any two runs (row ids, clocks), not what was loaded.
VOLATILE = {"id", "document_id", "run_id", "loaded_at", "created_at", "updated_at", "superseded_by"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A district's round (docx, pdf, txt, a resubmission), two seeds, a copy of a file under
    another name, a broken file and a copy of it: every kind of outcome, in one folder."""
    folder = tmp_path_factory.mktemp("batch")
    for path in BATCH.iterdir():
        if path.suffix in (".docx", ".pdf", ".txt"):
            shutil.copy(path, folder / path.name)
    for seed in sorted(SAMPLES.glob("00[03]_*.docx")):
        shutil.copy(seed, folder / seed.name)
    first = sorted(folder.glob("*.docx"))[0]
    shutil.copy(first, folder / f"zz ban sao {first.name}")
    (folder / "hong.docx").write_bytes(b"PK\x03\x04 cut short")
    (folder / "hong ban sao.docx").write_bytes(b"PK\x03\x04 cut short")
    return folder


def contents(url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The store's documents and figures without row ids: what an officer would see."""
    store = open_store(url)
    documents = sorted(
        ({k: v for k, v in d.items() if k not in VOLATILE} for d in store.documents()),
        key=lambda d: d["sha256"],
    )
    figures = sorted(
        ({k: v for k, v in f.items() if k not in VOLATILE} for f in store.figures(include_superseded=True)),
        key=lambda f: f["figure_id"],
    )
    store.close()
    return documents, figures


def test_two_lanes_load_exactly_what_one_lane_loads(batch: Path, tmp_path: Path) -> None:
    outcomes = {}
    for jobs in (1, 2):
        url = f"sqlite:///{tmp_path / f'j{jobs}.db'}"
        store = open_store(url)
        results = ingest_paths([batch], store, jobs=jobs)
        store.close()
        outcomes[jobs] = ([(r.path, r.status, r.code, r.figures) for r in results], contents(url))
    assert outcomes[2] == outcomes[1]
    statuses = {status for _, status, _, _ in outcomes[1][0]}
    assert {"loaded", "unchanged", "rejected"} <= statuses  # the batch has every kind of outcome
    assert len(outcomes[1][1][1]) > 100  # and real figures to compare


def test_lanes_hand_results_back_in_order_with_each_fault_beside_its_item() -> None:
    def work(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n * n

    results = list(in_order(work, range(7), jobs=3))
    assert [item for item, _ in results] == list(range(7))
    assert [r for _, r in results if not isinstance(r, BaseException)] == [0, 1, 4, 16, 25, 36]
    assert isinstance(results[3][1], ValueError)
