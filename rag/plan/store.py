"""Persistence of drafts (with every section version) behind one small interface.

SQLite in WAL mode under the data folder by default, PostgreSQL when PLAN_DATABASE_URL says so
(rag.plan.pgstore); both run the SQL here. A draft is kept as a head row (title, profile,
revision, owner) and one row per section, so a save rewrites only the sections that changed.
Every save states the revision it read: one made after another save of the same draft takes
that save in (Draft.rebase) and never overwrites it. A store is scoped to one owner (the
signed-in user, or "" without accounts): it never shows, changes or reveals another's drafts.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, Self

from rag.errors import DraftNotFound, PlanError
from rag.plan.draft import Draft

_DRAFT_ID = re.compile(r"[0-9a-f]{12}")
NOT_FOUND = "找不到草稿 {}：它可能已被删除。"


def new_draft_id() -> str:
    return uuid.uuid4().hex[:12]


def is_draft_id(text: object) -> bool:
    """True for the form of the ids drafts get (links and forms are checked before a lookup)."""
    return isinstance(text, str) and bool(_DRAFT_ID.fullmatch(text))


TRASH_DAYS = 30  # a deleted draft can be restored for this long


@dataclass(frozen=True)
class DraftInfo:
    id: str
    title: str
    updated: float  # for a deleted draft: when it was deleted
    drafted_by: str = ""  # the writer's name (Draft.drafted_by)
    filled: int = 0  # sections with text
    sections: int = 0


class DraftStore(Protocol):
    """Where one owner's drafts live; every method commits before it returns."""

    owner: str

    def scoped(self, owner: str) -> Self:
        """The same database, seen by another owner."""

    def save(self, draft: Draft) -> str:
        """Insert the draft (giving it an id) or update it from the revision it was read at,
        taking in any save made since (the sections both changed are named in
        draft.conflicts); returns the id. The draft is then at the new revision. Another
        owner's draft is DraftNotFound."""

    def load(self, draft_id: str) -> Draft:
        """The draft, or DraftNotFound (also for another owner's)."""

    def list(self) -> list[DraftInfo]:
        """Every draft, most recently changed first."""

    def delete(self, draft_id: str) -> None:
        """Move a draft to the trash (no error if it is already gone)."""

    def deleted(self) -> list[DraftInfo]:
        """The drafts in the trash, most recently deleted first."""

    def restore(self, draft_id: str) -> None:
        """Bring a draft back from the trash, or DraftNotFound."""


