"""Persistence of drafts (with every section version) behind one small interface.

SQLite in WAL mode under the data folder by default; a PostgreSQL store only has to implement
DraftStore. A draft is kept as a head row (title, profile, revision) and one row per section,
so a save rewrites only the sections that changed. Every save states the revision it read: one
made after another save of the same draft takes that save in (Draft.rebase) and never
overwrites it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag.errors import DraftNotFound, PlanError
from rag.plan.draft import Draft

_DRAFT_ID = re.compile(r"[0-9a-f]{12}")
SCHEMA_VERSION = 1  # PRAGMA user_version; 0 was one JSON body per draft (drafts, deleted_drafts)


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
    mode: str = ""
    filled: int = 0  # sections with text
    sections: int = 0


class DraftStore(Protocol):
    """Where drafts live; every method commits before it returns."""

    def save(self, draft: Draft) -> str:
        """Insert the draft (giving it an id) or update it from the revision it was read at,
        taking in any save made since (the sections both changed are named in
        draft.conflicts); returns the id. The draft is then at the new revision."""

    def load(self, draft_id: str) -> Draft:
        """The draft, or DraftNotFound."""

    def list(self) -> list[DraftInfo]:
        """Every draft, most recently changed first."""

    def delete(self, draft_id: str) -> None:
        """Move a draft to the trash (no error if it is already gone)."""

    def deleted(self) -> list[DraftInfo]:
        """The drafts in the trash, most recently deleted first."""

    def restore(self, draft_id: str) -> None:
        """Bring a draft back from the trash, or DraftNotFound."""


class SQLiteDraftStore:
    """Drafts in one SQLite file; a connection per call, so any thread (and any process) may
    use it: a save holds the file's write lock from reading the revision to writing."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connect().close()

    def _connect(self) -> sqlite3.Connection:
        """A connection to the file, which (with its folder and tables) is made again when it
        was removed while the app runs: the store is then empty, never broken."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA busy_timeout=10000")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                _migrate(db)
        except (OSError, sqlite3.Error) as e:
            raise PlanError(f"无法打开草稿库：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        return db

    def save(self, draft: Draft) -> str:
        if not draft.id:
            draft.id = new_draft_id()
        try:
            with self._lock, _transaction(self._connect()) as db:
                row = db.execute("SELECT revision FROM draft WHERE id = ?", (draft.id,)).fetchone()
                stored = row[0] if row else 0
                draft.conflicts = []
                if stored != draft.revision:
                    draft.rebase(_read(db, draft.id))
                _write(db, draft, stored + 1)
        except sqlite3.Error as e:
            raise PlanError(f"草稿保存失败：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        draft.revision = stored + 1
        draft.base = draft.snapshot()
        return draft.id

    def load(self, draft_id: str) -> Draft:
        if not is_draft_id(draft_id):  # never echoed: it may be anything a link carried
            raise DraftNotFound("找不到草稿：链接中的草稿编号不对。请从“我的草稿”中打开草稿。")
        db = self._connect()
        try:
            draft = _read(db, draft_id, deleted=False)
        finally:
            db.close()
        if draft is None:
            raise DraftNotFound(f"找不到草稿 {draft_id}：它可能已被删除。")
        draft.base = draft.snapshot()
        return draft

    def _infos(self, deleted: bool) -> list[DraftInfo]:
        db = self._connect()
        try:
            rows = db.execute(
                "SELECT id, title, COALESCE(deleted, updated), mode, filled, sections FROM draft"
                f" WHERE deleted IS {'NOT ' if deleted else ''}NULL"
                " ORDER BY COALESCE(deleted, updated) DESC"
            ).fetchall()
        finally:
            db.close()
        return [DraftInfo(*row) for row in rows]

    def list(self) -> list[DraftInfo]:
        return self._infos(deleted=False)

    def delete(self, draft_id: str) -> None:
        now = time.time()
        with self._lock, _transaction(self._connect()) as db:
            old = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM draft WHERE deleted < ?", (now - TRASH_DAYS * 86400,)
                )
            ]
            for gone in old:
                db.execute("DELETE FROM draft_section WHERE draft_id = ?", (gone,))
                db.execute("DELETE FROM draft WHERE id = ?", (gone,))
            db.execute(
                "UPDATE draft SET deleted = ? WHERE id = ? AND deleted IS NULL", (now, draft_id)
            )

    def deleted(self) -> list[DraftInfo]:
        return self._infos(deleted=True)

    def restore(self, draft_id: str) -> None:
        with self._lock, _transaction(self._connect()) as db:
            moved = db.execute(
                "UPDATE draft SET deleted = NULL WHERE id = ? AND deleted IS NOT NULL", (draft_id,)
            ).rowcount
        if not moved:
            raise DraftNotFound("回收站里没有这份草稿：它可能已被恢复或已过保留期。")


class _transaction:
    """BEGIN IMMEDIATE (the write lock at once, so no other save reads the same revision) …
    COMMIT, or ROLLBACK on an error; the connection is then closed unless told not to."""

    def __init__(self, db: sqlite3.Connection, *, close: bool = True):
        self.db, self.close = db, close

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, trace) -> None:
        try:
            self.db.execute("ROLLBACK" if kind else "COMMIT")
        finally:
            if self.close:
                self.db.close()


def _read(db: sqlite3.Connection, draft_id: str, deleted: bool | None = None) -> Draft | None:
    where = {None: "", False: " AND deleted IS NULL", True: " AND deleted IS NOT NULL"}[deleted]
    row = db.execute(
        f"SELECT head, revision FROM draft WHERE id = ?{where}", (draft_id,)
    ).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    data["revision"] = row[1]
    data["sections"] = [
        json.loads(body)
        for (body,) in db.execute(
            "SELECT body FROM draft_section WHERE draft_id = ? ORDER BY idx", (draft_id,)
        )
    ]
    return Draft.from_dict(data)


def _write(db: sqlite3.Connection, draft: Draft, revision: int) -> None:
    """The head row and the sections whose stored text differs (the rest are not rewritten);
    saving a draft also takes it out of the trash, where another window may have put it."""
    filled = sum(1 for s in draft.sections if s.text.strip())
    db.execute(
        "INSERT INTO draft (id, revision, title, head, mode, filled, sections, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " revision=excluded.revision, title=excluded.title, head=excluded.head,"
        " mode=excluded.mode, filled=excluded.filled, sections=excluded.sections,"
        " updated=excluded.updated, deleted=NULL",
        (
            draft.id,
            revision,
            draft.title,
            json.dumps(draft.head(), ensure_ascii=False),
            draft.mode,
            filled,
            len(draft.sections),
            draft.created,
            time.time(),
        ),
    )
    stored = dict(db.execute("SELECT idx, body FROM draft_section WHERE draft_id = ?", (draft.id,)))
    for i, section in enumerate(draft.sections):
        body = json.dumps(section.to_dict(), ensure_ascii=False)
        if stored.get(i) != body:
            db.execute(
                "INSERT OR REPLACE INTO draft_section (draft_id, idx, body) VALUES (?, ?, ?)",
                (draft.id, i, body),
            )
    db.execute(
        "DELETE FROM draft_section WHERE draft_id = ? AND idx >= ?", (draft.id, len(draft.sections))
    )


def _migrate(db: sqlite3.Connection) -> None:
    """Make the tables, taking over the drafts of schema 0 (one JSON body per draft, deleted
    ones in a table of their own) when the file has them."""
    db.execute("PRAGMA journal_mode=WAL")
    with _transaction(db, close=False):
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return  # another connection migrated meanwhile
        db.execute(
            "CREATE TABLE IF NOT EXISTS draft ("
            " id TEXT PRIMARY KEY, revision INTEGER NOT NULL, title TEXT NOT NULL,"
            " head TEXT NOT NULL, mode TEXT NOT NULL, filled INTEGER NOT NULL,"
            " sections INTEGER NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,"
            " deleted REAL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS draft_section ("
            " draft_id TEXT NOT NULL, idx INTEGER NOT NULL, body TEXT NOT NULL,"
            " PRIMARY KEY (draft_id, idx))"
        )
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        old = []
        if "drafts" in tables:
            old += db.execute("SELECT body, updated, NULL FROM drafts").fetchall()
        if "deleted_drafts" in tables:
            old += db.execute("SELECT body, updated, deleted FROM deleted_drafts").fetchall()
        for body, updated, deleted in old:
            draft = Draft.from_dict(json.loads(body))
            _write(db, draft, 1)
            db.execute(
                "UPDATE draft SET updated = ?, deleted = ? WHERE id = ?",
                (updated, deleted, draft.id),
            )
        db.execute("DROP TABLE IF EXISTS drafts")
        db.execute("DROP TABLE IF EXISTS deleted_drafts")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
