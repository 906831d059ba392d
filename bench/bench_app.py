"""The web app's speed, in a real headless Chromium against a real `streamlit run`:
start to healthy, start to an interactive form, and from "生成计划" to the first streamed
characters of a section (local model server with a fixed per-token delay), with the model
server's own time to first token measured in the same run as the baseline.

Run: .venv/bin/python bench/bench_app.py [--embedding e5|hash] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rag.config import REPO_ROOT, Settings
from rag.drafting.model.providers import chat_model, make_llm_config
from rag.index.ingest import ingest
from rag.index.store import ChunkStore

sys.path.insert(0, str(REPO_ROOT))
from tests.browser import AppServer, fill_profile, launch, use_model, wait_ready
from tests.conftest import free_port
from tests.fake_llm import FakeLLM

REPLY = "（一）按月推进各项任务，做到有计划、有检查、有总结。" * 8


def first_token_direct(fake: FakeLLM) -> float:
    """The model server's own time to first token, through the same client stack."""
    chat = chat_model(make_llm_config("custom", "fake-model", fake.base_url, None))
    start = time.perf_counter()
    for chunk in chat.stream([("human", "请起草“一、指导思想”一节")]):
        if str(chunk.text):
            return time.perf_counter() - start
    raise RuntimeError("no text")


def one_run(data_dir: Path, fake: FakeLLM, playwright) -> dict[str, float]:
    from playwright.sync_api import expect

    server = AppServer(free_port(), data_dir, env={"PLAN_EMBEDDING": "auto"})
    t0 = time.perf_counter()
    server.start()
    healthy = time.perf_counter() - t0
    try:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(server.url)
        page.get_by_label("社区名称 *").wait_for(timeout=60_000)
        interactive = time.perf_counter() - t0
        wait_ready(page)
        idle = time.perf_counter() - t0
        use_model(page, fake.base_url)
        fill_profile(page)
        t1 = time.perf_counter()
        page.get_by_role("button", name="生成计划").click()
        page.get_by_text("（一）按月推进", exact=False).first.wait_for(timeout=60_000)
        first_chars = time.perf_counter() - t1
        page.get_by_role("heading", name="阳光社区2027年双拥工作计划").wait_for(timeout=120_000)
        expect(page.get_by_label("正文")).to_have_count(5, timeout=60_000)
        whole = time.perf_counter() - t1
        browser.close()
    finally:
        server.stop()
    return {
        "healthy": healthy,
        "interactive": interactive,
        "idle": idle,
        "first": first_chars,
        "whole": whole,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding", choices=("e5", "hash"), default="e5")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--token-delay", type=float, default=0.02)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp()) / "data"
    start = time.perf_counter()
    ingest(
        [REPO_ROOT / "data" / "corpus"],
        ChunkStore.open(Settings(data_dir=data_dir, embedding=args.embedding)),
    )
    print(
        f"index of the shipped library built in {time.perf_counter() - start:.1f}s ({args.embedding}; setup)"
    )
    fake = FakeLLM().start()
    fake.add(reply=REPLY, piece_chars=2, piece_delay=args.token_delay)
    direct = statistics.median(first_token_direct(fake) for _ in range(5))
    runs = []
    with sync_playwright() as p:
        for _ in range(args.runs):
            runs.append(one_run(data_dir, fake, p))
    fake.stop()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"streamlit run → /_stcore/health: {med['healthy']:.2f}s (median of {args.runs})")
    print(f"streamlit run → form shown and usable in Chromium: {med['interactive']:.2f}s")
    print(f"streamlit run → first run finished (model loaded, BM25 built): {med['idle']:.2f}s")
    print(
        f"生成计划 → first streamed characters on the page: {med['first']:.2f}s "
        f"(model server's own first token: {direct:.3f}s; {med['first'] / direct:.1f}x)"
    )
    print(
        f"生成计划 → all 5 sections done and editable: {med['whole']:.2f}s ({args.token_delay * 1000:.0f} ms per token)"
    )


if __name__ == "__main__":
    main()
