"""The review page refuses what it must: requests without a valid CSRF token, strangers, huge bodies,
paths outside its static folder; and it shows hostile document text as text."""

from __future__ import annotations

import base64
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, ingest_into
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pipeline.review import create_app
from pipeline.review.csrf import COOKIE, HEADER
from pipeline.review.users import UsersFileError, load_users, set_user, verify_password
from pipeline.store import open_store

HOSTILE = (
    'BÁO CÁO <script>alert("xss")</script> kết quả công tác năm 2023\n'
    "1. Công tác an sinh xã hội\n"
    'Vận động Quỹ "Vì người nghèo" <img src=x onerror=alert(1)> được 150.000.000 đồng, hỗ trợ 25 hộ nghèo.\n'
)
EXPECTED_POST_PATHS = {
    "/documents/{document_id}/figures/{figure_id}/decision",
    "/documents/{document_id}/figures/{figure_id}/undo",
    "/documents/{document_id}/accept-selection",
    "/export",
}


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[str, int, list[dict]]:
    """A fresh SQLite store holding a seed report and a hostile one, ingested by the real pipeline."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = next(SAMPLES.glob("002_*.txt"))
    shutil.copy(seed, inbox / seed.name)
    (inbox / "bao_cao_doc_hai.txt").write_text(HOSTILE, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'review.db'}"
    results = ingest_into(url, [inbox])
    assert all(r.status == "loaded" for r in results), results
    store = open_store(url)
    document_id = next(r.document_id for r in results if r.path == seed.name)
    figures = store.figures(document_id=document_id)
    store.close()
    assert len(figures) >= 3, "the seed must yield figures to review"
    return url, document_id, figures


def page_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "every page carries its CSRF token"
    return found.group(1)


def local_client(url: str) -> TestClient:
    return TestClient(create_app(url), base_url="http://127.0.0.1")


def post_paths(app: object, document_id: int, figure_id: str) -> list[str]:
    """Every POST route of the app, with real ids in place of its path parameters."""
    routes = [r for r in app.routes if isinstance(r, APIRoute) and "POST" in r.methods]  # type: ignore[attr-defined]
    assert {r.path for r in routes} >= EXPECTED_POST_PATHS
    return [r.path.format(document_id=document_id, figure_id=figure_id) for r in routes]


def form_for(figure_id: str) -> dict[str, str]:
    """A body every POST route would accept if the token were right."""
    return {"action": "accept", "review_id": "1", "figure_id": figure_id, "file": "figures.csv"}


def test_every_state_changing_request_without_a_valid_csrf_token_is_refused(seeded):
    url, document_id, figures = seeded
    client = local_client(url)
    token = page_token(client.get("/").text)
    figure_id = figures[0]["figure_id"]
    paths = post_paths(client.app, document_id, figure_id)
    for path in paths:
        attempts = {
            "no token at all": {"cookies": {}, "data": form_for(figure_id)},
            "cookie but no echoed token": {"data": form_for(figure_id)},
            "echoed token differs": {"data": {**form_for(figure_id), "csrf_token": token[:-2] + "00"}},
            "forged header": {"data": form_for(figure_id), "headers": {HEADER: "abc.def"}},
        }
        for why, kwargs in attempts.items():
            cookies = kwargs.pop("cookies", None)
            if cookies is not None:
                client.cookies.clear()
            response = client.post(path, **kwargs)
            assert response.status_code == 403, (path, why, response.status_code)
            assert "CSRF" in response.text
            if cookies is not None:
                client.get("/")  # a fresh cookie for the next attempt
                token = page_token(client.get("/").text)
        # the right token from a foreign site is refused too
        refused = client.post(
            path, data={**form_for(figure_id), "csrf_token": client.cookies[COOKIE]},
            headers={"origin": "http://evil.example"},
        )
        assert refused.status_code == 403, path
    store = open_store(url)
    assert store.reviews() == [], "no refused request may have changed anything"
    # and the same requests pass the gate with the token (so the refusals above are the token's doing)
    token = client.cookies[COOKIE]
    decided = client.post(
        f"/documents/{document_id}/figures/{figure_id}/decision",
        data={"action": "accept", "csrf_token": token},
    )
    assert decided.status_code == 200, decided.text
    by_header = client.post(
        f"/documents/{document_id}/figures/{figures[1]['figure_id']}/decision",
        data={"action": "reject"}, headers={HEADER: token, "accept": "application/json"},
    )
    assert by_header.status_code == 200
    assert [r["action"] for r in store.reviews()] == ["accept", "reject"]
    store.close()


def shared_deployment(url: str, tmp_path: Path, *names: str) -> TestClient:
    """A client of the review page behind a login; each reviewer's password is "mat-khau-cua-<name>"."""
    users = tmp_path / "users.txt"
    for name in names:
        set_user(users, name, f"mat-khau-cua-{name}")
    return TestClient(create_app(url, auth_config=users), base_url="http://review.example")


def test_a_token_issued_to_one_reviewer_does_not_work_for_another(seeded, tmp_path):
    url, document_id, figures = seeded
    client = shared_deployment(url, tmp_path, "lan", "minh")
    lan, minh = ("lan", "mat-khau-cua-lan"), ("minh", "mat-khau-cua-minh")
    client.get("/", auth=lan)
    lans_token = client.cookies[COOKIE]
    path = f"/documents/{document_id}/figures/{figures[0]['figure_id']}/decision"
    refused = client.post(path, data={"action": "accept", "csrf_token": lans_token}, auth=minh)
    assert refused.status_code == 403
    accepted = client.post(path, data={"action": "accept", "csrf_token": lans_token}, auth=lan)
    assert accepted.status_code == 200
    store = open_store(url)
    assert [(r["user"], r["action"]) for r in store.reviews()] == [("lan", "accept")]
    store.close()


