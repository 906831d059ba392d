"""The shared services failing under a user's hands: a real `streamlit run serve.py` against a
PostgreSQL and a Chroma server of the test's own, driven by a real headless Chromium. Each
service is stopped while the user edits and regenerates, and started again: the page says in
Chinese which service is down and what to do, shows no traceback, keeps what was typed and
generated until a save succeeds, and works again without restarting the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.plan.pgstore import PostgresDraftStore
from tests.browser import CHROMIUM, AppServer, draft_plan, wait_for
from tests.conftest import free_port, run_cli, small_corpus
from tests.faults import page_messages, settle
from ui.unsaved import KEPT, NOT_KEPT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
expect = pytest.importorskip("playwright.sync_api").expect
DATABASE_DOWN = "草稿数据库（PostgreSQL）暂时无法连接"
LIBRARY_DOWN = "范文库服务器（Chroma）暂时无法连接"


@pytest.fixture
def app(tmp_path, own_postgres, own_chroma):
    env = {
        "PLAN_CHROMA_HOST": "127.0.0.1",
        "PLAN_CHROMA_PORT": str(own_chroma.port),
        "PLAN_DATABASE_URL": own_postgres.new_database(),
        "PLAN_EMBEDDING": "hash",
    }
    corpus = small_corpus(tmp_path / "corpus")
    done = run_cli("ingest", str(corpus), env={**env, "PLAN_DATA_DIR": str(tmp_path / "cli")})
    assert done.returncode == 0, done.stderr
    (tmp_path / "app").mkdir()
    server = AppServer(
        free_port(), tmp_path / "app", env={**env, "PLAN_DATA_DIR": str(tmp_path / "app")}
    )
    server.start()
    yield server, PostgresDraftStore(env["PLAN_DATABASE_URL"])
    server.stop()


def no_traceback(page) -> None:
    shown = page.locator("body").inner_text()
    assert "Traceback" not in shown and "意外错误" not in shown, shown[-2000:]
    assert page.locator('[data-testid="stException"]').count() == 0


def told(page, *parts: str) -> str:
    [message] = [m for m in page_messages(page) if all(p in m for p in parts)]
    return message


def body(page, index: int):
    return page.get_by_label("正文").nth(index)


def instruct_and_regenerate(page, draft_id: str, index: int, instruction: str) -> None:
    box = page.locator(f".st-key-instr_{draft_id}_{index} input")
    box.fill(instruction)
    box.press("Enter")
    settle(page)
    page.locator(f".st-key-regen_{draft_id}_{index} button").click()
    settle(page)


def test_postgres_and_chroma_stopping_while_a_user_edits_and_regenerates(
    app,
    own_postgres,
    own_chroma,
    browser,
):
    server, store = app
    page = browser.new_context().new_page()
    draft_plan(page, server.url)
    draft_id = page.url.split("draft=")[1][:12]
    before = store.load(draft_id)
    rows = []

    # PostgreSQL stops: an edit and a regeneration are kept in the page, and said to be
    own_postgres.pause()
    typed = "（一）停库期间输入的安排：每月第一个星期五走访慰问一次，由网格员陪同。"
    body(page, 1).fill(typed)
    body(page, 1).press("Control+Enter")
    settle(page)
    message = told(page, DATABASE_DOWN)
    assert KEPT in message and "请管理员确认 PostgreSQL" in message
    no_traceback(page)
    expect(body(page, 1)).to_have_value(typed)
    rows.append(("PostgreSQL 停止：修改一节正文", message, "输入的正文留在页面上"))

    instruct_and_regenerate(page, draft_id, 3, "突出双拥共建")
    regenerated = body(page, 3).input_value()
    assert regenerated != before.sections[3].text
    told(page, DATABASE_DOWN)
    no_traceback(page)
    expect(body(page, 1)).to_have_value(typed)
    assert page.locator(f".st-key-instr_{draft_id}_3 input").input_value() == "突出双拥共建"
    rows.append(("PostgreSQL 停止：重新生成一节", message, "新生成的一节和前面的修改都在页面上"))

    # back: 重新保存 (or any click) saves everything the page kept, through the same app
    own_postgres.resume()
    page.get_by_role("button", name="重新保存").click()
    settle(page)
    saved = store.load(draft_id)
    assert saved.sections[1].text == typed and saved.sections[3].text == regenerated
    assert len(saved.sections[3].versions) == len(before.sections[3].versions) + 1
    assert not [m for m in page_messages(page) if DATABASE_DOWN in m]
    rows.append(("PostgreSQL 恢复：点“重新保存”", "（提示消失，修改已保存）", "全部写入数据库"))

    # the Chroma server stops: regenerating is refused with a message, nothing is lost
    own_chroma.stop()
    shown = body(page, 2).input_value()
    instruct_and_regenerate(page, draft_id, 2, "更具体")
    message = told(page, LIBRARY_DOWN)
    assert "PLAN_CHROMA_HOST" in message and "重建" not in message
    no_traceback(page)
    expect(body(page, 2)).to_have_value(shown)
    assert page.locator(f".st-key-instr_{draft_id}_2 input").input_value() == "更具体"
    assert store.load(draft_id).sections[2].text == shown
    rows.append(("Chroma 停止：重新生成一节", message, "原文和输入的修改要求都在"))

    # back: the same button works, without restarting the app
    own_chroma.start()
    versions = len(store.load(draft_id).sections[2].versions)
    page.locator(f".st-key-regen_{draft_id}_2 button").click()
    wait_for(lambda: len(store.load(draft_id).sections[2].versions) == versions + 1, page)
    settle(page)
    assert not [m for m in page_messages(page) if LIBRARY_DOWN in m]
    no_traceback(page)
    rows.append(("Chroma 恢复：再点“重新生成”", "（无提示，新版本已保存）", "—"))

    # PostgreSQL down when the page is opened afresh: told, no traceback; back after a refresh
    own_postgres.pause()
    page.reload()
    settle(page)
    message = told(page, DATABASE_DOWN)
    assert NOT_KEPT in message
    no_traceback(page)
    rows.append(
        ("PostgreSQL 停止时刷新页面", message, "数据库里已保存的一切（页面上没有未保存的内容）")
    )
    own_postgres.resume()
    page.reload()
    settle(page)
    page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for()
    expect(body(page, 1)).to_have_value(typed)

    print("\n| 故障 | 页面上看到的 | 保留了什么 |\n|---|---|---|")
    for fault, seen, kept in rows:
        print(f"| {fault} | {seen} | {kept} |")
