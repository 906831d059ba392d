"""我的草稿: reopen or delete saved drafts."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import state


def _open(draft_id: str) -> None:
    st.session_state[state.DRAFT_ID] = draft_id
    st.query_params["draft"] = draft_id
    st.session_state[state.PAGE] = state.PAGES[0]


def page() -> None:
    st.header("我的草稿")
    drafts = state.draft_store().list()
    if not drafts:
        st.info("还没有草稿。到“起草”页填写社区信息并生成计划后，草稿会自动保存在这里。")
        return
    for info in drafts:
        c1, c2, c3 = st.columns([5, 1, 1])
        when = dt.datetime.fromtimestamp(info.updated).strftime("%Y-%m-%d %H:%M")
        c1.text(f"{info.title} · 最后修改 {when}")
        c2.button("打开", key=f"open_{info.id}", on_click=_open, args=(info.id,))
        if c3.button("删除", key=f"delete_{info.id}"):
            state.draft_store().delete(info.id)
            if st.session_state[state.DRAFT_ID] == info.id:
                st.session_state[state.DRAFT_ID] = None
                st.query_params.pop("draft", None)
            state.flash("success", f"已删除草稿：{info.title}")
            st.rerun()
