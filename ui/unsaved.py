"""Changes the drafts database has not taken yet because it cannot be reached (PostgreSQL
stopped or restarting): the draft as this page last showed it, with every change made since,
is kept in the session and drawn instead of a fresh load, and saved (through the store's merge)
at the first run that reaches the database again, or when the user presses 重新保存. Nothing
typed is lost while the page stays open."""

from __future__ import annotations

import streamlit as st

from rag.errors import DatabaseUnavailable
from rag.plan.draft import Draft
from ui import state
from ui.literal import literal

KEPT = (
    "您的修改和新生成的内容暂存在本页（请不要刷新或关闭页面），数据库恢复后会自动保存，"
    "也可点“重新保存”。"
)
NOT_KEPT = "请稍后刷新页面再试。"
SAVED = "草稿数据库已恢复：暂存在本页的修改都已保存。"


def keep(draft: Draft) -> None:
    """A draft with changes its save could not write: drawn and saved again later."""
    st.session_state[state.SHOWN_DRAFT] = draft
    st.session_state[state.UNSAVED] = True


def copy_of(draft_id: str | None) -> Draft | None:
    """The draft this page last showed, when it is that draft."""
    draft = st.session_state[state.SHOWN_DRAFT]
    return draft if draft is not None and draft.id == draft_id else None


def holds(draft: Draft) -> bool:
    """Whether this page holds changes of that draft the database has not taken."""
    return bool(st.session_state[state.UNSAVED]) and copy_of(draft.id) is draft


class KeepingStore:
    """This session's drafts (state.draft_store()), with the page's copy standing in while the
    database is down: a load gets the copy, a save that fails keeps the draft in the page and
    raises on (nothing is claimed saved); the first load that reaches the database again
    saves the kept changes first."""

    def __init__(self, store):
        self._store = store

    def load(self, draft_id: str) -> Draft:
        try:
            return self.stored(draft_id)
        except DatabaseUnavailable:
            if (copy := copy_of(draft_id)) is None:
                raise
            return copy

    def save(self, draft: Draft) -> str:
        try:
            return self._store.save(draft)
        except DatabaseUnavailable:
            keep(draft)
            raise

    def stored(self, draft_id: str) -> Draft:
        """The draft from the database, the page's kept changes saved into it first."""
        if st.session_state[state.UNSAVED] and (kept := copy_of(draft_id)) is not None:
            self._store.save(kept)
            st.session_state[state.UNSAVED] = False
            st.toast(SAVED, icon="✅")
        return self._store.load(draft_id)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def store() -> KeepingStore:
    return KeepingStore(state.draft_store())


def load(draft_id: str) -> Draft:
    """The draft to draw (kept changes saved first); with the database down the page's copy
    and a message saying so, or DatabaseUnavailable when this page has none of that draft."""
    try:
        draft = store().stored(draft_id)
    except DatabaseUnavailable as e:
        if (copy := copy_of(draft_id)) is None:
            raise
        st.error(literal(f"{e}{KEPT}"))
        st.button("重新保存", key="retry_save", type="primary")  # a rerun saves the copy
        return copy
    st.session_state[state.SHOWN_DRAFT] = draft
    return draft
