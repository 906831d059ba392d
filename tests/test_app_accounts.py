"""Accounts in the web app (AppTest): the sign-in page draws nothing else, a wrong password is
told in Chinese, each user's store and uploads are their own, signing out forgets the session
(its typed API key too), and a typed API key never leaves its session."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.accounts import add_user, remove_user
from rag.config import get_settings
from rag.factory import open_draft_store
from tests.conftest import free_port
from tests.test_app import (  # noqa: F401 (fixtures)
    APP,
    UPLOAD_TEXT,
    environment,
    generated,
    library_dir,
    model_session,
    new_app,
)
from ui import state
from ui.auth import BAD_LOGIN, OIDC_UNSET, SIGNED_OUT

PASSWORDS = {
    "alice": "alice-pass-1",
    "bob": "bob-pass-22",
    "chief": "chief-pass-3",
    "dora": "dora-pass-44",
}
SESSION_KEY = "sk-typed-in-this-session-7731"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    for name, password in PASSWORDS.items():
        add_user(path, name, password, "admin" if name == "chief" else "user")
    return path


@pytest.fixture
def accounts(users_file, environment, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PLAN_AUTH", "password")
    monkeypatch.setenv("PLAN_USERS_FILE", str(users_file))
    get_settings.cache_clear()


def sign_in(at: AppTest, name: str, password: str | None = None) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password or PASSWORDS[name])
    at.button(key="login_submit").click().run()
    assert not at.exception, at.exception
    return at


def test_the_sign_in_page_shows_nothing_of_the_app(accounts):
    at = new_app()
    assert not at.exception
    assert [t.value for t in at.title] == ["社区工作计划助手"]
    assert not at.sidebar.radio and not at.text_area  # no pages, no form, no drafts
    sign_in(at, "alice", "wrong-password")
    assert [e.value for e in at.error] == [BAD_LOGIN]
    assert not at.sidebar.radio and not at.text_area
    sign_in(at, "nobody", "alice-pass-1")
    assert [e.value for e in at.error] == [BAD_LOGIN]
    sign_in(at, "alice")
    assert not at.error
    assert at.sidebar.radio(key="page").value == "起草"
    assert any("当前用户：alice（普通用户）" in t.value for t in at.sidebar.text)


def tab_of(at: AppTest) -> AppTest:
    """Another tab of the same browser: a new page whose cookie holds the same session."""
    other = AppTest.from_file(APP, default_timeout=120)
    other.session_state["sign_in"] = at.session_state["sign_in"]
    return other.run()


def test_signing_out_in_one_tab_signs_out_the_other(accounts):
    first = sign_in(new_app(), "alice")
    second = tab_of(first)
    assert any("当前用户：alice" in t.value for t in second.sidebar.text)
    first.sidebar.button(key="logout").click().run()
    assert at_sign_in_page(first)
    second.sidebar.radio(key="page").set_value("我的草稿").run()  # its next click
    assert not second.exception
    assert at_sign_in_page(second)
    assert [w.value for w in second.warning] == [SIGNED_OUT]
    assert second.session_state["user"] == ""


def test_a_session_revoked_elsewhere_ends_at_the_pages_next_run(accounts):
    at = sign_in(new_app(), "bob")
    state.sign_ins().end(at.session_state["sign_in"])  # e.g. signed out in another process
    at.run()
    assert at_sign_in_page(at) and [w.value for w in at.warning] == [SIGNED_OUT]
    at = sign_in(at, "bob")
    assert not at_sign_in_page(at)


def test_a_user_removed_from_the_users_file_is_signed_out(accounts, users_file):
    add_user(users_file, "erin", "erin-pass-55")
    at = sign_in(new_app(), "erin", "erin-pass-55")
    assert not at_sign_in_page(at)
    remove_user(users_file, "erin")
    at.run()
    assert at_sign_in_page(at) and [w.value for w in at.warning] == [SIGNED_OUT]


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(accounts):
    at = new_app()
    for _ in range(5):
        sign_in(at, "dora", "not-her-password")
        assert [e.value for e in at.error] == [BAD_LOGIN]
    sign_in(at, "dora")
    [told] = [e.value for e in at.error]
    assert "错误次数过多" in told and "5 分钟后再试" in told
    assert at_sign_in_page(at)
    sign_in(new_app(), "alice")  # another name is not held up


def test_signing_in_while_the_drafts_database_is_down_is_told(accounts, monkeypatch):
    monkeypatch.setenv("PLAN_DATABASE_URL", f"postgresql://plan@127.0.0.1:{free_port()}/plan")
    get_settings.cache_clear()
    at = sign_in(new_app(), "alice")
    [told] = [e.value for e in at.error]
    assert "草稿数据库（PostgreSQL）暂时无法连接" in told
    assert at_sign_in_page(at)


def at_sign_in_page(at: AppTest) -> bool:
    return any(t.key == "login_name" for t in at.text_input) and not at.sidebar.radio


def test_each_user_sees_and_opens_only_their_own_drafts(accounts):
    alice = generated(sign_in(new_app(), "alice"))
    draft_id = alice.session_state["draft_id"]
    assert open_draft_store(get_settings(), "alice").load(draft_id)
    bob = sign_in(new_app(draft=draft_id), "bob")
    assert any("找不到草稿" in w.value for w in bob.warning)
    assert "draft" not in bob.query_params
    assert bob.session_state["draft_id"] is None
    bob.sidebar.radio(key="page").set_value("我的草稿").run()
    assert not [b for b in bob.button if b.key == f"open_{draft_id}"]
    alice.sidebar.radio(key="page").set_value("我的草稿").run()
    assert alice.button(key=f"open_{draft_id}")


def test_signing_out_forgets_the_user_and_the_typed_key(accounts):
    at = sign_in(new_app(), "alice")
    at.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    at.sidebar.text_input(key="llm_api_key").input(SESSION_KEY).run()
    assert at.session_state["llm_api_key"] == SESSION_KEY
    at.sidebar.button(key="logout").click().run()
    assert not at.exception
    assert at.text_input(key="login_name") and not at.sidebar.radio
    assert at.session_state["llm_api_key"] == ""
    sign_in(at, "bob")
    assert at.sidebar.radio(key="llm_mode").value == "离线组合（不需要网络和密钥）"
    at.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    assert at.sidebar.text_input(key="llm_api_key").value == ""


def test_a_typed_api_key_stays_in_its_session(fake_llm, library_dir):  # noqa: F811
    """Used for that session's requests; not in another session, the drafts or any file."""
    at = model_session(new_app(), fake_llm.base_url)
    at.sidebar.text_input(key="llm_api_key").input(SESSION_KEY).run()
    generated(at)
    assert f"Bearer {SESSION_KEY}" in fake_llm.authorizations
    other = new_app()
    assert other.session_state["llm_api_key"] == ""
    other.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    assert other.sidebar.text_input(key="llm_api_key").value == ""
    draft = open_draft_store(get_settings()).load(at.session_state["draft_id"])
    assert SESSION_KEY not in repr(draft.to_dict())
    for path in library_dir.rglob("*"):
        if path.is_file():
            assert SESSION_KEY.encode() not in path.read_bytes(), path


