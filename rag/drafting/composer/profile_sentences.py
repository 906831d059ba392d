"""Sentences true by the profile: its counts, its notes, the approach with its priorities,
and the marks of what the user has to write."""

from __future__ import annotations

import re

from rag.plan.outlines import Outline
from rag.plan.profile import Profile

# Words of a priority that say what kind of work it is, not what it is about.
GENERIC_TERMS = frozenset(
    "建设 管理 规范化 规范 提升 加强 服务 活动 推进 完善 落实 提高 深化 开展 做好 工作 机制 "
    "体系 常态化 专项 重点 全面 进一步 持续 定期 主题".split()
)


def to_fill(what: str) -> str:
    """A visible mark of what the user has to write: 【待补充：…】."""
    return f"【待补充：{what.rstrip('。；')}】"


def priority_head(priority: str) -> str:
    """A priority's heading: its text up to the first comma or full stop."""
    return re.split(r"[，。；]", priority.strip("。 "))[0]


def guidance_sentence(profile: Profile, outline: Outline) -> str:
    """The approach of a plan in words true of any community, with the profile's priorities."""
    kind = profile.community_type
    if kind and kind != "混合型":
        setting = f"{kind}社区的" if kind == "村改居" else f"{kind}的"
    else:
        setting = profile.community
    focus = "、".join(priority_head(p) for p in profile.priorities)
    aim = f"把{focus}作为重点" if focus else "突出重点、补齐短板"
    return (
        "以习近平新时代中国特色社会主义思想为指导，坚持以人民为中心，"
        f"结合{setting}实际，{aim}，扎实做好{profile.year}年{outline.work_name}。"
    )


# The measure word of a count by what its noun names: people, households, places, teams …
_HOUSEHOLD = re.compile(r"(?:户|家庭|房屋|出租屋|住房)$")
_RATE = re.compile(r"(?:率|比例|占比)$")
_TEAM = re.compile(r"(?:队|队伍|小组|组织)$")
_BUILDING = re.compile(r"(?:楼|楼栋|住宅楼|楼宇|单元)$")
_COMPANY = re.compile(r"(?:企业|商户|门店|单位|商铺|店|公司|医院|学校|幼儿园)$")
_SPOT = re.compile(r"(?:点|点位|隐患|地段|路段|区域|场所|部位)$")
_PLACE = re.compile(r"(?:站|室|所|中心|小区|院落|网格|基地|园|馆|驿站|阵地)$")
_PERSON = re.compile(
    r"(?:人|员|军人|属|老人|儿童|青少年|党员|志愿者|对象|青年|学生|居民|家长|残疾人|妇女|群众|"
    r"职工|农民|毕业生|者|士|生|户籍人口|孤儿)"
)
_PEOPLE_COUNT = re.compile(r"(?:人口|人数)$")


def fact_phrase(key: str, value: str) -> str:
    """ "退役军人126名" from ("退役军人", "126"); values with their own words stay as given.

    The measure word follows what the noun names: 户 for households, % for rates, 支 for
    teams, 栋 for buildings, 家 for companies and shops, 处 for spots, 个 for places, 人 for
    a population and 名 for people (高校毕业生待就业21名, 失地农民860名)."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", value):
        return f"{key}{value}"
    for pattern, unit in (
        (_HOUSEHOLD, "户"),
        (_RATE, "%"),
        (_TEAM, "支"),
        (_BUILDING, "栋"),
        (_COMPANY, "家"),
        (_SPOT, "处"),
        (_PLACE, "个"),
        (_PEOPLE_COUNT, "人"),
    ):
        if pattern.search(key):
            return f"{key}{value}{unit}"
    return f"{key}{value}{'名' if _PERSON.search(key) else '个'}"


_SUBJECT = re.compile(r"^(?:辖区|社区|本社区|我社区|全社区|居民|小区|本小区|各小区|社区内)")
_STATE_END = re.compile(r"(?:多|少|高|低|大|小|集中|突出|为主|居多|较多|较少|偏多|偏少)$")


def notes_sentences(profile: Profile) -> list[str]:
    """The user's notes as sentences of a plan: a telegraphic note gets its subject
    (原轴承厂家属区，退休职工多 → 红旗社区为原轴承厂家属区，退休职工多。)."""
    found = []
    for note in re.split(r"[。；;\n]+", profile.notes or ""):
        note = note.strip(" ，,")
        if not note:
            continue
        first = re.split(r"[，,、]", note)[0]
        if _SUBJECT.match(note) or note.startswith(profile.community):
            sentence = note
        elif note.startswith("由"):
            sentence = profile.community + note
        elif note.startswith(("原", "系")):
            sentence = f"{profile.community}为{note.removeprefix('系')}"
        elif _STATE_END.search(first):
            sentence = "辖区" + note
        else:
            sentence = note
        found.append(sentence.replace(",", "，") + "。")
    return found


def facts_sentence(profile: Profile) -> str:
    """本社区共有住户…户、常住人口…人，其中…: the profile's counts in one sentence."""
    base = []
    if profile.households:
        base.append(f"住户{profile.households}户")
    if profile.population:
        base.append(f"常住人口{profile.population}人")
    facts = [fact_phrase(k, v) for k, v in profile.facts.items()]
    if not base and not facts:
        return ""
    text = f"{profile.community}共有{'、'.join(base)}" if base else ""
    if facts:
        text += ("，辖区有" if text else f"{profile.community}辖区有") + "、".join(facts)
    return text + "。"


def situation_text(profile: Profile, outline: Outline) -> str:
    """基本情况 from the profile alone (a sample's situation is another community's)."""
    parts = [s for s in [facts_sentence(profile), *notes_sentences(profile)] if s]
    if profile.priorities:
        parts.append(
            f"本年度{outline.work_name}的重点是：{'、'.join(p.strip('。；') for p in profile.priorities)}"
        )
    if not parts:
        parts = ["【待补充：社区基本情况，如住户和人口数、本项工作对象的底数和特点】"]
    return "".join(p if p.endswith("。") else p + "。" for p in parts)
