"""Checks on a draft: each problem found, and named by its section."""

from __future__ import annotations

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft, outline_of
from rag.plan.draft import Draft, Passage, Version
from rag.plan.profile import make_profile
from rag.review.checks import check_draft, numbers
from rag.text.zh import cn_numeral

PROFILE = {
    "community": "阳光社区",
    "year": 2027,
    "topic": "xiaofang",
    "community_type": "新建商品房小区",
    "facts": {"微型消防站": 2},
    "date": "2027年1月8日",
}


def draft_with(texts: dict[int, str], passages: dict[int, str] | None = None) -> Draft:
    profile = make_profile(PROFILE)
    draft = new_draft(profile, Composer())
    for i, section in enumerate(draft.sections):
        count = section.length // 30 + 1
        fillers = [
            f"结合社区实际细化第{cn_numeral(i + 1)}节的第{cn_numeral(n + 1)}项措施，明确责任分工。"
            for n in range(count)
        ]
        half = count // 2
        default = (
            "（一）本节内容。"
            + "".join(fillers[:half])
            + "\n（二）其余内容。"
            + "".join(fillers[half:])
        )
        text = texts.get(i, default)
        cited = (
            [Passage(f"p{i}", "d", "范文", "", passages[i])] if passages and i in passages else []
        )
        section.add(Version(text, "edit", given=cited))
    return draft


def kinds(draft: Draft) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in check_draft(draft, outline_of(draft.profile)):
        out.setdefault(f.kind, set()).add(f.section)
    return out


def test_a_clean_draft_has_no_findings():
    assert kinds(draft_with({})) == {}


def test_each_problem_is_found_in_its_section():
    filler = "做好日常巡查，及时消除隐患。" * 12
    draft = draft_with(
        {
            0: "坚持××街道的部署，落实20xx年任务。" + filler,
            1: "全面落實消防安全責任，加強宣傳。" + filler,
            2: "开展消防宣传(xuān)活动，社区(qū)居民积极参与。" + filler,
            3: "全年组织演练7次，覆盖率达到95%，" + filler,
        }
    )
    found = kinds(draft)
    heads = draft.headings()
    assert found["占位符"] == {heads[0]}
    assert found["繁体字"] == {heads[1]}
    assert heads[2] in found["拼音"]
    assert found["范文数字"] == {heads[3]}


def test_only_the_profile_and_the_calendar_ground_a_figure():
    filler = "做好日常巡查，及时消除隐患。" * 12
    # the profile's 2 stations, the plan's year, a date, once a month: all the community's
    draft = draft_with(
        {2: "建成微型消防站2个，每月巡查1次，3月5日前完成，2027年底前验收。" + filler}
    )
    assert "范文数字" not in kinds(draft)
    # a sample's figure stays a sample's, even when the section cites that sample
    draft = draft_with(
        {2: "建成微型消防站2个，全年巡查不少于24次，覆盖率达到98%。" + filler},
        passages={2: "全年巡查不少于24次，覆盖率达到98%。"},
    )
    finding = next(f for f in check_draft(draft, outline_of(draft.profile)) if f.kind == "范文数字")
    assert finding.items == ["24", "98"]
    assert "请按本社区实际核实" in finding.message
    # the profile's 2 stations ground no 2 minutes, and 3日内 is a sample's norm, not a date
    draft = draft_with({2: "接警后2分钟内到达现场，发现隐患3日内整改。" + filler})
    assert finding_of(draft, "范文数字").items == ["2", "3"]


def test_repeats_missing_sections_length_and_to_fill():
    repeated = "建立隐患排查台账，发现问题立即整改并跟踪复查。"
    draft = draft_with({1: repeated + "好。" * 120, 2: repeated + "好。" * 400, 4: "太短。"})
    draft.sections[3].versions.clear()
    draft.sections[3].current = -1
    found = kinds(draft)
    heads = draft.headings()
    assert found["重复"] == {heads[2]}
    assert found["缺少章节"] == {heads[3]}
    assert heads[4] in found["篇幅"]
    draft = draft_with({0: "【待补充：辖区消防设施底数】" + "做好消防工作。" * 30})
    finding = next(f for f in check_draft(draft, outline_of(draft.profile)) if f.kind == "待补充")
    assert finding.items == ["辖区消防设施底数"]


