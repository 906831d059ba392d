"""A real `streamlit run serve.py` on a free port and a headless Debian Chromium driven by Playwright,
for the browser tests and the app benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rag.config import REPO_ROOT
from rag.plan.store import SQLiteDraftStore
from tests.conftest import LLM_ENV

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class AppServer:
    """`streamlit run serve.py` (the app and its sign-in routes, as `make run` starts it) in its
    own process, on 127.0.0.1."""

    def __init__(self, port: int, data_dir: Path, env: dict | None = None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        base = {k: v for k, v in os.environ.items() if k not in LLM_ENV}
        self.env = {
            **base,
            "PLAN_DATA_DIR": str(data_dir),
            "PLAN_EMBEDDING": "hash",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log = Path(data_dir) / f"streamlit-{port}.log"

    def start(self, timeout: float = 90) -> float:
        """Start and wait for /_stcore/health; returns the seconds it took."""
        start = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO_ROOT / "serve.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        while time.perf_counter() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"streamlit did not become healthy: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def wait_ready(page, timeout: float = 60_000) -> None:
    """The page has run its script: the title is shown, the session is connected and the
    app root says no script run is going on (Streamlit's own marker for tests)."""
    page.get_by_role("heading", name="社区工作计划助手").wait_for(timeout=timeout)
    page.locator(IDLE).wait_for(state="attached", timeout=timeout)


# Streamlit's own markers for tests: the session is connected and no script run is going on.
IDLE = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    '[data-test-script-state="notRunning"]'
)


def idle(page) -> bool:
    """Whether the page is connected and runs no script right now (without waiting)."""
    return page.locator(IDLE).count() == 1


def fill_profile(page, community: str = "阳光社区") -> None:
    page.get_by_label("社区名称 *").fill(community)
    page.get_by_label("上级单位").fill("杭州市西湖区北山街道")
    year = page.get_by_label("年度 *")
    year.fill("2027")
    page.get_by_label("户数（不填为 0）").fill("2860")
    page.get_by_label("工作重点（每行一项）").fill("退役军人服务站规范化建设")
    page.get_by_label("落款日期").fill("2027年1月8日")
    choose(page, "计划类型", "双拥工作")


def draft_plan(page, url: str, title: str = "阳光社区2027年双拥工作计划") -> None:
    """Open the app, fill the form, press 生成计划 and wait until the plan is on the page."""
    page.goto(url)
    wait_ready(page)
    fill_profile(page)
    page.get_by_role("button", name="生成计划").click()
    page.get_by_role("heading", name=title).wait_for(timeout=90_000)
    wait_ready(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a select box by typing it (long lists only render what is in view)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option).click()


def use_model(page, base_url: str, model: str = "fake-model") -> None:
    """Switch the session to a custom OpenAI-compatible endpoint in the sidebar."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("调用模型").click()
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="模型服务商").click()
    page.get_by_role("option", name="自定义 OpenAI 兼容接口").click()
    sidebar.get_by_label("模型名称").fill(model)
    base = sidebar.get_by_label("接口地址（Base URL）")
    base.fill(base_url)
    base.press("Enter")
    sidebar.get_by_text(f"当前：模型 {model}").wait_for()


def wait_for(predicate, page, timeout_s: float = 60) -> None:
    """Poll predicate() while the page runs, until it holds."""
    for _ in range(int(timeout_s * 10)):
        if predicate():
            return
        page.wait_for_timeout(100)
    raise AssertionError("condition not met in time")


def drafts(data_dir: Path) -> SQLiteDraftStore:
    """The app's drafts database, read from the test's process."""
    return SQLiteDraftStore(data_dir / "drafts.sqlite3")
