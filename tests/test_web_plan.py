"""Another community's real web plan saved as an upload serves an offline draft without leaking:
its garrison, street, anniversary, brands and counts reach the draft only as a generic role
(驻地部队, 辖区学校, 武装部) or marked by a finding, and no sentence starts with what is left
of its enumeration (一是, 二是打…牌, 首先, 其次)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import draft_sections, new_draft, outline_of
from rag.index.ingest import ingest, save_upload
from rag.index.retrieve import Retriever
from rag.library.uploads import preview_upload
from rag.plan.profile import make_profile
from rag.plan.specifics import specifics
from rag.review.checks import check_draft
from rag.text.zh import sentences, unnumbered
from tests.conftest import small_corpus

PAGE = Path(__file__).parent / "data" / "web_plans" / "dongguan_shuangyong.txt"
# What the page says of its own community, written down by hand: none may reach a plan for
# another community unmarked.
OWN_TO_THE_PAGE = [
    "东关社区",
    "解放路",
    "警卫连",
    "警卫营",
    "武警中队",
    "军分区",
    "共建30周年",
    "兵妈妈",
    "智力拥军",
    "军嫂之家",
    "156名",
    "43户",
    "8块",
    "2万元",
]
ENUMERATION_LEFT = re.compile(r"^(?:[一二三四五六七八九十]+是|首先|其次|再次|最后|打“)")
# The first 双拥 samples and the seed pages beside the upload: the library the test was
# written around (a larger one is free to outrank the page for some sections).
LIBRARY = ("shuangyong_0*.md", "shuangyong_9*.md", "seed_*.md")
PROFILE = {
    "community": "青石社区",
    "parent": "泉州市鲤城区开元街道",
    "year": 2027,
    "topic": "双拥",
    "community_type": "老城区",
    "facts": {"退役军人": "88"},
    # what the page is about, so that its sentences are the best material
    "priorities": ["光荣牌悬挂", "国防教育进校园", "官兵知识竞赛", "支部共建"],
    "date": "2027年1月8日",
}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    from rag.config import Settings
    from rag.index.embeddings import HashEmbeddingFunction
    from rag.index.store import ChunkStore

    root = tmp_path_factory.mktemp("web_plan")
    settings = Settings(data_dir=root / "data", embedding="hash", collection="web_plan")
    store = ChunkStore.open(settings, HashEmbeddingFunction())
    ingest([small_corpus(root / "corpus", LIBRARY)], store)
    preview = preview_upload(PAGE.read_bytes(), "东关社区双拥工作计划.txt")
    path, _ = save_upload(preview, store, settings)
    writer, retriever = Composer(), Retriever(store).scoped("")  # the shared library
    draft = new_draft(make_profile(PROFILE), writer)
    draft_sections(draft, retriever=retriever, writer=writer, concurrency=1)
    findings = check_draft(draft, outline_of(draft.profile), retriever.rare_terms)
    return preview, path.stem, draft, findings


def test_the_page_is_saved_as_a_community_plan_without_the_sites_furniture(drafted):
    preview, _, _, _ = drafted
    assert (preview.kind, preview.topic, preview.scope) == ("计划", "shuangyong", "社区")
    for furniture in ("当前位置", "发布时间", "上一篇", "免责声明"):
        assert furniture not in preview.text
    # the page holds every kind of specific the draft must not take over
    found = {s.word for line in preview.text.split("\n") for s in specifics(line)}
    assert {"警卫连", "共建30周年", "兵妈妈", "军嫂之家", "解放路小学"} <= found


def test_the_draft_uses_the_page_in_a_form_true_for_the_users_community(drafted):
    _, _, draft, _ = drafted
    text = "\n".join(s.text for s in draft.sections)
    # the page's sentences, their garrison and school said by their role
    assert "与驻地部队官兵一起举办知识竞赛" in text
    assert "联合辖区学校开展国防教育进校园活动，邀请驻地部队官兵讲授国防知识。" in text
    assert "为军属家庭悬挂光荣牌，做到应挂尽挂。" in text


def test_none_of_the_pages_specifics_reaches_the_draft_unmarked(drafted):
    preview, _, draft, findings = drafted
    text = "\n".join([draft.title, draft.preamble, *(s.text for s in draft.sections)])
    marked = " ".join(item for f in findings for item in f.items)
    own = {s.word for line in preview.text.split("\n") for s in specifics(line)}
    leaked = [w for w in sorted(own | set(OWN_TO_THE_PAGE)) if w in text and w not in marked]
    assert leaked == []


def test_no_sentence_starts_with_what_is_left_of_an_enumeration(drafted):
    _, _, draft, _ = drafted
    starts = [
        s
        for section in draft.sections
        for line in section.text.split("\n")
        for s in sentences(unnumbered(line))
        if ENUMERATION_LEFT.match(s)
    ]
    assert starts == []


def test_the_pages_sentences_name_it_as_their_source_and_what_was_replaced(drafted):
    _, upload_id, draft, _ = drafted
    taken = {
        s.text.strip(): s.source
        for section in draft.sections
        for s in section.version.sentences
        if s.source.get("doc_id") == upload_id
    }
    contest = next(src for text, src in taken.items() if "一起举办知识竞赛" in text)
    assert contest["kind"] == "范文" and contest["how"] == "改写"
    assert ["警卫连", "驻地部队"] in contest["replaced"]
    # the sections that took the page's sentences list it among their passages
    for section in draft.sections:
        if any(s.source.get("doc_id") == upload_id for s in section.version.sentences):
            assert upload_id in {p.doc_id for p in section.version.passages}


def test_the_pages_sentences_copied_as_they_stand_are_marked(drafted):
    """What a model (or a user pasting) takes over unadapted is marked: the garrison, the
    anniversary, the pair, the street, the school, the brand."""
    from rag.plan.draft import Draft

    _, _, drafted_plan, _ = drafted
    draft = Draft.from_dict(drafted_plan.to_dict())
    copied = (
        "以东关社区与驻地警卫连共建30周年为契机，深化军民共建。"
        "二是打“智力拥军”牌，与警卫连官兵一起举办知识竞赛。"
        "东关社区与武警中队结对，共建“军嫂之家”。"
        "配合市军分区做好兵役登记，联合解放路小学开展国防教育。"
    )
    draft.sections[0].edit(copied)
    marked = {
        item
        for f in check_draft(draft, outline_of(draft.profile))
        if f.section == draft.headings()[0]
        for item in f.items
    }
    for words in (
        "智力拥军",
        "警卫连",
        "共建30周年",
        "东关社区与武警中队结对",
        "军分区",
        "解放路小学",
    ):
        assert any(words in item for item in marked), words
