"""Passage units: a sample passage cut into prose paragraphs and numbered items, adapted to
the profile, and the orders in which a section takes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.drafting.composer.adapt import Adapter
from rag.plan.draft import Passage
from rag.text.tokens import tokenize
from rag.text.zh import parse_heading, sentence_key, sentences


@dataclass(frozen=True)
class Unit:
    """A prose paragraph, or a numbered item (heading, body sentences, sub-items)."""

    id: str
    passage: Passage
    heading: str
    body: tuple[str, ...]
    subitems: tuple[str, ...] = ()
    numbered: bool = False

    @property
    def is_item(self) -> bool:
        return self.numbered or bool(self.heading) or bool(self.subitems)

    def size(self) -> int:
        return len(self.heading) + sum(map(len, self.body)) + sum(map(len, self.subitems))


def strip_number(line: str) -> tuple[int, str]:
    """(level, text without its numbering) of a line; level 0 when it is not numbered."""
    heading = parse_heading(line)
    if not heading or heading[0] == 0:
        return 0, line
    return heading[0], line[len(heading[1]) :].lstrip(" .．、")


def passage_units(passage: Passage, adapter: Adapter, topic_check: bool) -> list[Unit]:
    """The usable units of a passage, adapted; level-1 headings and 落款-like lines skipped."""
    lines = [ln.strip() for ln in passage.text.split("\n") if ln.strip()]
    numbered_lines = [(*strip_number(ln), ln) for ln in lines]  # (level, text, line)
    first = next((i for i, (level, _, _) in enumerate(numbered_lines) if level == 1), 0)
    numbered_lines = [  # the preamble before 一、 and the 一、 headings are not ours
        (level, text)
        for level, text, line in numbered_lines[first:]
        if level != 1 and parse_heading(line) != (0, "", line)
    ]
    item_level = min((lv for lv, _ in numbered_lines if lv), default=0)
    raw: list[tuple[str, list[str], list[str], bool]] = []  # (head line, body, subs, numbered)
    for level, text in numbered_lines:
        if level and level == item_level:
            raw.append((text, [], [], True))
        elif level and raw:
            raw[-1][2].append(text)
        elif raw and raw[-1][3]:
            raw[-1][1].append(text)
        else:
            raw.append(("", [text], [], False))
    units = []
    for n, (head_line, body, subs, numbered) in enumerate(raw):
        heading, first_body = split_heading(head_line)
        adapted_heading = adapter.heading(heading, topic_check) if heading else ""
        if heading and not adapted_heading:
            continue
        body_sents = [s for part in [first_body, *body] for s in sentences(part)]
        kept = _adapted_in_turn(body_sents, adapter, topic_check)
        kept_subs = []
        for sub in subs:
            sub_head, sub_body = split_heading(sub)
            parts = [
                a
                for s in sentences(sub_body)
                if (a := adapter.sentence(without_enumerators(s), topic_check))
            ]
            head = adapter.heading(sub_head, topic_check) if sub_head else ""
            if sub_head and not head:
                continue
            if parts or (head and not sub_body):
                kept_subs.append((head.rstrip("。；") + "。" if head else "") + "".join(parts))
        if heading and not kept and not kept_subs:
            continue
        if not heading and not kept:
            continue
        heading_text = adapted_heading.rstrip("。；：") if adapted_heading else ""
        units.append(
            Unit(
                f"{passage.id}#{n}",
                passage,
                heading_text,
                tuple(kept),
                tuple(kept_subs),
                numbered,
            )
        )
    return units


# A sentence that leans on the one before it: 同时宣传征兵知识, 此外…, 对此…
REFERS_BACK = re.compile(
    r"^(?:同时|此外|另外|并且|并|还要|还|其中|对此|为此|因此|这些|上述|以上|该)"
)


# An enumerator of a list the sentence no longer stands in: 一是…；二是…, 其一, 首先.
_ENUMERATOR = re.compile(
    r"(^|[；，：])(?:[一二三四五六七八九十]是|其[一二三四五六]|首先|其次|再次|最后|第[一二三四五六]，?)[，、：]?"
)


def without_enumerators(sentence: str) -> str:
    """A sentence without the 一是/二是 of the list it was cut from."""
    return _ENUMERATOR.sub(r"\1", sentence)


def _adapted_in_turn(texts: list[str], adapter: Adapter, topic_check: bool) -> list[str]:
    """The sentences adapted in order; one that leans on the sentence before it goes when
    that one went, and so do the items of a list whose head went (具体目标是：A；B。)."""
    kept, previous, in_list = [], True, False
    for text in texts:
        adapted = adapter.sentence(without_enumerators(text), topic_check)
        if adapted and (in_list or (REFERS_BACK.match(adapted) and not previous)):
            adapted = None
        kept += [adapted] if adapted else []
        previous = bool(adapted)
        in_list = not adapted and text.rstrip().endswith("；") and ("：" in text or in_list)
    return kept


def split_heading(line: str) -> tuple[str, str]:
    """("加强组织领导", "rest") for "加强组织领导。rest"; ("", line) when there is no short head."""
    head, sep, rest = line.partition("。")
    if sep and len(head) <= 20 and not re.search(r"[，；：]", head):
        return head + "。", rest
    if not sep and len(line) <= 24 and not re.search(r"[，；：]", line):
        return line, ""
    return "", line


def sentence_keys(text: str) -> set[str]:
    """The sentence keys of a text (a sub-item may hold several sentences)."""
    return {sentence_key(s) for s in sentences(text)}


def _bigrams(text: str) -> set[str]:
    text = sentence_key(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similar_heading(a: str, b: str) -> bool:
    return similar(a, b, 0.34)


def similar(a: str, b: str, threshold: float = 0.3) -> bool:
    """Whether two texts share most of their character pairs (the same thing said twice)."""
    x, y = _bigrams(a), _bigrams(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= threshold + 0.2


def unit_text(unit: Unit) -> str:
    return unit.heading + "".join(unit.body)


def whole_text(unit: Unit) -> str:
    """A unit's heading, body and sub-items, a line each."""
    return "\n".join([unit_text(unit), *unit.subitems])


def by_instruction(units: list[Unit], instruction: str) -> list[Unit]:
    """Units that share words with the user's instruction first (stable otherwise)."""
    want = set(tokenize(instruction))
    overlap = {
        u.id: len(want & set(tokenize(u.heading + "".join(u.body + u.subitems)))) for u in units
    }
    return sorted(units, key=lambda u: -overlap[u.id])


def round_robin(units: list[Unit]) -> list[Unit]:
    """Units interleaved across passages, keeping each passage's own order."""
    by_passage: dict[str, list[Unit]] = {}
    for u in units:
        by_passage.setdefault(u.passage.id, []).append(u)
    queues = list(by_passage.values())
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out
