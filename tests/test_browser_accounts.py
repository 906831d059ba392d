"""Accounts end to end: a real `streamlit run serve.py` with PLAN_AUTH=password and two users in
two browser contexts (two browsers, as far as the server can tell). Each sees only their own
drafts and uploads; a draft's address copied from one does not open it for the other; a wrong
password gets a Chinese message and nothing of the app. A sign-in survives a refresh and holds
in a second tab (an HttpOnly cookie no script of the page can read); 退出登录 in one tab signs
the other out too."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.accounts import add_user
from tests.browser import CHROMIUM, AppServer, drafts, fill_profile, wait_ready
from tests.conftest import free_port, run_cli
from tests.test_browser import open_library, upload
from ui.auth import SIGNED_OUT
from ui.session_routes import COOKIE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect

ALICE_SAMPLE = (
    "丹桂社区消防安全工作计划\n一、指导思想\n坚持预防为主、防消结合，落实消防安全责任制。\n"
    "二、主要任务\n（一）在丹桂社区东门建设电动自行车智能充电桩，劝导居民不在楼道飞线充电。\n"
    "（二）每季度组织一次高层住宅疏散演练，提高居民自救互救能力。\n三、保障措施\n加强组织领导，明确责任分工。"
)
ALICE_QUERY = "丹桂社区东门 智能充电桩"


@pytest.fixture(scope="module")
def accounts_server(data_dir, tmp_path_factory):
    users = tmp_path_factory.mktemp("accounts") / "users.yaml"
    added = run_cli(
        "user", "add", "alice", "--password-stdin",
        env={"PLAN_USERS_FILE": str(users)}, input_text="alice-pass-1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    add_user(users, "bob", "bob-pass-22")
    srv = AppServer(
        free_port(), data_dir, env={"PLAN_AUTH": "password", "PLAN_USERS_FILE": str(users)}
    )
    srv.start()
    yield srv
    srv.stop()


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def sign_in(page, name: str, password: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def signed_in(page, name: str) -> None:
    sidebar(page).get_by_text(f"当前用户：{name}", exact=False).wait_for(timeout=60_000)
    wait_ready(page)


def draft(page, community: str) -> str:
    """Fill the form, draft, and return the draft's id from the address bar."""
    fill_profile(page, community)
    page.get_by_role("button", name="生成计划").click()
    page.get_by_role("heading", name=f"{community}2027年双拥工作计划").wait_for(timeout=90_000)
    wait_ready(page)
    return page.url.split("draft=")[1][:12]


def my_drafts(page) -> str:
    sidebar(page).get_by_text("我的草稿", exact=True).click()
    page.get_by_role("heading", name="我的草稿").wait_for()
    wait_ready(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def search_library(page, query: str) -> str:
    open_library(page)
    page.get_by_label("检索范文").fill(query)
    page.get_by_role("button", name="检索").click()
    wait_ready(page)
    page.wait_for_timeout(300)
    wait_ready(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def test_two_users_see_only_their_own_drafts_and_uploads(accounts_server, browser, data_dir):
    url = accounts_server.url
    alice_ctx, bob_ctx = browser.new_context(), browser.new_context()
    alice, bob = alice_ctx.new_page(), bob_ctx.new_page()

    # A wrong password: a Chinese message and nothing of the app.
    bob.goto(url)
    wait_ready(bob)
    sign_in(bob, "bob", "not-his-password")
    bob.get_by_text("用户名或密码不正确，请重新输入。").wait_for()
    wait_ready(bob)
    assert sidebar(bob).count() == 0
    shown = bob.locator("body").inner_text()
    assert "Press Enter" not in shown and "Username" not in shown and "Password" not in shown
    assert bob.get_by_role("button", name="生成计划").count() == 0

    # alice drafts a plan and uploads a sample of her own.
    alice.goto(url)
    wait_ready(alice)
    sign_in(alice, "alice", "alice-pass-1")
    signed_in(alice, "alice")
    alice_draft = draft(alice, "阳光社区")
    alice_url = alice.url
    open_library(alice)
    upload(alice, "丹桂社区消防.txt", ALICE_SAMPLE.encode("utf-8"))
    alice.get_by_label("清洗后的正文（可修改）").wait_for(timeout=30_000)
    alice.get_by_role("button", name="保存到范文库").click()
    alice.get_by_text("仅您自己可见", exact=False).wait_for(timeout=60_000)
    wait_ready(alice)
    expect(alice.get_by_text("已上传的范文（1）")).to_be_visible()
    assert "丹桂社区消防安全工作计划" in search_library(alice, ALICE_QUERY)

    # bob opens alice's copied address: refused, and nothing of her draft is shown.
    bob.goto(alice_url)
    wait_ready(bob)
    sign_in(bob, "bob", "bob-pass-22")
    signed_in(bob, "bob")
    bob.get_by_text(f"找不到草稿 {alice_draft}", exact=False).wait_for()
    main = bob.locator('[data-testid="stMain"]').inner_text()
    assert "阳光社区2027年双拥工作计划" not in main and "draft=" not in bob.url
    # his list is empty, the library search does not find alice's upload, no uploads listed
    assert "还没有草稿" in my_drafts(bob)
    found = search_library(bob, ALICE_QUERY)
    assert "丹桂社区" not in found and "已上传的范文" not in found

    # bob drafts his own; each list holds only its owner's draft
    sidebar(bob).get_by_text("起草", exact=True).click()
    wait_ready(bob)
    bob_draft = draft(bob, "明月社区")
    bob_list, alice_list = my_drafts(bob), my_drafts(alice)
    assert bob_draft in bob_list and alice_draft not in bob_list and "阳光社区" not in bob_list
    assert (
        alice_draft in alice_list and bob_draft not in alice_list and "明月社区" not in alice_list
    )

    # the store holds each draft under its owner
    store = drafts(data_dir)
    assert [d.id for d in store.scoped("alice").list()] == [alice_draft]
    assert [d.id for d in store.scoped("bob").list()] == [bob_draft]
    assert store.list() == []  # nothing was written without an owner
    alice_ctx.close()
    bob_ctx.close()


def at_sign_in_page(page) -> None:
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
    wait_ready(page)
    assert sidebar(page).count() == 0


def test_a_sign_in_survives_a_refresh_and_signing_out_in_one_tab_ends_the_other(
    accounts_server, browser
):
    context = browser.new_context()
    first = context.new_page()
    first.goto(accounts_server.url)
    wait_ready(first)
    sign_in(first, "alice", "alice-pass-1")
    signed_in(first, "alice")
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    assert COOKIE not in first.evaluate("document.cookie")  # no script of the page reads it

    first.reload()
    signed_in(first, "alice")
    second = context.new_page()  # another tab: signed in without a password
    second.goto(accounts_server.url)
    signed_in(second, "alice")

    sidebar(first).get_by_role("button", name="退出登录").click()
    at_sign_in_page(first)
    assert not [c for c in context.cookies() if c["name"] == COOKIE]
    # the other tab is out at its next click, and after a refresh
    sidebar(second).get_by_text("我的草稿", exact=True).click()
    second.get_by_text(SIGNED_OUT).wait_for(timeout=60_000)
    at_sign_in_page(second)
    second.reload()
    at_sign_in_page(second)
    first.reload()
    at_sign_in_page(first)
    context.close()
