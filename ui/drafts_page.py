"""我的草稿: reopen saved drafts, delete them after a confirmation, restore them from the trash."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from rag.errors import DraftNotFound, PlanError
from rag.plan.store import TRASH_DAYS, DraftInfo
from ui import state


def _open(draft_id: str) -> None:
    st.session_state[state.DRAFT_ID] = draft_id
    st.query_params["draft"] = draft_id
    st.session_state[state.PAGE] = state.PAGES[0]


def _ask(draft_id: str | None) -> None:
    st.session_state[state.CONFIRM_DELETE] = draft_id


def _delete(info: DraftInfo) -> None:
    try:
        state.draft_store().delete(info.id)
    except PlanError as e:  # the database is down: nothing deleted, the question stays
        state.flash("error", str(e))
        return
    st.session_state[state.CONFIRM_DELETE] = None
    if st.session_state[state.DRAFT_ID] == info.id:
        st.session_state[state.DRAFT_ID] = None
        st.query_params.pop("draft", None)
    state.flash("success", f"已删除草稿：{info.title}。可在本页下方的“回收站”中恢复。")


def _restore(info: DraftInfo) -> None:
    try:
        state.draft_store().restore(info.id)
    except DraftNotFound as e:
        state.flash("warning", str(e))
        return
    except PlanError as e:
        state.flash("error", str(e))
        return
    state.flash("success", f"已恢复草稿：{info.title}")


def describe(info: DraftInfo, when: str) -> str:
    """A draft's line: what tells it from others of the same title."""
    mode = f" · {info.drafted_by}" if info.drafted_by else ""
    return (
        f"{info.title} · {when} {_time(info.updated)} · 已写 {info.filled}/{info.sections} 节"
        f"{mode} · 编号 {info.id}"
    )


def _time(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def page() -> None:
    st.header("我的草稿")
    drafts = state.draft_store().list()
    if not drafts:
        st.info("还没有草稿。到“起草”页填写社区信息并生成计划后，草稿会自动保存在这里。")
    for info in drafts:
        c1, c2, c3 = st.columns([5, 1, 1])
        c1.text(describe(info, "最后修改"))
        c2.button("打开", key=f"open_{info.id}", on_click=_open, args=(info.id,))
        c3.button("删除", key=f"delete_{info.id}", on_click=_ask, args=(info.id,))
        if st.session_state[state.CONFIRM_DELETE] == info.id:
            st.warning("确定删除这份草稿吗？删除后可在本页下方的“回收站”中恢复。")
            d1, d2, _ = st.columns([1, 1, 5])
            d1.button(
                "确认删除",
                key=f"confirm_delete_{info.id}",
                type="primary",
                on_click=_delete,
                args=(info,),
            )
            d2.button("取消", key=f"cancel_delete_{info.id}", on_click=_ask, args=(None,))
    trash = state.draft_store().deleted()
    if trash:
        with st.expander(f"回收站（{len(trash)}）：删除的草稿保留 {TRASH_DAYS} 天"):
            for info in trash:
                c1, c2 = st.columns([6, 1])
                c1.text(describe(info, "删除于"))
                c2.button("恢复", key=f"restore_{info.id}", on_click=_restore, args=(info,))
