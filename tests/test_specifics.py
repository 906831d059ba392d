"""What is specific to one community: the detector on examples of the issue's shapes, generic
sentences left alone, the profile's own words exempt, and the shipped samples' declared
kinds of community borne out by their words."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.library.corpus import parse_corpus_text
from rag.plan.community import COMMUNITY_TYPES, suggest_community_type
from rag.plan.outlines import key_dates_text, load_outlines
from rag.plan.profile import make_profile
from rag.plan.specifics import (
    assumed_conditions,
    circumstances,
    foreign_specifics,
    specifics,
    type_words,
)
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("依托南岗片区、桥头片区开展夜间巡逻。", ["南岗片区", "桥头片区"]),
        ("邀请辖区实验小学、第二中学的学生参加。", ["实验小学", "第二中学"]),
        ("走访前营村、后营村和南门菜市场的商户。", ["前营村", "后营村", "南门菜市场"]),
        ("依托社区“巧手匠”志愿服务队开展便民维修。", ["巧手匠"]),
        ("在“幸福食堂”为高龄老人提供午餐。", ["幸福食堂"]),
        ("邀请张建国老师讲授消防知识。", ["张建国"]),
        ("协调辖区永辉超市提供送货上门。", ["永辉超市"]),
        ("力争年内通过市级双拥模范社区复审。", ["通过市级双拥模范社区复审"]),
        ("社区位于城区北部，交通便利。", ["位于城区北部"]),
        ("辖区有物流园、建材市场各1个。", ["辖区有物流园、建材市场各1个"]),
        ("两个小区消防控制室实现双人值班。", ["两个小区"]),
        ("目前突出的问题有三：没有电梯，老人下楼难。", ["目前突出的问题有"]),
        ("2月下旬在石桥文化广场举办招聘会。", ["石桥文化广场"]),
        ("利用东街口一处闲置空地设置堆放点。", ["东街口"]),
        ("我社区地处老城核心片区。", ["地处老城核心片区"]),
        ("结合去年汛期暴露的问题修订预案。", ["去年汛期暴露"]),
        ("在社区服务中心一楼设立应急物资储备点。", ["中心一楼"]),
        ("把今年工作的重心放在融入、健康、安全三个方面。", ["三个方面"]),
        (
            "针对城郊人员流动大、排水设施薄弱的特点，织密责任网络。",
            ["针对城郊人员流动大、排水设施薄弱的特点"],
        ),
        ("联系园区企业提供保洁、搬运岗位。", ["园区"]),
        ("擦亮“老师傅”志愿服务品牌。", ["擦亮", "老师傅"]),
        ("组建“银发互助队”，开展结对帮扶。", ["银发互助队"]),
        ("开设“小小雷锋”亲子志愿岗。", ["小小雷锋"]),
        # garrisons and military bodies, another community's anniversaries, named pairs
        ("二是打“智力拥军”牌，与警卫连官兵一起举办知识竞赛。", ["智力拥军", "警卫连"]),
        ("联合市军分区、消防中队、警卫营开展活动。", ["市军分区", "消防中队", "警卫营"]),
        ("邀请86321部队官兵讲授国防知识。", ["86321部队"]),
        ("以与驻地部队共建30周年为契机，深化军民共建。", ["共建30周年"]),
        ("社区与武警中队结对共建。", ["社区与武警中队结对"]),
        ("社区党委与警卫营党支部结对，开展支部共建。", ["社区党委与警卫营党支部结对"]),
    ],
)
def test_a_samples_own_names_brands_and_claims_are_found(text, found):
    assert [s.word for s in specifics(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "每季度召开1次工作例会，专题研究优抚对象反映的问题。",
        "组织志愿者走进辖区小学、幼儿园开展安全教育。",
        "春节期间走访慰问驻地部队官兵和现役军人家庭。",
        "在社区党群服务中心设立退役军人服务站，做到有场地、有人员、有制度。",
        "以新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神。",
        "对沿街九小场所和驻区单位开展消防安全集中检查。",
        "联合派出所、物业公司开展电动自行车充电隐患排查。",
        "借助部队力量，邀请官兵参与应急演练。",
        "由社区党委书记任组长，居委会主任任副组长。",
        "发挥“五老”作用，开展青少年思想道德教育。",
        # the nation's anniversaries are the calendar's; pairs of roles name nobody
        "庆祝建军100周年，纪念新中国成立78周年。",
        "组织党员与困难家庭结对帮扶。",
        "社区与驻地部队结对共建，组织民兵连开展训练。",
    ],
)
def test_what_any_community_may_say_is_not_specific(text):
    assert specifics(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "撤村建居后，居民的就业方式和居住形态变化较大。",
        "老年食堂座位少，午餐高峰时段拥挤。",
        "督导员平均年龄已达67岁，后续力量补充不足。",
        "居民以年轻家庭为主，邻里之间互不相识的情况较为普遍。",
        "原纺织厂下岗职工多为女性，技能基础较好。",
        "（三）辖区内没有驻军部队，军地共建尚未形成固定机制。",
    ],
)
def test_how_a_community_is_described_is_a_circumstance(text):
    assert circumstances(text) == [text.removeprefix("（三）")]


@pytest.mark.parametrize(
    "text",
    [
        "对问题较多的楼院实行每周巡查，确保隐患及时整改。",
        "针对老年人比例较高的实际，重点做好助餐和探访。",
        "拍照和视频发布应事先征得老人同意，不强求老人出镜。",
        "每月召开一次例会，研究解决服务中的不足。",
        "组织志愿者为独居老人提供上门服务。",
    ],
)
def test_what_a_plan_will_do_is_no_circumstance(text):
    assert circumstances(text) == []


def test_a_circumstance_the_profile_states_is_the_communitys_own():
    profile = make_profile(
        {
            "community": "红旗社区",
            "year": 2027,
            "topic": "老龄",
            "community_type": "单位型社区",
            "notes": "老年食堂座位少，午餐时很拥挤",
        }
    )
    said = "老年食堂座位少，午餐高峰时段拥挤。"
    unsaid = "部分老人子女在外地工作，老人在家发生意外不能及时发现。"
    assert [s.word for s in foreign_specifics(said + unsaid, profile)] == [unsaid]


def test_the_key_dates_every_plan_is_built_on_speak_no_kinds_words_and_assume_nothing():
    for key, outline in load_outlines().items():
        text = key_dates_text(outline, 2027)
        assert type_words(text, None) == [], key
        profile = make_profile({"community": "阳光社区", "year": 2027, "topic": key})
        assert assumed_conditions(text, profile) == [], key


def test_what_a_plan_takes_for_granted_needs_the_profile_or_the_kind_of_community():
    text = (
        "办好老年食堂，用好微型消防站。督促物业清理楼道。与出租房屋房东签订责任书。"
        "开展面向流动人口的禁毒宣传。"
    )

    def assumed(**given):
        base = {"community": "阳光社区", "year": 2027, "topic": "消防"}
        return assumed_conditions(text, make_profile({**base, **given}))

    assert assumed(community_type="老城区") == [
        "老年食堂",
        "微型消防站",
        "物业",
        "出租房屋",
        "流动人口",
    ]
    # the profile says so: a station among its facts, rented flats in its notes
    assert assumed(
        community_type="老城区", facts={"微型消防站": "1"}, notes="出租房多，外来人口集中"
    ) == ["老年食堂", "物业"]
    # a new estate has a property company, the urban fringe its rented flats
    assert assumed(community_type="新建商品房小区") == [
        "老年食堂",
        "微型消防站",
        "出租房屋",
        "流动人口",
    ]
    assert assumed(community_type="城乡结合部") == ["老年食堂", "微型消防站", "物业"]


def test_words_of_other_kinds_of_community():
    text = "利用安置小区电子屏和集体分红日宣传，动员原机械厂退休职工参加。"
    assert type_words(text, "老城区") == ["安置小区", "集体分红", "退休职工", "原机械厂"]
    assert type_words(text, "村改居") == ["退休职工", "原机械厂"]
    assert "安置小区" in type_words(text, None)  # no kind given: every kind's words count
    # the longest word only: 撤村建居, not also 撤村 and 建居
    assert type_words("撤村建居后，组织老兵讲厂史。", "老城区") == ["撤村建居", "厂史"]
    # 老旧楼道 is no 旧楼 of an old town
    assert type_words("开展老旧楼道火灾逃生演练。", "城乡结合部") == []


def test_what_the_profile_says_is_the_communitys_own():
    profile = make_profile(
        {
            "community": "柳河湾社区",
            "year": 2027,
            "topic": "综治",
            "community_type": "老城区",
            "facts": {"网格": "14"},
            "notes": "辖区有南岗片区和一处安置小区",
        }
    )
    text = "南岗片区和安置小区由14个网格覆盖，辖区有网格14个，依托桥头片区巡逻。"
    assert [s.word for s in foreign_specifics(text, profile)] == ["桥头片区"]


def _shipped():
    for path in sorted(Path(CORPUS).glob("*.md")):
        yield parse_corpus_text(path.read_text(encoding="utf-8"), path.stem)


def test_every_shipped_samples_declared_kind_is_the_one_its_words_speak_of():
    typed = [d for d in _shipped() if d.community_type]
    assert len(typed) >= 40
    assert {d.community_type for d in typed} <= set(COMMUNITY_TYPES)
    wrong = [
        (d.doc_id, d.community_type, suggest_community_type(d.body))
        for d in typed
        if suggest_community_type(d.body) != d.community_type
    ]
    assert wrong == []
