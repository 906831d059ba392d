"""The draft model: section versions (edit, undo, restore), locks, and the JSON round trip."""

from __future__ import annotations

import json

import pytest

from rag.drafting.composer.compose import Composer
from rag.drafting.pipeline import new_draft
from rag.errors import PlanError
from rag.plan.draft import Draft, Passage, SectionState, Version
from rag.plan.outlines import load_outlines
from tests.conftest import make_test_profile

CHANGE = {"facts": {"退役军人": "126名"}, "priorities": ["完善退役军人服务站"]}
P1 = Passage("shuangyong_01::00001", "shuangyong_01", "双拥工作计划", "指导思想", "拥军优属。")
P2 = Passage("shuangyong_02::00003", "shuangyong_02", "双拥工作计划二", "工作目标", "走访慰问。")


def section(*texts: str) -> SectionState:
    """A section with one composer version per text, each citing its own passage."""
    state = SectionState("工作目标", "目标", "提出年度目标。", 250)
    for n, text in enumerate(texts):
        state.add(Version(text, "composer", given=[P1 if n % 2 == 0 else P2]))
    return state


def draft() -> Draft:
    return new_draft(make_test_profile(**CHANGE), Composer())


# SectionState.add / edit


def test_a_new_section_has_no_version_and_no_text():
    state = SectionState("指导思想", "指导思想", "阐明依据。", 200)
    assert state.version is None and state.text == "" and state.current == -1
    assert state.undo() is False


def test_add_appends_and_makes_the_new_version_current():
    state = section("第一版。", "第二版。")
    assert state.current == 1 and state.text == "第二版。"
    assert [v.text for v in state.versions] == ["第一版。", "第二版。"]


def test_edit_adds_an_edit_version_citing_the_replaced_versions_passages():
    state = section("第一版。", "第二版。")  # the current version cites P2
    version = state.edit("  用户改写的目标。\n")
    assert version is state.version
    assert state.current == 2 and len(state.versions) == 3
    assert version.origin == "edit"
    assert version.text == "用户改写的目标。"
    assert version.passages == [P2]
    # The list is the edit's own: changing it leaves the replaced version alone.
    version.passages.append(P1)
    assert state.versions[1].passages == [P2]


def test_edit_cites_the_passages_of_the_restored_version_it_replaces():
    state = section("第一版。", "第二版。")
    state.restore(0)
    version = state.edit("从第一版改来的。")
    assert version.passages == [P1]


def test_edit_of_an_empty_section_cites_nothing():
    state = SectionState("保障措施", "保障", "提出保障要求。", 300)
    version = state.edit("加强组织领导。")
    assert version.text == "加强组织领导。" and version.passages == []
    assert state.current == 0


@pytest.mark.parametrize("text", ["第二版。", "  第二版。  ", "\n第二版。\n\n", "\t第二版。"])
def test_edit_without_a_change_adds_nothing(text):
    state = section("第一版。", "第二版。")
    assert state.edit(text) is None
    assert len(state.versions) == 2 and state.current == 1


def test_edit_of_an_empty_section_to_blank_adds_nothing():
    state = SectionState("保障措施", "保障", "提出保障要求。", 300)
    assert state.edit("   ") is None
    assert state.versions == []


# undo / restore


def test_undo_goes_back_one_version_at_a_time_and_stops_at_the_first():
    state = section("一。", "二。", "三。")
    assert state.undo() is True and state.text == "二。"
    assert state.undo() is True and state.text == "一。"
    assert state.undo() is False
    assert state.current == 0 and state.text == "一。"
    assert len(state.versions) == 3


def test_restore_makes_a_version_current_without_deleting_any():
    state = section("一。", "二。", "三。")
    version = state.restore(0)
    assert version is state.versions[0]
    assert state.current == 0 and state.text == "一。"
    assert [v.text for v in state.versions] == ["一。", "二。", "三。"]
    state.restore(2)
    assert state.text == "三。"


@pytest.mark.parametrize("number", [3, 7, -1, -3])
def test_restore_of_a_missing_version_is_a_plan_error(number):
    state = section("一。", "二。", "三。")
    with pytest.raises(PlanError, match="“工作目标”没有第"):
        state.restore(number)
    assert state.current == 2


def test_restore_message_names_the_missing_version_in_chinese():
    state = section("一。")
    with pytest.raises(PlanError) as info:
        state.restore(4)
    assert str(info.value) == "“工作目标”没有第 5 版。"


def test_a_new_version_after_a_restore_is_appended_and_current():
    state = section("一。", "二。", "三。")
    state.restore(0)
    state.add(Version("四。", "composer"))
    assert [v.text for v in state.versions] == ["一。", "二。", "三。", "四。"]
    assert state.current == 3 and state.text == "四。"
    edited = state.edit("五。")
    assert state.versions[-1] is edited and state.current == 4


