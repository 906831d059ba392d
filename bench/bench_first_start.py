"""A fresh clone's first `make run`, after the install step: from the command to a usable page.

Runs `make run` in CHECKOUT (a clone whose `make install` is done and whose index is not built)
with an empty data folder, on a free port, and watches it: when the index build (`python -m
rag ingest`) has finished, when the form shows in a real headless Chromium, and when the
page's first run has finished (library warmed up: model loaded, BM25 built).

Run: .venv/bin/python bench/bench_first_start.py CHECKOUT
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rag.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from tests.browser import launch, wait_ready
from tests.conftest import LLM_ENV, free_port


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", type=Path, help="a clone with `make install` done")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp()) / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in LLM_ENV and k != "VIRTUAL_ENV"}
    env |= {
        "PLAN_DATA_DIR": str(data),
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    t0 = time.perf_counter()
    make = subprocess.Popen(
        ["make", "run", f"DATA_DIR={data}"],
        cwd=args.checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopped whole below
    )
    indexed: list[float] = []

    def watch() -> None:
        for line in make.stdout:
            if "索引中共有" in line and not indexed:
                indexed.append(time.perf_counter() - t0)

    threading.Thread(target=watch, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            while True:
                if make.poll() is not None:
                    raise RuntimeError("make run stopped")
                try:
                    page.goto(f"http://127.0.0.1:{port}", timeout=2_000)
                    break
                except Exception:  # the server is not up yet
                    time.sleep(0.2)
            page.get_by_label("社区名称 *").wait_for(timeout=120_000)
            form = time.perf_counter() - t0
            wait_ready(page)
            ready = time.perf_counter() - t0
            browser.close()
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
    print(f"make run → index built (python -m rag ingest): {indexed[0]:.1f}s")
    print(f"make run → form shown in Chromium: {form:.1f}s")
    print(f"make run → page usable (first run done, library warmed up): {ready:.1f}s")


if __name__ == "__main__":
    main()
