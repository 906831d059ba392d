"""Load run: N browser sessions (default 10) draft a plan at once against one `streamlit run`
(offline writer), then each regenerates a section with an instruction at once. Prints p50/p95
per phase, against one session alone measured in the same run, and checks that no page shows
an error and no draft crossed into another (each draft names only its own community).

Run: .venv/bin/python bench/bench_load.py [--sessions 10] [--embedding hash|e5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag.config import REPO_ROOT, Settings
from rag.export.text import to_text
from rag.index.ingest import ingest
from rag.index.store import ChunkStore

sys.path.insert(0, str(REPO_ROOT))
from tests.browser import AppServer, drafts, fill_profile, idle, launch, wait_ready
from tests.conftest import CORPUS, free_port

NAMES = "东风 南湖 西园 北岭 金桥 银杏 翠竹 清泉 春晖 和平 新华 光明 幸福 锦绣 友谊 团结".split()
INSTRUCTION = "突出退役军人服务站建设"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def until_all(pages: list, done, start: float, timeout: float = 300) -> list[float]:
    """Seconds from start until done(i, page) first held, polling every page in turn."""
    seen: dict[int, float] = {}
    while len(seen) < len(pages):
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{len(pages) - len(seen)} sessions did not finish")
        for i, page in enumerate(pages):
            if i not in seen and done(i, page):
                seen[i] = time.perf_counter() - start
        pages[0].wait_for_timeout(50)
    return [seen[i] for i in range(len(pages))]


def run_phase(browser, server, store, names: list[str]) -> dict:
    """Every session fills the form; all press 生成计划 together; then all regenerate 三."""
    pages = []
    for name in names:
        page = browser.new_context().new_page()  # a context each: separate sessions
        page.goto(server.url)
        wait_ready(page)
        fill_profile(page, community=f"{name}社区")
        pages.append(page)
    start = time.perf_counter()
    for page in pages:
        page.get_by_role("button", name="生成计划").click()

    def drafted(i: int, page) -> bool:
        title = f"{names[i]}社区2027年双拥工作计划"
        return page.get_by_role("heading", name=title).count() == 1 and idle(page)

    draft_times = until_all(pages, drafted, start)
    ids = [page.url.split("draft=")[1] for page in pages]
    for page, draft_id in zip(pages, ids, strict=True):
        instruction = page.locator(f".st-key-instr_{draft_id}_2 input")
        instruction.fill(INSTRUCTION)
        instruction.press("Tab")
    start = time.perf_counter()
    for page, draft_id in zip(pages, ids, strict=True):
        page.locator(f".st-key-regen_{draft_id}_2 button").click()

    def refined(i: int, page) -> bool:
        return len(store.load(ids[i]).sections[2].versions) == 2 and idle(page)

    refine_times = until_all(pages, refined, start)
    errors = sum(page.locator('[data-testid="stException"]').count() for page in pages)
    crossed = 0
    for name, draft_id in zip(names, ids, strict=True):
        draft = store.load(draft_id)
        text = to_text(draft)
        own = draft.profile.community == f"{name}社区"
        kept = draft.sections[2].versions[-1].instruction == INSTRUCTION
        crossed += not (own and kept) or any(f"{o}社区" in text for o in NAMES if o != name)
    for page in pages:
        page.context.close()
    return {"draft": draft_times, "refine": refine_times, "errors": errors, "crossed": crossed}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--embedding", choices=["hash", "e5"], default="hash")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        data = Path(tmp) / "data"
        settings = Settings(data_dir=data, embedding=args.embedding)
        ingest([CORPUS], ChunkStore.open(settings))
        server = AppServer(free_port(), data, env={"PLAN_EMBEDDING": args.embedding})
        server.start()
        browser = launch(playwright)
        try:
            store = drafts(data)
            alone = run_phase(browser, server, store, NAMES[-1:])
            many = run_phase(browser, server, store, NAMES[: args.sessions])
        finally:
            browser.close()
            server.stop()
    print(f"load run: {args.sessions} sessions at once, offline writer, {args.embedding} index")
    print("| phase | sessions | p50 s | p95 s | max s | alone s | p50/alone |")
    print("|---|---|---|---|---|---|---|")
    for phase, label in (("draft", "生成计划"), ("refine", "重新生成一节")):
        times, single = many[phase], alone[phase][0]
        p50 = statistics.median(times)
        print(
            f"| {label} | {len(times)} | {p50:.2f} | {percentile(times, 0.95):.2f} |"
            f" {max(times):.2f} | {single:.2f} | {p50 / single:.1f} |"
        )
    print(f"errors shown: {many['errors'] + alone['errors']}; crossed drafts: {many['crossed']}")
    if many["errors"] or many["crossed"] or alone["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
