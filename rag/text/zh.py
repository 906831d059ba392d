"""Chinese helpers: numerals, weekday names, sentences, placeholders and numbered headings."""

from __future__ import annotations

import re

NUMERALS = "一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"  # Monday … Sunday (星期日)
# A sentence with its end punctuation and any closing quote or bracket after it.
SENTENCE = re.compile(r"[^。！？；\n]+(?:[。！？；]+[”’」）]*|$)")
# What a sample writes for a name or a number left to fill in.
PLACEHOLDER = re.compile(r"×{2,}|[xX]{2,}|某某|〇〇|20[xX×]{2}|X{2,}")
# What a draft asks the user to write: 【待补充：…】 (the group is what is asked for).
TO_FILL = re.compile(r"【待补充[：:]?([^】]*)】")
# A figure carried over from last year's plan, for the user to update (group: the figure).
OLD_DATA = "【上年数据，请更新】"
OLD_FIGURE = re.compile(r"(\d+(?:\.\d+)?[^\d【】，。；、\s]{0,4})【上年数据，?请更新】")

_HEADING_LEVELS = (
    (1, re.compile(rf"^([{NUMERALS}]{{1,3}})、\s*(.*)$")),
    (2, re.compile(rf"^（([{NUMERALS}]{{1,3}})）\s*(.*)$")),
    (4, re.compile(r"^（(\d{1,2})）\s*(.*)$")),
    (3, re.compile(r"^(\d{1,2})[.．、]\s*(.*)$")),
)
_HEADING_LABELS = {1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）"}
# The section role a heading's words name. Checked in this order: "保障措施" is 保障 before
# 措施, "总体要求" 指导思想 before 要求, "主要工作措施" 任务措施 before 情况.
HEADING_ROLE_WORDS = (
    (
        "指导思想",
        ("指导思想", "总体要求", "总体思路", "工作思路", "活动主题", "活动目的", "目的意义"),
    ),
    ("保障", ("保障", "工作要求", "活动要求", "组织领导", "考核", "督查", "注意事项")),
    ("目标", ("目标",)),
    ("安排", ("安排", "步骤", "进度", "时间", "日程", "阶段", "活动流程", "活动地点", "参加人员")),
    ("问题", ("问题", "不足", "挑战", "困难", "薄弱")),
    ("建议", ("建议", "对策", "打算", "下一步")),
    ("任务措施", ("措施", "任务", "重点", "工作内容", "活动内容", "做法", "举措", "具体工作")),
    ("情况", ("情况", "成效", "现状", "特点", "成绩", "形势", "回顾", "主要工作")),
)


def cn_numeral(n: int) -> str:
    """1 … 99 as 一 … 九十九."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    return NUMERALS[n // 10 - 1] + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")


def cn_number(text: str) -> int:
    """一 … 九十九 as an integer."""
    digits = NUMERALS[:9]
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.index(tens) + 1 if tens else 1) * 10 + (
            digits.index(ones) + 1 if ones else 0
        )
    return digits.index(text) + 1


# A sentence that is only an adverbial ("依托原厂专职消防队退休骨干。") or stops mid-way.
_FRAGMENT_START = re.compile(r"^(?:依托|通过|围绕|按照|结合|利用|借助|根据|针对|对于|立足)")
# An adverbial that ends on what it rests on: 立足…的优势。 围绕…这一根本。
_ADVERBIAL_END = re.compile(
    r"(?:的|这一)(?:优势|特点|实际|根本|要求|契机|抓手|载体|基础|办法|做法|方式|原则)$"
)
_FRAGMENT_END = re.compile(r"(?:由|和|及|与|的|对|在|将|把|以|为|等|、|…|……)[。；！？]?$")
# What a sentence of a plan does: without one of these after 依托…, nothing is said.
ACTION = re.compile(
    r"开展|组织|建立|落实|推进|做好|加强|实行|实施|举办|召开|进行|完成|提供|设立|发挥|参与|宣传|"
    r"走访|排查|开设|建成|形成|提高|提升|确保|实现|推动|配合|协助|帮助|服务|引导|动员|邀请|培训|"
    r"检查|整治|签订|招募|带动|吸纳|安排|负责|制定|完善|健全|打造|创建|保障|筹集|列支|使用|宣讲|"
    r"办|抓|搭建|成立|增强|营造|筑牢|守住|聚焦|突出|坚持|深化|解决|化解|覆盖|调解|救助|慰问|关爱|"
    # 借助部队力量, 发挥阵地作用: a heading that names what is used and for what
    r"力量|作用|优势|资源|阵地|平台|载体"
)


def is_fragment(sentence: str) -> bool:
    """A sentence without its main part: an adverbial alone, a dangling word at its end, or a
    quote or bracket left open."""
    core = sentence.strip().rstrip("。；！？")
    if len(core) < 4:
        return False
    return bool(
        (
            _FRAGMENT_START.match(core)
            and not re.search("[，：；]", core)
            and (not ACTION.search(core) or _ADVERBIAL_END.search(core))
        )
        or (_FRAGMENT_END.search(core + "。") and not re.search(r"是[^，；]*的$", core))
        or core.count("“") != core.count("”")
        or core.count("（") != core.count("）")
    )


def sentences(text: str) -> list[str]:
    """A paragraph's sentences, each with its end punctuation."""
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def sentence_key(sentence: str) -> str:
    """A sentence reduced to its characters, for comparing sentences across sections."""
    return re.sub(r"[^\u4e00-\u9fff\dA-Za-z]", "", sentence)


def role_of_heading(title: str) -> str | None:
    """The section role a heading names, or None when it names none."""
    for role, words in HEADING_ROLE_WORDS:
        if any(w in title for w in words):
            return role
    return None


def parse_heading(line: str) -> tuple[int, str, str] | None:
    """(level, label, short title) of a numbered or unnumbered heading line."""
    for level, pattern in _HEADING_LEVELS:
        if m := pattern.match(line):
            rest = m[2]
            head = rest.split("。", 1)[0]
            short = head if len(head) <= 30 and not re.search("[，；：]", head) else ""
            return level, _HEADING_LABELS[level].format(m[1]), short
    if len(line) <= 16 and not re.search("[，。；：！？,.;:]", line) and role_of_heading(line):
        return 0, "", line
    return None


def numbering_problems(body: str) -> list[str]:
    """Heading numbers that skip, repeat or restart wrongly (一、 → （一） → 1. → （1））."""
    problems = []
    counters = {1: 0, 2: 0, 3: 0, 4: 0}
    for line in body.split("\n"):
        heading = parse_heading(line)
        if not heading or heading[0] == 0:
            continue
        level = heading[0]
        label = re.match(rf"（?([{NUMERALS}\d]+)", heading[1])[1]
        number = int(label) if label.isdigit() else cn_number(label)
        if number != counters[level] + 1:
            problems.append(f"“{line[:20]}”：应为第 {counters[level] + 1} 项")
        counters[level] = number
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
    return problems


def unnumbered(line: str) -> str:
    """A line without its item number: （一）, 1., 一、 …"""
    heading = parse_heading(line)
    return line[len(heading[1]) :] if heading and heading[0] else line
