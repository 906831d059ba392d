"""The page's progress bar for long index work: the first-start warm-up and an upload."""

from __future__ import annotations

from tests.test_app import UPLOAD_TEXT, environment, library_dir, new_app  # noqa: F401
from ui import state
from ui.progress import BarProgress


class Bar:
    def __init__(self):
        self.calls = []

    def progress(self, value, text=""):
        self.calls.append((value, text))


def test_the_bar_shows_the_stage_and_count():
    bar = Bar()
    progress = BarProgress(bar)
    progress.step("计算向量", 3, 12)
    progress.step("写入索引", 0, 0)
    assert bar.calls == [(0.25, "计算向量：3/12"), (0.0, "写入索引：0/0")]


def test_the_first_page_warms_the_library_up_and_leaves_no_bar():
    at = new_app()
    assert not at.exception and not at.error
    assert state.library().retriever.ready()
    assert not at.get("progress")  # the bar is gone once the library is ready


def test_a_saved_upload_is_indexed_and_the_next_page_is_warm_again():
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    at.file_uploader[0].set_value(("禁毒计划.txt", UPLOAD_TEXT.encode("utf-8"), "text/plain"))
    at.run()
    retriever = state.library().retriever
    at.button(key="up_save").click().run()
    assert not at.exception and not at.error
    assert any("已保存并建立索引" in s.value for s in at.success)
    assert retriever.ready()  # the keyword index was rebuilt with the upload, under a bar
    assert any(h.doc_id.startswith("upload_") for h in retriever.search("禁毒志愿者", k=3))
