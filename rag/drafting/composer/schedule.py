"""时间安排: the plan type's key dates in the profile's year, by month or by quarter, or last
year's own schedule carried over; an instruction adds the entry it asks for."""

from __future__ import annotations

import re

from rag.drafting.composer.adapt import Adapter
from rag.drafting.composer.profile_sentences import GENERIC_TERMS, to_fill
from rag.drafting.composer.sources import outline_source
from rag.drafting.composer.units import similar
from rag.drafting.own_sources import is_previous, key_dates_passage
from rag.drafting.writer import SectionJob
from rag.errors import NoMoreVariants
from rag.plan.draft import Passage, Version
from rag.plan.outlines import CLOSING, KeyDate, schedule_entries
from rag.plan.sources import PREVIOUS, USER, line_sentences
from rag.plan.sources import source as source_of
from rag.text.tokens import tokenize
from rag.text.zh import cn_numeral, sentences, unnumbered

_LAYOUT_NAMES = {"previous": "上年计划", "month": "按月份", "quarter": "按季度"}


def schedule_version(job: SectionJob, adapter: Adapter, *, origin: str, model: str) -> Version:
    """时间安排 from the plan type's key dates in the profile's year.

    An instruction ("增加春节走访慰问的具体安排") adds what it asks for to the key date it
    names, or as an entry of its own, with the details marked 【待补充】 (the composer
    knows the calendar, not this community's arrangements); it may be given any time.
    """
    outline, year = job.outline, job.profile.year
    previous = next((p for p in job.passages if is_previous(p)), None)
    layouts = ("previous", "month", "quarter") if previous else ("month", "quarter")
    variant = len([u for u in job.avoid_units if u.startswith("schedule:")])
    asked = _asked_for(job.instruction)
    if variant >= len(layouts) and not asked:
        names = "、".join(_LAYOUT_NAMES[name] for name in layouts)
        raise NoMoreVariants(
            f"“时间安排”的{'两三'[len(layouts) - 2]}种排法（{names}）都已用过：可以直接编辑本节，"
            "或在修改要求中写明要补充的安排。"
        )
    layout_name = layouts[variant % len(layouts)] if not asked else "month"
    entries, closing = schedule_entries(outline, year)
    target = _asked_date([kd for _, kd in entries], asked) if asked else None
    source = key_dates_passage(outline, year)
    calendar = outline_source("日历", source.id)
    if layout_name == "previous":
        sourced = _previous_schedule(adapter, previous, entries, calendar)
    elif layout_name == "month":
        sourced = [
            (
                f"（{cn_numeral(i + 1)}）{when}：{_named(kd)}{kd.activity}"
                + (_details(asked) if kd is target else ""),
                calendar,
            )
            for i, (when, kd) in enumerate(entries)
        ]
        if asked and target is None:  # what the user asked for, to be filled in
            line = f"（{cn_numeral(len(sourced) + 1)}）{asked}。{_details(asked)}"
            sourced.append((line, source_of(USER, instruction=job.instruction)))
        if closing:
            sourced.append((f"（{cn_numeral(len(sourced) + 1)}）12月：{CLOSING}", calendar))
    else:
        quarters: dict[int, list[str]] = {}
        for when, kd in entries:
            quarters.setdefault((kd.month - 1) // 3, []).append(
                f"{when}，{_named(kd)}{kd.activity}"
            )
        if closing:
            quarters.setdefault(3, []).append(f"12月，{CLOSING}")
        sourced = [
            (f"（{cn_numeral(n + 1)}）第{cn_numeral(q + 1)}季度。" + "".join(quarters[q]), calendar)
            for n, q in enumerate(sorted(quarters))
        ]
    return Version(
        "\n".join(line for line, _ in sourced),
        origin,
        sentences=line_sentences(sourced),
        given=[previous, source] if layout_name == "previous" else [source],
        model=model,
        units=[f"schedule:{layout_name}" + (f":{asked}" if asked else "")],
        instruction=job.instruction,
    )


def _previous_schedule(
    adapter: Adapter, previous: Passage, entries, calendar: dict
) -> list[tuple[str, dict]]:
    """Last year's schedule carried over (its own lines, dates moved) with the type's key
    dates it does not cover, in calendar order; each line with its source."""
    own = source_of(PREVIOUS, chunk_id=previous.id, doc_id=previous.doc_id)
    lines: list[tuple[int, str, dict]] = []
    for line in previous.text.split("\n"):
        parts = [a for s in sentences(unnumbered(line)) if (a := adapter.sentence(s))]
        if parts:
            month = re.search(r"(\d{1,2})月", line)
            lines.append((int(month[1]) if month else 13, "".join(parts), own))
    lines += [
        (kd.month, f"{when}：{_named(kd)}{kd.activity}", calendar)
        for when, kd in entries
        if when not in previous.text
        and not any(similar(kd.name, line) for line in previous.text.split("\n"))
    ]
    lines.sort(key=lambda x: x[0])
    return [(f"（{cn_numeral(n)}）{text}", src) for n, (_, text, src) in enumerate(lines, 1)]


def _named(kd: KeyDate) -> str:
    return f"{kd.name}。" if kd.name else ""


def _asked_for(instruction: str) -> str:
    """What an instruction asks the schedule for: "增加春节走访慰问的具体安排" → 春节走访慰问."""
    text = re.sub(
        r"^(?:请)?(?:增加|补充|加上|添加|写上|写明|突出|细化)", "", instruction.strip(" 。")
    )
    return re.sub(r"(?:的)?(?:具体)?(?:安排|内容|时间|节点)$", "", text).strip(" 的，。")


def _asked_date(dates: list[KeyDate], asked: str) -> KeyDate | None:
    """The key date an instruction asks about: most of its words in the date's name, then
    in its activity; None when it shares none."""
    words = {w for w in tokenize(asked) if len(w) >= 2} - GENERIC_TERMS
    scored = [
        (2 * len(words & set(tokenize(kd.name))) + len(words & set(tokenize(kd.activity))), n)
        for n, kd in enumerate(dates)
    ]
    score, n = max(scored, key=lambda x: (x[0], -x[1]), default=(0, -1))
    return dates[n] if score else None


def _details(asked: str) -> str:
    return to_fill(f"{asked}的具体安排，如对象、时间、负责人和标准")
