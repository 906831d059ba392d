"""Structure from content: roles of a prose plan's paragraphs, and whose document it is."""

import pytest

from rag.library.structure import COMMUNITY, document_scope, paragraph_role, prose_roles
from tests.test_corpus import DOCS


@pytest.mark.parametrize(
    ("paragraph", "role"),
    [
        (
            "为进一步做好社区双拥工作，以习近平新时代中国特色社会主义思想为指导，特制定本计划。",
            "指导思想",
        ),
        ("全年力争辖区矛盾纠纷调解成功率达到98%以上，不发生重大群体性事件。", "目标"),
        ("3月至4月开展春季排查，5月至6月集中整治，9月至10月组织复查，12月总结。", "安排"),
        ("成立以社区书记为组长的领导小组，落实责任制，所需经费列入年度预算。", "保障"),
        ("组织网格员开展入户走访，建立困难家庭台账，落实帮扶措施。", "任务措施"),
        ("天气晴朗。", None),
    ],
)
def test_paragraph_role_by_content(paragraph, role):
    assert paragraph_role(paragraph) == role


def test_items_are_tasks_and_quiet_paragraphs_continue_the_role_before():
    lines = [
        "社区禁毒工作计划",
        "为切实做好禁毒工作，结合社区实际，特制定本计划。",
        "今年的目标是辖区禁毒知识知晓率达到90%以上。",
        "社区将从以下几方面入手。",
        "1.开展禁毒宣传进楼院活动。",
        "2.2月至3月、6月、11月至12月分三个阶段集中宣传。",
        "3.成立禁毒工作领导小组，宣传经费列入预算。",
    ]
    assert prose_roles(lines) == [
        "指导思想",
        "指导思想",
        "目标",
        "目标",
        "任务措施",
        "安排",
        "保障",
    ]


@pytest.mark.parametrize("doc", DOCS.values(), ids=DOCS.keys())
def test_every_shipped_sample_is_judged_a_community_document(doc):
    assert document_scope(doc.body) == COMMUNITY


def test_a_company_activity_is_not_a_community_document():
    body = (
        "公司工会重阳节慰问退休员工活动方案\n"
        "为体现公司对退休员工的关怀，工会决定组织各车间代表走访慰问。\n"
        "一、参加人员\n各车间主任、员工代表及工会委员。\n"
        "二、活动安排\n由公司办公室统一安排车辆，企业负担慰问品费用。"
    )
    assert document_scope(body) == "单位"