def test_an_administrator_shares_a_users_upload_from_the_library_page(accounts, monkeypatch):
    alice = sign_in(new_app(), "alice")
    alice.sidebar.radio(key="page").set_value("范文库").run()
    alice.file_uploader[0].set_value(("禁毒计划.txt", UPLOAD_TEXT.encode("gbk"), "text/plain"))
    alice.run()
    alice.button(key="up_save").click().run()
    assert any("仅您自己可见" in s.value for s in alice.success)
    (upload,) = [b.key for b in alice.button if b.key and b.key.startswith("del_upload_")]
    doc_id = upload.removeprefix("del_upload_")
    assert not [b for b in alice.button if b.key == f"share_upload_{doc_id}"]  # not an admin

    bob = sign_in(new_app(), "bob")
    bob.sidebar.radio(key="page").set_value("范文库").run()
    assert not [b for b in bob.button if b.key and b.key.startswith("del_upload_")]

    chief = sign_in(new_app(), "chief")
    chief.sidebar.radio(key="page").set_value("范文库").run()
    assert any("alice 上传，未共享" in t.value for t in chief.text)
    chief.button(key=f"share_upload_{doc_id}").click().run()
    assert not chief.exception
    assert any("已加入共享范文库" in s.value for s in chief.success)
    assert any("· 共享" in t.value for t in chief.text)
    bob.run()  # a shared upload is part of the library, not of bob's own list
    assert not [b for b in bob.button if b.key and b.key.startswith("del_upload_")]


def test_with_an_identity_provider_the_user_is_who_it_says(monkeypatch, tmp_path):
    """PLAN_AUTH=oidc: st.user decides (its e-mail is the owner); the users file, when given,
    names the administrators; 退出登录 signs out of the provider too."""
    roles = tmp_path / "roles.yaml"
    roles.write_text("users:\n  chief@street.gov.cn: {role: admin}\n", encoding="utf-8")
    monkeypatch.setenv("PLAN_AUTH", "oidc")
    monkeypatch.setenv("PLAN_USERS_FILE", str(roles))
    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert at.button(key="login_oidc").label == "使用单位账号登录"
    assert not at.sidebar.radio and not at.text_input
    at.button(key="login_oidc").click().run()  # no [auth] in secrets.toml here: told, in Chinese
    assert not at.exception
    assert [e.value for e in at.error] == [OIDC_UNSET]
    at.user = {"is_logged_in": True, "email": "chief@street.gov.cn", "name": "主任"}
    at.run()
    assert any("当前用户：chief@street.gov.cn（管理员）" in t.value for t in at.sidebar.text)
    generated(at)
    mine = open_draft_store(get_settings(), "chief@street.gov.cn").list()
    assert [d.id for d in mine] == [at.session_state["draft_id"]]
    at.sidebar.button(key="logout").click().run()
    assert not at.exception
    assert at.button(key="login_oidc") and not at.sidebar.radio
    other = AppTest.from_file(APP, default_timeout=120)
    other.user = {"is_logged_in": True, "email": "clerk@street.gov.cn"}
    other.run()
    assert any("当前用户：clerk@street.gov.cn（普通用户）" in t.value for t in other.sidebar.text)
    other.sidebar.radio(key="page").set_value("我的草稿").run()
    assert not [b for b in other.button if b.key and b.key.startswith("open_")]
