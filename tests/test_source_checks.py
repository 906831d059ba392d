"""Checks that read the sentence sources: a sample's own words still said, and a model's
sentence that rests on nothing but states a figure, a date or a name."""

from __future__ import annotations

from rag.drafting import service
from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft, outline_of
from rag.index.terms import rare_terms_by_doc
from rag.plan.draft import Passage, Version
from rag.plan.profile import make_profile
from rag.plan.sources import CALENDAR, PROFILE, Sentence, model_sentences, source
from rag.review.checks import check_draft

PROFILE_DATA = {
    "community": "芙蓉街社区",
    "parent": "济南市历下区大明湖街道",
    "year": 2027,
    "topic": "双拥",
    "community_type": "老城区",
    "facts": {"退役军人": "85"},
    "date": "2027年1月10日",
}
WEB = Passage(
    "web_01::00002",
    "web_01",
    "某社区双拥工作计划",
    "主要任务",
    "与警卫连官兵一起举办知识竞赛。依托“巧手匠”志愿服务队开展活动。",
)
LIBRARY = [
    ("web_01", WEB.text + "在云栖苑开展国防教育。"),
    ("shuangyong_01", "与驻地部队官兵一起举办知识竞赛。开展国防教育，走访慰问优抚对象。"),
    ("shuangyong_02", "走访慰问优抚对象，开展国防教育，举办知识竞赛。"),
]
RARE = rare_terms_by_doc(LIBRARY)


def rare(doc_id: str) -> frozenset[str]:
    return RARE.get(doc_id, frozenset())


def draft_with(version: Version):
    draft = new_draft(make_profile(PROFILE_DATA), Composer())
    draft.sections[2].add(version)
    return draft


def found(draft, kind: str) -> list[list[str]]:
    findings = check_draft(draft, outline_of(draft.profile), rare)
    return [f.items for f in findings if f.kind == kind]


def test_the_rare_terms_of_a_document_are_its_own_names():
    assert {"警卫连", "云栖苑", "巧手匠"} <= RARE["web_01"]
    assert "知识竞赛" not in RARE["web_01"]  # the other samples say it too
    assert "警卫连" not in RARE["shuangyong_01"]


def test_a_sample_sentence_still_saying_its_samples_words_is_a_finding():
    taken = source("范文", doc_id="web_01", chunk_id=WEB.id, how="原句")
    text = "与警卫连官兵一起举办知识竞赛。走访慰问优抚对象。"
    version = Version(
        text,
        "composer",
        sentences=[
            Sentence("与警卫连官兵一起举办知识竞赛。", taken),
            Sentence("走访慰问优抚对象。", source(CALENDAR, what="提纲")),
        ],
        given=[WEB],
    )
    assert found(draft_with(version), "范文独有词") == [["警卫连"]]


def test_the_same_words_from_the_profile_are_no_finding():
    text = "与警卫连官兵一起举办知识竞赛。"
    version = Version(
        text, "edit", sentences=[Sentence(text, source(PROFILE, field="notes"))], given=[]
    )
    assert found(draft_with(version), "范文独有词") == []


def test_a_model_sentence_that_follows_a_sample_is_checked_like_the_samples():
    text = "与警卫连官兵一起举办知识竞赛，增进军民感情。"
    version = Version(text, "model", sentences=model_sentences(text, [WEB]), given=[WEB])
    assert version.sentences[0].source["chunk_id"] == WEB.id
    assert found(draft_with(version), "范文独有词") == [["警卫连"]]


def test_a_model_sentence_on_nothing_with_a_figure_or_a_name_is_a_finding():
    text = (
        "社区计划于6月15日组织120名居民参加演练。"  # a date and a figure from nowhere
        "组织85名退役军人参加座谈。"  # the profile's figure
        "定期走访慰问优抚对象。"  # nothing to check
    )
    version = Version(text, "model", sentences=model_sentences(text, [WEB]), given=[WEB])
    assert found(draft_with(version), "无依据") == [["社区计划于6月15日组织120名居民参加演练。"]]


def test_without_the_library_the_sample_words_check_is_skipped():
    taken = source("范文", doc_id="web_01", chunk_id=WEB.id, how="原句")
    text = "与警卫连官兵一起举办知识竞赛。"
    version = Version(text, "composer", sentences=[Sentence(text, taken)], given=[WEB])
    draft = draft_with(version)
    assert "范文独有词" not in {f.kind for f in check_draft(draft, outline_of(draft.profile))}


def test_a_kind_of_thing_alone_is_no_name():
    rare = rare_terms_by_doc([("a", "配合街道武装部做好征兵工作。"), ("b", "与警卫连共建。")])
    assert "武装部" not in rare["a"] and "警卫连" in rare["b"]


def test_the_service_checks_with_the_retrievers_rare_terms():
    taken = source("范文", doc_id="web_01", chunk_id=WEB.id, how="原句")
    text = "与警卫连官兵一起举办知识竞赛。"
    draft = draft_with(Version(text, "composer", sentences=[Sentence(text, taken)], given=[WEB]))

    class Library:
        owner = ""
        rare_terms = staticmethod(rare)

    kinds = {f.kind for f in service.findings(draft, Library())}
    assert "范文独有词" in kinds
    assert "范文独有词" not in {f.kind for f in service.findings(draft)}
