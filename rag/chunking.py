"""Heading-aware chunking (一、 （一） 1. （1） and unnumbered headings); sentences stay whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.corpus import CorpusDoc

MAX_CHARS = 800
MIN_CHARS = 150
_CN = "一二三四五六七八九十"
_LEVELS = (
    (1, re.compile(rf"^([{_CN}]{{1,3}})、\s*(.*)$")),
    (2, re.compile(rf"^（([{_CN}]{{1,3}})）\s*(.*)$")),
    (4, re.compile(r"^（(\d{1,2})）\s*(.*)$")),
    (3, re.compile(r"^(\d{1,2})[.．、]\s*(.*)$")),
)
_LABELS = {1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）"}
# Checked in this order: "保障措施" is 保障 before 措施, "总体要求" 指导思想 before 要求,
# "主要工作措施" 任务措施 before 情况.
_ROLE_WORDS = (
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
_SENTENCE = re.compile(r"[^。！？；]+[。！？；”]*")


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    title: str
    kind: str
    topic: str
    source: str
    section: str
    role: str
    position: int
    text: str

    @property
    def context_text(self) -> str:
        """What is tokenised for BM25: the text with its document title and section."""
        return context_text(self.title, self.section, self.text)


def context_text(title: str, section: str, text: str) -> str:
    """Title, section path and body: the text BM25 sees for a chunk."""
    return f"{title}\n{section}\n{text}"


def role_of_heading(title: str) -> str | None:
    """The section role a heading names, or None when it names none."""
    for role, words in _ROLE_WORDS:
        if any(w in title for w in words):
            return role
    return None


def parse_heading(line: str) -> tuple[int, str, str] | None:
    """(level, label, short title) of a numbered or unnumbered heading line."""
    for level, pattern in _LEVELS:
        if m := pattern.match(line):
            rest = m[2]
            head = rest.split("。", 1)[0]
            short = head if len(head) <= 30 and not re.search("[，；：]", head) else ""
            return level, _LABELS[level].format(m[1]), short
    if len(line) <= 16 and not re.search("[，。；：！？,.;:]", line) and role_of_heading(line):
        return 0, "", line
    return None


@dataclass
class _Unit:
    text: str
    path: tuple[str, ...]
    role: str
    top: int  # index of the top-level section it belongs to (-1: preamble)


def _units(doc: CorpusDoc) -> list[_Unit]:
    default = "任务措施" if doc.kind in ("计划", "方案") else "情况"
    preamble_role = {"计划": "指导思想", "方案": "指导思想", "标语": "其他"}.get(doc.kind, "情况")
    stack: list[tuple[int, str, str | None]] = []  # (level, path label, role)
    units, top = [], -1
    for line in doc.body.split("\n"):
        heading = parse_heading(line)
        if heading:
            level, label, short = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            if level <= 1:
                top += 1
            name = (label + short) if level <= 2 else label
            stack.append((level, name, role_of_heading(short) if short else None))
        path = tuple(name for _, name, _ in stack)
        roles = [r for _, _, r in stack if r]
        if not stack:
            role = preamble_role
        elif doc.kind == "标语":
            role = "其他"
        else:
            role = roles[-1] if roles else default
        units.append(_Unit(line, path, role, top))
    return units


def _is_bare_heading(line: str) -> bool:
    heading = parse_heading(line)
    return bool(heading) and "。" not in line and len(line) <= 32


def _size(units: list[_Unit]) -> int:
    return sum(len(u.text) + 1 for u in units)


def _split_long(text: str) -> list[str]:
    """Pieces of at most MAX_CHARS, cut between sentences."""
    pieces, current = [], ""
    for sentence in _SENTENCE.findall(text) or [text]:
        if current and len(current) + len(sentence) > MAX_CHARS:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: CorpusDoc) -> list[Chunk]:
    """The chunks of one document, in order."""
    groups: list[list[_Unit]] = []
    for unit in _units(doc):
        if groups and groups[-1][0].top == unit.top:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    # A short preamble belongs with the first section.
    if len(groups) > 1 and groups[0][0].top == -1 and _size(groups[0]) < MIN_CHARS:
        first = groups.pop(0)
        groups[0] = [_Unit(u.text, groups[0][0].path, u.role, u.top) for u in first] + groups[0]
    # Short neighbouring sections of the same role share a chunk.
    merged: list[list[_Unit]] = []
    for group in groups:
        prev = merged[-1] if merged else None
        if (
            prev
            and prev[-1].role == group[0].role
            and min(_size(prev), _size(group)) < MIN_CHARS
            and _size(prev) + _size(group) <= MAX_CHARS
        ):
            prev.extend(group)
        else:
            merged.append(list(group))
    groups = merged
    pieces: list[tuple[str, tuple[str, ...], str]] = []
    for group in groups:
        pieces.extend(_pack(group))
    return [
        Chunk(
            doc.doc_id, doc.title, doc.kind, doc.topic, doc.source, " > ".join(path), role, i, text
        )
        for i, (text, path, role) in enumerate(pieces)
    ]


def _pack(group: list[_Unit]) -> list[tuple[str, tuple[str, ...], str]]:
    """Greedy packing of one top-level section into chunks of MIN..MAX characters."""
    parts: list[tuple[str, _Unit]] = []
    for unit in group:
        parts.extend((piece, unit) for piece in _split_long(unit.text))
    chunks: list[list[tuple[str, _Unit]]] = [[]]
    for piece, unit in parts:
        size = sum(len(p) + 1 for p, _ in chunks[-1])
        if chunks[-1] and size + len(piece) > MAX_CHARS:
            # A heading line goes with the text it heads, not at the end of a chunk.
            carried = []
            while len(chunks[-1]) > 1 and _is_bare_heading(chunks[-1][-1][0]):
                carried.insert(0, chunks[-1].pop())
            chunks.append(carried)
        chunks[-1].append((piece, unit))
    # Fold a short tail into its predecessor when both fit.
    if len(chunks) > 1:
        tail = sum(len(p) + 1 for p, _ in chunks[-1])
        prev = sum(len(p) + 1 for p, _ in chunks[-2])
        if tail < MIN_CHARS and tail + prev <= MAX_CHARS:
            chunks[-2].extend(chunks.pop())
    out = []
    for chunk in chunks:
        first = chunk[0][1]
        paths = [u.path for _, u in chunk]
        path = _common_prefix(paths) or first.path
        out.append(("\n".join(p for p, _ in chunk), path, first.role))
    return out


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    # A chunk that starts at an item keeps that item's label even if it runs on.
    if len(prefix) < len(paths[0]) and len(paths) > 1 and paths[0][:-1] == prefix:
        return paths[0]
    return prefix


def cn_number(text: str) -> int:
    """一 … 九十九 as an integer."""
    digits = "一二三四五六七八九"
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.index(tens) + 1 if tens else 1) * 10 + (
            digits.index(ones) + 1 if ones else 0
        )
    return digits.index(text) + 1


def numbering_problems(body: str) -> list[str]:
    """Heading numbers that skip, repeat or restart wrongly (一、 → （一） → 1. → （1））."""
    problems = []
    counters = {1: 0, 2: 0, 3: 0, 4: 0}
    for line in body.split("\n"):
        heading = parse_heading(line)
        if not heading or heading[0] == 0:
            continue
        level = heading[0]
        label = re.match(r"（?([一二三四五六七八九十\d]+)", heading[1])[1]
        number = int(label) if label.isdigit() else cn_number(label)
        if number != counters[level] + 1:
            problems.append(f"“{line[:20]}”：应为第 {counters[level] + 1} 项")
        counters[level] = number
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
    return problems
