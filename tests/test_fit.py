"""What fits a section: goals in 工作目标, one item per guarantee, the plan type's own work."""

from __future__ import annotations

import pytest

from rag.drafting.composer.fit import foreign_words, goals_only, guarantees, is_goal, off_topic
from rag.drafting.composer.units import Unit
from rag.plan.draft import Passage
from rag.plan.outlines import load_outlines

P = Passage("p#1", "p", "样例", "二、工作目标", "")


def unit(heading: str, *body: str) -> Unit:
    return Unit("p#1#0", P, heading, body, (), True)


@pytest.mark.parametrize(
    ("sentence", "goal"),
    [
        ("重点优抚对象走访慰问覆盖率达到100%。", True),
        ("全年开展国防教育活动不少于4次。", True),
        ("辖区全年无重大火灾事故发生。", True),
        ("加大警民共建活动力度，深化军民共建。", False),
        ("组织志愿者开展国防教育宣传。", False),
    ],
)
def test_a_goal_says_what_is_to_be_achieved(sentence, goal):
    assert is_goal(sentence) is goal


def test_a_goals_section_keeps_goals_and_drops_activities():
    assert goals_only(unit("加大警民共建活动力度", "深入开展军民共建活动。")) is None
    kept = goals_only(unit("做好优抚工作", "开展走访慰问。", "优抚政策落实率达到100%。"))
    assert kept.heading == "" and kept.body == ("优抚政策落实率达到100%。",)


def test_guarantees_are_known_by_their_heading():
    assert guarantees(unit("落实资金保障", "积极争取上级支持。")) == {"经费"}
    assert guarantees(unit("落实经费保障", "专款专用。")) == {"经费"}
    assert guarantees(unit("加强组织领导", "成立领导小组。")) == {"组织"}
    assert guarantees(unit("", "成立双拥工作领导小组，每季度召开1次例会。")) == {"组织"}


def test_another_plan_type_s_work_is_off_topic():
    outlines = load_outlines()
    shuangyong, dangjian = (
        foreign_words(outlines["shuangyong"]),
        foreign_words(outlines["dangjian"]),
    )
    assert off_topic(unit("加大警民共建活动力度", "与派出所联合开展巡逻。"), shuangyong)
    assert off_topic(unit("落实门前三包责任", "组织党员认领责任区。"), dangjian)
    assert not off_topic(unit("深化军民共建", "与驻地部队开展共建活动。"), shuangyong)
    assert "征兵" not in shuangyong and "三会一课" not in dangjian  # their own work


def test_supervision_and_liaison_are_one_guarantee_each():
    assert guarantees(unit("开展督查通报")) == guarantees(unit("强化检查落实")) == {"督查"}
    assert guarantees(unit("部门联动")) == guarantees(unit("联动机制")) == {"联动"}
