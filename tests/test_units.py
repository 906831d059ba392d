"""Passage units: how a sample passage is cut into paragraphs and items, adapted, and ordered."""

from __future__ import annotations

from rag.drafting.composer.compose import Composer
from rag.drafting.composer.units import (
    Unit,
    by_instruction,
    passage_units,
    round_robin,
    similar,
    split_heading,
    strip_number,
)
from rag.drafting.pipeline import outline_of
from rag.plan.draft import Passage
from rag.plan.profile import make_profile

PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "topic": "shuangyong",
    "community_type": "老城区",
    "facts": {"退役军人": 126},
}


def adapter():
    profile = make_profile(PROFILE)
    return Composer().adapter(profile, outline_of(profile))


def test_numbering_is_stripped_with_its_level():
    assert strip_number("（一）加强国防教育。") == (2, "加强国防教育。")
    assert strip_number("1.建立台账") == (3, "建立台账")
    assert strip_number("组织志愿者走访。") == (0, "组织志愿者走访。")


def test_a_short_head_is_split_from_its_body():
    assert split_heading("加强组织领导。成立工作小组，明确分工。") == (
        "加强组织领导。",
        "成立工作小组，明确分工。",
    )
    assert split_heading("建立工作台账") == ("建立工作台账", "")
    assert split_heading("每月走访1次，做好记录。") == ("", "每月走访1次，做好记录。")


def test_items_carry_their_sub_items_and_a_preamble_is_not_ours():
    text = (
        "今年社区将突出重点。\n"
        "三、主要任务\n"
        "（一）加强国防教育。组织志愿者开展国防教育宣传。\n"
        "1.走进学校。每学期开展1次国防知识讲座。\n"
        "2.走进楼院。每季度开展1次国防教育宣传。\n"
        "（二）做好优抚工作。落实优抚政策，做到应享尽享。"
    )
    units = passage_units(Passage("p#1", "p", "样例", "三、主要任务", text), adapter(), False)
    assert [u.heading for u in units] == ["加强国防教育", "做好优抚工作"]
    assert units[0].subitems == (
        "走进学校。每学期开展1次国防知识讲座。",
        "走进楼院。每季度开展1次国防教育宣传。",
    )
    assert all(u.is_item and u.id.startswith("p#1#") for u in units)
    assert "今年社区将突出重点。" not in [s for u in units for s in u.body]


def test_a_sentence_that_leans_on_a_dropped_one_goes_with_it():
    text = (
        "（一）加强国防教育。社区下辖锦华苑、滨河湾两个商品房小区。同时宣传征兵知识。\n"
        "（二）做好征兵宣传。组织志愿者开展国防教育宣传。同时宣传征兵政策和优待政策。"
    )
    passage = Passage("p#1", "p", "样例", "三、主要任务", text)
    units = passage_units(passage, adapter(), topic_check=False)
    assert [u.body for u in units] == [
        ("组织志愿者开展国防教育宣传。", "同时宣传征兵政策和优待政策。")
    ]
    # the items of a list whose head went go with it; what follows the list stays
    text = "具体目标是：完成上级下达的征兵任务；民兵整组按时完成。落实优抚政策，做到应享尽享。"
    units = passage_units(Passage("p#2", "p", "样例", "一、指导思想", text), adapter(), False)
    assert [u.body for u in units] == [("落实优抚政策，做到应享尽享。",)]


def unit(pid: str, n: int, text: str) -> Unit:
    passage = Passage(pid, pid, pid, "", text)
    return Unit(f"{pid}#{n}", passage, "", (text,))


def test_round_robin_interleaves_passages_in_their_own_order():
    a1, a2, b1 = unit("a", 1, "甲一"), unit("a", 2, "甲二"), unit("b", 1, "乙一")
    assert round_robin([a1, a2, b1]) == [a1, b1, a2]


def test_an_instruction_puts_the_units_sharing_its_words_first():
    plain, fitting = unit("a", 1, "组织居民开展文体活动。"), unit("b", 1, "上门走访慰问军烈属。")
    assert by_instruction([plain, fitting], "突出走访慰问") == [fitting, plain]


def test_the_same_thing_in_other_words_is_similar():
    assert similar("每月走访慰问军烈属1次。", "每月上门走访慰问军烈属。")
    assert not similar("每月走访慰问军烈属1次。", "开展国防教育进校园活动。")


def test_a_list_s_enumerators_go_with_the_list():
    text = "（一）加强国防教育。一是组织志愿者开展国防教育宣传；二是每季度开展1次国防教育宣传。"
    units = passage_units(Passage("p#3", "p", "样例", "三、主要任务", text), adapter(), False)
    assert units[0].body == ("组织志愿者开展国防教育宣传；", "每季度开展1次国防教育宣传。")
