"""The fault matrix: what a user sees when the model or the server fails, and whether every
word they accepted is still there. A real `streamlit run` with a model configured on the
server (tests/fake_llm.py, which fails on purpose), driven by a real headless Chromium.

Each model fault is one regeneration of the section the user has edited; the page faults are a
refresh and a server restart in the middle of "全部重新生成". tests/test_faults.py asserts the
rows, bench/fault_matrix.py prints them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from rag.config import Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft
from rag.factory import open_library
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.store import ChunkStore
from rag.plan.profile import make_profile
from tests.browser import AppServer, drafts, idle, launch, wait_for, wait_ready
from tests.conftest import free_port, small_corpus
from tests.fake_llm import FakeLLM

TIMEOUT, DEADLINE, RETRIES = 4.0, 10.0, 1  # the server's PLAN_LLM_* settings (a busy machine too)
EDITED = 2  # the section the user edited and then regenerates
ACCEPTED = "（一）社区已确认的安排：每月第一个星期五走访慰问一次，由网格员陪同。"
PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "shuangyong",
    "households": 2860,
    "priorities": ["退役军人服务站规范化建设"],
    "date": "2027年1月8日",
}


@dataclass(frozen=True)
class Fault:
    name: str
    rule: dict  # a tests.fake_llm.Rule for the regenerated section's request
    seen: str  # what the page must say (a part of the message)
    complete: bool | None  # the section's newest version after it: whole, cut, or none new


MODEL_FAULTS = (
    Fault("429，Retry-After 1 秒，一次", {"status": 429, "retry_after": 1, "times": 1}, "", True),
    Fault("429，一直限流", {"status": 429, "retry_after": 0.2}, "限流（429）", None),
    Fault("500，一次", {"status": 500, "times": 1}, "", True),
    Fault("500，一直出错", {"status": 500}, "返回错误（500）", None),
    Fault("401，密钥无效", {"status": 401}, "拒绝了访问（401）", None),
    Fault("超时（晚于读取超时才应答）", {"delay": TIMEOUT + 1.5}, "秒内没有响应", None),
    Fault("中途断流", {"cut_after": 4}, "中途中断", False),
    Fault("慢速滴流", {"piece_delay": 0.5, "piece_chars": 2}, "仍未完成", False),
    Fault("从不应答", {"delay": 600}, "秒内没有响应", None),
)


@dataclass
class Outcome:
    fault: str
    seen: list[str]  # the page's messages after it (not the checks' findings)
    newest: str  # the section's newest version: 完整, 不完整 or 无新版本
    current: str  # what the section shows: 新生成, 用户确认的文字, 不完整的新文字
    kept: bool  # every version the section had is still there, the accepted text among them
    others_kept: bool  # the other sections are as they were (or have whole new versions)
    seconds: float
    notes: list[str] = field(default_factory=list)


class Matrix:
    """A library, a drafts database, a fake model server, the app and a browser."""

    def __init__(self, root: Path, playwright):
        self.root = root
        self.data = root / "data"
        settings = Settings(data_dir=self.data, embedding="hash")
        ingest([small_corpus(root / "corpus")], ChunkStore.open(settings, HashEmbeddingFunction()))
        self.library = open_library(settings, HashEmbeddingFunction())
        self.store = drafts(self.data)
        self.fake = FakeLLM().start()
        self.server = AppServer(
            free_port(),
            self.data,
            env={
                "PLAN_LLM_PROVIDER": "custom",
                "PLAN_LLM_MODEL": "fake-model",
                "PLAN_LLM_BASE_URL": self.fake.base_url,
                "PLAN_LLM_TIMEOUT": str(TIMEOUT),
                "PLAN_LLM_SECTION_DEADLINE": str(DEADLINE),
                "PLAN_LLM_MAX_RETRIES": str(RETRIES),
            },
        )
        self.server.start()
        self.browser = launch(playwright)

    def close(self) -> None:
        self.browser.close()
        self.server.stop()
        self.fake.stop()

    def accepted_draft(self) -> str:
        """A composed draft whose section 三 the user edited (the words to keep)."""
        draft = new_draft(make_profile(PROFILE), Composer())
        draft_sections(draft, retriever=self.library.retriever.scoped(""), writer=Composer())
        draft.sections[EDITED].edit(ACCEPTED)
        return self.store.save(draft)

    def open(self, draft_id: str):
        page = self.browser.new_page()
        page.goto(f"{self.server.url}/?draft={draft_id}")
        settle(page)
        return page

    def regenerate(self, fault: Fault) -> Outcome:
        draft_id = self.accepted_draft()
        before = self.store.load(draft_id)
        page = self.open(draft_id)
        self.fake.reset()
        self.fake.add(match=f"“{before.headings()[EDITED]}”一节", **fault.rule)
        started = time.perf_counter()
        # the section's own button, by its widget key (Streamlit's st-key-… class)
        page.locator(f".st-key-regen_{draft_id}_{EDITED} button").click()
        # done once the page saved the section (a failure too saves, changing nothing)
        wait_for(lambda: self.store.load(draft_id).revision > before.revision, page, 120)
        settle(page)
        if not self.store.load(draft_id).sections[EDITED].version.complete or (
            self.store.load(draft_id).sections[EDITED].text == ACCEPTED
        ):  # a failure is told after the rerun that follows the save: give a busy server time
            for _ in range(30):
                if page_messages(page):
                    break
                page.wait_for_timeout(500)
            settle(page)
        seconds = time.perf_counter() - started
        outcome = self._outcome(fault.name, page, before, draft_id, seconds)
        page.close()
        return outcome

    def _outcome(self, name: str, page, before, draft_id: str, seconds: float) -> Outcome:
        after = self.store.load(draft_id)
        section, old = after.sections[EDITED], before.sections[EDITED]
        new = section.versions[len(old.versions) :]
        newest = "无新版本" if not new else ("完整" if new[-1].complete else "不完整")
        if section.text == ACCEPTED:
            current = "用户确认的文字"
        elif section.version.complete:
            current = "新生成"
        else:
            current = "不完整的新文字"
        kept = [v.text for v in section.versions[: len(old.versions)]] == [
            v.text for v in old.versions
        ]
        others = all(
            [v.text for v in a.versions[: len(b.versions)]] == [v.text for v in b.versions]
            and all(v.complete for v in a.versions[len(b.versions) :])
            for i, (a, b) in enumerate(zip(after.sections, before.sections, strict=True))
            if i != EDITED
        )
        outcome = Outcome(name, page_messages(page), newest, current, kept, others, seconds)
        if moved := [
            h
            for i, (h, a, b) in enumerate(
                zip(after.headings(), after.sections, before.sections, strict=True)
            )
            if i != EDITED and len(a.versions) != len(b.versions)
        ]:
            outcome.notes.append(f"有新版本的其他各节：{'、'.join(moved)}")
        return outcome

    def refresh_mid_generation(self) -> Outcome:
        """全部重新生成, and the browser reloads the page while section 四 still streams."""
        return self._interrupted("刷新页面（全部重新生成途中）", restart=False)

    def restart_mid_generation(self) -> Outcome:
        """全部重新生成, and the app's server is stopped and started again meanwhile."""
        return self._interrupted("重启服务器（全部重新生成途中）", restart=True)

    def _interrupted(self, name: str, restart: bool) -> Outcome:
        draft_id = self.accepted_draft()
        before = self.store.load(draft_id)
        page = self.open(draft_id)
        self.fake.reset()
        slow = f"“{before.headings()[3]}”一节"
        self.fake.add(match=slow, reply="（一）按月推进各项任务。" * 60, piece_delay=0.2)
        started = time.perf_counter()
        page.get_by_role("button", name="全部重新生成").click()
        # until the fast sections are saved and the slow one is streaming
        wait_for(lambda: self.store.load(draft_id).revision >= before.revision + 3, page)
        if restart:
            self.server.stop()
            self.server.start()
        page.reload()
        settle(page)
        abandoned = self.fake.abandoned
        page.wait_for_timeout(1000)
        seconds = time.perf_counter() - started
        outcome = self._outcome(name, page, before, draft_id, seconds)
        after = self.store.load(draft_id)
        outcome.notes.append(
            f"被打断的一节：{'请求已被放弃' if abandoned else '仍在生成'}，"
            f"其余各节有新版本 {sum(len(a.versions) > len(b.versions) for a, b in zip(after.sections, before.sections, strict=True))}/5"
        )
        page.close()
        return outcome


