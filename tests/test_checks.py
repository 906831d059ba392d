"""Checks on a draft: each problem found, and named by its section."""

from __future__ import annotations

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft, outline_of
from rag.plan.draft import Draft, Passage, Version
from rag.plan.profile import make_profile
from rag.review.checks import check_draft, numbers

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
        filler = f"结合社区实际细化第{'一二三四五六'[i]}节的措施，明确责任分工，做到按期完成。"
        text = texts.get(i, "（一）本节内容。" + filler * (section.length // len(filler)))
        cited = (
            [Passage(f"p{i}", "d", "范文", "", passages[i])] if passages and i in passages else []
        )
        section.add(Version(text, "edit", passages=cited))
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
    assert found["待核实"] == {heads[3]}


def test_numbers_in_the_profile_or_the_sections_passages_are_grounded():
    filler = "做好日常巡查，及时消除隐患。" * 12
    draft = draft_with(
        {2: "建成微型消防站2个，每月巡查3次，全年2027年完成。" + filler},
        passages={2: "每月巡查3次。"},
    )
    assert "待核实" not in kinds(draft)
    draft = draft_with(
        {2: "建成微型消防站2个，每月巡查4次。" + filler}, passages={2: "每月巡查3次。"}
    )
    finding = next(f for f in check_draft(draft, outline_of(draft.profile)) if f.kind == "待核实")
    assert finding.items == ["4"]


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
