"""End to end in a real headless Chromium against a real `streamlit run`: a new user's first
plan, refinement, refresh and restart, download, uploads (GBK, hostile HTML), streaming."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.export.text import to_text
from tests.browser import (
    CHROMIUM,
    AppServer,
    draft_plan,
    drafts,
    fill_profile,
    use_model,
    wait_for,
    wait_ready,
)
from tests.conftest import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect


def test_new_user_drafts_refines_reloads_restarts_and_downloads(
    server, browser, data_dir, tmp_path
):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    draft_plan(page, server.url)
    assert "?draft=" in page.url
    draft_id = page.url.split("draft=")[1]
    store = drafts(data_dir)
    draft = store.load(draft_id)
    bodies = page.get_by_label("正文")
    assert bodies.count() == 5
    assert bodies.nth(0).input_value() == draft.sections[0].text

    # regenerate the third section with an instruction
    instruction = page.get_by_placeholder("可选，例如").nth(2)
    instruction.fill("突出退役军人服务站建设")
    instruction.press("Enter")
    wait_ready(page)
    page.get_by_role("button", name="重新生成", exact=True).nth(2).click()
    wait_for(lambda: len(store.load(draft_id).sections[2].versions) == 2, page)
    assert store.load(draft_id).sections[2].versions[1].instruction == "突出退役军人服务站建设"

    # edit another section, once the page shows the new version
    page.get_by_text("版本历史（2）").first.wait_for(timeout=30_000)
    wait_ready(page)
    edited = "（一）加强组织领导。社区党委书记负总责，每季度专题研究一次。"
    body = page.get_by_label("正文").nth(4)
    body.fill(edited)
    body.press("Control+Enter")
    wait_for(lambda: store.load(draft_id).sections[4].text == edited, page)

    # a refresh shows the same draft
    page.reload()
    wait_ready(page)
    page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for()
    expect(page.get_by_label("正文").nth(4)).to_have_value(edited, timeout=30_000)

    # a server restart too
    server.stop()
    server.start()
    page.goto(f"{server.url}/?draft={draft_id}")
    wait_ready(page)
    page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for()
    expect(page.get_by_label("正文").nth(4)).to_have_value(edited, timeout=30_000)

    # download the Word file and read it back
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word（公文格式）").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "阳光社区2027年双拥工作计划.docx"
    from docx import Document

    paragraphs = [p.text for p in Document(str(path)).paragraphs if p.text]
    assert paragraphs[0] == "阳光社区2027年双拥工作计划"
    assert edited in paragraphs
    assert not dialogs


def open_library(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("范文库", exact=True).click()
    page.get_by_role("heading", name="范文库").wait_for()
    wait_ready(page)


def upload(page, name: str, data: bytes) -> None:
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": data}]
    )


def test_uploads_gbk_and_hostile_html(server, browser, data_dir):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    wait_ready(page)
    open_library(page)

    sample = (
        "青年路社区消防安全工作计划\n一、指导思想\n坚持预防为主、防消结合，落实消防安全责任制。\n"
        "二、主要任务\n（一）开展电动自行车充电隐患排查，劝导居民不在楼道充电。\n"
        "（二）每季度组织一次疏散演练，提高居民自救互救能力。\n三、保障措施\n加强组织领导，明确责任分工。"
    )
    upload(page, "gbk-sample.txt", sample.encode("gbk"))
    preview = page.get_by_label("清洗后的正文（可修改）")
    preview.wait_for(timeout=30_000)
    assert "电动自行车充电隐患排查" in preview.input_value()
    page.get_by_role("button", name="保存到范文库").click()
    page.get_by_text("已保存并建立索引").wait_for(timeout=60_000)
    uploads = list((data_dir / "uploads").glob("upload_*.md"))
    assert len(uploads) == 1 and "电动自行车" in uploads[0].read_text(encoding="utf-8")

    hostile = (
        "文明创建工作计划\n一、主要任务\n（一）开展文明劝导<img src=x onerror=alert(1)>活动，"
        "每月组织志愿者上街劝导不文明行为。<script>alert(2)</script>\n"
        "二、保障措施\n明确分工，落实责任，加强督查考核，确保各项创建任务按期完成。"
    )
    wait_ready(page)
    upload(page, "hostile.txt", hostile.encode("utf-8"))
    expect(page.get_by_label("清洗后的正文（可修改）")).to_have_value(
        re.compile("每月组织志愿者上街劝导"), timeout=30_000
    )
    wait_ready(page)
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:has-text('alert(2)')").count() == 0

    # the search shows uploaded text as plain text
    page.get_by_label("检索范文").fill("电动自行车充电隐患排查")
    page.get_by_role("button", name="检索").click()
    page.get_by_text("青年路社区消防安全工作计划", exact=False).first.wait_for(timeout=30_000)
    assert not dialogs


def test_sections_stream_into_place_from_the_model(data_dir, browser, fake_llm):
    fake_llm.add(
        reply="（一）按月推进各项任务，做到有计划、有检查、有总结。" * 6,
        piece_chars=4,
        piece_delay=0.08,
    )
    srv = AppServer(free_port(), data_dir)
    srv.start()
    try:
        page = browser.new_page()
        page.goto(srv.url)
        wait_ready(page)
        use_model(page, fake_llm.base_url)
        fill_profile(page)
        page.get_by_role("button", name="生成计划").click()
        # the first characters show while the stream is still going
        page.get_by_text("（一）按月推进", exact=False).first.wait_for(timeout=30_000)
        assert page.get_by_text("已完成 5/5 节").count() == 0
        page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for(timeout=90_000)
        assert len(fake_llm.requests) == 5
    finally:
        srv.stop()


def test_several_sessions_draft_at_once_without_crossing(server, browser, data_dir):
    names = ["东风社区", "南湖社区", "西园社区"]
    pages = []
    for name in names:
        page = browser.new_context().new_page()  # a context each: separate sessions
        page.goto(server.url)
        wait_ready(page)
        fill_profile(page, community=name)
        pages.append(page)
    for page in pages:  # all three runs are in flight on the server together
        page.get_by_role("button", name="生成计划").click()
    store = drafts(data_dir)
    for name, page in zip(names, pages, strict=True):
        page.get_by_role("heading", name=f"{name}2027年双拥工作计划").wait_for(timeout=120_000)
        wait_ready(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        draft = store.load(page.url.split("draft=")[1])
        assert draft.profile.community == name
        assert all(s.text for s in draft.sections)
        assert all(other not in to_text(draft) for other in names if other != name)
