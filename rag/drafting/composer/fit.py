"""What fits a section: 工作目标 holds goals, not activities; 保障措施 names each guarantee once;
every section keeps to its plan type (no 警民 in a 双拥 plan, no 门前三包 in a 党建 plan)."""

from __future__ import annotations

import re

from rag.drafting.composer.units import Unit
from rag.plan.outlines import Outline

# What a goal says: a result, a standard or a figure to reach.
GOAL = re.compile(
    r"达到|实现|不低于|不少于|不超过|以上|以内|%|率|全覆盖|覆盖|力争|确保|形成|建成|创成|无[^，。；]{0,12}发生|"
    r"零[^，。；]{0,4}|下降|减少|提高到|提升到|稳定在|控制在|满意度|明显|显著|有效|进一步|全面|得到|均|应享尽享"
)
# How an activity begins: the verbs of a measure, without any result.
_ACTIVITY_START = re.compile(
    r"^(?:加大|加强|开展|组织|举办|召开|深入|广泛|积极|大力|认真|继续|定期|坚持|利用|依托|通过|"
    r"结合|围绕|做好|抓好|推进|推动|落实|完善|健全|建立|实施|发挥|邀请|动员)"
)


def is_goal(sentence: str) -> bool:
    """Whether a sentence states a goal (what is to be achieved), not only an activity."""
    return bool(GOAL.search(sentence)) or not _ACTIVITY_START.match(sentence)


def goals_only(unit: Unit) -> Unit | None:
    """A unit of a goals section with only its goal sentences; an activity heading goes
    (加大警民共建活动力度), and so does a unit left without goals."""
    body = tuple(s for s in unit.body if is_goal(s) and GOAL.search(s))
    subs = tuple(s for s in unit.subitems if GOAL.search(s))
    if not body and not subs:
        return None
    heading = unit.heading if unit.heading and GOAL.search(unit.heading) else ""
    return Unit(unit.id, unit.passage, heading, body, subs, unit.numbered)


# The guarantees of a plan: each is named once in 保障措施.
_GUARANTEES = {
    "组织": re.compile(r"组织领导|领导小组|工作小组|领导机制|组织保障|领导责任|组织体系|专班"),
    "经费": re.compile(r"经费|资金|物资保障|财力"),
    "督查": re.compile(r"督查|督导|督促|考核|考评|检查|问责|监督|评议"),
    "队伍": re.compile(r"队伍|人员保障|力量|人才"),
    "制度": re.compile(r"制度保障|制度建设|机制保障|工作机制|长效机制"),
    "宣传": re.compile(r"宣传|舆论|氛围"),
    "责任": re.compile(r"责任落实|压实责任|责任保障|责任制|牵头抓总"),
    "安全": re.compile(r"安全保障|安全防护|安全管理"),
    "联动": re.compile(r"联动|联席|协作|协同|信息共享"),
}


def guarantees(unit: Unit) -> set[str]:
    """The guarantees a 保障措施 item is about: by its heading, else by its first sentence."""
    text = unit.heading or (unit.body[0] if unit.body else "")
    return {name for name, pattern in _GUARANTEES.items() if pattern.search(text)}


# Words of one plan type's own work, out of place in a plan of another type.
_TYPE_WORDS = {
    "zongzhi": ("警民", "社区矫正", "刑满释放", "枫桥经验", "治安巡逻"),
    "wenming": ("门前三包", "创文", "文明城市", "测评", "迎检"),
    "shuangyong": ("征兵", "兵役登记", "军烈属", "光荣牌", "驻地部队", "拥军"),
    "jindu": ("禁毒", "毒品", "吸毒", "戒毒"),
    "xiaofang": ("灭火器", "消火栓", "九小场所", "微型消防站"),
    "huanjing": ("垃圾分类", "厨余垃圾", "桶边督导", "撤桶并点"),
    "dangjian": ("三会一课", "主题党日", "党费", "入党积极分子", "发展党员"),
    "yingji": ("防汛", "汛期", "内涝"),
    "laoling": ("高龄津贴", "老年食堂", "日间照料"),
    "jiuye": ("春风行动", "招聘会", "失业登记", "公益性岗位"),
}


def foreign_words(outline: Outline) -> frozenset[str]:
    """The words of other plan types' own work (门前三包 for a 党建 plan, 警民 for 双拥)."""
    own = set(outline.keywords)
    return frozenset(
        w
        for key, words in _TYPE_WORDS.items()
        if key != outline.key
        for w in words
        if not any(w in k or k in w for k in own)
    )


def off_topic(unit: Unit, foreign: frozenset[str]) -> bool:
    """Whether a unit is about another plan type's work: its heading or one of its sentences
    names that work."""
    return any(w in text for text in (unit.heading, *unit.body, *unit.subitems) for w in foreign)
