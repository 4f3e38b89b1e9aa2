"""The gates every request passes before a route runs: size limit, login, CSRF, safe headers.

They are plain ASGI middleware so no route can forget them: a new POST route is protected the
moment it exists.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse

from pipeline.review.auth import REALM, Authenticator, LoginThrottled
from pipeline.review.csrf import COOKIE, FIELD, HEADER, SAFE_METHODS, CsrfTokens

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS = {
    # scripts, styles and images only from this server; inline SVG is markup, not a resource
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # no-referrer would make Chrome send `Origin: null` on our own forms
    "cache-control": "no-store",
}


class _BodyTooLarge(Exception):
    pass


def _refusal(status: int, text: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413, whatever its Content-Length claims."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"Yêu cầu quá lớn (tối đa {self.max_bytes // 1024} KB). Request too large."
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refusal(413, message)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return incoming

        async def watching_send(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLarge:
            if not started:
                await _refusal(413, message)(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _submitted_token(headers: Headers, body: bytes) -> str | None:
    """The token echoed in the X-CSRF-Token header, or in an url-encoded form's csrf_token field."""
    if headers.get(HEADER):
        return headers[HEADER]
    if headers.get("content-type", "").split(";")[0].strip() == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD)
        return values[0] if values else None
    return None


def _same_origin(headers: Headers) -> bool:
    """A browser's Origin, when sent, must name this very host: refuses cross-site form posts early."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == headers.get("host", "")


class Gate:
    """Login (401), CSRF on every state-changing method (403), security headers on every answer."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator, tokens: CsrfTokens) -> None:
        self.app = app
        self.authenticator = authenticator
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            user = await anyio.to_thread.run_sync(self.authenticator.user_for, headers.get("authorization"))
        except LoginThrottled as throttled:
            retry = {"retry-after": str(math.ceil(throttled.seconds))}
            await _refusal(429, throttled.message(), retry)(scope, receive, send)
            return
        if user is None:
            await _refusal(
                401, "Cần đăng nhập để duyệt số liệu. Login required.", {"www-authenticate": REALM}
            )(scope, receive, send)
            return
        cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE)
        if scope["method"] not in SAFE_METHODS:
            body = await _read_body(receive)
            submitted = _submitted_token(headers, body)
            if not _same_origin(headers) or not self.tokens.accepts(user, cookie, submitted):
                await _refusal(
                    403,
                    "Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang rồi thử lại. "
                    "Request refused: missing or invalid CSRF token.",
                )(scope, receive, send)
                return
            receive = _replay(body, receive)
        fresh = None if self.tokens.is_valid(user, cookie) else self.tokens.issue(user)
        state = scope.setdefault("state", {})
        state["user"] = user
        state["csrf_token"] = fresh or cookie

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    out.setdefault(name, value)
                if fresh:
                    out.append("set-cookie", f"{COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hands the already-read body to the route, then passes on the real receive (disconnects)."""
    sent = False

    async def replaying_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying_receive
