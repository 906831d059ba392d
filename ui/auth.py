"""Signing in and out (PLAN_AUTH): nothing of the app is drawn until a user has signed in.

password: a login form checked against the users file (rag.accounts); the session it starts is
kept in the drafts database (rag.signin) and, when the server has the routes of
ui/session_routes.py (serve.py), in an HttpOnly cookie, so it survives a refresh; it is checked
on every run, so 退出登录 in one tab signs out every tab. oidc: Streamlit's own st.login with
the identity provider configured under [auth] in .streamlit/secrets.toml.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rag.accounts import ROLE_NAMES, authenticate, role_of, user_named
from rag.config import get_settings
from rag.errors import PlanError
from ui import session_routes, state
from ui.literal import literal

BAD_LOGIN = "用户名或密码不正确，请重新输入。"
SIGNED_OUT = "您的登录已失效（已在其他窗口退出登录、已过期或账号已被删除），请重新登录。"
OIDC_UNSET = (
    "单位账号登录还没有配置好：请管理员安装 Authlib（pip install -e '.[oidc]'），"
    "并在 .streamlit/secrets.toml 的 [auth] 中填写身份提供方（见 README）。"
)


def signed_in() -> bool:
    """True when this session has a user (always, without accounts); otherwise draws the
    sign-in page, and the caller draws nothing else."""
    settings = get_settings()
    if settings.auth == "none":
        return True
    if settings.auth == "oidc":
        return _oidc(settings)
    if _session_user(settings):
        return True
    _password_form(settings)
    return False


def _text(value) -> str:
    """A value of st.context as text ("" when absent, or not text as under AppTest)."""
    return value if isinstance(value, str) else ""


def _cookie() -> str:
    """The browser's session cookie, as sent when the page was opened."""
    return _text(st.context.cookies.get(session_routes.COOKIE))


def _token() -> str | None:
    """This page's own sign-in, else the browser's cookie."""
    return st.session_state[state.SIGN_IN] or _cookie()


def _session_user(settings) -> bool:
    """Whether a live session signs this page in (its user and role set); a session ended
    elsewhere, expired or of a removed user leaves the page with a message."""
    s = st.session_state
    token = _token()
    if not token:
        return False
    try:
        name = state.sign_ins().user(token)
        user = user_named(settings.users_path, name) if name else None
    except PlanError as e:  # the database or the users file cannot be read right now
        if s[state.USER]:  # checked before in this page: carry on (its saves will tell)
            return True
        st.error(literal(e))
        return False
    if user is None:
        if s[state.USER]:
            _forget(keep_address=True)
            st.warning(SIGNED_OUT)
        return False
    s[state.USER], s[state.USER_ROLE] = user.name, user.role
    return True


def _client_address(settings) -> str:
    """The address wrong passwords are counted by ("" for this machine itself)."""
    if settings.client_address_header:
        forwarded = _text(st.context.headers.get(settings.client_address_header))
        return forwarded.split(",")[0].strip()[:64]
    return _text(st.context.ip_address)


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
    name, address = name.strip(), _client_address(settings)
    try:
        sign_ins = state.sign_ins()
        sign_ins.check(name, address)
        user = authenticate(settings.users_path, name, password)
        if user is None:
            sign_ins.failed(name, address)
            st.error(BAD_LOGIN)
            return
        started = sign_ins.start(user.name, address)
    except PlanError as e:
        st.error(literal(e))
        return
    s = st.session_state
    s[state.USER], s[state.USER_ROLE], s[state.SIGN_IN] = user.name, user.role, started.token
    if session_routes.SERVED:  # the browser fetches its cookie and comes back signed in
        _go(session_routes.start_url(started.code, st.query_params.get("draft")))
        st.info("正在登录……")
        st.stop()
    st.rerun()


def _go(url: str) -> None:
    """Send the browser to an address of this server: Streamlit's own redirect, the one
    st.login and st.logout use (the page runs no script of ours)."""
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.enqueue(message)


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


def _forget(keep_address: bool = False) -> None:
    """Everything this session held (its user, typed API key, forms) goes; the address keeps
    its draft when the sign-in merely ran out (the next user may open it if it is theirs)."""
    for key in list(st.session_state):
        del st.session_state[key]
    if not keep_address:
        st.query_params.clear()
    state.init_state()


def _sign_out() -> None:
    """End the sign-in everywhere (password: the session is revoked, so every tab holding
    it is out at its next run) and forget this session."""
    settings = get_settings()
    failure = None
    if settings.auth == "password":
        try:
            for token in {st.session_state[state.SIGN_IN], _cookie()}:
                state.sign_ins().end(token)
        except PlanError as e:
            failure = f"已退出本窗口，但{e}其他窗口的登录要到过期时才会失效。"
    _forget()
    if failure:
        state.flash("warning", failure)
    if settings.auth == "oidc":
        st.logout()
    elif settings.auth == "password" and session_routes.SERVED:
        _go(session_routes.END)  # the browser drops its cookie
