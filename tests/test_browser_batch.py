"""Street-office workflows in a real headless Chromium against a real `streamlit run`: a plan
drafted from last year's plan attached on the form, and 批量起草 from a table."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, drafts, fill_profile, wait_ready
from tests.test_batch import csv_bytes, good_rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect
PREVIOUS = Path(__file__).parent / "data" / "previous_shuangyong_2025.txt"


def test_a_plan_drafted_from_last_years_plan(server, browser, data_dir, tmp_path):
    page = browser.new_page()
    page.goto(server.url)
    wait_ready(page)
    fill_profile(page)
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="上年计划")
    bad = tmp_path / "无标题.txt"
    bad.write_text("阳光社区双拥工作。" * 20, encoding="utf-8")
    uploader.locator('input[type="file"]').set_input_files(str(bad))
    page.get_by_role("button", name="生成计划").click()
    page.get_by_text("没有找到可对应本计划各节的标题", exact=False).wait_for(timeout=60_000)
    wait_ready(page)
    expect(page.get_by_label("社区名称 *")).to_have_value("阳光社区")  # nothing typed is lost
    uploader.locator('input[type="file"]').set_input_files(str(PREVIOUS))
    wait_ready(page)
    page.get_by_role("button", name="生成计划").click()
    page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for(timeout=90_000)
    wait_ready(page)
    page.get_by_text(f"上年计划：{PREVIOUS.name}", exact=False).wait_for()
    draft_id = page.url.split("draft=")[1]
    draft = drafts(data_dir).load(draft_id)
    text = "\n".join(s.text for s in draft.sections)
    assert "柳湾文化广场" in text and "【上年数据，请更新】" in text and "2025" not in text
    assert "9月18日（星期六）" in text  # the third Saturday of September 2027
    page.get_by_text("参考范文").nth(2).click()
    page.get_by_text("《上年计划》 · 主要任务", exact=False).wait_for()  # beside library passages


def test_batch_page_drafts_every_valid_row_and_gives_a_zip(server, browser, data_dir, tmp_path):
    before = {d.id for d in drafts(data_dir).list()}
    table = tmp_path / "社区信息表.csv"
    table.write_bytes(
        csv_bytes([*good_rows(3), ["坏社区", "", 2027, "双拥", "", "x", "", ""]], "gbk")
    )
    page = browser.new_page()
    page.goto(server.url)
    wait_ready(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("批量起草").click()
    page.get_by_role("heading", name="批量起草").wait_for()
    wait_ready(page)
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="下载社区信息表模板（.xlsx）").click()
    assert info.value.suggested_filename == "社区信息表模板.xlsx"
    page.locator('input[type="file"]').set_input_files(str(table))
    wait_ready(page)
    page.get_by_role("button", name="开始起草").click()
    page.get_by_text("第5行 户数：应为整数", exact=False).first.wait_for(timeout=60_000)
    download = page.get_by_role("button", name="下载全部（Word 文件和汇总表，.zip）")
    download.wait_for(timeout=120_000)
    wait_ready(page)
    assert "共 4 行，已起草 3 份" in page.locator("body").inner_text()
    with page.expect_download(timeout=90_000) as info:
        download.click()
    names = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).namelist()
    assert sorted(names) == [
        "002_阳光社区2027年双拥工作计划.docx",
        "003_和平社区2027年双拥工作计划.docx",
        "004_新华社区2027年双拥工作计划.docx",
        "汇总.xlsx",
    ]
    new = [d for d in drafts(data_dir).list() if d.id not in before]
    assert sorted(d.title for d in new) == sorted(n[4:-5] for n in names if n.endswith(".docx"))
