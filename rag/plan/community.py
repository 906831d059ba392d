"""Kinds of community (社区类型) and the words that belong to each.

A sample plan is written for one kind of community: a former village speaks of 安置小区 and
集体分红, a factory compound of 原厂 and 退休职工. The library's samples declare their kind
(`community_type` in the YAML header), the profile names the user's, and these words tell
the kinds apart where nothing is declared.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommunityType:
    name: str
    hint: str  # one line for the form
    words: tuple[str, ...]  # words a plan for another kind of community would not say
    signs: tuple[str, ...] = ()  # further words that suggest this kind in a user's notes


COMMUNITY_TYPES: dict[str, CommunityType] = {
    t.name: t
    for t in (
        CommunityType(
            "老城区",
            "老街巷、老旧院落多，老年居民比例高，无物业或物业薄弱",
            (
                "老城区",
                "老旧院落",
                "老旧楼院",
                "老旧小区",
                "老街坊",
                "老街",
                "巷长",
                "街巷",
                "平房",
                "大杂院",
                "无物业",
                "老城",
                "老街区",
                "老住宅楼",
            ),
        ),
        CommunityType(
            "新建商品房小区",
            "物业公司管理，有业委会，年轻家庭和上班族多",
            (
                "商品房",
                "业委会",
                "业主委员会",
                "物业服务企业",
                "新建小区",
                "业主群",
                "年轻家庭",
                "业主大会",
                "公共收益",
                "交付入住",
                "购房迁入",
                "年轻业主",
                "业主技能",
                "业主代表",
                "物业费",
                "物业工程部",
                "高层住宅",
                "登高操作",
                "停车券",
                "业主微信群",
                "党员业主",
                "物业投诉",
                "单元大堂",
                "负二层",
            ),
        ),
        CommunityType(
            "村改居",
            "由村转为社区，有安置小区、股份经济合作社，居民多为原村民",
            (
                "村改居",
                "安置小区",
                "安置楼",
                "安置房",
                "回迁",
                "股份经济合作社",
                "集体分红",
                "集体收益",
                "失地农民",
                "原村民",
                "本村",
                "村民小组",
                "合作社",
                "原村委会",
                "整建制",
                "宅基地",
                "拆迁安置",
                "失地",
                "村规民约",
                "红白理事会",
                "撤村建居",
                "撤村",
                "建居",
                "村组",
                "集体经济",
                "分红",
                "被征地农民",
                "村委会",
                "散养家禽",
                "文化礼堂",
                "居民小组长",
                "各居民小组",
                "包组",
                "毁绿种菜",
                "美丽庭院",
                "原村",
                "柴草",
                "池塘",
            ),
        ),
        CommunityType(
            "单位型社区",
            "原工厂、机关或院校的家属区，退休职工多",
            (
                "单位型",
                "原厂",
                "原企业",
                "原单位",
                "厂区",
                "家属院",
                "家属区",
                "退管站",
                "退休职工",
                "老职工",
                "厂矿",
                "老住宅楼",
                "机械厂",
                "纺织厂",
                "厂史",
                "退管",
                "老厂",
                "集团公司",
                "下岗职工",
                "企业改制",
                "厂里",
                "老旧小区",
            ),
        ),
        CommunityType(
            "城乡结合部",
            "出租房、流动人口多，城乡用地交错",
            (
                "城乡结合部",
                "城中村",
                "城郊",
                "群租",
                "农民房",
                "自建房",
                "新老居民混居",
                "本地居民",
                "安置楼",
                "安置房",
                "被征地农民",
                "新市民",
                "务工人员夜校",
            ),
            # every community keeps a register of its migrants and rented flats
            ("出租屋", "出租房", "流动人口", "外来务工"),
        ),
        CommunityType("混合型", "兼有以上几种情况", ()),
    )
}


def suggest_community_type(text: str) -> str | None:
    """The kind of community a text (the profile's notes) speaks of most, if any."""
    scores = {
        name: sum(text.count(w) for w in (*t.words, *t.signs))
        for name, t in COMMUNITY_TYPES.items()
    }
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] else None
