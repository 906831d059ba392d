"""The reader's figures of `rag eval`: priorities with real content, 【待补充】 marks, items
that say the same thing twice."""

from __future__ import annotations

from collections import Counter

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft
from rag.plan.draft import Version
from rag.plan.profile import make_profile
from rag.plan.sources import Sentence
from rag.review.quality import DraftReport, draft_report, format_reports, section_items

TASKS = (
    "（一）春节走访慰问。本社区现有军烈属9名。网格员每季度上门走访军烈属1次。\n"
    "（二）退役军人服务站规范化建设。本社区现有退役军人85名。【待补充：具体做法】\n"
    "（三）征兵宣传和兵役登记。组织网格员入户宣传征兵政策。\n"
    "（四）把征兵工作抓早抓实。配合武装部做好体检政考。"
)
GUARANTEES = "（一）落实资金保障。拥军经费纳入预算。\n（二）加强组织领导。成立领导小组。"


def draft(tasks=TASKS, guarantees=GUARANTEES):
    profile = make_profile(
        {
            "community": "芙蓉街社区",
            "year": 2027,
            "topic": "双拥",
            "priorities": ["春节走访慰问", "退役军人服务站规范化建设"],
        }
    )
    d = new_draft(profile, Composer())
    for section in d.sections:
        text = {"任务措施": tasks, "保障": guarantees}.get(section.role, "加强组织领导。")
        section.add(Version(text, "composer"))
    return d


def test_items_are_read_with_their_sub_items():
    items = section_items("（一）甲项。做甲。\n1.做甲一。\n（二）乙项。做乙。")
    assert items == [("甲项", "甲项。做甲。做甲一。"), ("乙项", "乙项。做乙。")]


def test_a_report_counts_priorities_with_content_marks_and_near_duplicates():
    report = draft_report("芙蓉街", draft(), [], 0.5)
    assert (report.priorities_filled, report.priorities) == (1, 2)  # the fact alone is no measure
    assert report.placeholders == 1
    assert report.near_duplicates == [("征兵宣传和兵役登记", "把征兵工作抓早抓实")]


def test_a_meaning_comparison_adds_pairs_the_words_miss():
    same = {frozenset({"落实资金保障", "加强组织领导"})}
    report = draft_report("芙蓉街", draft(), [], 0.5, lambda a, b: frozenset({a, b}) in same)
    assert ("落实资金保障", "加强组织领导") in report.near_duplicates


def test_the_report_prints_the_reader_s_figures_and_the_pairs():
    report = DraftReport("甲", Counter({"待补充": 1}), 10, 1, 0.5, 2, 1, 3, [("a", "b")])
    text = format_reports([report])
    assert "重点有内容 1/2，待补充 3，近似重复 1" in text
    assert "甲：a ≈ b" in text


def test_the_report_counts_sentences_by_their_source():
    d = draft()
    sample = {"kind": "范文", "doc_id": "d", "chunk_id": "d::1", "how": "改写"}
    d.sections[0].add(
        Version(
            "加强组织领导。走访慰问。",
            "composer",
            sentences=[
                Sentence("加强组织领导。", sample),
                Sentence("走访慰问。", {"kind": "社区信息", "field": "priorities"}),
            ],
        )
    )
    report = draft_report("芙蓉街", d, [], 0.5)
    assert report.sources["范文·改写"] == 1 and report.sources["社区信息"] == 1
    assert report.sources["未知"] > 0  # the other sections' versions have no sources
    assert "句子的依据：" in format_reports([report]) and "范文·改写 1" in format_reports([report])