# Draft


def test_a_new_draft_follows_the_outline_of_its_plan_type():
    d = draft()
    outline = load_outlines()["shuangyong"]
    assert d.title == "阳光社区2027年双拥工作计划"
    assert d.topic == "shuangyong" and d.drafted_by == Composer.name
    assert [s.title for s in d.sections] == [s.title for s in outline.sections]
    assert d.headings()[0] == f"一、{outline.sections[0].title}"
    assert all(s.versions == [] and not s.locked for s in d.sections)
    assert d.author == "阳光社区居民委员会" and d.date == "2027年1月8日"
    assert "阳光社区2027年双拥工作" in d.preamble


def test_unlocked_lists_the_indices_of_unlocked_sections():
    d = draft()
    every = list(range(len(d.sections)))
    assert d.unlocked() == every
    d.sections[1].locked = True
    d.sections[3].locked = True
    assert d.unlocked() == [i for i in every if i not in (1, 3)]
    for s in d.sections:
        s.locked = True
    assert d.unlocked() == []


def test_draft_new_takes_its_title_from_the_outline():
    profile = make_test_profile(**CHANGE, topic="xiaofang")
    outline = load_outlines()["xiaofang"]
    d = Draft.new(profile, outline, "开头。", "model-x")
    assert d.title == outline.plan_title("阳光社区", 2027)
    assert (d.topic, d.preamble, d.drafted_by) == ("xiaofang", "开头。", "model-x")
    assert len(d.sections) == len(outline.sections)


def test_to_dict_and_from_dict_round_trip_versions_current_and_locks():
    d = draft()
    d.id = "abc123"
    first, second = d.sections[0], d.sections[1]
    first.add(Version("第一版。", "composer", given=[P1], units=["u1", "u2"]))
    first.add(
        Version(
            "模型版。",
            "model",
            given=[P1, P2],
            model="deepseek-chat",
            instruction="写得更具体",
            complete=False,
            error="连接中断",
            usage={"input_tokens": 10, "output_tokens": 20},
        )
    )
    first.edit("用户版。")
    first.restore(1)
    second.add(Version("目标。", "composer", given=[P2]))
    second.locked = True

    data = d.to_dict()
    # It is JSON, as the draft store keeps it.
    again = Draft.from_dict(json.loads(json.dumps(data, ensure_ascii=False)))

    assert (again.id, again.title, again.topic, again.drafted_by) == (
        "abc123",
        d.title,
        "shuangyong",
        d.drafted_by,
    )
    assert again.created == d.created and again.preamble == d.preamble
    assert again.profile == d.profile
    assert again.unlocked() == d.unlocked() == [i for i in range(len(d.sections)) if i != 1]
    for before, after in zip(d.sections, again.sections, strict=True):
        assert after.current == before.current
        assert after.locked == before.locked
        assert after.versions == before.versions
    restored = again.sections[0]
    assert restored.current == 1 and restored.text == "模型版。"
    assert [v.origin for v in restored.versions] == ["composer", "model", "edit"]
    assert all(isinstance(p, Passage) for v in restored.versions for p in v.passages)
    assert restored.versions[2].passages == [P1, P2]
    # Undo still works on the loaded draft.
    assert restored.undo() is True and restored.text == "第一版。"


def test_to_dict_shows_each_sections_heading_text_and_current_passages():
    d = draft()
    d.sections[0].add(Version("一版。", "composer", given=[P1]))
    d.sections[0].add(Version("二版。", "composer", given=[P2]))
    d.sections[0].restore(0)
    data = d.to_dict()
    shown = data["sections"][0]
    assert shown["heading"] == d.headings()[0]
    assert shown["text"] == "一版。"
    assert shown["passages"] == [
        {
            "id": P1.id,
            "doc_id": P1.doc_id,
            "title": P1.title,
            "section": P1.section,
            "text": P1.text,
        }
    ]
    assert data["sections"][1]["text"] == "" and data["sections"][1]["passages"] == []
    assert data["author"] == "阳光社区居民委员会"


def test_a_whole_plan_run_cut_off_names_the_sections_it_did_not_write():
    d = draft()
    d.sections[0].add(Version("旧的指导思想。", "composer"))
    d.sections[0].versions[0].created -= 60
    d.begin_run([0, 1, 2])
    assert d.unfinished() == [0, 1, 2]
    d.sections[1].add(Version("新写的。", "model"))
    assert d.unfinished() == [0, 2]
    again = Draft.from_dict(d.to_dict())  # kept with the draft
    assert again.unfinished() == [0, 2]
    d.end_run()
    assert d.unfinished() == [] and Draft.from_dict(d.to_dict()).run is None
