"""The sidebar: how plans are drafted (offline composer or a model), for this session only."""

from __future__ import annotations

import streamlit as st

from rag.drafting.model.providers import PROVIDERS
from rag.drafting.model.stream import check_connection
from rag.errors import PlanError
from ui import auth, state
from ui.literal import literal


def sidebar() -> None:
    with st.sidebar:
        auth.account_box()
        st.radio("页面", state.PAGES, key=state.PAGE)
        st.divider()
        st.subheader("起草方式")
        st.radio(
            "起草方式",
            (state.OFFLINE, state.MODEL),
            key=state.LLM_MODE,
            label_visibility="collapsed",
        )
        if st.session_state[state.LLM_MODE] == state.OFFLINE:
            st.caption("当前：离线组合。按社区信息改写范文库中最相关的段落，不联网。")
            return
        st.selectbox(
            "模型服务商",
            list(PROVIDERS),
            key=state.LLM_PROVIDER,
            format_func=lambda k: PROVIDERS[k].label,
        )
        preset = PROVIDERS[st.session_state[state.LLM_PROVIDER]]
        st.text_input(
            "模型名称", key=state.LLM_MODEL, placeholder=preset.model or "例如 qwen2.5-7b-instruct"
        )
        st.text_input(
            "接口地址（Base URL）",
            key=state.LLM_BASE_URL,
            placeholder=preset.base_url or "http://…/v1",
        )
        st.text_input(
            "API Key",
            key=state.LLM_API_KEY,
            type="password",
            help="只保存在本次会话的内存中，不写入磁盘、日志或导出文件。",
        )
        try:
            model_writer = state.writer()
        except PlanError as e:
            st.error(literal(e))
            return
        st.caption(f"当前：模型 {literal(model_writer.config.label)}")
        if st.button("测试连接", key="test_connection"):
            with st.spinner("正在连接模型服务……"):
                try:
                    reply = check_connection(model_writer.config, model_writer.chat)
                except PlanError as e:
                    st.error(literal(e))
                else:
                    st.success("连接成功，模型回复：")
                    st.text(reply[:200])
