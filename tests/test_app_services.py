"""The draft page while the drafts database is down (AppTest; the store's connection made to
fail as a stopped PostgreSQL's does): an edit, a lock, an undo and a regeneration are kept in
the page and told, never a traceback, and all are saved at the first run after it is back.
tests/test_browser_services.py stops real servers under a real browser."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from rag.config import get_settings
from rag.errors import DatabaseUnavailable
from rag.factory import open_draft_store
from rag.plan.store import SQLiteDraftStore
from tests.test_app import environment, generated, library_dir, new_app  # noqa: F401 (fixtures)
from ui.unsaved import KEPT

DOWN = "草稿数据库（PostgreSQL）暂时无法连接：请稍后再试。"


@pytest.fixture
def database(monkeypatch):
    """Switch the drafts database off and on (every connection fails while it is off)."""
    real = SQLiteDraftStore._reading
    off = [False]

    @contextmanager
    def reading(self):
        if off[0]:
            raise DatabaseUnavailable(DOWN)
        with real(self) as db:
            yield db

    monkeypatch.setattr(SQLiteDraftStore, "_reading", reading)
    return off


def told_down(at) -> None:
    assert not at.exception, at.exception
    assert [e.value for e in at.error if DOWN in e.value and KEPT in e.value]


def test_changes_made_while_the_database_is_down_are_kept_and_saved_when_it_is_back(database):
    at = generated(new_app())
    draft_id = at.session_state["draft_id"]
    store = open_draft_store(get_settings())
    before = store.load(draft_id)

    database[0] = True
    typed = "（一）停库期间输入的一段：每月走访一次。"
    [box] = [t for t in at.text_area if t.key.startswith(f"text_{draft_id}_1_")]
    box.input(typed).run()
    told_down(at)
    [box] = [t for t in at.text_area if t.key.startswith(f"text_{draft_id}_1_")]
    assert box.value == typed  # the page draws its kept copy
    at.toggle(key=f"lock_{draft_id}_4").set_value(True).run()
    told_down(at)
    at.text_input(key=f"instr_{draft_id}_2").input("突出退役军人服务站建设")
    at.button(key=f"regen_{draft_id}_2").click().run()
    told_down(at)
    at.button(key=f"undo_{draft_id}_1").click().run()  # back to the text before the edit
    told_down(at)
    [box] = [t for t in at.text_area if t.key.startswith(f"text_{draft_id}_1_")]
    assert box.value == before.sections[1].text

    database[0] = False
    at.button(key="retry_save").click().run()
    assert not at.exception and not [e for e in at.error if DOWN in e.value]
    saved = store.load(draft_id)
    assert saved.sections[1].versions[-1].text == typed  # kept in the history, undone
    assert saved.sections[1].text == before.sections[1].text
    assert saved.sections[4].locked
    assert len(saved.sections[2].versions) == len(before.sections[2].versions) + 1
