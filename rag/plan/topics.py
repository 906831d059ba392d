"""Plan types found by what the user typed: a key, a name, an alias, or something close to one
("防汛防灾应急工作", "2027年度老龄工作计划", "防汛应急"), with the resolution said when it was
not an exact name, and the nearest types suggested when nothing is close enough."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.plan.outlines import Outline, load_outlines

# What people add around a plan type's name: the year, the unit, the kind of document.
_AROUND = re.compile(r"^\d{4}年度?|(?:年度)?(?:工作)?(?:计划|方案|要点|安排)$")
_CLOSE_ENOUGH = 0.5  # bigram overlap (Dice) of the typed text and the nearest name


@dataclass(frozen=True)
class TopicMatch:
    key: str
    name: str  # the type's Chinese name
    exact: bool  # typed as a key, a name or an alias
    via: str  # the name or alias the typed text was matched on

    def note(self, typed: str) -> str:
        """What the user is told when the type was not typed exactly ("" when it was)."""
        return "" if self.exact else f"计划类型“{typed}”按“{self.name}”处理"


def _names(outline: Outline) -> tuple[str, ...]:
    return (outline.name, *outline.aliases)


def _bare(value: str) -> str:
    return _AROUND.sub("", re.sub(r"\s+", "", value))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _nearest(
    value: str, outlines: dict[str, Outline], *, keywords: bool = False
) -> list[tuple[float, str, str]]:
    """(score, key, name) of every type, best first, by the closest of its names (and, for
    suggestions, of its keywords)."""
    scored = []
    for key, o in outlines.items():
        words = (*_names(o), *o.keywords) if keywords else _names(o)
        score, via = max((_dice(value, n), n) for n in words)
        scored.append((score, key, via))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def match_topic(value: str, outlines: dict[str, Outline] | None = None) -> TopicMatch | None:
    """The plan type a typed text means, or None when no type is close enough."""
    outlines = load_outlines() if outlines is None else outlines
    value = re.sub(r"\s+", "", value or "")
    if not value:
        return None
    for key, o in outlines.items():
        if value == key or value in _names(o):
            return TopicMatch(key, o.name, True, value)
    bare = _bare(value) or value
    # The longest known name that the typed text contains, or that contains it.
    found = [
        (len(n), key, n)
        for key, o in outlines.items()
        for n in _names(o)
        if (n in bare and len(n) >= 2) or (bare in n and len(bare) >= 2)
    ]
    if found:
        best = max(size for size, _, _ in found)
        keys = {key for size, key, _ in found if size == best}
        if len(keys) == 1:
            (key,) = keys
            via = next(n for size, k, n in found if size == best and k == key)
            return TopicMatch(key, outlines[key].name, False, via)
    ranked = _nearest(bare, outlines)
    if (
        ranked
        and ranked[0][0] >= _CLOSE_ENOUGH
        and (len(ranked) == 1 or ranked[1][0] < ranked[0][0])
    ):
        _score, key, via = ranked[0]
        return TopicMatch(key, outlines[key].name, False, via)
    return None


def resolve_topic(value: str, outlines: dict[str, Outline] | None = None) -> str | None:
    """The topic key a typed text means (None when unknown)."""
    match = match_topic(value, outlines)
    return match.key if match else None


def nearest_topics(value: str, n: int = 3, outlines: dict[str, Outline] | None = None) -> list[str]:
    """The names of the (at most n) types that share wording with a typed text."""
    outlines = load_outlines() if outlines is None else outlines
    ranked = _nearest(_bare(value) or value, outlines, keywords=True)
    return [outlines[key].name for score, key, _ in ranked[:n] if score > 0]


def unknown_topic_message(value: str) -> str:
    """未知的计划类型“…”, with the nearest types (or all of them) to choose from."""
    near = nearest_topics(value)
    if near:
        listed = "、".join(f"“{name}”" for name in near)
        return f"未知的计划类型“{value}”：最接近的有{listed}，请从中选择或改用 python -m rag topics 列出的名称"
    names = "、".join(o.name for o in load_outlines().values())
    return f"未知的计划类型“{value}”：请填写以下类型之一：{names}"
