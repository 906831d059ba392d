"""The community profile: validation with messages that name the field, and JSON loading."""

from __future__ import annotations

import json

import pytest

from rag.errors import ProfileError
from rag.plan.community import suggest_community_type
from rag.plan.outlines import load_outlines
from rag.plan.profile import load_profile, make_profile, profile_errors

GOOD = {"community": "阳光社区", "year": 2027, "topic": "双拥"}


def test_minimal_profile_gets_topic_key_and_default_author():
    p = make_profile(GOOD)
    assert p.topic == "shuangyong"
    assert p.author == "阳光社区居民委员会"
    assert p.facts == {} and p.priorities == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"community": None}, "community", "社区名称"),
        ({"community": "  "}, "community", "社区名称"),
        ({"community": "××社区"}, "community", "不要使用“××”"),
        ({"year": 1999}, "year", "年度：应在 2000 至 2100 之间"),
        ({"year": 2101}, "year", "年度：应在 2000 至 2100 之间"),
        ({"year": "明年"}, "year", "年度：应为整数"),
        ({"topic": "火星移民"}, "topic", "未知的计划类型“火星移民”"),
        ({"households": -3}, "households", "户数：应在 1 至 1000000 之间"),
        ({"population": 10**9}, "population", "人口数：应在 1 至 5000000 之间"),
        ({"facts": {"退役军人": ""}}, "facts", "关键数据：“退役军人”缺少数值"),
        ({"facts": "126"}, "facts", "关键数据"),
        ({"priorities": ["很长" * 70]}, "priorities", "不超过120字"),
        ({"colour": "red"}, "colour", "不是可识别的字段"),
    ],
)
def test_bad_values_name_their_field(change, field, words):
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ProfileError) as e:
        make_profile(data)
    assert e.value.field == field
    assert words in str(e.value)


def test_topic_accepts_key_name_and_alias():
    for value in ("shuangyong", "双拥工作", "拥军优属"):
        assert make_profile({**GOOD, "topic": value}).topic == "shuangyong"
    for key, outline in load_outlines().items():
        assert make_profile({**GOOD, "topic": outline.name}).topic == key


def test_facts_from_a_table_and_priorities_from_lines():
    p = make_profile(
        {
            **GOOD,
            "facts": [{"name": "退役军人", "value": 126}, {"name": "", "value": ""}],
            "priorities": "服务站建设\n\n八一慰问；征兵宣传",
        }
    )
    assert p.facts == {"退役军人": "126"}
    assert p.priorities == ["服务站建设", "八一慰问", "征兵宣传"]


def test_control_characters_and_spaces_are_cleaned_or_refused():
    p = make_profile({**GOOD, "community": " 阳光社区 ", "notes": "第一行\n\n第二行\x07"})
    assert p.community == "阳光社区"
    assert p.notes == "第一行 第二行"
    # In a name a control character is refused: it would become a title and a file name.
    assert "控制字符" in profile_errors({**GOOD, "community": "阳光\x07社区"})["community"]


def test_load_profile_reports_file_problems(tmp_path):
    good = tmp_path / "p.json"
    good.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8-sig")
    assert load_profile(good).community == "阳光社区"
    bad = tmp_path / "bad.json"
    bad.write_text('{"community": "阳光社区",\n "year": }', encoding="utf-8")
    with pytest.raises(ProfileError, match="不是有效的 JSON（第 2 行）"):
        load_profile(bad)
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(GOOD, ensure_ascii=False).encode("gbk"))
    with pytest.raises(ProfileError, match="不是 UTF-8 编码"):
        load_profile(gbk)
    with pytest.raises(ProfileError, match="找不到"):
        load_profile(tmp_path / "missing.json")
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ProfileError, match="JSON 对象"):
        load_profile(listed)


def test_plan_title_does_not_double_gongzuo():
    outlines = load_outlines()
    assert outlines["shuangyong"].plan_title("阳光社区", 2027) == "阳光社区2027年双拥工作计划"
    assert (
        outlines["leifeng"].plan_title("阳光社区", 2027) == "阳光社区2027年学雷锋志愿服务工作计划"
    )
    assert (
        outlines["zongzhi"].plan_title("阳光社区", 2027) == "阳光社区2027年社会治安综合治理工作计划"
    )


@pytest.mark.parametrize(
    "name", ["老城区", "新建商品房小区", "村改居", "单位型社区", "城乡结合部", "混合型"]
)
def test_community_type_takes_the_libraries_kinds(name):
    profile = make_profile(
        {"community": "阳光社区", "year": 2027, "topic": "双拥", "community_type": f" {name} "}
    )
    assert profile.community_type == name


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_community_type_may_be_left_out(empty):
    profile = make_profile(
        {"community": "阳光社区", "year": 2027, "topic": "双拥", "community_type": empty}
    )
    assert profile.community_type is None


def test_an_unknown_community_type_names_the_choices():
    with pytest.raises(ProfileError) as e:
        make_profile(
            {"community": "阳光社区", "year": 2027, "topic": "双拥", "community_type": "别墅区"}
        )
    assert e.value.field == "community_type"
    assert str(e.value).startswith("社区类型：应为以下之一：老城区、新建商品房小区、村改居")


@pytest.mark.parametrize(
    ("notes", "guess"),
    [
        ("辖区以老旧院落为主，老年人多", "老城区"),
        ("三个商品房小区，业委会运转正常", "新建商品房小区"),
        ("居民多为失地农民，住在安置小区", "村改居"),
        ("原机械厂家属区，退休职工占一半", "单位型社区"),
        ("出租屋多，流动人口约4000人", "城乡结合部"),
        ("居民热心公益", None),
    ],
)
def test_community_type_is_suggested_from_the_notes(notes, guess):
    assert suggest_community_type(notes) == guess
