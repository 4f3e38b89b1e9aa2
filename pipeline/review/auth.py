"""Who is reviewing: the OS user on one machine, an HTTP basic login on a shared deployment."""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import math
import threading
import time
from collections import deque
from pathlib import Path

from pipeline.review.users import load_users, verify_password

REALM = 'Basic realm="tonghop", charset="UTF-8"'
_CACHE_LIMIT = 256  # remembered good logins, so scrypt runs once per login, not once per request
MAX_FAILURES = 5  # wrong passwords for one name within LOCKOUT_SECONDS before it must wait
LOCKOUT_SECONDS = 300.0
_FAILURE_NAMES_LIMIT = 4096  # names with recent failures kept before the aged-out ones are dropped


class LoginThrottled(Exception):
    """Too many wrong passwords for this name lately: refuse without even checking this one."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry in {seconds:.0f} s")
        self.seconds = seconds

    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        return (
            f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút. "
            f"Too many failed logins; try again in {minutes} minute(s)."
        )


def local_user() -> str:
    """The name of the person logged in to this machine, for the single-machine setup."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


class Authenticator:
    """Turns a request's Authorization header into a user name, or None when it must log in."""

    def __init__(
        self,
        users_file: Path | None,
        *,
        max_failures: int = MAX_FAILURES,
        lockout_seconds: float = LOCKOUT_SECONDS,
    ) -> None:
        self.users_file = users_file
        self._users: dict[str, str] = load_users(users_file) if users_file else {}
        self._mtime = users_file.stat().st_mtime_ns if users_file else 0
        self._verified: dict[bytes, str] = {}
        self._lock = threading.Lock()
        # Guessing passwords costs a scrypt each and must stay slow: a name with `max_failures`
        # wrong passwords in `lockout_seconds` waits until the oldest of them is that old.
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._failures: dict[str, deque[float]] = {}

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
        """The logged-in name, the OS user when no login is configured, None when refused;
        LoginThrottled when that name has had too many wrong passwords lately."""
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
            self._wait_if_throttled(name)
            stored = self._users.get(name)
            if not sep or stored is None or not verify_password(password, stored):
                self._remember_failure(name)
                return None
            self._failures.pop(name, None)
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            self._verified[key] = name
            return name

    def _remember_failure(self, name: str) -> None:
        if name not in self._failures and len(self._failures) >= _FAILURE_NAMES_LIMIT:
            now = time.monotonic()  # many names tried: forget those whose failures have all aged out
            for stale in [n for n, f in self._failures.items() if now - f[-1] >= self.lockout_seconds]:
                del self._failures[stale]
        self._failures.setdefault(name, deque()).append(time.monotonic())

    def _wait_if_throttled(self, name: str) -> None:
        failures = self._failures.get(name)
        if not failures:
            return
        now = time.monotonic()
        while failures and now - failures[0] >= self.lockout_seconds:
            failures.popleft()
        if not failures:
            del self._failures[name]
        elif len(failures) >= self.max_failures:
            raise LoginThrottled(self.lockout_seconds - (now - failures[0]))
