"""Password sessions and the wrong-password throttle in the drafts database (rag.signin), on
SQLite and on a real PostgreSQL: what two app processes share, what a forged, expired, used or
revoked token gets, and who can unlock a locked name."""

from __future__ import annotations

import pytest

from rag.errors import PlanError
from rag.plan.pgstore import PostgresDraftStore
from rag.plan.store import SQLiteDraftStore
from rag.signin import SignInLocked, SignIns


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """A factory of stores on one database: each call is another app process's store."""
    if request.param == "sqlite":
        return lambda: SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    url = request.getfixturevalue("postgres").new_database()
    return lambda: PostgresDraftStore(url)


@pytest.fixture
def clock():
    return Clock()


def sign_ins(database, clock, **options) -> SignIns:
    return SignIns(database(), hours=12, clock=clock, **options)


def test_a_session_started_in_one_process_is_known_to_another(database, clock):
    first, second = sign_ins(database, clock), sign_ins(database, clock)
    started = first.start("alice", "10.0.0.7")
    assert second.user(started.token) == "alice"
    cookie = second.hand_over(started.code)  # the browser fetched its cookie from the other
    assert cookie and cookie != started.token
    assert first.user(cookie) == "alice"
    assert first.user(started.token) is None  # the page's token and the code are spent
    assert first.hand_over(started.code) is None


def test_forged_altered_and_expired_tokens_sign_nobody_in(database, clock):
    ins = sign_ins(database, clock)
    token = ins.hand_over(ins.start("alice").code)
    secret, expires, signature = token.split(".")
    assert ins.user(f"{secret}.{int(expires) + 3600}.{signature}") is None  # lifetime stretched
    altered = secret[:-1] + ("B" if secret.endswith("A") else "A")
    assert ins.user(f"{altered}.{expires}.{signature}") is None
    assert ins.user(f"{secret}.{expires}.{'0' * len(signature)}") is None
    assert ins.user("alice") is None and ins.user("") is None and ins.user(None) is None
    other_db = SignIns(SQLiteDraftStore(_spare_path()), clock=clock)
    assert other_db.user(token) is None  # another database's key: the signature fails
    clock.now += 11 * 3600
    assert ins.user(token) == "alice"
    clock.now += 2 * 3600
    assert ins.user(token) is None


def _spare_path():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp()) / "other.sqlite3"


def test_a_code_not_handed_over_within_a_minute_is_refused(database, clock):
    ins = sign_ins(database, clock)
    started = ins.start("alice")
    clock.now += 61
    assert ins.hand_over(started.code) is None
    assert ins.hand_over("made-up-code") is None


def test_signing_out_revokes_the_session_for_every_process(database, clock):
    first, second = sign_ins(database, clock), sign_ins(database, clock)
    cookie = first.hand_over(first.start("alice").code)
    other = first.hand_over(first.start("alice").code)  # another browser of alice's
    second.end(cookie)
    assert first.user(cookie) is None and second.user(cookie) is None
    assert first.user(other) == "alice"  # only the session signed out is ended


def test_wrong_passwords_lock_a_name_everywhere_and_only_its_owner_unlocks_it(database, clock):
    first, second = sign_ins(database, clock), sign_ins(database, clock)
    for n in range(5):  # guesses spread over two processes and two addresses
        (first if n % 2 else second).check("alice", f"10.0.0.{n % 2}")
        (first if n % 2 else second).failed("alice", f"10.0.0.{n % 2}")
    for ins, address in ((first, "10.0.0.9"), (second, "")):
        with pytest.raises(SignInLocked, match="5 分钟后再试"):
            ins.check("alice", address)
    first.check("bob", "10.0.0.0")  # another name is not held up
    clock.now += 301
    # after the lock time anyone may try once more: a wrong guess locks the name again at once
    second.check("alice", "10.0.0.66")
    second.failed("alice", "10.0.0.66")
    with pytest.raises(SignInLocked):
        first.check("alice", "10.0.0.9")
    clock.now += 301
    first.check("alice", "10.0.0.9")  # the owner's right password: signed in, count cleared
    first.start("alice", "10.0.0.9")
    first.failed("alice", "10.0.0.9")  # a later typo is one of five again
    second.check("alice", "10.0.0.9")


def test_one_address_guessing_many_names_is_refused_but_others_are_not(database, clock):
    ins = sign_ins(database, clock, address_limit=4)
    for n in range(4):
        ins.check(f"user{n}", "10.9.9.9")
        ins.failed(f"user{n}", "10.9.9.9")
    with pytest.raises(SignInLocked, match="网络地址"):
        ins.check("carol", "10.9.9.9")
    ins.check("carol", "10.0.0.1")
    clock.now += 301
    ins.check("carol", "10.9.9.9")


def test_a_stopped_database_is_an_error_with_a_message(tmp_path, clock):
    store = SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    ins = SignIns(store, clock=clock)
    (tmp_path / "drafts.sqlite3").unlink()
    (tmp_path / "drafts.sqlite3").mkdir()  # the file cannot be opened any more
    with pytest.raises(PlanError, match="草稿库"):
        ins.start("alice")
