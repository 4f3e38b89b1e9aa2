"""CSRF tokens: a signed random token in a cookie, echoed by every form and script that changes state.

Another site can make the browser send the cookie but cannot read it, so it cannot echo the token.
The signature binds the token to this server's secret and to the user, so a token planted from
elsewhere or taken from another account is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "tonghop_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfTokens:
    """Issues and checks tokens of the form `<random>.<hmac(secret, user, random)>`."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, user: str, nonce: str) -> str:
        return hmac.new(self._secret, f"{user}\x00{nonce}".encode(), hashlib.sha256).hexdigest()

    def issue(self, user: str) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._sign(user, nonce)}"

    def is_valid(self, user: str, token: str | None) -> bool:
        """True when `token` was issued by this server for this user."""
        if not token or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        return hmac.compare_digest(signature, self._sign(user, nonce))

    def accepts(self, user: str, cookie: str | None, submitted: str | None) -> bool:
        """A state-changing request passes when the submitted token equals the cookie's and is ours."""
        if not cookie or not submitted:
            return False
        return hmac.compare_digest(cookie, submitted) and self.is_valid(user, cookie)
