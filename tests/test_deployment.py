"""More than one machine: two app processes (each with a data folder of its own, as on two
machines) behind no shared disk but one Chroma server and one PostgreSQL. A draft written
through one is read and refined through the other; an upload indexed through one is found
through the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.plan.pgstore import PostgresDraftStore
from tests.browser import CHROMIUM, AppServer, draft_plan, wait_for, wait_ready
from tests.conftest import free_port, run_cli, small_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

SAMPLE = (
    "青年路社区消防安全工作计划\n一、指导思想\n坚持预防为主、防消结合，落实消防安全责任制。\n"
    "二、主要任务\n（一）开展楼道飞线充电专项清理，劝导居民不在楼道给电动自行车充电。\n"
    "（二）每季度组织一次疏散演练，提高居民自救互救能力。\n三、保障措施\n加强组织领导，明确责任分工。"
)


@pytest.fixture
def two_apps(tmp_path, chroma_server, postgres):
    shared = {
        "PLAN_CHROMA_HOST": "127.0.0.1",
        "PLAN_CHROMA_PORT": str(chroma_server),
        "PLAN_DATABASE_URL": postgres.new_database(),
        "PLAN_EMBEDDING": "hash",
    }
    corpus = small_corpus(tmp_path / "corpus")
    done = run_cli("ingest", str(corpus), env={**shared, "PLAN_DATA_DIR": str(tmp_path / "cli")})
    assert done.returncode == 0, done.stderr
    apps = []
    for name in ("a", "b"):
        data = tmp_path / name
        data.mkdir()
        app = AppServer(free_port(), data, env={**shared, "PLAN_DATA_DIR": str(data)})
        app.start()
        apps.append(app)
    yield apps, PostgresDraftStore(shared["PLAN_DATABASE_URL"])
    for app in apps:
        app.stop()


def test_a_draft_and_an_upload_made_through_one_app_are_served_by_the_other(two_apps, browser):
    (first, second), store = two_apps
    page = browser.new_context().new_page()
    draft_plan(page, first.url)
    draft_id = page.url.split("draft=")[1]
    assert not (first.log.parent / "drafts.sqlite3").exists()  # not in a local file

    other = browser.new_context().new_page()
    other.goto(f"{second.url}/?draft={draft_id}")
    wait_ready(other)
    other.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for()
    assert other.get_by_label("正文").first.input_value() == store.load(draft_id).sections[0].text
    instruction = other.locator(f".st-key-instr_{draft_id}_2 input")
    instruction.fill("突出退役军人服务站建设")
    instruction.press("Tab")
    other.locator(f".st-key-regen_{draft_id}_2 button").click()
    wait_for(lambda: len(store.load(draft_id).sections[2].versions) == 2, other)
    assert store.load(draft_id).sections[2].versions[1].instruction == "突出退役军人服务站建设"

    # an upload saved through the first app is found by the second app's search
    page.locator('[data-testid="stSidebar"]').get_by_text("范文库", exact=True).click()
    page.get_by_role("heading", name="范文库").wait_for()
    wait_ready(page)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "fire.txt", "mimeType": "text/plain", "buffer": SAMPLE.encode()}]
    )
    page.get_by_label("清洗后的正文（可修改）").wait_for(timeout=30_000)
    page.get_by_role("button", name="保存到范文库").click()
    page.get_by_text("已保存并建立索引").wait_for(timeout=60_000)
    other.locator('[data-testid="stSidebar"]').get_by_text("范文库", exact=True).click()
    other.get_by_role("heading", name="范文库").wait_for()
    wait_ready(other)
    other.get_by_label("检索范文").fill("楼道飞线充电专项清理")
    other.get_by_role("button", name="检索").click()
    other.get_by_text("青年路社区消防安全工作计划", exact=False).first.wait_for(timeout=30_000)