def test_a_shared_deployment_needs_a_login_and_names_the_reviewer(seeded, tmp_path):
    url, _document_id, _figures = seeded
    client = shared_deployment(url, tmp_path, "lan")
    anonymous = client.get("/")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Basic")
    assert client.get("/", auth=("lan", "sai-mat-khau")).status_code == 401
    assert client.get("/", auth=("ai-do", "mat-khau-cua-lan")).status_code == 401
    assert client.get("/static/review.css").status_code == 401
    page = client.get("/", auth=("lan", "mat-khau-cua-lan"))
    assert page.status_code == 200
    assert "<b>lan</b>" in page.text


def test_guessing_passwords_is_slowed_down_per_name(seeded, tmp_path):
    url, _document_id, _figures = seeded
    client = shared_deployment(url, tmp_path, "lan", "minh")
    for attempt in range(5):
        assert client.get("/", auth=("lan", f"doan-{attempt}")).status_code == 401
    refused = client.get("/", auth=("lan", "mat-khau-cua-lan"))  # even the right one, for now
    assert refused.status_code == 429
    assert "thử lại sau 5 phút" in refused.text and 0 < int(refused.headers["retry-after"]) <= 300
    assert client.get("/", auth=("minh", "mat-khau-cua-minh")).status_code == 200  # others unaffected


def test_a_throttled_name_may_log_in_again_once_its_failures_age_out(tmp_path):
    from pipeline.review.auth import Authenticator, LoginThrottled

    users = tmp_path / "users.txt"
    set_user(users, "lan", "mat-khau-cua-lan")
    auth = Authenticator(users, max_failures=2, lockout_seconds=0.5)

    def header(password: str) -> str:
        return "Basic " + base64.b64encode(f"lan:{password}".encode()).decode()

    assert auth.user_for(header("sai")) is None
    assert auth.user_for(header("sai nữa")) is None
    with pytest.raises(LoginThrottled) as throttled:
        auth.user_for(header("mat-khau-cua-lan"))
    assert 0 < throttled.value.seconds <= 0.5
    time.sleep(0.6)
    assert auth.user_for(header("mat-khau-cua-lan")) == "lan"
    assert auth.user_for(header("sai")) is None  # a good login cleared the count: one failure only
    assert auth.user_for(header("mat-khau-cua-lan")) == "lan"


def test_the_users_file_holds_only_hashes(tmp_path):
    users = tmp_path / "users.txt"
    set_user(users, "lan", "mat-khau-cua-lan")
    set_user(users, "lan", "mat-khau-moi-cua-lan")  # replacing keeps one line per user
    text = users.read_text(encoding="utf-8")
    assert "mat-khau" not in text
    stored = load_users(users)
    assert list(stored) == ["lan"]
    assert verify_password("mat-khau-moi-cua-lan", stored["lan"])
    assert not verify_password("mat-khau-cua-lan", stored["lan"])
    (tmp_path / "plain.txt").write_text("lan:matkhau\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match="dòng 1"):
        load_users(tmp_path / "plain.txt")


def test_document_text_is_shown_as_text_never_run(seeded):
    url, _document_id, _figures = seeded
    store = open_store(url)
    hostile = next(d for d in store.documents() if d["path"] == "bao_cao_doc_hai.txt")
    store.close()
    client = local_client(url)
    html = client.get(f"/documents/{hostile['id']}").text
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_oversized_requests_are_refused_with_413(seeded):
    url, document_id, figures = seeded
    client = local_client(url)
    client.get("/")
    token = client.cookies[COOKIE]
    path = f"/documents/{document_id}/figures/{figures[0]['figure_id']}/decision"
    huge = {"action": "accept", "csrf_token": token, "comment": "x" * (2 * 1024 * 1024)}
    assert client.post(path, data=huge).status_code == 413

    def chunks():  # no Content-Length: the limit must count what actually arrives
        yield f"action=accept&csrf_token={token}&comment=".encode()
        for _ in range(40):
            yield b"y" * 65536

    streamed = client.post(
        path, content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413
    assert open_store(url).reviews() == []


TRAVERSALS = [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fcli.py",
    "/static/../../../../etc/passwd", "/static/..\\app.py", "/static//etc/passwd", "/static/....//app.py",
    "/static/%252e%252e/app.py",
]


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """Send the path byte for byte: an HTTP client library would tidy the `..` away first."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(base_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{where.port}\r\nConnection: close\r\n\r\n"
        conn.sendall(request.encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


def test_nothing_outside_the_static_folder_is_served(seeded, live_server):
    with live_server(create_app(seeded[0])) as server:
        assert raw_get(server.url, "/static/review.css")[0] == 200
        for path in TRAVERSALS:
            status, body = raw_get(server.url, path)
            assert status in (400, 404), (path, status)
            assert b"create_app" not in body and b"root:" not in body and b"typer" not in body, path


def test_static_files_and_kind_colours_are_served(seeded):
    client = local_client(seeded[0])
    assert client.get("/static/review.js").status_code == 200
    css = client.get("/kinds.css").text
    assert ".kind-money" in css and "--kind-colour" in css


def test_without_a_login_only_this_machine_may_connect(seeded):
    client = TestClient(create_app(seeded[0]), base_url="http://attacker.example")
    assert client.get("/").status_code == 400
