"""Persistence of drafts (with every section version) behind one small interface.

SQLite in WAL mode under the data folder by default; a PostgreSQL store only has to implement
DraftStore. A draft is stored whole as JSON: it is small (tens of kB with all its versions) and
always read and written whole.
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

    @classmethod
    def from_row(cls, draft_id: str, title: str, updated: float, body: str) -> DraftInfo:
        data = json.loads(body)
        sections = data.get("sections", [])
        filled = sum(1 for s in sections if str(s.get("text", "")).strip())
        return cls(draft_id, title, updated, data.get("mode", ""), filled, len(sections))


class DraftStore(Protocol):
    """Where drafts live; every method commits before it returns."""

    def save(self, draft: Draft) -> str:
        """Insert or replace the draft (giving it an id if it has none); returns the id."""

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
    """Drafts in one SQLite file; a connection per call, so any thread may use it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connect().close()

    def _connect(self) -> sqlite3.Connection:
        """A connection to the file, which (with its folder and tables) is made again when it
        was removed while the app runs: the store is then empty, never broken."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10)
            db.execute("PRAGMA busy_timeout=10000")
            if not db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'deleted_drafts'"
            ).fetchone():
                _create_tables(db)
        except (OSError, sqlite3.Error) as e:
            raise PlanError(f"无法打开草稿库：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        return db

    def save(self, draft: Draft) -> str:
        if not draft.id:
            draft.id = new_draft_id()
        body = json.dumps(draft.to_dict(), ensure_ascii=False)
        now = time.time()
        try:
            with self._lock, self._connect() as db:
                db.execute(
                    "INSERT INTO drafts (id, title, body, created, updated) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET title=excluded.title, body=excluded.body,"
                    " updated=excluded.updated",
                    (draft.id, draft.title, body, draft.created, now),
                )
        except sqlite3.Error as e:
            raise PlanError(f"草稿保存失败：{e}。请检查数据目录的磁盘空间和写入权限。") from e
        return draft.id

    def load(self, draft_id: str) -> Draft:
        if not is_draft_id(draft_id):  # never echoed: it may be anything a link carried
            raise DraftNotFound("找不到草稿：链接中的草稿编号不对。请从“我的草稿”中打开草稿。")
        with self._connect() as db:
            row = db.execute("SELECT body FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise DraftNotFound(f"找不到草稿 {draft_id}：它可能已被删除。")
        return Draft.from_dict(json.loads(row[0]))

    def _infos(self, query: str) -> list[DraftInfo]:
        with self._connect() as db:
            return [DraftInfo.from_row(*row) for row in db.execute(query).fetchall()]

    def list(self) -> list[DraftInfo]:
        return self._infos("SELECT id, title, updated, body FROM drafts ORDER BY updated DESC")

    def delete(self, draft_id: str) -> None:
        now = time.time()
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM deleted_drafts WHERE deleted < ?", (now - TRASH_DAYS * 86400,))
            db.execute(
                "INSERT OR REPLACE INTO deleted_drafts"
                " SELECT id, title, body, created, updated, ? FROM drafts WHERE id = ?",
                (now, draft_id),
            )
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def deleted(self) -> list[DraftInfo]:
        return self._infos(
            "SELECT id, title, deleted, body FROM deleted_drafts ORDER BY deleted DESC"
        )

    def restore(self, draft_id: str) -> None:
        with self._lock, self._connect() as db:
            moved = db.execute(
                "INSERT OR REPLACE INTO drafts (id, title, body, created, updated)"
                " SELECT id, title, body, created, updated FROM deleted_drafts WHERE id = ?",
                (draft_id,),
            ).rowcount
            db.execute("DELETE FROM deleted_drafts WHERE id = ?", (draft_id,))
        if not moved:
            raise DraftNotFound("回收站里没有这份草稿：它可能已被恢复或已过保留期。")


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS drafts ("
            " id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
            " created REAL NOT NULL, updated REAL NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS deleted_drafts ("
            " id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
            " created REAL NOT NULL, updated REAL NOT NULL, deleted REAL NOT NULL)"
        )


def open_draft_store(settings) -> DraftStore:
    """The configured draft store (SQLite under the data folder)."""
    return SQLiteDraftStore(Path(settings.data_dir) / "drafts.sqlite3")
