"""导入修改稿 and 对比 on the 起草 page through AppTest: an edited export reviewed section by
section, one change accepted (a new version, checked), one declined (nothing changes), two
versions compared; text from the file is shown escaped."""

from __future__ import annotations

from rag.config import get_settings
from rag.export.files import exported
from rag.factory import open_draft_store
from tests import word_edits as word
from tests.test_app import environment, generated, library_dir, new_app  # noqa: F401

MARKUP = "**加粗**[链接](http://x.example)"


def _body_after(document, heading: str):
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    return paragraphs[at + 1]


def edited_export(draft_id: str) -> tuple[bytes, dict]:
    """The draft downloaded (the export recorded) and edited in Word: a sentence of 二 changed,
    a paragraph added to 三, the title changed."""
    store = open_draft_store(get_settings())
    draft = store.load(draft_id)
    data = exported(draft, ".docx")
    store.save(draft)
    doc = word.load(data)
    heads = draft.headings()
    changed = _body_after(doc, heads[1])
    changed.runs[-1].text = changed.runs[-1].text.rstrip("。") + "，并报街道备案。"
    word.add_after(doc, _body_after(doc, heads[2]).text, f"社区每月通报一次进展{MARKUP}。")
    word.replace(doc, draft.title, draft.title.replace("工作计划", "工作安排"))
    return word.save(doc), draft.to_dict()


def test_import_accept_decline_and_compare():
    at = generated(new_app())
    draft_id = at.session_state["draft_id"]
    data, before = edited_export(draft_id)
    at.run()
    at.file_uploader(key=f"edited_file_{draft_id}").set_value(
        ("改过的计划.docx", data, "application/octet-stream")
    )
    at.run()
    assert not at.exception and not at.error, at.error
    keys = {b.key for b in at.button if b.key and b.key.startswith("edited_")}
    assert keys == {
        f"edited_{kind}_{draft_id}_{key}"
        for kind in ("accept", "decline")
        for key in ("title", "s1", "s2")
    }
    shown = [m.value for m in at.markdown]
    assert any(v.startswith("修改：") and ":green-background[，并报街道备案" in v for v in shown)
    escaped = "\\*\\*加粗\\*\\*\\[链接\\]\\(http"
    assert any(escaped in v and v.startswith("新增： :green-background[") for v in shown)
    assert not any("**加粗**" in v for v in shown)
    # 接受 二, 不接受 三
    at.button(key=f"edited_accept_{draft_id}_s1").click().run()
    assert not at.exception
    assert any("已接受修改稿中的“二、" in s.value for s in at.success)
    at.button(key=f"edited_decline_{draft_id}_s2").click().run()
    assert not at.exception
    store = open_draft_store(get_settings())
    draft = store.load(draft_id)
    section = draft.sections[1]
    assert section.version.origin == "import" and section.version.file == "改过的计划.docx"
    assert "，并报街道备案。" in section.text
    assert len(section.versions) == len(before["sections"][1]["versions"]) + 1
    assert draft.title == before["title"]  # neither accepted nor declined: as it was
    for i in (0, 2, 3, 4):
        assert draft.sections[i].to_dict()["versions"] == before["sections"][i]["versions"]
    left = {b.key for b in at.button if b.key and b.key.startswith("edited_")}
    assert left == {f"edited_{k}_{draft_id}_title" for k in ("accept", "decline")}
    # 对比: the two versions of 二
    assert at.selectbox(key=f"cmp_old_{draft_id}_1").value == 0
    assert at.selectbox(key=f"cmp_new_{draft_id}_1").value == 1
    assert any(
        v.startswith("修改：") and "并报街道备案" in v for v in (m.value for m in at.markdown)
    )


def test_a_bad_file_is_told_in_chinese_and_changes_nothing():
    at = generated(new_app())
    draft_id = at.session_state["draft_id"]
    store = open_draft_store(get_settings())
    before = store.load(draft_id).to_dict()
    for name, data in (
        ("坏的.docx", b"PK\x03\x04broken"),
        ("随笔.txt", "今天天气很好。".encode()),
    ):
        at.file_uploader(key=f"edited_file_{draft_id}").set_value(
            (name, data, "application/octet-stream")
        )
        at.run()
        assert not at.exception
        assert [e.value for e in at.error if name.split(".")[0] in e.value], name
        assert not [b for b in at.button if b.key and b.key.startswith("edited_accept")]
    assert store.load(draft_id).to_dict() == before
