"""The fault matrix (tests/faults.py), printed: for each failure of the model (429 with
Retry-After, 500, 401, a timeout, a stream cut mid-section, a slow drip, a server that never
answers) and of the page (a refresh and a server restart mid-generation), what the user sees
and whether the words they accepted are still there. tests/test_faults.py asserts the same rows.

Run: .venv/bin/python bench/fault_matrix.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rag.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from tests.faults import DEADLINE, RETRIES, TIMEOUT, run, table


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        rows = run(Path(tmp), playwright)
    print(
        f"fault matrix: model read timeout {TIMEOUT:g} s, section deadline {DEADLINE:g} s,"
        f" {RETRIES} retry; the user's edit is in section 三 before each fault"
    )
    print(table(rows))
    if not all(r.kept and r.others_kept for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
