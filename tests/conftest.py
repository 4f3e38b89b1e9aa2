"""Fixtures shared by several test files. Helpers append their own fixtures below, one section each."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.document import Block, Document, DocumentMetadata, Period, canonical_text
from pipeline.figure import Figure

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOLD = REPO / "tests" / "gold"

# --- store: a fresh store per test, on SQLite and on a real PostgreSQL ---------------------------


def _postgres_admin_url() -> str | None:
    """The test server from .ci/services.sh; missing is a skip locally but a failure under CI."""
    url = os.environ.get("TONGHOP_TEST_PG")
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail("CI is set but TONGHOP_TEST_PG is not: .ci/services.sh should have started PostgreSQL")
    pytest.skip("PostgreSQL tests need TONGHOP_TEST_PG (bash .ci/run starts a server and sets it)")
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty schema on the test PostgreSQL server (a new database would be ten times slower)."""
    import psycopg

    admin = _postgres_admin_url()
    assert admin is not None
    schema = f"tonghop_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in admin else "?"
    yield f"{admin}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty store: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tonghop.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    """A migrated, empty store on each engine."""
    from pipeline.store import open_store

    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[object]:
    """A migrated, empty SQLite store (for tests that only need one engine)."""
    from pipeline.store import open_store

    opened = open_store(f"sqlite:///{tmp_path / 'tonghop.db'}")
    yield opened
    opened.close()


# --- seeds as documents with their hand-checked gold figures (no reader or extractor needed) ------


def gold_document(name: str, *, text: str | None = None, path: str | None = None) -> Document:
    """A seed as a Document: its canonical text, one block per line, metadata from gold/metadata.json."""
    text = canonical_text((SAMPLES / name).read_text(encoding="utf-8")) if text is None else text
    blocks, start, part = [], 0, ()
    for line in text.split("\n"):
        if line.strip().startswith("Phần thứ"):  # the seeds' top-level parts, enough to place periods
            part = (line.strip(),)
        if line.strip():
            blocks.append(Block("paragraph", start, start + len(line), section=part))
        start += len(line) + 1
    meta = json.loads((GOLD / "metadata.json").read_text(encoding="utf-8"))[name]
    metadata = DocumentMetadata(
        issuer=meta.get("issuer", ""),
        level=meta.get("level", ""),
        province=meta.get("province", ""),
        doc_type=meta.get("doc_type", ""),
        date=meta.get("date", ""),
        date_year=meta.get("date_year"),
        periods=[Period(p["period"], p["role"], p["section"]) for p in meta.get("periods", [])],
    )
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(text, blocks, path or name, "txt", sha, metadata=metadata)


def gold_figures(name: str) -> list[Figure]:
    """The hand-checked figures of a seed as Figure objects, with part_of as the gold file gives it."""
    figures = []
    for line in (GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        figures.append(
            Figure(
                doc=name,
                quote=g["quote"],
                char_start=g["char_start"],
                char_end=g["char_end"],
                kind=g["kind"],
                value=Decimal(g["value"]),
                unit=g.get("unit", ""),
                denominator=Decimal(g["denominator"]) if g.get("denominator") else None,
                per=g.get("per", ""),
                approx=g.get("approx", "exact"),
                upper=Decimal(g["upper"]) if g.get("upper") else None,
                modality=g.get("modality", "actual"),
                indicator=g.get("indicator", ""),
                subject=g.get("subject", ""),
                section=g.get("section", ""),
                rule="gold",
                part_of=g.get("part_of"),
            )
        )
    return figures


@pytest.fixture
def seed() -> Callable[[str], tuple[Document, list[Figure]]]:
    """seed("000") → (Document, gold figures) for the seed file whose name starts with that prefix."""

    def load(prefix: str) -> tuple[Document, list[Figure]]:
        name = next(p.name for p in sorted(SAMPLES.glob(f"{prefix}*.txt")))
        return gold_document(name), gold_figures(name)

    return load


# --- prefect: one temporary Prefect API server for every flow test (issue 5) ----------------------

# Before anything imports Prefect: no telemetry, and Prefect's files inside the project.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_HOME", str(REPO / ".prefect"))


@pytest.fixture(scope="session")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One temporary Prefect server for the session; yields the env a flow subprocess needs.

    Task results (the sha256-keyed cache) go to a fresh folder, so no test sees another
    session's cache.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    results = tmp_path_factory.mktemp("prefect-results")
    with temporary_settings({PREFECT_RESULTS_LOCAL_STORAGE_PATH: results}), prefect_test_harness(60):
        yield {
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),
            "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(results),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_HOME": os.environ["PREFECT_HOME"],
        }


# --- review page: a store seeded through the real pipeline, the app served on a free port (issue 6) --


def ingest_into(store_url: str, files: list[Path]) -> list[object]:
    """Load files through the real readers, extractors and catalogue, as `tonghop ingest` does."""
    from pipeline.ingest import ingest_paths
    from pipeline.store import open_store

    opened = open_store(store_url)
    try:
        return ingest_paths(files, opened)
    finally:
        opened.close()


class LiveServer:
    """An ASGI app served by uvicorn in a thread on a socket bound to a free localhost port."""

    def __init__(self, app: object) -> None:
        import socket
        import threading

        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the review app did not start within 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture
def live_server() -> Callable[[object], LiveServer]:
    """live_server(app) → a context manager serving `app`; its `.url` is the base address."""
    return LiveServer


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium (never a downloaded browser): a failure under CI, a skip locally when absent."""
    import shutil

    path = os.environ.get("TONGHOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium is missing: .ci/services.sh should have installed it")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium)")
    return path


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser(chromium_path: str) -> Iterator[object]:
    """A headless Chromium driven by Playwright's sync API, closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# --- measurements: printed at the end of the run, whichever worker measured them ---------------------


@pytest.fixture
def measured(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """Report a measured figure (time, memory, a rate): never asserted, always shown. The line rides
    on the test's report, so the run's summary prints it even when pytest-xdist ran the test."""

    def report(line: str) -> None:
        record_property("measured", line)

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        f"{report.nodeid.split('::')[-1]}: {value}"
        for status in ("passed", "failed")
        for report in terminalreporter.stats.get(status, [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "measured"
    ]
    if lines:
        terminalreporter.section("measured (printed, never asserted)")
        for line in lines:
            terminalreporter.write_line(line)
