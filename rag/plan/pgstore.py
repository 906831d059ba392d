"""Drafts in PostgreSQL (PLAN_DATABASE_URL), for an instance that serves many users or runs on
more than one machine: the same SQL as SQLite (rag.plan.store.SqlDraftStore), a save locking
the draft's row (SELECT … FOR UPDATE) from reading its revision to writing, and the schema's
steps recorded in a table of their own and run under an advisory lock, so that app processes
starting together migrate once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from rag.errors import DatabaseUnavailable
from rag.plan.store import MIGRATIONS, SqlDraftStore

_MIGRATION_LOCK = 0x706C616E  # pg_advisory_xact_lock key: "plan"
CONNECT_TIMEOUT = 5  # seconds: a stopped server refuses at once, an unreachable host does not
UNREACHABLE = (
    "草稿数据库（PostgreSQL）暂时无法连接：请稍后再试；如果一直这样，请管理员确认 PostgreSQL"
    " 服务正在运行，PLAN_DATABASE_URL 中的地址和口令正确"
)


class PostgresDraftStore(SqlDraftStore):
    placeholder = "%s"
    _lock_row = " FOR UPDATE"
    _errors = (psycopg.Error,)

    def __init__(self, url: str, owner: str = ""):
        super().__init__(owner)
        self.url = url
        with self._reading() as db:
            migrate(db)

    def _connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as e:
            raise DatabaseUnavailable(f"{UNREACHABLE}（{type(e).__name__}）。") from e

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        """A connection in a transaction: committed on leaving, rolled back on an error; a
        connection lost on the way (the server stopped or restarted) is DatabaseUnavailable."""
        try:
            with self._connect() as db:
                yield db
        except (psycopg.OperationalError, psycopg.InterfaceError) as e:
            raise DatabaseUnavailable(f"{UNREACHABLE}（{type(e).__name__}）。") from e

    _writing = _reading  # the row a save reads stays locked (FOR UPDATE) until the commit


def migrate(db: psycopg.Connection) -> int:
    """Run the schema's steps this database has not run; returns its version."""
    db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
    db.execute("CREATE TABLE IF NOT EXISTS plan_schema (version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM plan_schema").fetchone()
    done = row[0] if row else 0
    for step in MIGRATIONS[done:]:
        for statement in step:
            db.execute(statement)
    if row is None:
        db.execute("INSERT INTO plan_schema (version) VALUES (%s)", (len(MIGRATIONS),))
    elif done != len(MIGRATIONS):
        db.execute("UPDATE plan_schema SET version = %s", (len(MIGRATIONS),))
    db.commit()
    return len(MIGRATIONS)
