"""The draft store, against SQLite and a real PostgreSQL alike: what it keeps of a section's
versions, deleted drafts kept for restoring, saves from several windows, owners. (What only
one of them has, the files of SQLite and its first layout, is tested on its own.)"""

from __future__ import annotations

import pytest

from rag.plan.draft import MAX_VERSIONS, Draft, SectionState, Version
from rag.plan.profile import make_profile
from rag.plan.store import SQLiteDraftStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """An empty store of each kind."""
    if request.param == "sqlite":
        return SQLiteDraftStore(tmp_path / "drafts.sqlite3")
    from rag.plan.pgstore import PostgresDraftStore

    return PostgresDraftStore(request.getfixturevalue("postgres").new_database())


def a_draft() -> Draft:
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"})
    sections = [SectionState(t, "任务措施", "", 300) for t in ("指导思想", "主要任务")]
    return Draft("阳光社区2027年双拥工作计划", "shuangyong", profile, "", sections)


def test_versions_per_section_are_bounded_keeping_the_first_and_the_newest(store):
    draft = a_draft()
    section = draft.sections[1]
    section.add(Version("第一稿", "composer"))
    draft_id = store.save(draft)
    for n in range(2, 3 * MAX_VERSIONS):
        loaded = store.load(draft_id)
        loaded.sections[1].edit(f"第{n}稿")
        store.save(loaded)
    kept = store.load(draft_id).sections[1]
    assert len(kept.versions) == MAX_VERSIONS
    assert kept.versions[0].text == "第一稿"
    texts = [v.text for v in kept.versions[1:]]
    assert texts == [
        f"第{n}稿" for n in range(3 * MAX_VERSIONS - MAX_VERSIONS + 1, 3 * MAX_VERSIONS)
    ]
    assert kept.current == MAX_VERSIONS - 1 and kept.text == f"第{3 * MAX_VERSIONS - 1}稿"
    assert kept.undo() and kept.text == f"第{3 * MAX_VERSIONS - 2}稿"


def test_a_deleted_draft_waits_in_the_trash_and_comes_back_whole(store):
    import pytest

    from rag.errors import DraftNotFound

    draft = a_draft()
    draft.sections[0].add(Version("坚持以人民为中心。", "composer"))
    draft_id = store.save(draft)
    store.delete(draft_id)
    assert store.list() == []
    with pytest.raises(DraftNotFound):
        store.load(draft_id)
    [trashed] = store.deleted()
    assert (trashed.id, trashed.filled, trashed.sections) == (draft_id, 1, 2)
    store.restore(draft_id)
    assert store.deleted() == []
    assert store.load(draft_id).sections[0].text == "坚持以人民为中心。"
    with pytest.raises(DraftNotFound):
        store.restore(draft_id)


