"""The review package (送审包) and the 依据 view in a real headless Chromium against a real
`streamlit run`: the package downloads, and its 依据表 lists every sentence with a source."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from rag.plan.sources import KINDS
from tests.browser import CHROMIUM, draft_plan, drafts, wait_ready
from ui.sources_view import LEGEND, PACKAGE_LABEL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
pytest.importorskip("playwright.sync_api")


def test_the_review_package_downloads_with_every_sentence_and_its_source(
    server, browser, data_dir, tmp_path
):
    page = browser.new_page()
    draft_plan(page, server.url)
    draft = drafts(data_dir).load(page.url.split("draft=")[1])

    # the 依据 view of a section: its sentences, what each rests on
    view = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text="依据（")
    )
    assert view.count() == len(draft.sections)
    tasks = view.nth(2)
    tasks.locator("summary").click()
    tasks.get_by_text(LEGEND).wait_for()
    assert tasks.get_by_text("仅凭范文", exact=True).count() > 0
    wait_ready(page)

    with page.expect_download() as info:
        page.get_by_role("button", name=PACKAGE_LABEL).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == f"{draft.title}_送审包.zip"
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    assert set(files) == {
        f"{draft.title}.docx",
        f"{draft.title}_依据表.xlsx",
        f"{draft.title}_待确认事项.txt",
    }
    book = openpyxl.load_workbook(io.BytesIO(files[f"{draft.title}_依据表.xlsx"]))
    rows = list(book["依据表"].iter_rows(min_row=2, values_only=True))
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        listed = [r for r in rows if r[1] == head]
        assert "".join(r[2] for r in listed) == "".join(section.text.split()), head
        assert all(r[3] in KINDS and r[4] for r in listed), head
    assert any(r[5] == "仅凭范文" for r in rows)
