"""Who is reviewing: the OS user on one machine, an HTTP basic login on a shared deployment."""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import threading
from pathlib import Path

from pipeline.review.users import load_users, verify_password

REALM = 'Basic realm="tonghop", charset="UTF-8"'
_CACHE_LIMIT = 256  # remembered good logins, so scrypt runs once per login, not once per request


def local_user() -> str:
    """The name of the person logged in to this machine, for the single-machine setup."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


class Authenticator:
    """Turns a request's Authorization header into a user name, or None when it must log in."""

    def __init__(self, users_file: Path | None) -> None:
        self.users_file = users_file
        self._users: dict[str, str] = load_users(users_file) if users_file else {}
        self._mtime = users_file.stat().st_mtime_ns if users_file else 0
        self._verified: dict[bytes, str] = {}
        self._lock = threading.Lock()

    @property
    def required(self) -> bool:
        return self.users_file is not None

    def _reload_if_changed(self) -> None:
        assert self.users_file is not None
        try:
            mtime = self.users_file.stat().st_mtime_ns
        except OSError:
            return  # keep the last good accounts rather than locking everyone out
        if mtime != self._mtime:
            self._users = load_users(self.users_file)
            self._mtime = mtime
            self._verified.clear()

    def user_for(self, authorization: str | None) -> str | None:
        """The logged-in name, the OS user when no login is configured, None when refused."""
        if not self.required:
            return local_user()
        if not authorization or not authorization.lower().startswith("basic "):
            return None
        with self._lock:
            self._reload_if_changed()
            # the cache key is a hash of the header, so no password is kept in memory
            seen = authorization.encode("utf-8", "replace") + b"|" + str(self._mtime).encode()
            key = hashlib.sha256(seen).digest()
            if key in self._verified:
                return self._verified[key]
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None
            name, sep, password = decoded.partition(":")
            stored = self._users.get(name)
            if not sep or stored is None or not verify_password(password, stored):
                return None
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            self._verified[key] = name
            return name