def test_an_incomplete_model_section_and_bad_numbering_are_reported():
    draft = draft_with({2: "（一）第一项。" + "内容。" * 200 + "\n（三）第三项。"})
    draft.sections[1].add(Version("（一）写到一半", "model", complete=False, error="生成中途中断"))
    found = kinds(draft)
    assert draft.headings()[1] in found["未完成"]
    assert found["编号"] == {draft.headings()[2]}


def test_numbers_ignores_list_numbering():
    assert numbers("1.每月开展1次\n（2）覆盖率95%\n3、共有126名") == ["1", "95", "126"]
    assert numbers("11月9日前后，3月至4月") == ["11月9日", "3月", "4月"]


def test_a_missing_community_type_is_a_finding_with_a_guess_from_the_notes():
    profile = make_profile({**PROFILE, "community_type": None, "notes": "辖区有3个安置小区"})
    draft = new_draft(profile, Composer())
    finding = next(f for f in check_draft(draft, outline_of(profile)) if f.kind == "社区类型")
    assert finding.section == "全文"
    assert "未选择社区类型" in finding.message and "可能是“村改居”" in finding.message
    assert finding.items == ["村改居"]


def test_a_missing_community_type_without_hints_in_the_notes_guesses_nothing():
    profile = make_profile({**PROFILE, "community_type": "", "notes": "居民热心公益"})
    draft = new_draft(profile, Composer())
    finding = next(f for f in check_draft(draft, outline_of(profile)) if f.kind == "社区类型")
    assert "可能是" not in finding.message and finding.items == []


FILLER = "".join(f"做好第{cn_numeral(n)}轮日常巡查，及时消除隐患。" for n in range(1, 13))


def finding_of(draft: Draft, kind: str):
    return next(f for f in check_draft(draft, outline_of(draft.profile)) if f.kind == kind)


def test_a_models_leaks_from_other_communities_are_all_flagged():
    """The issue's example: another community's place, another type's words, a sample count."""
    text = "（一）依托南岗片区开展走访，所需经费从本村集体分红中列支，全年走访不少于37次。"
    draft = draft_with({2: text + "\n（二）" + FILLER})
    assert draft.profile.community_type == "新建商品房小区"
    assert finding_of(draft, "范文专名").items == ["南岗片区"]
    assert finding_of(draft, "类型用语").items == ["集体分红", "本村"]
    assert finding_of(draft, "范文数字").items == ["37"]
    assert all(
        f.section == draft.headings()[2]
        for f in check_draft(draft, outline_of(draft.profile))
        if f.kind in ("范文专名", "类型用语", "范文数字")
    )


def test_a_models_description_of_another_community_is_flagged():
    """A model that describes the community with what the profile does not say."""
    text = "（一）辖区居民多为近年购房迁入，年轻业主参与偏少。" + FILLER + "\n（二）" + FILLER
    finding = finding_of(draft_with({2: text}), "情况说法")
    assert finding.items == ["辖区居民多为近年购房迁入，年轻业主参与偏少。"]
    assert finding.section == draft_with({}).headings()[2]


def test_what_the_profile_says_is_not_flagged():
    profile = {**PROFILE, "community_type": "村改居", "notes": "居民住在南岗片区的安置小区"}
    draft = draft_with({2: "（一）南岗片区安置小区每月巡查1次。\n（二）" + FILLER})
    draft.profile = make_profile(profile)
    found = kinds(draft)
    assert "范文专名" not in found and "类型用语" not in found


