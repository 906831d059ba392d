"""时间安排: the key dates of a plan type in the profile's year, in three layouts, and what an
instruction adds to them."""

from __future__ import annotations

import re

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.composer.schedule import schedule_version
from rag.drafting.pipeline import draft_sections, new_draft, outline_of, regenerate_section
from rag.drafting.writer import SectionJob
from rag.errors import NoMoreVariants
from rag.plan.draft import Passage
from rag.plan.profile import make_profile
from rag.text.zh import cn_numeral

PROFILE = {
    "community": "阳光社区",
    "parent": "杭州市西湖区北山街道",
    "year": 2027,
    "community_type": "老城区",
    "date": "2027年1月8日",
}


def schedule(topic: str, passages=(), earlier=(), instruction=""):
    profile = make_profile({**PROFILE, "topic": topic})
    outline = outline_of(profile)
    index = [s.role for s in outline.sections].index("安排")
    job = SectionJob(
        profile,
        outline,
        index,
        passages=list(passages),
        earlier_unit_sets=[set(u) for u in earlier],
        instruction=instruction,
    )
    adapter = Composer().adapter(profile, outline)
    return schedule_version(job, adapter, origin="composer", model="离线组合")


def test_by_month_then_by_quarter_then_no_more():
    month = schedule("xiaofang")
    lines = month.text.split("\n")
    assert all(line.startswith(f"（{cn_numeral(n)}）") for n, line in enumerate(lines, 1))
    assert any("11月9日" in line for line in lines)
    assert month.units == ["schedule:month"]
    assert month.passages[0].id == "outline:xiaofang"  # the calendar is the source
    quarter = schedule("xiaofang", earlier=[month.units])
    assert quarter.text.split("\n")[0].startswith("（一）第一季度。")
    with pytest.raises(NoMoreVariants, match="两种排法"):
        schedule("xiaofang", earlier=[month.units, quarter.units])


def test_last_years_schedule_comes_first_with_the_key_dates_it_missed():
    previous = Passage(
        "previous:3", "previous", "上年计划", "四、时间安排", "（一）6月：组织消防安全大检查。"
    )
    version = schedule("xiaofang", passages=[previous])
    assert version.units == ["schedule:previous"]
    assert [p.id for p in version.passages] == ["previous:3", "outline:xiaofang"]
    lines = version.text.split("\n")
    assert "组织消防安全大检查" in "".join(lines)
    assert any("11月9日" in line for line in lines)  # a key date last year did not cover
    months = [int(m[1]) for line in lines if (m := re.search(r"(\d{1,2})月", line))]
    assert months == sorted(months)


def test_an_instruction_marks_its_key_date_or_adds_an_entry():
    asked = schedule("shuangyong", instruction="增加春节走访慰问的具体安排")
    marked = [line for line in asked.text.split("\n") if "【待补充：春节走访慰问的具体安排" in line]
    assert len(marked) == 1 and "元旦春节走访慰问" in marked[0]
    other = schedule("shuangyong", instruction="补充老兵理发义诊进楼院")
    *entries, new, closing = other.text.split("\n")
    assert new.startswith(f"（{cn_numeral(len(entries) + 1)}）老兵理发义诊进楼院。【待补充：")
    assert "12月" in closing


def compose(retriever, topic: str):
    profile = make_profile({**PROFILE, "topic": topic, "priorities": ["走访慰问"]})
    writer = Composer()
    return draft_sections(new_draft(profile, writer), retriever=retriever, writer=writer)


def test_schedule_has_two_layouts_then_stops(hash_index):
    _, _, retriever = hash_index
    draft = compose(retriever, "xiaofang")
    index = [s.role for s in draft.sections].index("安排")
    quarter = regenerate_section(draft, index, retriever=retriever, writer=Composer()).text
    lines = quarter.split("\n")
    assert [line[: line.index("。")] for line in lines] == [
        "（一）第一季度",
        "（二）第二季度",
        "（三）第三季度",
        "（四）第四季度",
    ]
    assert "5月12日，全国防灾减灾日" in lines[1] and "11月9日" in lines[3]
    with pytest.raises(NoMoreVariants):
        regenerate_section(draft, index, retriever=retriever, writer=Composer())


def test_an_instruction_adds_its_entry_to_the_schedule(hash_index):
    _, _, retriever = hash_index
    draft = compose(retriever, "shuangyong")
    index = [s.role for s in draft.sections].index("安排")
    before = draft.sections[index].text
    version = regenerate_section(
        draft,
        index,
        retriever=retriever,
        writer=Composer(),
        instruction="增加春节走访慰问的具体安排",
    )
    lines = version.text.split("\n")
    marked = [line for line in lines if "【待补充：春节走访慰问的具体安排" in line]
    assert len(marked) == 1 and "元旦春节走访慰问" in marked[0]  # on its own key date
    assert [re.sub("【.*】", "", line) for line in lines] == before.split("\n")
    # a request for something the calendar does not hold becomes an entry of its own
    other = regenerate_section(
        draft, index, retriever=retriever, writer=Composer(), instruction="补充老兵理发义诊进楼院"
    )
    *entries, new, closing = other.text.split("\n")
    assert new.startswith(f"（{cn_numeral(len(entries) + 1)}）老兵理发义诊进楼院。【待补充：")
    assert "12月" in closing  # the year's summing-up stays last