def test_a_store_whose_files_were_removed_while_running_starts_again_empty(tmp_path):
    import shutil

    import pytest

    from rag.errors import DraftNotFound

    data = tmp_path / "data"
    store = SQLiteDraftStore(data / "drafts.sqlite3")
    draft_id = store.save(a_draft())
    shutil.rmtree(data)  # `.data/` removed while the app runs
    assert store.list() == [] and store.deleted() == []
    with pytest.raises(DraftNotFound):
        store.load(draft_id)
    again = store.save(a_draft())
    assert [d.id for d in store.list()] == [again]
    for name in ("drafts.sqlite3", "drafts.sqlite3-wal", "drafts.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)  # only the database files this time
    store.delete(again)
    assert store.list() == [] and store.load(store.save(a_draft())).title


def test_saves_from_two_windows_that_changed_different_sections_keep_both(store):
    draft = a_draft()
    for section in draft.sections:
        section.add(Version("初稿。", "composer"))
    draft_id = store.save(draft)
    first, second = store.load(draft_id), store.load(draft_id)
    first.sections[0].edit("第一个窗口改的指导思想。")
    store.save(first)
    second.sections[1].edit("第二个窗口改的主要任务。")
    second.sections[1].locked = True
    store.save(second)
    assert second.conflicts == []
    kept = store.load(draft_id)
    assert [s.text for s in kept.sections] == [
        "第一个窗口改的指导思想。",
        "第二个窗口改的主要任务。",
    ]
    assert kept.sections[1].locked and not kept.sections[0].locked
    assert kept.revision == 3


def test_a_section_changed_in_two_windows_keeps_both_texts_and_says_so(store):
    draft = a_draft()
    draft.sections[1].add(Version("初稿。", "composer"))
    draft_id = store.save(draft)
    regenerating, editing = store.load(draft_id), store.load(draft_id)
    editing.sections[1].edit("另一个窗口在重新生成期间改的文字。")
    store.save(editing)
    assert editing.conflicts == []
    regenerating.sections[1].add(Version("重新生成的文字。", "composer"))
    store.save(regenerating)
    assert regenerating.conflicts == ["二、主要任务"]
    kept = store.load(draft_id).sections[1]
    assert [v.text for v in kept.versions] == [
        "初稿。",
        "另一个窗口在重新生成期间改的文字。",
        "重新生成的文字。",
    ]
    assert kept.text == "重新生成的文字。"  # the window that saved last shows its own text
    # a stale window that changed nothing in that section takes the newer text
    stale = regenerating
    stale.revision = 1
    stale.base = (stale.head(), tuple(s.state() for s in a_draft().sections))
    stale.sections[0].add(Version("新的指导思想。", "composer"))
    store.save(stale)
    assert store.load(draft_id).sections[1].text == "重新生成的文字。"


def test_saves_racing_from_many_threads_lose_no_edit(store):
    import threading

    draft_id = store.save(a_draft())

    def edit(index: int) -> None:
        for n in range(8):
            draft = store.load(draft_id)
            draft.sections[index].edit(f"窗口{index}第{n}稿")
            store.save(draft)

    workers = [threading.Thread(target=edit, args=(i,)) for i in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    kept = store.load(draft_id)
    for i in (0, 1):
        assert [v.text for v in kept.sections[i].versions] == [f"窗口{i}第{n}稿" for n in range(8)]


def log_section_writes(store) -> callable:
    """Log every row written to draft_section (by a trigger); returns a reader of the log."""
    if isinstance(store, SQLiteDraftStore):
        import sqlite3

        connect = lambda: sqlite3.connect(store.path)  # noqa: E731
        statements = [
            "CREATE TABLE written (idx INTEGER)",
            *(
                f"CREATE TRIGGER log_{event} AFTER {event} ON draft_section"
                " BEGIN INSERT INTO written VALUES (new.idx); END"
                for event in ("INSERT", "UPDATE")
            ),
        ]
    else:
        import psycopg

        connect = lambda: psycopg.connect(store.url)  # noqa: E731
        statements = [
            "CREATE TABLE written (idx INTEGER)",
            "CREATE FUNCTION log_write() RETURNS trigger AS $$ BEGIN"
            " INSERT INTO written VALUES (NEW.idx); RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER log_write AFTER INSERT OR UPDATE ON draft_section"
            " FOR EACH ROW EXECUTE FUNCTION log_write()",
        ]
    with connect() as db:
        for statement in statements:
            db.execute(statement)

    def written() -> list[int]:
        with connect() as db:
            return [r[0] for r in db.execute("SELECT idx FROM written").fetchall()]

    return written


def test_a_save_rewrites_only_the_sections_that_changed(store):
    draft = a_draft()
    for section in draft.sections:
        section.add(Version("初稿。", "composer"))
    store.save(draft)
    written = log_section_writes(store)
    draft.sections[1].edit("只改第二节。")
    store.save(draft)
    assert written() == [1]


def test_drafts_of_the_first_schema_are_taken_over(tmp_path):
    import json
    import sqlite3

    path = tmp_path / "drafts.sqlite3"
    old, trashed = a_draft(), a_draft()
    old.id, trashed.id = "0123456789ab", "ba9876543210"
    old.sections[0].add(Version("旧库里的指导思想。", "composer"))
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE drafts (id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
            " created REAL NOT NULL, updated REAL NOT NULL)"
        )
        db.execute(
            "CREATE TABLE deleted_drafts (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
            " body TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,"
            " deleted REAL NOT NULL)"
        )
        db.execute(
            "INSERT INTO drafts VALUES (?, ?, ?, 1, 100)",
            (old.id, old.title, json.dumps(old.to_dict(), ensure_ascii=False)),
        )
        db.execute(
            "INSERT INTO deleted_drafts VALUES (?, ?, ?, 1, 50, 60)",
            (trashed.id, trashed.title, json.dumps(trashed.to_dict(), ensure_ascii=False)),
        )
    store = SQLiteDraftStore(path)
    [info] = store.list()
    assert (info.id, info.updated, info.filled, info.sections) == (old.id, 100, 1, 2)
    assert store.load(old.id).sections[0].text == "旧库里的指导思想。"
    assert [d.id for d in store.deleted()] == [trashed.id]
    store.restore(trashed.id)
    assert {d.id for d in store.list()} == {old.id, trashed.id}


def test_a_store_scoped_to_an_owner_never_shows_or_changes_anothers_drafts(store):
    import pytest

    from rag.errors import DraftNotFound

    alice, bob = store.scoped("alice"), store.scoped("bob")
    draft = a_draft()
    draft.sections[0].add(Version("甲的指导思想。", "composer"))
    draft_id = alice.save(draft)
    assert [d.id for d in alice.list()] == [draft_id]
    assert bob.list() == [] and store.list() == []  # nor the owner-less store of one user
    with pytest.raises(DraftNotFound):
        bob.load(draft_id)  # a copied link opens nothing
    stolen = alice.load(draft_id)
    stolen.sections[0].edit("乙改的。")
    with pytest.raises(DraftNotFound):
        bob.save(stolen)  # nor can a save reach it
    bob.delete(draft_id)
    with pytest.raises(DraftNotFound):
        bob.restore(draft_id)
    assert alice.load(draft_id).sections[0].text == "甲的指导思想。"
    assert bob.deleted() == [] and alice.deleted() == []


def test_a_database_of_an_earlier_schema_step_is_migrated_and_keeps_its_drafts(store):
    """The store's schema steps are versioned: a database that ran only the first step (drafts
    without owners) gets the rest when opened, and its drafts are the owner-less user's."""
    import json

    from rag.plan.store import MIGRATIONS

    draft = a_draft()
    draft.id = "0123456789ab"
    draft.sections[0].add(Version("第一步时保存的。", "composer"))
    rows = [
        (
            "INSERT INTO draft (id, revision, title, head, mode, filled, sections, created,"
            " updated) VALUES (?, 1, ?, ?, 'composer', 1, 2, 1.0, 2.0)",
            (draft.id, draft.title, json.dumps(draft.head(), ensure_ascii=False)),
        ),
        *(
            (
                "INSERT INTO draft_section (draft_id, idx, body) VALUES (?, ?, ?)",
                (draft.id, i, json.dumps(s.to_dict(), ensure_ascii=False)),
            )
            for i, s in enumerate(draft.sections)
        ),
    ]
    if isinstance(store, SQLiteDraftStore):
        import sqlite3

        earlier = store.path.with_name("earlier.sqlite3")
        with sqlite3.connect(earlier) as db:
            for statement in MIGRATIONS[0]:
                db.execute(statement)
            for sql, params in rows:
                db.execute(sql, params)
            db.execute("PRAGMA user_version = 1")
    else:
        import psycopg

        server, own = store.url.rsplit("/", 1)
        earlier = f"{server}/early_{own}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE early_{own}")
        with psycopg.connect(earlier) as db:
            for statement in MIGRATIONS[0]:
                db.execute(statement)
            for sql, params in rows:
                db.execute(sql.replace("?", "%s"), params)
            db.execute("CREATE TABLE plan_schema (version INTEGER NOT NULL)")
            db.execute("INSERT INTO plan_schema VALUES (1)")
    migrated = type(store)(earlier)
    assert [d.id for d in migrated.list()] == [draft.id]
    assert migrated.load(draft.id).sections[0].text == "第一步时保存的。"
    assert migrated.scoped("alice").list() == []
