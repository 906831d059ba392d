"""The Word round trip in a real headless Chromium against a real `streamlit run`: the plan
downloaded (the export recorded), edited as in Word, imported with 导入修改稿, one section
accepted, another declined, two versions compared; nothing else of the draft changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import word_edits as word
from tests.browser import CHROMIUM, draft_plan, drafts, wait_for, wait_ready

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect
ADDED = "社区每月通报一次双拥工作进展。"


def _edit(path: Path, headings: list[str]) -> bytes:
    """二: a sentence made longer; 三: a paragraph added after its first one."""
    doc = word.load(path.read_bytes())
    paragraphs = doc.paragraphs
    second = paragraphs[next(i for i, p in enumerate(paragraphs) if p.text == headings[1]) + 1]
    second.runs[-1].text = second.runs[-1].text.rstrip("。：") + "，并报街道备案。"
    third = paragraphs[next(i for i, p in enumerate(paragraphs) if p.text == headings[2]) + 1]
    word.add_after(doc, third.text, ADDED)
    return word.save(doc)


def test_import_accept_one_decline_another_and_compare(server, browser, data_dir, tmp_path):
    page = browser.new_page()
    draft_plan(page, server.url)
    draft_id = page.url.split("draft=")[1]
    store = drafts(data_dir)

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word（公文格式）").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    wait_for(lambda: len(store.load(draft_id).exports) == 1, page)
    before = store.load(draft_id)
    edited = _edit(path, before.headings())

    page.get_by_text("导入修改稿（Word / WPS 改过的文件）").click()
    page.locator(f".st-key-edited_file_{draft_id} input[type=file]").set_input_files(
        files=[{"name": "张科长改.docx", "mimeType": "application/octet-stream", "buffer": edited}]
    )
    accept = page.locator(f".st-key-edited_accept_{draft_id}_s1 button")
    decline = page.locator(f".st-key-edited_decline_{draft_id}_s2 button")
    accept.wait_for(timeout=60_000)
    review = page.locator(f".st-key-edited_{draft_id}_s2")
    expect(review).to_contain_text(ADDED)  # the added sentence, beside the current text
    expect(page.get_by_text("据文件中的导出标记", exact=False)).to_be_visible()
    wait_ready(page)

    accept.click()
    wait_for(lambda: store.load(draft_id).sections[1].version.origin == "import", page)
    wait_ready(page)
    expect(page.get_by_text("已接受修改稿中的“二、", exact=False)).to_be_visible()
    decline.click()
    expect(review).to_have_count(0, timeout=30_000)
    wait_ready(page)

    after = store.load(draft_id)
    section = after.sections[1]
    assert "，并报街道备案。" in section.text and section.version.file == "张科长改.docx"
    assert [v.text for v in section.versions[:-1]] == [v.text for v in before.sections[1].versions]
    assert ADDED not in after.sections[2].text  # declined
    for i in (0, 2, 3, 4):
        assert after.sections[i].to_dict() == before.sections[i].to_dict()
    assert (after.title, after.author, after.date) == (before.title, before.author, before.date)

    # 对比: the history of 二 compares its two versions, the added words highlighted
    history = page.get_by_text("版本历史（2）")
    history.click()
    compared = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="并报街道备案")
    expect(compared.filter(has_text="修改：").first).to_be_visible(timeout=30_000)
    mark = compared.locator("span").filter(has_text="并报街道备案").first
    background = mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