@pytest.mark.parametrize(
    ("text", "kind", "items"),
    [
        (
            "（一）依托原厂专职消防队退休骨干。" + FILLER + "\n（二）" + FILLER,
            "句子不完整",
            ["依托原厂专职消防队退休骨干。"],
        ),
        (
            "（一）90岁以上老人免费，差额由……\n（二）" + FILLER,
            "句子不完整",
            ["90岁以上老人免费，差额由……"],
        ),
        (
            "（一）做好巡查。" + FILLER,
            "单项列表",
            ["（一）做好巡查。做好第一轮日常巡查，及时消除隐患"],
        ),
        (
            "（一）" + FILLER + "\n1.只有一条的细项，需要补充。\n（二）" + FILLER,
            "单项列表",
            ["1.只有一条的细项，需要补充。"],
        ),
        ("（一）组织辖区辖区学校开展演练，提高逃生能力。\n（二）" + FILLER, "叠词", ["辖区辖区"]),
        (  # run as if it were there; setting one up assumes nothing
            "（一）办好日间照料中心，每周开放五天。\n（二）开设四点半课堂，辅导学生作业。" + FILLER,
            "社区条件",
            ["日间照料中心"],
        ),
        (  # a property company and rented flats the profile (a 新建商品房小区) does not rule out
            "（一）督促物业公司清理楼道。\n（二）与出租房屋房东签订责任书，登记租户信息。" + FILLER,
            "社区条件",
            ["出租房屋"],
        ),
        (
            "（一）居民参与率达到80%。\n（二）居民参与率不低于70%。" + FILLER,
            "目标矛盾",
            ["参与率：70、80%"],
        ),
        (  # two rates of one name are two rates: no contradiction, nothing to mark
            "（一）养老保险参保率达到97%，医保参保率达到98%，参与率达到80%。\n（二）"
            "居民参与率达到70%，" + FILLER,
            "目标矛盾",
            ["参与率：70、80%"],
        ),
        (
            "（一）每月组织一次消防安全检查和隐患排查。每月组织一次消防安全检查和隐患排查。\n（二）"
            + FILLER,
            "重复",
            ["每月组织一次消防安全检查和隐患排查。"],
        ),
    ],
)
def test_sentences_a_secretary_would_mark(text, kind, items):
    finding = finding_of(draft_with({2: text}), kind)
    assert finding.section == draft_with({}).headings()[2]
    assert finding.items == items


def test_two_leading_groups_and_a_missing_date_are_flagged():
    group = "（一）成立消防工作领导小组，由社区党委书记任组长。\n（二）" + FILLER
    other = "（一）成立安全检查领导小组，由社区党委书记任组长。\n（二）落实检查责任，定期通报进展。"
    draft = draft_with({2: group, 4: other})
    finding = next(
        f for f in check_draft(draft, outline_of(draft.profile)) if "领导小组" in f.message
    )
    assert finding.kind == "重复" and finding.section == draft.headings()[4]
    assert finding.items == [
        "成立消防工作领导小组，由社区党委书记任组长。",
        "成立安全检查领导小组，由社区党委书记任组长。",
    ]
    # a working group by another name is a second group too; adjusting the one group is not
    special = "（一）社区成立人居环境整治工作专班，由党委书记牵头。\n（二）" + FILLER
    adjusted = "（一）3月调整消防工作领导小组，明确分工。\n（二）" + FILLER
    for text, second in ((special, True), (adjusted, False)):
        found = check_draft(draft_with({2: group, 4: text}), outline_of(draft.profile))
        assert any("领导小组" in f.message for f in found) == second
    undated = make_profile({**PROFILE, "date": ""})
    draft.profile = undated
    assert finding_of(draft, "落款日期").section == "全文"


def test_a_priority_needs_content_or_a_mark():
    profile = make_profile({**PROFILE, "priorities": ["电动自行车充电管理", "楼道堆物清理"]})
    draft = draft_with(
        {2: "（一）电动自行车充电管理。【待补充：具体做法】\n（二）加强宣传。" + FILLER}
    )
    draft.profile = profile
    assert finding_of(draft, "重点无内容").items == ["楼道堆物清理"]
