"""Structure from content: the outline role of each paragraph of a plan written as prose (no
一、 headings), and whether a document is a community's at all."""

from __future__ import annotations

import re

from rag.text.zh import parse_heading

# The heading a prose paragraph's role stands for, as plans write it.
ROLE_HEADINGS = {
    "指导思想": "指导思想",
    "目标": "工作目标",
    "任务措施": "主要任务",
    "安排": "工作安排",
    "保障": "保障措施",
}
# What a paragraph of each role says, with weights.
_ROLE_SIGNS: dict[str, tuple[tuple[str, float], ...]] = {
    "指导思想": (
        (r"指导思想|为指导|以.{1,30}为(?:指导|引领|统领)", 3),
        (r"特制定|现制定|制定本(?:计划|方案)|计划如下|方案如下", 3),
        (r"本着|坚持以|深入贯彻|全面贯彻|认真贯彻|紧紧围绕", 1.5),
        (r"^为(?:了|切实|进一步|深入|全面|扎实)", 1.5),
    ),
    "目标": (
        (r"目标", 3),
        (r"力争|争创|确保.{0,12}(?:达到|实现|不发生)", 1.5),
        (r"(?:达到|提高到|控制在|保持在)\d|\d+%以上|(?:知晓|覆盖|整改|完好|参与)率", 1.5),
        (r"不发生|零发生|全覆盖", 1.5),
    ),
    "安排": (
        (r"\d{1,2}月(?:份|上旬|中旬|下旬|底|初)?(?:至|到|—|-|～)", 2),
        (r"阶段|时间安排|步骤|进度|上半年|下半年|第[一二三四]季度", 1.5),
    ),
    "保障": (
        (r"领导小组|组织领导|加强领导|责任制|责任分工|明确分工", 2.5),
        (r"考核|督查|督导|经费|预算|列支|保障|落到实处|奖惩", 1.5),
    ),
    "任务措施": ((r"开展|组织|加强|建立|落实|推进|做好|整治|排查|宣传|走访|完善|举办", 0.6),),
}
_MONTH = re.compile(r"\d{1,2}月")
_TITLE_END = re.compile(r"(?:计划|方案|安排|要点)$")


def has_outline_headings(body: str) -> bool:
    """True when the text has headings of an outline (一、 （一） or a bare 工作目标)."""
    for line in body.split("\n"):
        heading = parse_heading(line)
        if heading and heading[0] in (0, 1, 2):
            return True
    return False


def paragraph_role(text: str) -> str | None:
    """The role a paragraph's content speaks for, or None when it says nothing telling."""
    scores = {
        role: sum(w * len(re.findall(p, text)) for p, w in signs)
        for role, signs in _ROLE_SIGNS.items()
    }
    if len(_MONTH.findall(text)) >= 3:
        scores["安排"] += 3
    role, best = max(scores.items(), key=lambda kv: kv[1])
    return role if best >= 1.5 else None


def prose_roles(lines: list[str]) -> list[str]:
    """One role per line of a plan without outline headings.

    An item (1. …) is a task unless its own words clearly say otherwise; a paragraph that says
    nothing telling continues the role before it; the opening speaks for the guiding idea.
    """
    roles: list[str] = []
    for n, line in enumerate(lines):
        item = parse_heading(line)
        own = paragraph_role(line)
        if n == 0 and len(line) <= 40 and _TITLE_END.search(line):
            role = None  # the title: it goes with what follows
        elif item and item[0] >= 3:
            role = own if own in ("安排", "保障") else "任务措施"
        else:
            role = own or (roles[-1] if roles else "指导思想")
        roles.append(role or "")
    first = next((r for r in roles if r), "指导思想")
    return [r or first for r in roles]


# Words of a community's work, and of the places and writers that are not a community's.
_COMMUNITY = r"社区|居委会|居民|街道|辖区|小区|网格|楼栋|楼院|业委会|物业|村改居|党群服务中心"
_OTHER_SCOPES = (
    (
        "学校",
        r"学生会|同学|班级|班长|团支书|团支部|团总支|辅导员|学院|年级|校园|课余|本校|我校|全校",
    ),
    ("单位", r"公司|员工|车间|本单位|本部门|科室|企业"),
)
_ESSAY = r"记得|那年|那天|后来|想起|那个冬天|那个夏天|当时|小时候"
COMMUNITY = "社区"
ESSAY = "个人随笔"


def document_scope(body: str) -> str:
    """Whose document it is: 社区, or 学校 / 单位 (an organisation's own activity) or 个人随笔 (a
    personal essay), which community drafting must not use."""
    community = len(re.findall(_COMMUNITY, body))
    for scope, words in _OTHER_SCOPES:
        other = len(re.findall(words, body))
        if other >= 3 and other > community:
            return scope
    has_headings = any(parse_heading(line) for line in body.split("\n"))
    personal = len(re.findall(r"我(?!们|国|市|区|省|县|镇|街|社区)", body))
    if not has_headings and personal >= 3 and re.search(_ESSAY, body):
        return ESSAY
    return COMMUNITY
