"""社区工作计划助手: the Streamlit UI (widgets, session state, display; the engine is rag/)."""

from __future__ import annotations

import streamlit as st

from rag.errors import PlanError
from ui import auth, batch_page, draft_page, drafts_page, library_page, settings, state, style
from ui.literal import literal


def main() -> None:
    st.set_page_config(page_title="社区工作计划助手", page_icon="📝", layout="wide")
    style.apply()
    state.init_state()
    if not auth.signed_in():  # the sign-in page only: nothing of the app before a user is known
        return
    settings.sidebar()
    st.title("社区工作计划助手")
    state.show_flash()
    notice = st.empty()  # where an unusable sample library is told, once the page is drawn
    page = st.session_state[state.PAGE]
    try:
        if page == "我的草稿":
            drafts_page.page()
        elif page == "批量起草":
            batch_page.page()
        elif page == "范文库":
            library_page.page()
        else:
            draft_page.page()
    except PlanError as e:  # a shared service down, where a page does not say more itself
        st.error(literal(e))
    state.warm_up(notice)


main()
