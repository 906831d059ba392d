"""Raw pages in the shapes of real 范文 sites (written for these tests): cleaned, split, labelled,
and a prose plan without headings used by drafting for the sections it covers."""

import subprocess
from pathlib import Path

import pytest

from rag.config import Settings
from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft, retrieve_passages
from rag.index.embeddings import HashEmbeddingFunction
from rag.index.ingest import ingest
from rag.index.retrieve import Retriever
from rag.index.store import ChunkStore
from rag.library.chunking import chunk_document
from rag.library.corpus import parse_corpus_text, write_corpus
from rag.library.importing import folder_report, import_raw, suspicious_lines
from rag.plan.outlines import load_outlines
from rag.plan.profile import Profile
from rag.text.clean import clean_text
from tests.conftest import PYTHON

PAGES = Path(__file__).parent / "data" / "raw_pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.txt"))


def _raw(name: str) -> str:
    return (PAGES / f"{name}.txt").read_text(encoding="utf-8")


def _expected(name: str) -> str:
    return (PAGES / "expected" / f"{name}.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("name", NAMES)
def test_page_cleans_to_its_expected_text(name):
    assert clean_text(_raw(name)) == _expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_is_idempotent(name):
    assert clean_text(_expected(name)) == _expected(name)
    # saving a reviewed document cleans its body again: it must come out the same
    for d in import_raw(_raw(name), name).documents:
        assert clean_text(d.doc.body) == d.doc.body


def test_prose_plan_comes_out_as_the_text_it_was_made_from():
    # The raw page is this text converted to Traditional (a few 著 left in half-converted
    # sentences) with a site's furniture around it: cleaning must give back every sentence.
    source = (
        "社区消防安全工作计划\n"
        "为切实做好本年度社区消防安全工作，本着预防为主、防消结合的方针，"
        "以深入贯彻上级关于基层消防安全治理的部署为指导，结合社区楼院老旧、独居老人较多的实际，"
        "特制定本计划。"
    )
    assert _expected("prose_plan_trad").startswith(source)
    assert "本著" in _raw("prose_plan_trad") and "接著" in _raw("prose_plan_trad")
    assert "接着完善微型消防站器材配备" in _expected("prose_plan_trad")
    assert "4.着力抓好宣传教育。" in _expected("prose_plan_trad")


# Page → {rule: fragments each removal of that rule must show, in order}
REMOVED = {
    "leifeng_site": {
        "navigation": ["当前位置", "上一篇", "下一篇", "相关推荐"],
        "byline": ["人气", "发布时间", "周晓岚"],
        "boilerplate": ["小编"],
        "watermark": ["文秘365", "文秘365"],
        "repeated_title": ["社区学雷锋志愿服务活动方案"],
        "footer": ["Copyright", "ICP", "交文档"],
    },
    "prose_plan_trad": {
        "watermark": ["公文宝库网"],
        "navigation": ["首页", "字体", "下载", "相关文章", "禁毒", "综治"],
        "byline": ["来源"],
        "repeated_title": ["社区消防安全工作计划"],
        "boilerplate": ["更多"],
        "footer": ["版权所有", "ICP"],
    },
    "jindu_compilation": {
        "boilerplate": ["小编"],
        "navigation": ["的人还看了", "工作总结", "宣传标语"],
    },
    "school_outing": {"byline": ["发布日期"]},
    "blog_essay": {"byline": ["发表于"], "navigation": ["上一篇", "下一篇"]},
}


@pytest.mark.parametrize("name", sorted(REMOVED))
def test_each_rule_removed_what_the_site_added(name):
    removed = import_raw(_raw(name), name).removed_by_rule()
    assert set(removed) == set(REMOVED[name])
    for rule, fragments in REMOVED[name].items():
        assert len(removed[rule]) == len(fragments), (rule, removed[rule])
        for text, fragment in zip(removed[rule], fragments, strict=True):
            assert fragment in text
            if rule != "repeated_title":  # the title itself stays, once
                assert text not in _expected(name).split("\n")


def test_watermark_inside_a_sentence_is_cut_and_the_sentence_mended():
    assert "开展一次“邻里互助共建整洁楼道”的宣传" in _expected("leifeng_site")
    assert "文秘" not in _expected("leifeng_site")


# Page → [(kind, topic, scope, roles)] of its documents
DOCUMENTS = {
    "leifeng_site": [("方案", "leifeng", "社区", ["指导思想", "安排", "任务措施", "保障"])],
    "prose_plan_trad": [
        ("计划", "xiaofang", "社区", ["指导思想", "目标", "任务措施", "安排", "保障"])
    ],
    "jindu_compilation": [("计划", "jindu", "社区", ["指导思想", "任务措施", "保障"])] * 3,
    "chongyang_compilation": [
        ("方案", "laoling", "社区", ["指导思想", "安排", "任务措施"]),
        ("方案", "laoling", "社区", ["指导思想", "安排", "保障"]),
    ],
    "school_outing": [("方案", "laoling", "学校", ["其他"])],
    "blog_essay": [("调研报告", "leifeng", "个人随笔", ["其他"])],
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_are_found_and_labelled(name):
    imp = import_raw(_raw(name), name)
    found = [(d.doc.kind, d.doc.topic, d.doc.scope, d.roles) for d in imp.documents]
    assert found == DOCUMENTS[name]


def test_compilation_documents_keep_their_own_titles_and_every_line():
    imp = import_raw(_raw("jindu_compilation"), "jindu")
    titles = [d.doc.title for d in imp.documents]
    assert titles == [
        "社区禁毒宣传教育工作计划（网络范文·一）",
        "社区戒毒康复人员帮扶工作计划（网络范文·二）",
        "社区禁毒示范创建工作计划（网络范文·三）",
    ]
    bodies = "\n".join(d.doc.body for d in imp.documents).split("\n")
    marker_lines = {"社区禁毒工作计划精选3篇"} | {
        line for line in _expected("jindu_compilation").split("\n") if line.startswith("篇")
    }
    plan_lines = [
        line for line in _expected("jindu_compilation").split("\n") if line not in marker_lines
    ]
    assert [line for line in bodies if not line.startswith("社区") or "。" in line] == [
        line for line in plan_lines if not line.startswith("社区") or "。" in line
    ]
    assert imp.preface == "社区禁毒工作计划精选3篇"


def test_ordinal_markers_after_a_shared_title_split_the_compilation():
    imp = import_raw(_raw("chongyang_compilation"), "chongyang")
    assert [d.doc.body.split("\n")[:2] for d in imp.documents] == [
        ["社区重阳节敬老活动方案", "一、活动主题"],
        ["社区重阳节敬老活动方案", "一、活动目的"],
    ]


def test_prose_plan_paragraphs_get_roles_by_content():
    imp = import_raw(_raw("prose_plan_trad"), "prose")
    (doc,) = imp.documents
    assert doc.roles_from_content
    chunks = chunk_document(doc.doc)
    by_role = {c.role: c for c in chunks}
    assert "目标是" in by_role["目标"].text and by_role["目标"].section == "工作目标"
    assert "1月至2月" in by_role["安排"].text and by_role["安排"].section == "工作安排"
    assert "领导小组" in by_role["保障"].text
    assert by_role["任务措施"].text.startswith("1.开展电气线路隐患排查")
    assert "特制定本计划" in by_role["指导思想"].text
    # Nothing of the plan is lost between chunks.
    assert "\n".join(c.text for c in chunks) == doc.doc.body


def test_non_community_documents_are_never_retrieved_for_drafting(tmp_path):
    store = _store_with(tmp_path, ["school_outing", "blog_essay"])
    retriever = Retriever(store)
    assert retriever.search("重阳节 敬老 慰问", k=5)  # still in the library
    for role in ("指导思想", "目标", "任务措施", "安排", "保障"):
        assert retriever.search("重阳节 敬老 慰问 志愿者", k=5, role=role) == []


def test_drafting_uses_a_prose_plan_for_the_sections_it_covers(tmp_path):
    store = _store_with(tmp_path, ["prose_plan_trad"])
    retriever = Retriever(store).scoped("")
    profile = Profile(community="青石社区", topic="xiaofang", year=2027)
    outline = load_outlines()["xiaofang"]
    for index, section in enumerate(outline.sections):
        passages, _ = retrieve_passages(retriever, outline, index, profile, k=3, exclude=set())
        assert passages, section.title
        assert all(p.doc_id == "prose" for p in passages)
        assert {p.section for p in passages} == {
            {"指导思想": "指导思想", "目标": "工作目标", "任务措施": "主要任务"}.get(
                section.role, {"安排": "工作安排", "保障": "保障措施"}.get(section.role)
            )
        }
    writer = Composer()
    draft = draft_sections(new_draft(profile, writer), retriever=retriever, writer=writer)
    used = {s.title: {p.doc_id for p in s.version.passages} for s in draft.sections}
    assert used["指导思想"] == used["主要任务"] == used["保障措施"] == {"prose"}, used
    assert all(ids <= {"prose", "outline:xiaofang"} for ids in used.values()), used


def _store_with(tmp_path, names):
    settings = Settings(data_dir=tmp_path, embedding="hash", collection="raw_pages")
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    folder = tmp_path / "corpus"
    docs = []
    for name in names:
        stem = "prose" if name == "prose_plan_trad" else name
        docs += [d.doc for d in import_raw(_raw(name), name, stem).documents]
    ingest(write_corpus(docs, folder), store)
    for path in folder.glob("*.md"):
        assert parse_corpus_text(path.read_text(encoding="utf-8"), path.stem).body
    return store


def test_folder_report_counts_rules_documents_and_suspicious_lines():
    report = folder_report(PAGES)
    assert "（6 个文件）" in report
    assert "站名水印（watermark）：删除 3 处" in report
    assert "文档 9 篇，其中可用于社区起草 7 篇，按内容判断章节的 1 篇" in report
    assert "非社区文档（学校）" in report and "非社区文档（个人随笔）" in report
    assert "舍弃·合集开头（第一篇之前的文字）：社区重阳节敬老活动方案（通用2篇）" in report


def test_suspicious_lines_are_what_still_looks_like_a_site_or_broken():
    text = (
        "社区开展消防宣传，详见www.example.com。\n"
        "联系电话见社区公示栏。\n"
        "组织网格员每月巡查一次，发现隐患及时登记整改并跟踪复查，确保隐患动态清零直到所有楼院都完成\n"
        "於是社区組織居民學習。\n"
        "活动于20_年举行。"
    )
    assert [why for why, _ in suspicious_lines(text)] == [
        "网址或域名",
        "句子不完整（可能被网页截断）",
        "繁体字",
        "未统一的占位符",
    ]


def test_import_raw_from_standard_input_and_from_a_file(tmp_path):
    out = tmp_path / "corpus"
    run = subprocess.run(
        [PYTHON, "-m", "rag", "import-raw", "-", "--out", str(out)],
        input=_raw("jindu_compilation"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.glob("*.md")) == [f"paste_0{n}.md" for n in (1, 2, 3)]
    assert "删除·站点套话 1 处" in run.stderr and "文档3：社区禁毒示范创建工作计划" in run.stderr
    dry = subprocess.run(
        [PYTHON, "-m", "rag", "import-raw", str(PAGES / "school_outing.txt"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dry.returncode == 0, dry.stderr
    assert "scope: 学校" in dry.stdout and "非社区文档（学校），不用于起草" in dry.stderr
    empty = subprocess.run(
        [PYTHON, "-m", "rag", "import-raw", "-"], input="  \n", capture_output=True, text=True
    )
    assert empty.returncode == 2 and "标准输入没有内容" in empty.stderr
