"""Sentences true by the profile: its counts with the right measure words, its notes, the
approach, 基本情况, and the marks of what the user has to write."""

from __future__ import annotations

import pytest

from rag.drafting.composer.profile_sentences import (
    fact_phrase,
    facts_sentence,
    guidance_sentence,
    notes_sentences,
    priority_head,
    situation_text,
    to_fill,
)
from rag.drafting.pipeline import outline_of
from rag.plan.profile import make_profile


def test_facts_sentence_uses_units_by_kind_of_fact():
    profile = make_profile(
        {
            "community": "阳光社区",
            "year": 2027,
            "topic": "双拥",
            "households": 100,
            "facts": {"退役军人": 126, "现役军人家庭": 9, "微型消防站": 2, "覆盖率": "95%"},
        }
    )
    assert facts_sentence(profile) == (
        "阳光社区共有住户100户，辖区有退役军人126名、现役军人家庭9户、微型消防站2个、覆盖率95%。"
    )


@pytest.mark.parametrize(
    ("key", "value", "phrase"),
    [
        ("志愿服务队", "5", "志愿服务队5支"),
        ("参保率", "92", "参保率92%"),
        ("网格", "12", "网格12个"),
        ("独居老人", "37", "独居老人37名"),
        ("常住人口", "约7000人", "常住人口约7000人"),  # a value with its own words
    ],
)
def test_a_fact_takes_the_measure_word_of_its_noun(key, value, phrase):
    assert fact_phrase(key, value) == phrase


@pytest.mark.parametrize(
    ("notes", "written"),
    [
        ("原轴承厂家属区，退休职工多", ["红旗社区为原轴承厂家属区，退休职工多。"]),
        ("老街巷多，老年居民比例高", ["辖区老街巷多，老年居民比例高。"]),
        ("由原柳河村整体搬迁而来", ["红旗社区由原柳河村整体搬迁而来。"]),
        ("辖区有两所小学；居民以年轻家庭为主", ["辖区有两所小学。", "居民以年轻家庭为主。"]),
    ],
)
def test_notes_are_written_as_sentences_with_a_subject(notes, written):
    profile = make_profile({"community": "红旗社区", "year": 2027, "topic": "老龄", "notes": notes})
    assert notes_sentences(profile) == written


def test_the_approach_names_the_kind_of_community_and_the_priorities():
    profile = make_profile(
        {
            "community": "柳河湾社区",
            "year": 2027,
            "topic": "就业社保",
            "community_type": "村改居",
            "priorities": ["失地农民技能培训，每季度1期", "灵活就业人员参保"],
        }
    )
    sentence = guidance_sentence(profile, outline_of(profile))
    assert "结合村改居社区的实际，把失地农民技能培训、灵活就业人员参保作为重点" in sentence
    assert sentence.endswith(f"扎实做好2027年{outline_of(profile).work_name}。")
    mixed = profile.model_copy(update={"community_type": "混合型", "priorities": []})
    assert "结合柳河湾社区实际，突出重点、补齐短板" in guidance_sentence(mixed, outline_of(mixed))


def test_the_situation_is_the_profiles_alone_or_a_mark():
    profile = make_profile(
        {
            "community": "红旗社区",
            "year": 2027,
            "topic": "老龄",
            "households": 900,
            "notes": "原轴承厂家属区",
            "priorities": ["老年助餐"],
        }
    )
    assert situation_text(profile, outline_of(profile)) == (
        "红旗社区共有住户900户。红旗社区为原轴承厂家属区。本年度"
        f"{outline_of(profile).work_name}的重点是：老年助餐。"
    )
    bare = make_profile({"community": "红旗社区", "year": 2027, "topic": "老龄"})
    assert situation_text(bare, outline_of(bare)).startswith("【待补充：社区基本情况")


def test_marks_and_priority_heads():
    assert to_fill("年度目标。") == "【待补充：年度目标】"
    assert priority_head("老年助餐，每周送餐上门。") == "老年助餐"


@pytest.mark.parametrize(
    ("key", "value", "phrase"),
    [
        ("高校毕业生待就业", "21", "高校毕业生待就业21名"),  # the "21个"
        ("失地农民", "860", "失地农民860名"),
        ("出租房屋", "320", "出租房屋320户"),
        ("高层住宅楼", "24", "高层住宅楼24栋"),
        ("低洼易涝点", "5", "低洼易涝点5处"),
        ("辖区企业", "40", "辖区企业40家"),
        ("流动人口", "4200", "流动人口4200人"),
    ],
)
def test_the_measure_word_follows_what_the_noun_names(key, value, phrase):
    assert fact_phrase(key, value) == phrase
