"""Keyword rules that label a text with its kind (计划/总结/方案/调研报告/标语) and topic."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.plan.outlines import Outline

# Phrases typical of each kind, with weights. Explicit self-descriptions weigh most.
_KIND_MARKERS: dict[str, dict[str, float]] = {
    "调研报告": {
        "调研": 3,
        "调查": 2,
        "考察": 2,
        "报告如下": 4,
        "调研情况": 4,
        "据调查": 3,
        "对策": 2,
        "建议": 1,
        "面临的": 1,
        "挑战": 1,
    },
    "总结": {
        "今年以来": 3,
        "一年来": 3,
        "汇报": 3,
        "总结": 2,
        "取得了": 1.5,
        "成效": 1,
        "存在的问题": 2,
        "不足": 1,
        "下一步": 1.5,
        "回顾": 2,
        "圆满完成": 2,
        "累计": 1,
        "共开展": 2,
        "同比": 1.5,
    },
    "方案": {
        "活动方案": 5,
        "活动时间": 3,
        "活动地点": 3,
        "参加人员": 3,
        "参与人员": 3,
        "活动主题": 3,
        "活动内容": 2,
        "活动流程": 3,
        "实施方案": 4,
    },
    "计划": {
        "计划": 2,
        "指导思想": 3,
        "工作目标": 3,
        "具体措施": 2,
        "工作措施": 2,
        "工作安排": 2,
        "保障措施": 2,
        "特制定": 3,
        "进一步": 0.5,
        "认真抓好": 1,
        "切实": 0.5,
        "大力": 0.5,
        "积极": 0.3,
        "做好": 0.5,
        "加强": 0.3,
        "组织": 0.3,
        "开展": 0.2,
    },
}
_TITLE_KIND = (
    ("方案", "方案"),
    ("调研", "调研报告"),
    ("调查报告", "调研报告"),
    ("总结", "总结"),
    ("标语", "标语"),
    ("口号", "标语"),
    ("计划", "计划"),
)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _is_slogan_list(lines: list[str]) -> bool:
    if len(lines) < 8 or any(_HEADING.match(line) for line in lines):
        return False
    short = sum(len(re.sub(r"^\d+[.、]", "", line)) <= 36 for line in lines)
    verbs = sum(bool(re.search("组织|开展|负责|落实|安排", line)) for line in lines)
    return short / len(lines) >= 0.8 and verbs / len(lines) < 0.2


def classify_kind(text: str, title: str = "") -> str:
    """The kind of a document: 计划, 总结, 方案, 调研报告 or 标语."""
    for word, kind in _TITLE_KIND:
        if word in title:
            return kind
    lines = [line for line in text.split("\n") if line.strip()]
    if _is_slogan_list(lines):
        return "标语"
    head = "\n".join(lines[:3])
    scores = {}
    for kind, markers in _KIND_MARKERS.items():
        score = sum(w * text.count(m) for m, w in markers.items())
        score += sum(2 * w * head.count(m) for m, w in markers.items() if w >= 2)
        scores[kind] = score / max(1.0, (len(text) / 1500) ** 0.5)
    # Past-tense reports ("开展了", "完成了") are summaries, not plans.
    scores["总结"] += 0.4 * len(
        re.findall(r"[了过](?=[，。、\d])|了[\d一二三四五六七八九十]", text)
    )
    return max(scores, key=scores.__getitem__)


def classify_topic(text: str, outlines: dict[str, Outline], title: str = "") -> str:
    """The plan type whose name, aliases and keywords the text mentions most."""
    best, best_score = "", 0.0
    for key, outline in outlines.items():
        words = {*outline.keywords, *outline.aliases, outline.name.removesuffix("工作")}
        score = 0.0
        for word in words:
            if len(word) < 2:
                continue
            weight = min(len(word), 4) / 2
            score += weight * text.count(word) + 3 * weight * title.count(word)
        if score > best_score:
            best, best_score = key, score
    return best or "shequ"
