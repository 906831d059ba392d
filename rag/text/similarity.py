"""The same thing said twice: sentences and items compared by their characters and their words.

A leaf of rag.text: the composer uses it to avoid saying a thing twice, the quality report to
count where a plan still does. Both may add a semantic comparison (an embedding) on top.
"""

from __future__ import annotations

import re

from rag.text.tokens import word_frequency, words
from rag.text.zh import sentence_key

# Words that say what kind of work something is, not what it is about.
GENERIC_WORDS = frozenset(
    "建设 管理 规范化 规范 提升 加强 服务 活动 推进 完善 落实 提高 深化 开展 做好 工作 机制 "
    "体系 常态化 专项 重点 全面 进一步 持续 定期 主题 组织 社区 居民 群众 辖区 全年 年度 "
    "及时 积极 认真 切实 不断 有效 扎实 进行 实施 形成 确保 各类 相关 有关 一批 工作者 人员".split()
)
# Kinds of activity many items share: no sign on their own that two items are about one thing.
ACTIVITY_WORDS = frozenset(
    "宣传 培训 保障 检查 教育 会议 制度 队伍 责任 台账 档案 氛围 力度 "
    # … and the words of any goal or norm: 达到, 不少于, 每季度, 覆盖率
    "达到 不少 不少于 不低于 以上 期间 每季度 每月 每年 每周 每半年 覆盖率 实现 完成 全部 做到 "
    "办结 受理 登记".split()
)
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def content_words(text: str) -> set[str]:
    """The words of a text that say what it is about (dictionary words of 2+ characters)."""
    return {w for w in words(text) if _CJK.match(w) and w not in GENERIC_WORDS}


def bigrams(text: str) -> set[str]:
    key = sentence_key(text)
    return {key[i : i + 2] for i in range(len(key) - 1)}


def bigram_overlap(a: str, b: str) -> float:
    """The share of the shorter text's character pairs the other text has too."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def topic_words(text: str) -> set[str]:
    """The content words of a text that name a particular thing (rarer than everyday words)."""
    return {
        w
        for w in content_words(text)
        if word_frequency(w) <= 20000 and w not in ACTIVITY_WORDS  # the field's terms: 20000
    }


def subject_words(headings: list[str], name: str = "", share: float = 0.3) -> frozenset[str]:
    """The words of a plan's subject: those of its type's name (禁毒 in 禁毒工作) and those in
    a good share of its headings (党员 in a 党建 plan), which tell nothing about which work an
    item is."""
    counts: dict[str, int] = {}
    for heading in headings:
        for w in topic_words(heading):
            counts[w] = counts.get(w, 0) + 1
    least = max(3, share * len(headings))
    return frozenset(w for w, n in counts.items() if n >= least) | topic_words(name)


def same_topic(a: str, b: str, subject: frozenset[str] = frozenset()) -> bool:
    """Whether two headings are about the same work: a rare word in common (国防教育, 征兵)
    that is not the whole plan's subject, or most of their characters."""
    return bool((topic_words(a) & topic_words(b)) - subject) or bigram_overlap(a, b) >= 0.5


def near_duplicate(a: str, b: str) -> bool:
    """Whether two items say the same thing: most character pairs or most content words in
    common."""
    if bigram_overlap(a, b) >= 0.5:
        return True
    x, y = content_words(a), content_words(b)
    return len(x & y) >= 3 and len(x & y) / min(len(x), len(y)) >= 0.5


def says_again(a: str, b: str) -> bool:
    """Whether one sentence says again what another says, as a whole or in one of its
    clauses (电梯全部安装电动自行车识别阻车装置 / 在电梯轿厢内安装智能识别阻车系统)."""
    if near_duplicate(a, b):
        return True
    clauses = [[c for c in re.split(r"[，；：。]", t) if len(c) >= 8] for t in (a, b)]
    return any(near_duplicate(x, y) for x in clauses[0] for y in clauses[1])
