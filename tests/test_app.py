"""The web app through Streamlit's AppTest: form, generation (offline and against the local
model server), refinement, persistence and the library page. (Several sessions at once are
tested with browser contexts against a real server: AppTest shares one runtime per process.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rag.config import REPO_ROOT, Settings, get_settings
from rag.errors import LibraryIndexError
from rag.factory import open_draft_store
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.store import ChunkStore
from tests.conftest import small_corpus
from ui.literal import literal
from ui.sources_view import PACKAGE_LABEL

APP = str(REPO_ROOT / "app.py")


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory):
    """A small library (双拥 and 消防 samples) indexed with hash embeddings."""
    root = tmp_path_factory.mktemp("app_library")
    corpus = small_corpus(root / "corpus")
    settings = Settings(data_dir=root / "data", embedding="hash")
    ingest([corpus], ChunkStore.open(settings, HashEmbeddingFunction()))
    return root / "data"


@pytest.fixture(autouse=True)
def environment(library_dir, monkeypatch):
    monkeypatch.setenv("PLAN_DATA_DIR", str(library_dir))
    monkeypatch.setenv("PLAN_EMBEDDING", "hash")
    get_settings.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    # AppTest reads .streamlit/config.toml too; a failing test should show the whole error.
    st.set_option("client.showErrorDetails", "full")
    yield
    st.cache_resource.clear()
    get_settings.cache_clear()


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def fill(at: AppTest, community="阳光社区", topic="shuangyong", **extra) -> AppTest:
    at.text_input(key="form_community").input(community)
    at.text_input(key="form_parent").input("杭州市西湖区北山街道")
    at.number_input(key="form_year").set_value(2027)
    at.selectbox(key="form_topic").set_value(topic)
    at.number_input(key="form_households").set_value(2860)
    at.text_area(key="form_priorities").input("退役军人服务站规范化建设")
    at.text_input(key="form_date").input("2027年1月8日")
    for key, value in extra.items():
        at.text_input(key=f"form_{key}").input(value)
    return at


def texts(at: AppTest) -> dict[str, str]:
    return {ta.key: ta.value for ta in at.text_area if ta.key and ta.key.startswith("text_")}


def generated(at: AppTest) -> AppTest:
    fill(at).button(key="generate").click().run()
    assert not at.exception, at.exception
    return at


def test_page_loads_with_the_form_and_offline_mode():
    at = new_app()
    assert not at.exception
    assert at.title[0].value == "社区工作计划助手"
    assert at.sidebar.radio(key="llm_mode").value.startswith("离线组合")
    assert at.text_input(key="form_community").value == ""


def test_bad_fields_get_messages_beside_them_and_nothing_is_lost():
    drafts_before = open_draft_store(get_settings()).list()
    at = new_app()
    at.text_input(key="form_community").input("x")
    at.text_area(key="form_priorities").input("第一项\n" + "很长" * 70)
    at.button(key="generate").click().run()
    errors = [e.value for e in at.error]
    assert "社区名称：至少 2 个字" in errors
    assert any("不超过120字" in e for e in errors)
    assert "请先改正表单中标出的问题。" in errors
    assert at.text_area(key="form_priorities").value.startswith("第一项")
    assert at.text_input(key="form_community").value == "x"
    assert "draft" not in at.query_params
    assert open_draft_store(get_settings()).list() == drafts_before  # no draft was started


def test_generate_offline_then_refine_and_reopen():
    at = generated(new_app())
    draft_id = at.query_params["draft"]
    assert draft_id
    assert at.header[0].value == "阳光社区2027年双拥工作计划"
    sections = texts(at)
    assert len(sections) == 5 and all(sections.values())
    draft = open_draft_store(get_settings()).load(draft_id)
    assert [s.text for s in draft.sections] == list(sections.values())

    # regenerate one section with an instruction: a new version, the old one kept
    at.text_input(key=f"instr_{draft_id}_2").input("突出退役军人服务站建设")
    at.button(key=f"regen_{draft_id}_2").click().run()
    assert not at.exception
    draft = open_draft_store(get_settings()).load(draft_id)
    assert len(draft.sections[2].versions) == 2
    assert draft.sections[2].versions[1].instruction == "突出退役军人服务站建设"
    assert [s.text for i, s in enumerate(draft.sections) if i != 2] == [
        t for i, t in enumerate(sections.values()) if i != 2
    ]

    # edit another section: saved as a version of its own
    key = next(k for k in texts(at) if k.startswith(f"text_{draft_id}_4_"))
    at.text_area(key=key).input("（一）加强组织领导。由社区党委书记负总责。").run()
    draft = open_draft_store(get_settings()).load(draft_id)
    assert draft.sections[4].text == "（一）加强组织领导。由社区党委书记负总责。"
    assert draft.sections[4].version.origin == "edit"

    # undo the regeneration
    at.button(key=f"undo_{draft_id}_2").click().run()
    draft = open_draft_store(get_settings()).load(draft_id)
    assert draft.sections[2].current == 0 and len(draft.sections[2].versions) == 2

    # lock a section: "全部重新生成" leaves it alone
    at.toggle(key=f"lock_{draft_id}_0").set_value(True).run()
    before = open_draft_store(get_settings()).load(draft_id)
    at.button(key="regen_all").click().run()
    assert not at.exception
    after = open_draft_store(get_settings()).load(draft_id)
    assert after.sections[0].locked
    assert len(after.sections[0].versions) == len(before.sections[0].versions)
    # The locked section is untouched; the others get a new version or, where the small
    # library has no unused material left for them, a message saying so (and keep their text).
    grown = [
        len(a.versions) - len(b.versions)
        for a, b in zip(after.sections, before.sections, strict=True)
    ]
    assert grown == [0, 0, 0, 1, 1]
    exhausted = [w.value for w in at.warning if "已没有新的范文组合" in w.value]
    assert [w.split("：")[0] for w in exhausted] == after.headings()[1:3]
    assert [s.text for s in after.sections[:3]] == [s.text for s in before.sections[:3]]

    # a new session (a refresh, another tab) with the URL shows the same draft
    again = new_app(draft=draft_id)
    assert not again.exception
    assert again.header[0].value == "阳光社区2027年双拥工作计划"
    assert list(texts(again).values()) == [s.text for s in after.sections]


def test_exports_carry_the_edited_text():
    from rag.export.files import render

    at = generated(new_app())
    draft_id = at.query_params["draft"]
    key = next(k for k in texts(at) if k.startswith(f"text_{draft_id}_1_"))
    at.text_area(key=key).input("（一）本社区自己写的目标。").run()
    draft = open_draft_store(get_settings()).load(draft_id)
    assert "（一）本社区自己写的目标。" in render(draft, ".md").decode("utf-8")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Word（公文格式）", "下载 Markdown", "下载纯文本", PACKAGE_LABEL]


def model_session(at: AppTest, base_url: str) -> AppTest:
    at.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    at.sidebar.selectbox(key="llm_provider").set_value("custom")
    at.sidebar.text_input(key="llm_model").input("fake-model")
    at.sidebar.text_input(key="llm_base_url").input(base_url)
    return at.run()


def test_generate_with_a_model_and_an_error_stays_on_its_section(fake_llm):
    fake_llm.add(match="“三、", status=401)
    at = model_session(new_app(), fake_llm.base_url)
    shown = " ".join(c.value for c in at.sidebar.caption)
    assert f"当前：模型 {literal('fake-model')}" in shown  # Markdown that shows it as typed
    at = generated(at)
    draft_id = at.query_params["draft"]
    draft = open_draft_store(get_settings()).load(draft_id)
    assert len(fake_llm.requests) == 5
    assert not draft.sections[2].version.complete
    assert "401" in draft.sections[2].version.error
    assert any("模型服务拒绝了访问（401）" in e.value for e in at.error)
    assert all(s.version.complete for i, s in enumerate(draft.sections) if i != 2)
    # the key typed in the session is never written to the drafts database
    at.sidebar.text_input(key="llm_api_key").input("sk-secret-typed-in-ui").run()
    asked = len(fake_llm.requests)
    at.button(key=f"regen_{draft_id}_0").click().run()
    assert len(fake_llm.requests) == asked + 1  # one section, one request
    raw = (get_settings().data_dir / "drafts.sqlite3").read_bytes()
    wal = get_settings().data_dir / "drafts.sqlite3-wal"
    assert b"sk-secret" not in raw and (not wal.exists() or b"sk-secret" not in wal.read_bytes())
    assert fake_llm.requests[-1]["messages"]  # the regeneration went to the model
    assert "一、指导思想" in fake_llm.requests[-1]["messages"][-1]["content"]


def test_test_connection_reports_success_and_failure(fake_llm):
    at = model_session(new_app(), fake_llm.base_url)
    fake_llm.add(reply="收到", times=1)
    at.sidebar.button(key="test_connection").click().run()
    assert any("连接成功" in s.value for s in at.sidebar.success)
    fake_llm.add(status=401)
    at.sidebar.button(key="test_connection").click().run()
    assert any("401" in e.value for e in at.sidebar.error)


def test_library_page_searches():
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    at.text_input(key="lib_query").input("春节走访慰问军烈属")
    at.button(key="lib_search").click().run()
    assert not at.exception
    shown = " ".join(t.value for t in at.text)
    assert "双拥" in shown


UPLOAD_TEXT = (
    "和谐社区禁毒宣传工作计划\n"
    "一、指导思想\n以创建无毒社区为目标，坚持预防为主、综合治理，筑牢社区禁毒防线。\n"
    "二、主要措施\n每季度组织禁毒志愿者开展入户宣传，发放禁毒知识手册，提高居民识毒防毒能力。\n"
    "三、保障措施\n明确分工，落实责任，加强督查考核，确保各项任务按期完成。"
)


def test_library_page_uploads_previews_saves_and_deletes_a_sample():
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    at.file_uploader[0].set_value(("禁毒计划.txt", UPLOAD_TEXT.encode("gbk"), "text/plain"))
    at.run()
    assert not at.exception and not at.error
    # the GBK file was decoded and cleaned; labels are suggested for review
    assert at.text_area(key="up_text").value.startswith("和谐社区禁毒宣传工作计划")
    assert at.selectbox(key="up_topic").value == "jindu"
    at.button(key="up_save").click().run()
    assert not at.exception and not at.error
    assert any("已保存并建立索引" in s.value for s in at.success)
    listed = [t.value for t in at.text if "禁毒" in t.value and "上传：禁毒计划.txt" in t.value]
    assert len(listed) == 1
    hits = state_library().retriever.search("禁毒志愿者入户宣传", k=3, topic="jindu")
    uploaded = [h for h in hits if h.doc_id.startswith("upload_")]
    assert uploaded
    at.button(key=f"del_upload_{uploaded[0].doc_id}").click().run()
    assert not at.exception
    assert not [t for t in at.text if "上传：禁毒计划.txt" in t.value]
    hits = state_library().retriever.search("禁毒志愿者入户宣传", k=5, topic="jindu")
    assert not [h for h in hits if h.doc_id.startswith("upload_")]


def state_library():
    from rag.factory import open_library

    return open_library(get_settings())


@pytest.mark.parametrize(
    "link", ["0123456789ab", "../../etc/passwd", "[登录](https://evil.example)"]
)
def test_a_stale_or_malformed_draft_link_shows_a_message_and_the_empty_form(link):
    at = new_app(draft=link)
    assert not at.exception
    assert any("找不到草稿" in w.value for w in at.warning)
    assert not any("evil" in w.value or ".." in w.value for w in at.warning)  # never echoed
    assert "draft" not in at.query_params
    assert at.text_input(key="form_community").value == ""
    assert not at.header  # no draft is shown


def test_my_drafts_lists_opens_and_deletes():
    first = generated(new_app())
    draft_id = first.query_params["draft"]
    at = new_app()
    at.sidebar.radio(key="page").set_value("我的草稿").run()
    assert any("阳光社区2027年双拥工作计划" in t.value for t in at.text)
    at.button(key=f"open_{draft_id}").click().run()
    assert at.query_params["draft"] == draft_id
    assert at.header[0].value == "阳光社区2027年双拥工作计划"
    at.sidebar.radio(key="page").set_value("我的草稿").run()
    at.button(key=f"delete_{draft_id}").click().run()
    assert draft_id in [d.id for d in open_draft_store(get_settings()).list()]  # not yet
    assert any("确定删除这份草稿吗" in w.value for w in at.warning)
    at.button(key=f"cancel_delete_{draft_id}").click().run()
    assert not any("确定删除" in w.value for w in at.warning)
    at.button(key=f"delete_{draft_id}").click().run()
    at.button(key=f"confirm_delete_{draft_id}").click().run()
    assert not at.exception
    assert draft_id not in [d.id for d in open_draft_store(get_settings()).list()]
    assert any("已删除草稿" in s.value and "回收站" in s.value for s in at.success)
    # the way back: the trash on the same page restores the draft whole
    at.button(key=f"restore_{draft_id}").click().run()
    assert not at.exception
    restored = open_draft_store(get_settings()).load(draft_id)
    assert restored.title == "阳光社区2027年双拥工作计划" and all(s.text for s in restored.sections)
    assert not [b for b in at.button if b.key == f"restore_{draft_id}"]


def test_my_drafts_tells_apart_drafts_of_the_same_title():
    import re

    first = generated(new_app()).query_params["draft"]
    second = generated(new_app()).query_params["draft"]
    at = new_app()
    at.sidebar.radio(key="page").set_value("我的草稿").run()
    lines = {d: next(t.value for t in at.text if d in t.value) for d in (first, second)}
    assert lines[first] != lines[second]
    for line in lines.values():
        assert re.search(r"最后修改 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line), line  # seconds
        assert "已写 5/5 节" in line


def test_the_facts_table_edits_become_profile_facts():
    from rag.plan.profile import make_profile
    from ui.profile_form import merge_editor_rows

    rows = [{"名称": "退役军人", "数值": "120"}, {"名称": "军烈属", "数值": "14"}]
    editor = {
        "edited_rows": {0: {"数值": "126"}},
        "deleted_rows": [1],
        "added_rows": [{"名称": "现役军人家庭", "数值": "9"}, {"名称": None, "数值": None}],
    }
    merged = merge_editor_rows(rows, editor)
    facts = [{"name": r.get("名称"), "value": r.get("数值")} for r in merged]
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "双拥", "facts": facts})
    assert profile.facts == {"退役军人": "126", "现役军人家庭": "9"}


def test_the_community_type_chosen_in_the_form_reaches_the_draft():
    at = fill(new_app())
    options = at.selectbox(key="form_community_type").options
    assert options[0] == "未选择" and options[1].startswith("老城区：")
    at.selectbox(key="form_community_type").set_value("老城区")
    at.button(key="generate").click().run()
    assert not at.exception
    draft = open_draft_store(get_settings()).load(at.query_params["draft"])
    assert draft.profile.community_type == "老城区"
    assert not any("未选择社区类型" in w.value for w in at.warning)


def test_offline_mode_says_what_an_instruction_can_do_and_downloads_warn_of_marks():
    from ui.draft_page import OFFLINE_INSTRUCTION

    at = generated(new_app())
    captions = [c.value for c in at.caption]
    assert captions.count(OFFLINE_INSTRUCTION) == 5  # one under each section's instruction
    draft = open_draft_store(get_settings()).load(at.query_params["draft"])
    from rag.drafting.pipeline import outline_of
    from rag.review.checks import check_draft

    marks = [
        f
        for f in check_draft(draft, outline_of(draft.profile))
        if f.kind in ("范文数字", "待补充", "范文专名", "类型用语")
    ]
    warning = [w.value for w in at.warning if "尚未处理" in w.value]
    assert marks and len(warning) == 1
    at.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    assert OFFLINE_INSTRUCTION not in [c.value for c in at.caption]


def test_control_characters_typed_into_a_section_never_reach_the_word_file():
    from docx import Document

    from rag.export.files import render

    at = generated(new_app())
    draft_id = at.query_params["draft"]
    key = next(k for k in texts(at) if k.startswith(f"text_{draft_id}_1_"))
    at.text_area(key=key).input("（一）加强\x01组织\x1b领导。\n（二）细化\x0c分工\x7f。").run()
    assert not at.exception
    draft = open_draft_store(get_settings()).load(draft_id)
    assert draft.sections[1].text == "（一）加强组织领导。\n（二）细化\n分工。"
    paragraphs = [p.text for p in Document(io.BytesIO(render(draft, ".docx"))).paragraphs]
    assert "（一）加强组织领导。" in paragraphs and "分工。" in paragraphs


def failing_retrieval(monkeypatch, error: Exception) -> None:
    import rag.drafting.pipeline as pipeline

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(pipeline, "retrieve_passages", fail)


def stored_drafts() -> dict[str, list[str]]:
    store = open_draft_store(get_settings())
    return {d.id: [s.text for s in store.load(d.id).sections] for d in store.list()}


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (LibraryIndexError("无法读取范文库索引：请重建索引后再试。"), "无法读取范文库索引"),
        (RuntimeError("chroma failed in /srv/secret/chroma.sqlite3"), "意外错误"),
    ],
)
def test_a_generation_that_fails_is_explained_keeps_the_form_and_leaves_no_draft(
    monkeypatch, error, shown
):
    before = stored_drafts()
    at = fill(new_app())
    failing_retrieval(monkeypatch, error)
    at.button(key="generate").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("生成计划没有完成" in e and shown in e for e in errors), errors
    assert not any("secret" in e for e in errors)  # an unexpected error's details stay in the log
    assert at.text_input(key="form_community").value == "阳光社区"
    assert at.text_area(key="form_priorities").value == "退役军人服务站规范化建设"
    assert "draft" not in at.query_params
    assert stored_drafts() == before


def test_regenerating_all_with_an_unusable_model_setting_is_explained_and_changes_nothing():
    at = generated(new_app())
    before = stored_drafts()
    at.sidebar.radio(key="llm_mode").set_value("调用模型").run()
    at.sidebar.selectbox(key="llm_provider").set_value("custom").run()  # no address: unusable
    at.button(key="regen_all").click().run()
    assert not at.exception
    assert any("重新生成没有完成" in e.value and "接口地址" in e.value for e in at.error)
    assert stored_drafts() == before


def test_a_save_that_fails_while_drafting_is_explained_and_leaves_no_empty_draft(monkeypatch):
    from rag.errors import PlanError
    from rag.plan.store import SQLiteDraftStore

    before = stored_drafts()
    save = SQLiteDraftStore.save
    calls = []

    def first_only(self, draft):
        calls.append(draft.id)
        if len(calls) > 1:
            raise PlanError("草稿保存失败：磁盘已满。请检查数据目录的磁盘空间和写入权限。")
        return save(self, draft)

    monkeypatch.setattr(SQLiteDraftStore, "save", first_only)
    at = fill(new_app())
    at.button(key="generate").click().run()
    assert not at.exception
    assert any("生成计划没有完成" in e.value and "磁盘已满" in e.value for e in at.error)
    new = {k: v for k, v in stored_drafts().items() if k not in before}
    assert all(any(texts) for texts in new.values())  # what was saved has text


def test_the_form_preselects_no_plan_type_and_shows_empty_cells_empty():
    at = new_app()
    topic = at.selectbox(key="form_topic")
    assert topic.value is None and topic.proto.placeholder == "请选择计划类型"
    assert not at.get("form")[0].proto.form.enter_to_submit  # no English "Press Enter" hint
    facts = at.get("dataframe")[0].proto
    assert facts.HasField("placeholder") and facts.placeholder == ""  # not "None"
    fill(at).selectbox(key="form_topic").set_value(None)
    at.number_input(key="form_year").set_value(1800)
    at.button(key="generate").click().run()
    errors = [e.value for e in at.error]
    assert "计划类型：请选择" in errors and "年度：应在 2000 至 2100 之间" in errors
    assert at.text_input(key="form_community").value == "阳光社区"
    assert "draft" not in at.query_params


def test_the_version_list_names_each_origin_once():
    at = generated(new_app())
    labels = [t.value for t in at.text if t.value.startswith("第1版")]
    assert len(labels) == 5
    assert all(label.startswith("第1版 · 离线组合 · ") for label in labels), labels


def test_a_section_cut_mid_stream_is_warned_of_before_the_download(fake_llm):
    fake_llm.add(match="“三、", cut_after=3)
    at = generated(model_session(new_app(), fake_llm.base_url))
    draft = open_draft_store(get_settings()).load(at.query_params["draft"])
    assert not draft.sections[2].version.complete and draft.sections[2].text
    heading = draft.headings()[2]
    warned = [w.value for w in at.warning if "未完成" in w.value and "【本节未完成】" in w.value]
    assert len(warned) == 1 and literal(heading) in warned[0], [w.value for w in at.warning]


def test_section_edits_and_instructions_are_bounded_with_a_counter():
    from rag.plan.draft import MAX_INSTRUCTION_CHARS, MAX_SECTION_CHARS
    from ui.draft_page import LIMITS

    at = generated(new_app())
    draft_id = at.query_params["draft"]
    key = next(k for k in texts(at) if k.startswith(f"text_{draft_id}_1_"))
    assert at.text_area(key=key).proto.max_chars == MAX_SECTION_CHARS
    instruction = at.text_input(key=f"instr_{draft_id}_1")
    assert instruction.proto.max_chars == MAX_INSTRUCTION_CHARS
    assert [c.value for c in at.caption].count(LIMITS) == 5
    assert "5000" in LIMITS and "200" in LIMITS
    at.text_area(key=key).set_value("很长的一段话。" * 1000).run()  # past the browser's limit
    saved = open_draft_store(get_settings()).load(draft_id).sections[1].text
    assert saved == ("很长的一段话。" * 1000)[:MAX_SECTION_CHARS]


def broken_library(monkeypatch, tmp_path) -> None:
    """The app's data folder holds a Chroma folder whose database is not a database."""
    chroma = tmp_path / "data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"not a database" * 200)
    monkeypatch.setenv("PLAN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()


def own_library(monkeypatch, tmp_path) -> Path:
    """A library of this test's own (the 消防 samples), the app's data folder; returns it."""
    root = tmp_path / "lib"
    corpus = small_corpus(root / "corpus", patterns=("xiaofang_0*.md",))
    settings = Settings(data_dir=root / "data", embedding="hash")
    ingest([corpus], ChunkStore.open(settings, HashEmbeddingFunction()))
    monkeypatch.setenv("PLAN_DATA_DIR", str(root / "data"))
    get_settings.cache_clear()
    return root / "data"


def test_an_unreadable_index_is_explained_on_the_first_page_and_the_form_is_kept(
    monkeypatch, tmp_path
):
    broken_library(monkeypatch, tmp_path)
    at = new_app()
    assert not at.exception
    assert any("无法打开范文库索引" in e.value and "rag ingest" in e.value for e in at.error)
    fill(at).button(key="generate").click().run()
    assert not at.exception
    assert any("生成计划没有完成" in e.value and "重建索引" in e.value for e in at.error)
    assert at.text_input(key="form_community").value == "阳光社区"
    assert at.text_area(key="form_priorities").value == "退役军人服务站规范化建设"
    assert "draft" not in at.query_params


def test_a_library_search_on_a_store_whose_collection_is_gone_is_explained(tmp_path, monkeypatch):
    from rag.index.store import open_client

    own_library(monkeypatch, tmp_path)
    at = new_app()
    assert not at.exception and not at.error
    at.sidebar.radio(key="page").set_value("范文库").run()
    client = open_client(get_settings())  # the app's own client (one per process and folder)
    for collection in client.list_collections():
        client.delete_collection(collection.name)
    at.text_input(key="lib_query").input("消防安全检查")
    at.button(key="lib_search").click().run()
    assert not at.exception
    # The first Chroma call of the search fails: the revision (re-read every 2 s) or the query.
    assert any(
        ("无法读取范文库索引" in e.value or "无法检索范文库索引" in e.value)
        and "rag ingest" in e.value
        for e in at.error
    )
    assert at.text_input(key="lib_query").value == "消防安全检查"


def test_unreadable_upload_files_are_listed_with_what_is_wrong_and_can_be_deleted(
    monkeypatch, tmp_path
):
    uploads = own_library(monkeypatch, tmp_path) / "uploads"
    uploads.mkdir()
    not_utf8 = uploads / "upload_aaaaaaaaaaaa.md"
    not_utf8.write_bytes(f"---\ntitle: 禁毒计划\n---\n{UPLOAD_TEXT}".encode("gbk"))
    (uploads / "upload_bbbbbbbbbbbb.md").write_text("没有文件头", encoding="utf-8")
    # listed by the folder, gone when read (a link whose file was deleted meanwhile)
    (uploads / "upload_cccccccccccc.md").symlink_to(uploads / "deleted.md")
    (uploads / "upload_dddddddddddd.md").mkdir()  # not a file: reading it fails
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    for doc_id, problem in [
        ("aaaaaaaaaaaa", "不是 UTF\\-8 编码"),
        ("bbbbbbbbbbbb", "缺少 YAML 文件头"),
        ("cccccccccccc", "已不在上传文件夹中"),
        ("dddddddddddd", "无法读取"),
    ]:
        assert f"upload\\_{doc_id}：" in notes and problem in notes, (doc_id, notes)
        assert at.button(key=f"del_upload_upload_{doc_id}")
    at.button(key="del_upload_upload_aaaaaaaaaaaa").click().run()
    assert not at.exception
    assert not not_utf8.exists()
    assert any("已删除" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "del_upload_upload_aaaaaaaaaaaa"]
    at.button(key="del_upload_upload_dddddddddddd").click().run()  # a folder cannot be unlinked
    assert not at.exception
    assert any("文件无法删除" in e.value for e in at.error)


def test_drafts_removed_while_the_app_runs_leave_an_empty_list_not_an_error(monkeypatch, tmp_path):
    data = own_library(monkeypatch, tmp_path)
    at = fill(new_app(), topic="xiaofang").button(key="generate").click().run()
    assert not at.exception and at.query_params["draft"]
    for name in ("drafts.sqlite3", "drafts.sqlite3-wal", "drafts.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    at.run()  # the open draft is gone: said so, and the form is there to start again
    assert not at.exception
    assert any("找不到草稿" in w.value for w in at.warning)
    at.sidebar.radio(key="page").set_value("我的草稿").run()
    assert not at.exception and not at.error
    at.sidebar.radio(key="page").set_value("起草").run()
    fill(at, topic="xiaofang").button(key="generate").click().run()
    assert not at.exception and at.query_params["draft"]
    assert [d.id for d in open_draft_store(get_settings()).list()] == [at.query_params["draft"]]


def test_an_edit_saved_in_another_window_during_a_regeneration_is_kept_and_told(monkeypatch):
    from rag.drafting import service

    at = generated(new_app())
    draft_id = at.query_params["draft"]
    real = service.regenerate_section

    def other_window_edits_meanwhile(draft, index, **kwargs):
        other = open_draft_store(get_settings()).load(draft_id)
        other.sections[index].edit("另一个窗口在重新生成期间改的文字。")
        other.sections[0].edit("另一个窗口改的指导思想。")
        open_draft_store(get_settings()).save(other)
        return real(draft, index, **kwargs)

    monkeypatch.setattr(service, "regenerate_section", other_window_edits_meanwhile)
    at.button(key=f"regen_{draft_id}_3").click().run()
    assert not at.exception
    [told] = [w.value for w in at.warning if "在另一个窗口中也修改过" in w.value]
    assert told.startswith("四、")
    kept = open_draft_store(get_settings()).load(draft_id)
    texts_of_four = [v.text for v in kept.sections[3].versions]
    assert "另一个窗口在重新生成期间改的文字。" in texts_of_four
    assert kept.sections[3].version.origin == "composer" and len(texts_of_four) == 3
    assert kept.sections[0].text == "另一个窗口改的指导思想。"  # changed on one side only


RAW_PAGES = REPO_ROOT / "tests" / "data" / "raw_pages"


def test_library_page_imports_a_pasted_compilation_with_a_preview(tmp_path, monkeypatch):
    own_library(monkeypatch, tmp_path)
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    at.button(key="paste_preview").click().run()
    assert any("请先把网页上的文字粘贴" in w.value for w in at.warning)
    page = (RAW_PAGES / "jindu_compilation.txt").read_text(encoding="utf-8")
    at.text_area(key="paste_text_0").input(page).run()
    at.button(key="paste_preview").click().run()
    assert not at.exception and not at.error
    assert any("找到 3 篇文档" in s.value for s in at.success)
    assert any("站点套话 1 处" in c.value and "导航与页面按钮 3 处" in c.value for c in at.caption)
    # the page, its removed parts highlighted with the rule that removed them
    shown = " ".join(m.value for m in at.markdown)
    assert ":red-background[" in shown and "（导航与页面按钮）" in shown
    assert (
        at.text_input(key="paste_title_0_1").value == "社区戒毒康复人员帮扶工作计划（网络范文·二）"
    )
    assert at.selectbox(key="paste_kind_0_0").value == "计划"
    assert at.selectbox(key="paste_topic_0_2").value == "jindu"
    assert at.text_area(key="paste_body_0_0").value.startswith("社区禁毒宣传教育工作计划\n")
    assert any("指导思想、任务措施、保障" in c.value for c in at.caption)
    at.checkbox(key="paste_keep_0_1").uncheck()
    at.text_input(key="paste_title_0_2").input("禁毒示范创建计划（自拟标题）")
    at.button(key="paste_save").click().run()
    assert not at.exception and not at.error
    assert any("已保存并建立索引 2 篇" in s.value for s in at.success)
    listed = [t.value for t in at.text if "上传：粘贴文本" in t.value]
    assert len(listed) == 2 and any("禁毒示范创建计划（自拟标题）" in t for t in listed)
    assert at.text_area(key="paste_text_1").value == ""  # a fresh paste area after saving


def test_library_page_keeps_a_school_page_out_of_drafting(tmp_path, monkeypatch):
    own_library(monkeypatch, tmp_path)
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    page = (RAW_PAGES / "school_outing.txt").read_text(encoding="utf-8")
    at.text_area(key="paste_text_0").input(page).run()
    at.button(key="paste_preview").click().run()
    assert any("不是社区的文档（学校）" in w.value for w in at.warning)
    assert at.checkbox(key="paste_keep_0_0").value is False
    at.button(key="paste_save").click().run()
    assert any("没有勾选要保存的文档" in w.value for w in at.warning)
    assert at.text_area(key="paste_text_0").value == page  # nothing the user pasted is lost


def test_an_uploaded_page_shows_what_cleaning_removed_and_whose_it_is(tmp_path, monkeypatch):
    own_library(monkeypatch, tmp_path)
    at = new_app()
    at.sidebar.radio(key="page").set_value("范文库").run()
    page = (RAW_PAGES / "school_outing.txt").read_bytes()
    at.file_uploader[0].set_value(("重阳活动.txt", page, "text/plain")).run()
    assert not at.exception and not at.error
    assert any("署名与发布信息 1 处" in c.value for c in at.caption)
    assert any("不是社区的文档（学校）" in w.value for w in at.warning)
    assert "发布日期" not in at.text_area(key="up_text").value