def settle(page, quiet_ms: int = 1000) -> None:
    """Wait until the page has run its script and no run follows within quiet_ms (a save is
    followed by a rerun that shows its messages)."""
    while True:
        wait_ready(page, timeout=120_000)
        for _ in range(quiet_ms // 100):
            page.wait_for_timeout(100)
            if not idle(page):
                break
        else:
            return


EXPORT_MARKS = re.compile(r"还有 \d+ 处标记尚未处理")  # the export's reminder, there before too


def page_messages(page) -> list[str]:
    """The page's messages (errors, warnings, notes), not the checks' 【…】 findings."""
    texts = [t.strip() for t in page.locator('[data-testid="stAlert"]').all_inner_texts()]
    own = [t for t in texts if not t.startswith("【") and not EXPORT_MARKS.match(t)]
    return list(dict.fromkeys(own))


def run(root: Path, playwright, faults=MODEL_FAULTS) -> list[Outcome]:
    matrix = Matrix(root, playwright)
    try:
        rows = [matrix.regenerate(f) for f in faults]
        rows.append(matrix.refresh_mid_generation())
        rows.append(matrix.restart_mid_generation())
    finally:
        matrix.close()
    return rows


def table(rows: list[Outcome]) -> str:
    lines = [
        "| 故障 | 页面上看到的 | 最新版本 | 本节显示 | 已确认的文字 | 其他各节 | 秒 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        seen = "；".join(s.replace("\n", " ")[:70] for s in r.seen) or "（无提示）"
        if r.notes:
            seen += "；" + "；".join(r.notes)
        lines.append(
            f"| {r.fault} | {seen} | {r.newest} | {r.current} | {'都在' if r.kept else '丢失'}"
            f" | {'不变或完整' if r.others_kept else '有变化'} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)
