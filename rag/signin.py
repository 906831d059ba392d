"""Password sign-in shared by every app process through the drafts database (SQLite or
PostgreSQL): sessions the browser keeps as a signed, expiring, revocable token in an HttpOnly
cookie, and the count of wrong passwords per name and per client address.

A token is `<secret>.<expires>.<signature>`. The database keeps only a hash of the secret (a
copy of the table signs nobody in); the signature (HMAC-SHA256 with a key kept in the same
database, made by the first process that needs it) refuses a forged or altered token before
any lookup. A session starts in the page, once the password was checked, with a one-time code
that the browser hands over within a minute to the server's /session/start route; the route
answers with the cookie and gives the session a new secret, so the code is useless after that
and the token never appears in an address.

Wrong passwords: after `limit` for a name (within a day, since its last sign-in) the name is
locked for `lock` seconds; after the lock one more wrong password locks it again at once,
while the owner's right password signs in and clears the count. A client address with
`address_limit` wrong passwords (any names) within `lock` seconds is refused for a while.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from rag.errors import PlanError
from rag.plan.store import SqlDraftStore

CODE_SECONDS = 60.0  # a one-time code is handed over by the browser at once, or never
LIMIT = 5
LOCK = 300.0
ADDRESS_LIMIT = 20
MEMORY = 86400.0  # a name's wrong passwords are forgotten a day after the last one


class SignInLocked(PlanError):
    """Too many wrong passwords for this name, or from this address, lately."""


@dataclass(frozen=True)
class Started:
    """A new session: its token (for the page that signed in) and the one-time code the
    browser hands over to get the cookie (which then holds a token of its own)."""

    token: str
    code: str


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


class SignIns:
    """Sessions and wrong-password counts in the drafts database."""

    def __init__(
        self,
        db: SqlDraftStore,
        *,
        hours: float = 12.0,
        clock: Callable[[], float] = time.time,
        limit: int = LIMIT,
        lock: float = LOCK,
        address_limit: int = ADDRESS_LIMIT,
    ):
        self.db = db
        self.seconds = hours * 3600
        self.clock = clock
        self.limit = limit
        self.lock = lock
        self.address_limit = address_limit
        self._signing_key: bytes | None = None

    # ---- sessions

    def start(self, name: str, address: str = "") -> Started:
        """A session for a user whose password was just checked (their wrong-password count
        is cleared)."""
        now = self.clock()
        secret, code = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = math.floor(now + self.seconds)
        with self.db.transaction() as run:
            run("DELETE FROM sign_in_session WHERE expires < ?", (now,))
            run("DELETE FROM sign_in_failure WHERE name = ?", (name,))
            run(
                "INSERT INTO sign_in_session (id, name, address, created, expires, code,"
                " code_expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_digest(secret), name, address, now, expires, _digest(code), now + CODE_SECONDS),
            )
        return Started(self._token(secret, expires), code)

    def hand_over(self, code: str) -> str | None:
        """The cookie's token for a one-time code (None when unknown, used or too old); the
        session gets a new secret, so the page's token and the code both stop working."""
        now = self.clock()
        secret = secrets.token_urlsafe(32)
        with self.db.transaction() as run:
            row = run(
                "SELECT id, expires FROM sign_in_session"
                " WHERE code = ? AND code_expires > ? AND revoked IS NULL AND expires > ?",
                (_digest(code), now, now),
            ).fetchone()
            if row is None:
                return None
            moved = run(
                "UPDATE sign_in_session SET id = ?, code = NULL, code_expires = NULL"
                " WHERE id = ? AND code = ?",
                (_digest(secret), row[0], _digest(code)),
            ).rowcount
        return self._token(secret, int(row[1])) if moved == 1 else None

    def user(self, token: str | None) -> str | None:
        """The name a token signs in, or None (forged, expired, revoked or unknown)."""
        secret = self._secret(token)
        if secret is None:
            return None
        with self.db.transaction(write=False) as run:
            row = run(
                "SELECT name FROM sign_in_session WHERE id = ? AND revoked IS NULL AND expires > ?",
                (_digest(secret), self.clock()),
            ).fetchone()
        return row[0] if row else None

    def end(self, token: str | None) -> None:
        """Revoke the session (every tab and process holding its token is signed out)."""
        secret = self._secret(token)
        if secret is not None:
            with self.db.transaction() as run:
                run(
                    "UPDATE sign_in_session SET revoked = ? WHERE id = ?",
                    (self.clock(), _digest(secret)),
                )

    def _token(self, secret: str, expires: int) -> str:
        body = f"{secret}.{expires}"
        return f"{body}.{self._sign(body)}"

    def _secret(self, token: str | None) -> str | None:
        """The secret of a token whose signature holds and that has not expired."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        secret, expires, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{secret}.{expires}")):
            return None
        return secret if int(expires) > self.clock() else None

    def _sign(self, body: str) -> str:
        return hmac.new(self._key(), body.encode(), hashlib.sha256).hexdigest()

    def _key(self) -> bytes:
        """The signing key every process shares (made by the first that needs it)."""
        if self._signing_key is None:
            with self.db.transaction() as run:
                run(
                    "INSERT INTO sign_in_key (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                    (secrets.token_hex(32),),
                )
                row = run("SELECT secret FROM sign_in_key WHERE id = 1").fetchone()
            self._signing_key = bytes.fromhex(row[0])
        return self._signing_key

    # ---- wrong passwords

    def check(self, name: str, address: str = "") -> None:
        """SignInLocked when this name or this address has failed too often lately."""
        now = self.clock()
        with self.db.transaction(write=False) as run:
            by_name = run(
                "SELECT COUNT(*), MAX(at) FROM sign_in_failure WHERE name = ? AND at > ?",
                (name, now - MEMORY),
            ).fetchone()
            by_address = run(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failure WHERE address = ? AND at > ?",
                (address, now - self.lock),
            ).fetchone()
        if by_name[0] >= self.limit and now < by_name[1] + self.lock:
            raise SignInLocked(
                f"这个用户名的密码错误次数过多，已暂时锁定：请 {_minutes(by_name[1] + self.lock - now)}"
                " 分钟后再试。到时输入正确的密码即可登录；再输错一次会重新锁定。"
            )
        if by_address[0] >= self.address_limit:
            raise SignInLocked(
                "从您的网络地址输错密码的次数过多：请 "
                f"{_minutes(by_address[1] + self.lock - now)} 分钟后再试。"
            )

    def failed(self, name: str, address: str = "") -> None:
        """Count a wrong password (for a name that may not exist, too)."""
        now = self.clock()
        with self.db.transaction() as run:
            run("DELETE FROM sign_in_failure WHERE at < ?", (now - MEMORY,))
            run(
                "INSERT INTO sign_in_failure (name, address, at) VALUES (?, ?, ?)",
                (name, address, now),
            )
