"""A new user's first minutes in a real headless Chromium against a real `streamlit run`: what
the form says when something is wrong, and where a saved edit is confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM, draft_plan, drafts, wait_for, wait_ready

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect


def test_an_absurd_year_and_no_plan_type_are_told_in_chinese_and_nothing_is_lost(
    server, browser, data_dir
):
    before = [d.id for d in drafts(data_dir).list()]
    page = browser.new_page()
    page.goto(server.url)
    wait_ready(page)
    topic = page.get_by_role("combobox", name="计划类型 *")
    expect(topic).to_have_value("")  # nothing chosen for the user
    expect(topic).to_have_attribute("placeholder", "请选择计划类型")
    page.get_by_label("社区名称 *").fill("阳光社区")
    page.get_by_label("工作重点（每行一项）").fill("退役军人服务站规范化建设")
    year = page.get_by_label("年度 *")
    year.fill("1800")
    assert "Press Enter" not in page.locator("body").inner_text()  # no English form hint
    page.get_by_role("button", name="生成计划").click()
    page.get_by_text("年度：应在 2000 至 2100 之间", exact=False).wait_for(timeout=30_000)
    page.get_by_text("计划类型：请选择", exact=False).wait_for()
    wait_ready(page)
    shown = page.locator("body").inner_text()
    assert "must be" not in shown and "Press Enter" not in shown
    expect(page.get_by_label("社区名称 *")).to_have_value("阳光社区")
    expect(page.get_by_label("工作重点（每行一项）")).to_have_value("退役军人服务站规范化建设")
    expect(page.get_by_label("年度 *")).to_have_value("1800")
    assert [d.id for d in drafts(data_dir).list()] == before


def test_saving_an_edit_of_the_last_section_is_confirmed_in_view(server, browser, data_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    draft_plan(page, server.url)
    draft_id = page.url.split("draft=")[1]
    store = drafts(data_dir)
    body = page.get_by_label("正文").nth(4)
    body.scroll_into_view_if_needed()
    top_before = body.bounding_box()["y"]
    edited = "（一）加强组织领导。社区党委书记负总责，每季度专题研究一次。"
    body.fill(edited)
    body.press("Control+Enter")
    wait_for(lambda: store.load(draft_id).sections[4].text == edited, page)
    title = store.load(draft_id).sections[4].title
    confirmation = page.get_by_text(f"已保存对“{title}”的修改", exact=False).first
    confirmation.wait_for(timeout=30_000)
    box = confirmation.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 800, box
    wait_ready(page)
    moved = page.get_by_label("正文").nth(4).bounding_box()["y"] - top_before
    assert abs(moved) < 200, moved  # the page stays where the user was


def test_the_file_uploader_speaks_chinese(server, browser):
    page = browser.new_page()
    page.goto(server.url)
    wait_ready(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("范文库", exact=True).click()
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for()
    wait_ready(page)

    def drawn(selector: str) -> list[str]:
        """The element's own text size, and the text drawn after it by the page's CSS (read
        again while a rerun has the element detached, when the browser gives empty styles)."""
        for _ in range(50):
            style = zone.locator(selector).first.evaluate(
                "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
            )
            if style[0]:
                return style
            page.wait_for_timeout(200)
        return style

    button = drawn('button [data-testid="stMarkdownContainer"] p')
    hint = drawn('[data-testid="stFileUploaderDropzoneInstructions"] span')
    assert button == ["0px", '"选择文件"']  # "Upload" hidden, Chinese shown
    assert hint[0] == "0px" and "每个文件不超过 5 MB" in hint[1]  # not "5MB per file"
