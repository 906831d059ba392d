"""Signing in and out (PLAN_AUTH): nothing of the app is drawn until a user has signed in.

password: a login form checked against the users file (rag.accounts); oidc: Streamlit's own
st.login with the identity provider configured under [auth] in .streamlit/secrets.toml.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from rag.accounts import ROLE_NAMES, LoginThrottle, authenticate, role_of
from rag.config import get_settings
from rag.errors import PlanError
from ui import state
from ui.literal import literal

BAD_LOGIN = "用户名或密码不正确，请重新输入。"
OIDC_UNSET = (
    "单位账号登录还没有配置好：请管理员安装 Authlib（pip install -e '.[oidc]'），"
    "并在 .streamlit/secrets.toml 的 [auth] 中填写身份提供方（见 README）。"
)


@st.cache_resource
def _throttle() -> LoginThrottle:
    """Failed sign-ins counted across every session of this process."""
    return LoginThrottle()


def signed_in() -> bool:
    """True when this session has a user (always, without accounts); otherwise draws the
    sign-in page, and the caller draws nothing else."""
    settings = get_settings()
    if settings.auth == "none":
        return True
    if settings.auth == "oidc":
        return _oidc(settings)
    if st.session_state[state.USER]:
        return True
    _password_form(settings)
    return False


def _password_form(settings) -> None:
    st.title("社区工作计划助手")
    st.subheader("请登录")
    with st.form("login", enter_to_submit=False):  # no English "Press Enter" hint
        name = st.text_input("用户名", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录", key="login_submit", type="primary")
    st.caption("没有账号或忘记密码，请联系管理员。")
    if not submitted:
        return
    name = name.strip()
    try:
        _throttle().check(name)
        user = authenticate(settings.users_path, name, password)
    except PlanError as e:
        st.error(literal(e))
        return
    if user is None:
        _throttle().failed(name)
        st.error(BAD_LOGIN)
        return
    st.session_state[state.USER] = user.name
    st.session_state[state.USER_ROLE] = user.role
    st.rerun()


def _oidc(settings) -> bool:
    if st.user.is_logged_in:
        name = str(st.user.get("email") or st.user.get("sub") or "")
        if not name:
            st.error("身份提供方没有给出用户的邮箱或编号，无法登录：请管理员检查 [auth] 设置。")
            return False
        st.session_state[state.USER] = name
        try:
            st.session_state[state.USER_ROLE] = role_of(settings.users_file, name)
        except PlanError as e:
            st.error(literal(e))
            return False
        return True
    st.title("社区工作计划助手")
    st.subheader("请登录")
    if st.button("使用单位账号登录", key="login_oidc", type="primary"):
        try:
            st.login(settings.oidc_provider)
        except StreamlitAPIException:  # Authlib missing, or no usable [auth] in secrets.toml
            st.error(OIDC_UNSET)
    return False


def account_box() -> None:
    """The signed-in user and the 退出登录 button (in the sidebar; nothing without accounts)."""
    if not get_settings().accounts:
        return
    role = ROLE_NAMES.get(st.session_state[state.USER_ROLE], "")
    st.text(f"当前用户：{st.session_state[state.USER]}（{role}）")
    st.button("退出登录", key="logout", on_click=_sign_out)


def _sign_out() -> None:
    """Forget everything this session held (its user, typed API key, forms), then sign out."""
    for key in list(st.session_state):
        del st.session_state[key]
    st.query_params.clear()
    if get_settings().auth == "oidc":
        st.logout()