# The schema, step by step; both databases run the same statements (SQLite reads DOUBLE
# PRECISION as REAL). A database records the last step it ran.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE IF NOT EXISTS draft ("
        " id TEXT PRIMARY KEY, revision INTEGER NOT NULL, title TEXT NOT NULL,"
        " head TEXT NOT NULL, mode TEXT NOT NULL, filled INTEGER NOT NULL,"
        " sections INTEGER NOT NULL, created DOUBLE PRECISION NOT NULL,"
        " updated DOUBLE PRECISION NOT NULL, deleted DOUBLE PRECISION)",
        "CREATE TABLE IF NOT EXISTS draft_section ("
        " draft_id TEXT NOT NULL, idx INTEGER NOT NULL, body TEXT NOT NULL,"
        " PRIMARY KEY (draft_id, idx))",
    ),
    (
        "ALTER TABLE draft ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX IF NOT EXISTS draft_owner ON draft (owner, deleted, updated)",
    ),
    (  # signing in (rag.signin): sessions, wrong passwords, the key tokens are signed with
        "CREATE TABLE IF NOT EXISTS sign_in_session ("
        " id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL,"
        " created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION NOT NULL,"
        " revoked DOUBLE PRECISION, code TEXT, code_expires DOUBLE PRECISION)",
        "CREATE INDEX IF NOT EXISTS sign_in_session_code ON sign_in_session (code)",
        "CREATE TABLE IF NOT EXISTS sign_in_failure ("
        " name TEXT NOT NULL, address TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX IF NOT EXISTS sign_in_failure_name ON sign_in_failure (name, at)",
        "CREATE INDEX IF NOT EXISTS sign_in_failure_address ON sign_in_failure (address, at)",
        "CREATE TABLE IF NOT EXISTS sign_in_key (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class SqlDraftStore:
    """The store's logic over a DB-API connection; a subclass connects, opens transactions
    that hold the draft's write lock, and migrates. SQL is written with ? placeholders."""

    placeholder = "?"
    failure = "草稿库出错"

    def __init__(self, owner: str = ""):
        self.owner = owner

    def scoped(self, owner: str) -> Self:
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__, owner=owner)
        return other

    # what a subclass provides
    @contextmanager
    def _reading(self) -> Iterator[Any]:
        raise NotImplementedError

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """A transaction in which a draft row read is locked until the end."""
        raise NotImplementedError

    _errors: tuple[type[BaseException], ...] = ()
    _lock_row = ""  # what makes a SELECT lock the rows it reads (PostgreSQL: FOR UPDATE)

    def _run(self, db, sql: str, params: tuple = ()):
        if self.placeholder != "?":
            sql = sql.replace("?", self.placeholder)
        return db.execute(sql, params)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Callable[..., Any]]:
        """One transaction on this database, for the tables kept beside the drafts (signing
        in): yields run(sql, params) with ? placeholders; committed on leaving. write=False
        for reading only (SQLite then takes no write lock)."""
        try:
            with self._writing() if write else self._reading() as db:
                yield partial(self._run, db)
        except self._errors as e:
            raise PlanError(f"{self.failure}：{e}。请检查草稿库的磁盘空间、权限或连接。") from e

    def save(self, draft: Draft) -> str:
        if not draft.id:
            draft.id = new_draft_id()
        try:
            with self._writing() as db:
                row = self._run(
                    db,
                    f"SELECT revision, owner FROM draft WHERE id = ?{self._lock_row}",
                    (draft.id,),
                ).fetchone()
                if row and row[1] != self.owner:
                    raise DraftNotFound(NOT_FOUND.format(draft.id))
                stored = row[0] if row else 0
                draft.conflicts = []
                if stored != draft.revision:
                    draft.rebase(self._read(db, draft.id))
                self._write(db, draft, stored + 1)
        except self._errors as e:
            raise PlanError(f"草稿保存失败：{e}。请检查草稿库的磁盘空间、权限或连接。") from e
        draft.revision = stored + 1
        draft.base = draft.snapshot()
        return draft.id

    def load(self, draft_id: str) -> Draft:
        if not is_draft_id(draft_id):  # never echoed: it may be anything a link carried
            raise DraftNotFound("找不到草稿：链接中的草稿编号不对。请从“我的草稿”中打开草稿。")
        with self._reading() as db:
            draft = self._read(db, draft_id, deleted=False)
        if draft is None:
            raise DraftNotFound(NOT_FOUND.format(draft_id))
        draft.base = draft.snapshot()
        return draft

    def _infos(self, deleted: bool) -> list[DraftInfo]:
        with self._reading() as db:
            rows = self._run(
                db,
                "SELECT id, title, COALESCE(deleted, updated), mode, filled, sections FROM draft"
                f" WHERE owner = ? AND deleted IS {'NOT ' if deleted else ''}NULL"
                " ORDER BY COALESCE(deleted, updated) DESC",
                (self.owner,),
            ).fetchall()
        return [DraftInfo(*row) for row in rows]

    def list(self) -> list[DraftInfo]:
        return self._infos(deleted=False)

    def delete(self, draft_id: str) -> None:
        now = time.time()
        with self._writing() as db:
            old = self._run(
                db, "SELECT id FROM draft WHERE deleted < ?", (now - TRASH_DAYS * 86400,)
            ).fetchall()
            for (gone,) in old:
                self._run(db, "DELETE FROM draft_section WHERE draft_id = ?", (gone,))
                self._run(db, "DELETE FROM draft WHERE id = ?", (gone,))
            self._run(
                db,
                "UPDATE draft SET deleted = ? WHERE id = ? AND owner = ? AND deleted IS NULL",
                (now, draft_id, self.owner),
            )

    def deleted(self) -> list[DraftInfo]:
        return self._infos(deleted=True)

    def restore(self, draft_id: str) -> None:
        with self._writing() as db:
            moved = self._run(
                db,
                "UPDATE draft SET deleted = NULL"
                " WHERE id = ? AND owner = ? AND deleted IS NOT NULL",
                (draft_id, self.owner),
            ).rowcount
        if not moved:
            raise DraftNotFound("回收站里没有这份草稿：它可能已被恢复或已过保留期。")

    def _read(self, db, draft_id: str, deleted: bool | None = None) -> Draft | None:
        where = {None: "", False: " AND deleted IS NULL", True: " AND deleted IS NOT NULL"}
        row = self._run(
            db,
            f"SELECT head, revision FROM draft WHERE id = ? AND owner = ?{where[deleted]}",
            (draft_id, self.owner),
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        data["revision"] = row[1]
        data["sections"] = [
            json.loads(body)
            for (body,) in self._run(
                db, "SELECT body FROM draft_section WHERE draft_id = ? ORDER BY idx", (draft_id,)
            ).fetchall()
        ]
        return Draft.from_dict(data)

    def _write(self, db, draft: Draft, revision: int) -> None:
        """The head row and the sections whose stored text differs (the rest are not
        rewritten); saving a draft also takes it out of the trash, where another window may
        have put it."""
        filled = sum(1 for s in draft.sections if s.text.strip())
        self._run(
            db,
            "INSERT INTO draft (id, revision, title, head, mode, filled, sections, created,"
            " updated, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE"
            " SET revision=excluded.revision, title=excluded.title, head=excluded.head,"
            " mode=excluded.mode, filled=excluded.filled, sections=excluded.sections,"
            " updated=excluded.updated, deleted=NULL",
            (
                draft.id,
                revision,
                draft.title,
                json.dumps(draft.head(), ensure_ascii=False),
                draft.drafted_by,
                filled,
                len(draft.sections),
                draft.created,
                time.time(),
                self.owner,
            ),
        )
        stored = dict(
            self._run(
                db, "SELECT idx, body FROM draft_section WHERE draft_id = ?", (draft.id,)
            ).fetchall()
        )
        for i, section in enumerate(draft.sections):
            body = json.dumps(section.to_dict(), ensure_ascii=False)
            if stored.get(i) != body:
                self._run(
                    db,
                    "INSERT INTO draft_section (draft_id, idx, body) VALUES (?, ?, ?)"
                    " ON CONFLICT(draft_id, idx) DO UPDATE SET body=excluded.body",
                    (draft.id, i, body),
                )
        self._run(
            db,
            "DELETE FROM draft_section WHERE draft_id = ? AND idx >= ?",
            (draft.id, len(draft.sections)),
        )


class SQLiteDraftStore(SqlDraftStore):
    """Drafts in one SQLite file; a connection per call, so any thread (and any process) may
    use it: a save holds the file's write lock (BEGIN IMMEDIATE) from reading the revision to
    writing. The file, its folder and its tables are made again when they were removed while
    the app runs: the store is then empty, never broken."""

    _errors = (sqlite3.Error,)

    def __init__(self, path: Path, owner: str = ""):
        super().__init__(owner)
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connect().close()

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA busy_timeout=10000")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self._migrate(db)
        except sqlite3.DatabaseError as e:  # not OperationalError: the file is no database
            if not isinstance(e, sqlite3.OperationalError):
                raise PlanError(
                    f"草稿库文件已损坏，无法读取（{self.path.name}）：请管理员从备份恢复，"
                    "或把它移走后重新打开页面（会新建一个空的草稿库）。"
                ) from e
            raise PlanError(f"无法打开草稿库：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        except (OSError, sqlite3.Error) as e:
            raise PlanError(f"无法打开草稿库：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        return db

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._reading() as db, _transaction(db):
            yield db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """The steps not yet run; before them, the drafts of the first layout (one JSON body
        per draft, deleted ones in a table of their own) are taken over."""
        db.execute("PRAGMA journal_mode=WAL")
        with _transaction(db):
            done = db.execute("PRAGMA user_version").fetchone()[0]  # another may have run
            for step in MIGRATIONS[done:]:
                for statement in step:
                    db.execute(statement)
            if done == 0:
                self._take_over_first_layout(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _take_over_first_layout(self, db: sqlite3.Connection) -> None:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        old = []
        if "drafts" in tables:
            old += db.execute("SELECT body, updated, NULL FROM drafts").fetchall()
        if "deleted_drafts" in tables:
            old += db.execute("SELECT body, updated, deleted FROM deleted_drafts").fetchall()
        for body, updated, deleted in old:
            draft = Draft.from_dict(json.loads(body))
            self.scoped("")._write(db, draft, 1)
            db.execute(
                "UPDATE draft SET updated = ?, deleted = ? WHERE id = ?",
                (updated, deleted, draft.id),
            )
        db.execute("DROP TABLE IF EXISTS drafts")
        db.execute("DROP TABLE IF EXISTS deleted_drafts")


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (the write lock at once, so no other save reads the same revision) …
    COMMIT, or ROLLBACK on an error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
