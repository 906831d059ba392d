"""Hardening seen from a real headless Chromium against a real `streamlit run`: the server's
API key stays with the server's endpoint, the project's Streamlit config is in force, and text
that is not the app's own never renders as Markdown."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft
from rag.plan.profile import make_profile
from tests.browser import CHROMIUM, AppServer, drafts, wait_for, wait_ready
from tests.conftest import free_port
from tests.fake_llm import FakeLLM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect

SERVER_KEY = "sk-operator-secret-0042"


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def endpoint_shown(bar, server: FakeLLM):
    """The sidebar's "当前：模型 …（address）" naming this server (matched by its port: the
    address is shown with invisible word joiners that keep it from becoming a link)."""
    return bar.get_by_text(f"{server.server.server_address[1]}/v1）", exact=False)


def type_in(field, value: str) -> None:
    field.fill(value)
    field.press("Enter")


def test_the_servers_key_never_goes_to_a_url_typed_in_the_page(data_dir, browser, fake_llm):
    operator = FakeLLM().start()  # the endpoint the server's environment names
    srv = AppServer(
        free_port(),
        data_dir,
        env={
            "PLAN_LLM_PROVIDER": "deepseek",
            "PLAN_LLM_BASE_URL": operator.base_url,
            "PLAN_LLM_API_KEY": SERVER_KEY,
        },
    )
    srv.start()
    try:
        page = browser.new_page()
        page.goto(srv.url)
        wait_ready(page)
        bar = sidebar(page)
        # A visitor keeps the server's provider and types another address (fake_llm's).
        type_in(bar.get_by_label("接口地址（Base URL）"), fake_llm.base_url)
        refused = bar.get_by_text("请在“API Key”中填写这个接口地址的密钥", exact=False)
        accepted = endpoint_shown(bar, fake_llm)
        refused.or_(accepted).wait_for()
        test = bar.get_by_role("button", name="测试连接")
        if accepted.count():  # 测试连接 is offered only while the fields make a usable model
            test.click()
            wait_for(lambda: fake_llm.authorizations, page)
        assert not any(SERVER_KEY in a for a in fake_llm.authorizations)
        expect(refused).to_be_visible()

        # With a key of their own, the visitor's address gets that key.
        type_in(bar.get_by_label("API Key", exact=True), "sk-visitor-own")
        accepted.wait_for()
        test.click()
        wait_for(lambda: fake_llm.authorizations, page)
        assert fake_llm.authorizations == ["Bearer sk-visitor-own"]

        # With the fields empty again, the server's own endpoint gets the server's key.
        type_in(bar.get_by_label("API Key", exact=True), "")
        type_in(bar.get_by_label("接口地址（Base URL）"), "")
        endpoint_shown(bar, operator).wait_for()
        test.click()
        wait_for(lambda: operator.authorizations, page)
        assert operator.authorizations == [f"Bearer {SERVER_KEY}"]
        assert not any(SERVER_KEY in a for a in fake_llm.authorizations)
    finally:
        srv.stop()
        operator.stop()


def test_the_projects_streamlit_config_is_in_force(server, browser):
    page = browser.new_page()
    page.goto(server.url)
    wait_ready(page)
    # toolbarMode minimal: no developer menu, no English "Deploy" button
    assert page.get_by_role("button", name="Deploy").count() == 0
    page.locator('[data-testid="stSidebar"]').get_by_text("范文库", exact=True).click()
    page.get_by_role("heading", name="范文库").wait_for()
    # maxUploadSize: the uploader states the app's own limit
    limit = page.locator('[data-testid="stFileUploaderDropzoneInstructions"]')
    expect(limit).to_contain_text("5MB")
    assert "200MB" not in limit.inner_text()


def test_a_broken_drafts_file_is_told_without_traceback_or_path(browser, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "drafts.sqlite3").write_bytes(b"this is not a database " * 100)
    srv = AppServer(free_port(), data)
    srv.start()
    try:
        page = browser.new_page()
        page.goto(f"{srv.url}/?draft=0123456789ab")  # opening a draft reads the broken file
        wait_ready(page)
        # The engine's error is told in Chinese (app.py shows a PlanError as a message).
        page.get_by_text("草稿库文件已损坏", exact=False).wait_for()
        shown = page.locator('[data-testid="stMain"]').inner_text()
        for detail in ("Traceback", ".py", str(tmp_path), "DatabaseError", "not a database"):
            assert detail not in shown
    finally:
        srv.stop()


LINK = "https://example.com"
HOSTILE = f"[请重新登录]({LINK})"


def links_to_elsewhere(page) -> int:
    return page.locator(f'a[href^="{LINK}"]').count()


def test_a_link_in_the_draft_parameter_is_not_rendered(server, browser):
    page = browser.new_page()
    page.goto(f"{server.url}/?draft={quote(HOSTILE)}")
    wait_ready(page)
    page.get_by_text("找不到草稿", exact=False).wait_for()
    assert links_to_elsewhere(page) == 0
    assert "请重新登录" not in page.locator('[data-testid="stMain"]').inner_text()


def test_names_and_titles_are_shown_as_typed_never_as_markdown(server, browser, data_dir):
    # Such a name is refused in the form, JSON and tables now (tests/test_hostile_input.py);
    # a draft saved before that, or by another tool, is still shown as typed.
    community = f"{HOSTILE}**阳光**社区"
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥"})
    profile = profile.model_copy(update={"community": community})
    draft = new_draft(profile, Composer())
    drafts(data_dir).save(draft)
    page = browser.new_page()
    page.goto(f"{server.url}/?draft={draft.id}")
    wait_ready(page)
    heading = page.locator('[data-testid="stHeading"]').filter(has_text="双拥工作计划")
    expect(heading).to_have_count(1)
    assert heading.inner_text().replace("\u2060", "") == draft.title
    main = page.locator('[data-testid="stMain"]')
    assert links_to_elsewhere(page) == 0 and main.locator("strong").count() == 0

    # a message after a rerun (the flash of 删除) names the draft as typed too
    sidebar(page).get_by_text("我的草稿", exact=True).click()
    page.locator(f".st-key-delete_{draft.id} button").click()
    page.locator(f".st-key-confirm_delete_{draft.id} button").click()
    notice = page.get_by_text("已删除草稿", exact=False)
    notice.wait_for()
    assert notice.inner_text().replace("\u2060", "").startswith(f"已删除草稿：{draft.title}。")
    assert links_to_elsewhere(page) == 0 and main.locator("strong").count() == 0

    # a model name typed in the sidebar (a local provider: no key needed, nothing is sent)
    sidebar(page).get_by_text("调用模型").click()
    sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="模型服务商").click()
    page.get_by_role("option", name="Ollama（本机）").click()
    type_in(sidebar(page).get_by_label("模型名称"), HOSTILE)
    sidebar(page).get_by_text("当前：模型", exact=False).wait_for()
    wait_ready(page)
    assert links_to_elsewhere(page) == 0
