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


def shown(draft: Draft) -> None:
    """The draft the page shows now (loaded or saved): the copy drawn if the database goes."""
    st.session_state[state.SHOWN_DRAFT] = draft


def keep(draft: Draft) -> None:
    """A draft with changes its save could not write: drawn and saved again later."""
    st.session_state[state.SHOWN_DRAFT] = draft
    st.session_state[state.UNSAVED] = True


def copy_of(draft_id: str | None) -> Draft | None:
    """The draft this page last showed, when it is that draft."""
    draft = st.session_state[state.SHOWN_DRAFT]
    return draft if draft is not None and draft.id == draft_id else None


def pending(draft_id: str | None) -> Draft | None:
    """The kept draft with unsaved changes, when it is that draft."""
    return copy_of(draft_id) if st.session_state[state.UNSAVED] else None


def load(draft_id: str) -> Draft:
    """The draft to draw: the kept one saved first when it has changes, else a fresh load.
    With the database down: the kept copy and a message saying so (DatabaseUnavailable when
    this page has none of that draft)."""
    store = state.draft_store()
    try:
        draft = pending(draft_id)
        if draft is not None:
            store.save(draft)
            st.session_state[state.UNSAVED] = False
            st.toast(SAVED, icon="✅")
        else:
            draft = store.load(draft_id)
    except DatabaseUnavailable as e:
        copy = copy_of(draft_id)
        if copy is None:
            raise
        st.error(literal(f"{e}{KEPT}"))
        st.button("重新保存", key="retry_save", type="primary")  # a rerun saves the copy
        return copy
    shown(draft)
    return draft
