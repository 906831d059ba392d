"""Batch variety: a plan on its own has none (a null object), a batch's plans share one and
prefer what the earlier plans said least; writers say whether they draft a batch in turn."""

from __future__ import annotations

import math

from rag.drafting.composer.compose import Composer
from rag.drafting.composer.variety import BatchVariety, NoVariety, sample_keys
from rag.drafting.model.providers import make_llm_config
from rag.drafting.model.writer import ModelWriter
from rag.drafting.pipeline import outline_of
from rag.drafting.writer import SectionJob
from rag.plan.draft import Passage
from rag.plan.profile import make_profile

A = "社区党委书记每季度召开1次双拥工作例会，研究解决重点问题。"
B = "拥军优属经费纳入社区年度预算，专款专用并按季度公开。"
C = "每半年对照任务清单检查1次双拥工作，结果纳入年度考评。"


def test_sample_keys_are_long_sentences_without_marks_or_numbering():
    text = f"（一）加强组织领导。{A}\n1.{B}【待补充：负责人和分工安排】"
    keys = sample_keys(text)
    assert len(keys) == 2  # 加强组织领导 is too short to tell plans apart; a mark is ours
    assert not any("加强组织领导" in k or "待补充" in k for k in keys)


def test_no_variety_allows_everything_and_remembers_nothing():
    variety = NoVariety()
    variety.add(A)
    variety.start_plan()
    assert variety.used(A) == 0 and variety.allows(A)


def test_a_batch_variety_counts_earlier_plans_and_caps_what_they_share():
    variety = BatchVariety()
    variety.start_plan()
    variety.add(f"{A}{B}{C}")
    assert variety.used(A) == 1  # the current plan counts as it goes
    variety.start_plan()
    assert (
        variety.used(A + B) == 2 and variety.used("社区组织居民开展文体活动，丰富精神生活。") == 0
    )
    # by the smaller plan: 1 of the earlier plan's 3 sentences is over 30%
    assert not variety.allows(A)
    assert variety.allows("社区组织居民开展文体活动，丰富精神生活。")


def test_a_batch_variety_caps_the_share_of_a_full_plan_and_of_its_own_text():
    variety = BatchVariety()
    variety.start_plan()
    many = [f"社区第{n}项双拥工作每季度开展一次并建立工作台账备查。" for n in range(40)]
    variety.add("".join(many))
    variety.start_plan()
    cap = math.ceil(BatchVariety.MAX_SHARED * BatchVariety.FULL_PLAN)  # 5 of at least 16
    assert variety.allows("".join(many[: cap - 1])) and not variety.allows("".join(many[:cap]))
    variety.FULL_PLAN = 3  # a tiny "full plan": 30% of 3 sentences is under one
    assert not variety.allows(many[0])
    variety.FULL_PLAN = BatchVariety.FULL_PLAN
    for sentence in many[: cap + 3]:  # a text is asked about with what the plan already says
        if variety.allows(sentence):
            variety.add(sentence)
    assert len(variety.current) == cap - 1


def test_writers_say_how_a_batch_drafts_them():
    variety = BatchVariety()
    composer = Composer()
    batch_composer = composer.for_batch(variety)
    assert batch_composer is not composer and batch_composer.variety is variety
    assert isinstance(composer.variety, NoVariety)  # the single-plan writer is unchanged
    config = make_llm_config("custom", "m", "http://127.0.0.1:9/v1", None, timeout=1)
    assert ModelWriter(config).for_batch(variety) is None  # plans on their own, several at once


PASSAGES = [
    Passage(
        "a#1",
        "a",
        "样例甲",
        "五、保障措施",
        f"（一）{A}\n（二）{B}\n（三）{C}",
    ),
    Passage(
        "b#1",
        "b",
        "样例乙",
        "五、保障措施",
        "（一）建立双拥工作联席会议制度，每半年研究1次重点工作。\n"
        "（二）组织网格员和志愿者参加双拥政策培训，全年不少于2次。\n"
        "（三）每年底对优抚对象开展1次满意度回访，发现问题限期整改。",
    ),
    Passage(
        "c#1",
        "c",
        "样例丙",
        "五、保障措施",
        "（一）把双拥工作任务分解到社区两委成员和网格员，做到责任到人。\n"
        "（二）利用居民微信群和公开栏每季度宣传1次拥军优属政策和典型事迹。\n"
        "（三）对照优待目录逐项核对优抚对象应享待遇，每年核查1次，做到应享尽享。\n"
        "（四）每月在社区两委会上通报1次双拥工作进度，及时研究解决困难问题。",
    ),
    Passage(
        "d#1",
        "d",
        "样例丁",
        "五、保障措施",
        "（一）社区党组织每年听取1次双拥工作专题汇报，帮助解决场地和人员等实际困难。\n"
        "（二）双拥工作台账由专人管理，走访、慰问和帮扶情况当月录入，年底归档备查。\n"
        "（三）每年评选表彰1次拥军优属先进家庭和个人，在社区公开栏公示宣传。",
    ),
]


def guarantees(writer: Composer):
    profile = make_profile({"community": "阳光社区", "year": 2027, "topic": "shuangyong"})
    outline = outline_of(profile)
    index = [s.role for s in outline.sections].index("保障")
    return writer.write(SectionJob(profile, outline, index, passages=PASSAGES))


def test_the_next_plan_of_a_batch_takes_first_what_the_earlier_said_least():
    alone = [guarantees(Composer()).units for _ in range(2)]
    assert alone[0] == alone[1]  # on its own, a plan is the same every time
    variety = BatchVariety()
    writer = Composer().for_batch(variety)
    variety.start_plan()
    first = guarantees(writer).units
    variety.start_plan()
    second = guarantees(writer).units
    assert first == alone[0] and second != first
    assert second[0] not in first  # fresh material leads
