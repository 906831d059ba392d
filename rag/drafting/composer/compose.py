"""The offline drafter: a section composed from retrieved sample passages by rules, no model.

Passages are cut into units (a prose paragraph, or a numbered item with its sub-items), the
units are adapted to the profile (rag.adapt), and a section takes units round-robin across
its passages until it reaches its length, skipping items that repeat a chosen heading and
sentences another section already says. Regenerating passes the units earlier versions used,
so the next version takes the next-best ones, until no fresh material is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.drafting.composer.adapt import Adapter
from rag.drafting.own_sources import is_previous, key_dates_passage
from rag.drafting.writer import SectionJob
from rag.errors import NoMoreVariants
from rag.plan.draft import Passage, Version
from rag.plan.outlines import CLOSING, KeyDate, Outline, load_outlines, schedule_entries
from rag.plan.profile import Profile
from rag.plan.specifics import LEADING_GROUP, RATE, rate_name
from rag.text.tokens import tokenize, word_frequency
from rag.text.zh import cn_numeral, parse_heading, sentence_key, sentences, unnumbered

MAX_SUBITEMS = 4
MIN_SHARED_SENTENCE = 12  # shorter sentences (加强组织领导。) may be any plan's


def _exhausted(title: str) -> NoMoreVariants:
    return NoMoreVariants(
        f"“{title}”已没有新的范文组合可用：可以直接编辑本节，"
        "或配置模型后重新生成，或在范文库中补充同类范文。"
    )


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
        heading, first_body = _split_heading(head_line)
        adapted_heading = adapter.heading(heading, topic_check) if heading else ""
        if heading and not adapted_heading:
            continue
        body_sents = [s for part in [first_body, *body] for s in sentences(part)]
        kept = _adapted_in_turn(body_sents, adapter, topic_check)
        kept_subs = []
        for sub in subs:
            sub_head, sub_body = _split_heading(sub)
            parts = [a for s in sentences(sub_body) if (a := adapter.sentence(s, topic_check))]
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


def _adapted_in_turn(texts: list[str], adapter: Adapter, topic_check: bool) -> list[str]:
    """The sentences adapted in order; one that leans on the sentence before it goes when
    that one went, and so do the items of a list whose head went (具体目标是：A；B。)."""
    kept, previous, in_list = [], True, False
    for text in texts:
        adapted = adapter.sentence(text, topic_check)
        if adapted and (in_list or (REFERS_BACK.match(adapted) and not previous)):
            adapted = None
        kept += [adapted] if adapted else []
        previous = bool(adapted)
        in_list = not adapted and text.rstrip().endswith("；") and ("：" in text or in_list)
    return kept


def _split_heading(line: str) -> tuple[str, str]:
    """("加强组织领导", "rest") for "加强组织领导。rest"; ("", line) when there is no short head."""
    head, sep, rest = line.partition("。")
    if sep and len(head) <= 20 and not re.search(r"[，；：]", head):
        return head + "。", rest
    if not sep and len(line) <= 24 and not re.search(r"[，；：]", line):
        return line, ""
    return "", line


def _keys(text: str) -> set[str]:
    """The sentence keys of a text (a sub-item may hold several sentences)."""
    return {sentence_key(s) for s in sentences(text)}


def _bigrams(text: str) -> set[str]:
    text = sentence_key(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar_heading(a: str, b: str) -> bool:
    return _similar(a, b, 0.34)


def _similar(a: str, b: str, threshold: float = 0.3) -> bool:
    """Whether two texts share most of their character pairs (the same thing said twice)."""
    x, y = _bigrams(a), _bigrams(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= threshold + 0.2


def unit_text(unit: Unit) -> str:
    return unit.heading + "".join(unit.body)


def _whole_text(unit: Unit) -> str:
    return "\n".join([unit_text(unit), *unit.subitems])


class Composer:
    """Writes sections from passages by rules; deterministic for a profile and corpus."""

    name = "离线组合"
    origin = "composer"
    passages_per_section = 6
    extra_per_version = 3  # regenerating looks further down the ranking each time
    in_order = True  # later sections avoid what earlier ones said
    concurrency = 1
    unretrieved_roles = frozenset({"安排", "情况"})  # built from key dates and the profile

    def __init__(
        self, outlines: dict[str, Outline] | None = None, variety: BatchVariety | None = None
    ):
        self.outlines = outlines
        self.variety = variety

    def adapter(
        self, profile: Profile, outline: Outline, shared_terms: frozenset[str] | None = None
    ) -> Adapter:
        outlines = self.outlines or load_outlines()
        own = set(outline.keywords)
        other = {k for o in outlines.values() if o.key != outline.key for k in o.keywords}
        return Adapter(profile, outline, frozenset(other - own), shared_terms)

    def write(self, job: SectionJob, on_text=None) -> Version:
        """One section's text from the job's passages."""
        section = job.outline.sections[job.index]
        if section.role == "安排":
            return self._schedule(job)
        if section.role == "情况":
            return self._situation(job)
        adapter = self.adapter(job.profile, job.outline, job.shared_terms)
        units = []
        for p in job.passages:
            units += passage_units(p, adapter, p.id in job.fallback_passages)
        avoid = job.avoid_units
        fresh = [u for u in units if u.id not in avoid]
        if job.instruction:
            # the instruction chooses among all the material, what was used before included:
            # the same units in another choice and order are a new version
            ordered = _by_instruction(fresh + [u for u in units if u.id in avoid], job.instruction)
        elif avoid and sum(u.size() for u in fresh) < 0.4 * section.length:
            raise _exhausted(section.title)
        else:
            ordered = _round_robin(fresh) + _round_robin([u for u in units if u.id in avoid])
        if self.variety is not None:  # what earlier plans of the batch said comes last
            ordered.sort(key=lambda u: self.variety.used(unit_text(u)))
        ordered.sort(key=lambda u: not is_previous(u.passage))  # last year's own plan first
        lead: list[str] = []
        items: list[tuple[str, list[str], list[str]]] = []
        if section.role == "目标" and not _has_situation(job.outline):
            lead = [s for s in [facts_sentence(job.profile)] if s]
            if lead and ordered:
                lead.append("全年力争实现以下目标：")
        if section.role == "任务措施":
            items += self._priority_items(job, units)
        prose: list[str] = []
        used: list[str] = []
        seen = set(job.used_sentences)
        size = sum(map(len, lead)) + sum(len(h) + sum(map(len, b)) for h, b, _ in items)
        want_items = section.role != "指导思想"
        only_preferred = any(u.is_item == want_items for u in ordered)
        said_once: set[str] = set()
        chosen = ["".join(body) for _, body, _ in items]
        for _, body, _ in items:
            seen.update(sentence_key(s) for s in body)
        for unit in ordered:
            if size >= 0.85 * section.length:
                break
            if (items or prose) and size + unit.size() > 1.5 * section.length:
                continue
            if only_preferred and unit.is_item != want_items and not is_previous(unit.passage):
                continue
            if unit.heading and any(_similar_heading(unit.heading, h) for h, _, _ in items):
                continue
            if self.variety is not None and not self.variety.allows(_whole_text(unit)):
                continue  # another plan of the batch says too much of it already
            if said_once & (topics := _once_topics(unit)):
                continue  # one leading group, one funding item, one value per rate
            if any(_similar(unit_text(unit), other) for other in chosen):
                continue  # the same thing said in other words
            body = [s for s in unit.body if sentence_key(s) not in seen]
            subs = [s for s in unit.subitems if not _keys(s) & seen][:MAX_SUBITEMS]
            if not body and not subs:
                continue
            seen.update(k for s in body + subs for k in _keys(s))
            if self.variety is not None:
                self.variety.add("\n".join([unit.heading, *body, *subs]))
            said_once |= topics
            chosen.append(unit_text(unit))
            used.append(unit.id)
            if unit.is_item:
                items.append((unit.heading, body, subs))
            else:
                prose.append("".join(body))
            size += unit.size()
        if section.role == "目标" and size < 0.6 * section.length:
            items += [
                ("", [f"{_head(p)}：{to_fill('年度目标，如完成时限和可衡量的标准')}"], [])
                for p in job.profile.priorities
            ][: max(0, 5 - len(items))]
        if section.role == "指导思想" and size < 0.5 * section.length and not avoid:
            # too little fits this community: the approach as the profile gives it, and
            # what the user has to add
            lead = [guidance_sentence(job.profile, job.outline)]
            prose.append(to_fill(section.purpose))
        if not used and not items and not lead:
            if avoid:
                raise _exhausted(section.title)
            # nothing in the library fits this community: say what the section needs
            prose = [to_fill(section.purpose)]
        if avoid and set(used) in job.earlier_unit_sets:
            raise _exhausted(section.title)
        text = layout(lead, prose, items)
        if self.variety is not None:
            self.variety.add(text)
        passages = [p for p in job.passages if any(u.startswith(p.id + "#") for u in used)]
        return Version(
            text,
            self.origin,
            passages=passages,
            model=self.name,
            units=used,
            instruction=job.instruction,
        )

    def _priority_items(
        self, job: SectionJob, units: list[Unit]
    ) -> list[tuple[str, list[str], list[str]]]:
        """The user's priorities as the first items: the profile's facts about each, and the
        sample sentences really about it; what is missing is marked 【待补充】, never filled
        with a stock sentence."""
        items = []
        pool = [
            (s, set(tokenize(s)))
            for u in units
            for part in (*u.body, *u.subitems)
            for s in sentences(part)
            # no bare sub-heading, nothing that leans on a sentence it would stand without,
            # nothing another section says
            if ((split := _split_heading(s))[1] or not split[0])
            and not REFERS_BACK.match(s)
            and sentence_key(s) not in job.used_sentences
        ]
        taken: set[str] = set()  # sentences used for a priority
        stated: set[str] = set()  # facts stated under a priority
        for priority in job.profile.priorities:
            head = _head(priority)
            want = set(tokenize(priority))
            core = want - _GENERIC_TERMS
            # The priority's own term, its rarest word (养犬, not 劝导): what a sentence must
            # be about to be used for it.
            term = min(
                (w for w in core if len(w) >= 2),
                key=lambda w: (word_frequency(w), -len(w), w),
                default="",
            )
            # ... and the other words that name it: 党员 and 志愿服务 for 党员志愿服务, so that
            # 有党员名单 or 发展党员 is not taken for it
            names = [w for w in core if len(w) >= 2 and not any(w in o and w != o for o in core)]
            need = min(2, len(names))
            used = self.variety.used if self.variety is not None else (lambda s: 0)
            allowed = self.variety.allows if self.variety is not None else (lambda s: True)
            scored = sorted(
                (
                    (len(want & toks), s)
                    for s, toks in pool
                    if s not in taken
                    and term
                    and term in s  # about this priority, not near it
                    and sum(w in s for w in names) >= need
                ),
                key=lambda x: (-x[0], used(x[1])),
            )
            body: list[str] = []
            for score, s in [x for x in scored if allowed(x[1])][:3]:
                if score >= 2 and len(body) < 2 and not any(_similar(s, b) for b in body):
                    body.append(s)
            taken.update(body)
            if self.variety is not None:
                self.variety.add("\n".join(body))
            rest = priority[len(head) :].strip("，。； ")
            lead = [rest + "。"] if rest else []
            facts = [  # the facts about this priority's own term (独居老人 for 独居老人探访)
                k
                for k in job.profile.facts
                if k not in stated  # a fact is stated once, under the first priority it fits
                and term
                and (term in k or any(len(w) >= 2 and w in term for w in tokenize(k)))
            ]
            stated.update(facts)
            lead += [f"本社区现有{fact_phrase(k, job.profile.facts[k])}。" for k in facts]
            if not body:
                body = [to_fill(f"{head}的具体做法，如由谁负责、多长时间一次、做到什么标准")]
            items.append((head, lead + body, []))
        return items

    def _situation(self, job: SectionJob) -> Version:
        """基本情况: only what the profile says (a sample's situation is another community's)."""
        parts = [s for s in [facts_sentence(job.profile), *notes_sentences(job.profile)] if s]
        if job.profile.priorities:
            parts.append(
                f"本年度{job.outline.work_name}的重点是：{'、'.join(p.strip('。；') for p in job.profile.priorities)}"
            )
        if not parts:
            parts = ["【待补充：社区基本情况，如住户和人口数、本项工作对象的底数和特点】"]
        text = "".join(p if p.endswith("。") else p + "。" for p in parts)
        if job.avoid_units:
            raise NoMoreVariants("“基本情况”只依据填写的社区信息，请修改社区信息或直接编辑本节。")
        return Version(text, self.origin, passages=[], model=self.name, units=["profile"])

    def _schedule(self, job: SectionJob) -> Version:
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
        if layout_name == "previous":
            lines = self._previous_schedule(job, previous, entries)
        elif layout_name == "month":
            lines = [
                f"（{cn_numeral(i + 1)}）{when}：{_named(kd)}{kd.activity}"
                + (_details(asked) if kd is target else "")
                for i, (when, kd) in enumerate(entries)
            ]
            if asked and target is None:
                lines.append(f"（{cn_numeral(len(lines) + 1)}）{asked}。{_details(asked)}")
            if closing:
                lines.append(f"（{cn_numeral(len(lines) + 1)}）12月：{CLOSING}")
        else:
            quarters: dict[int, list[str]] = {}
            for when, kd in entries:
                quarters.setdefault((kd.month - 1) // 3, []).append(
                    f"{when}，{_named(kd)}{kd.activity}"
                )
            if closing:
                quarters.setdefault(3, []).append(f"12月，{CLOSING}")
            lines = [
                f"（{cn_numeral(n + 1)}）第{cn_numeral(q + 1)}季度。" + "".join(quarters[q])
                for n, q in enumerate(sorted(quarters))
            ]
        source = key_dates_passage(outline, year)
        return Version(
            "\n".join(lines),
            self.origin,
            passages=[previous, source] if layout_name == "previous" else [source],
            model=self.name,
            units=[f"schedule:{layout_name}" + (f":{asked}" if asked else "")],
            instruction=job.instruction,
        )

    def _previous_schedule(self, job: SectionJob, previous: Passage, entries) -> list[str]:
        """Last year's schedule carried over (its own lines, dates moved) with the type's key
        dates it does not cover, in calendar order."""
        adapter = self.adapter(job.profile, job.outline, job.shared_terms)
        lines: list[tuple[int, str]] = []
        for line in previous.text.split("\n"):
            parts = [a for s in sentences(unnumbered(line)) if (a := adapter.sentence(s))]
            if parts:
                month = re.search(r"(\d{1,2})月", line)
                lines.append((int(month[1]) if month else 13, "".join(parts)))
        lines += [
            (kd.month, f"{when}：{_named(kd)}{kd.activity}")
            for when, kd in entries
            if when not in previous.text
            and not any(_similar(kd.name, line) for line in previous.text.split("\n"))
        ]
        lines.sort(key=lambda x: x[0])
        return [f"（{cn_numeral(n)}）{text}" for n, (_, text) in enumerate(lines, 1)]


class BatchVariety:
    """What the plans of one batch said, so that they do not copy each other: the next plan
    prefers sentences fewer plans used, and takes no sample sentence that would make more than
    MAX_SHARED of a full plan's sentences (FULL_PLAN, or its own when it has more) the same as
    an earlier plan's. A small library then gives later plans fewer sample sentences: what is
    missing is marked 【待补充】 like anything the library cannot give."""

    MAX_SHARED = 0.3
    FULL_PLAN = 30  # sample sentences of a full plan: the share is of at least so many

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.plans: list[set[str]] = []
        self.current: set[str] = set()

    def start_plan(self) -> None:
        """The sentences added from now on are another plan's."""
        if self.current:
            self.plans.append(self.current)
        self.current = set()

    def used(self, text: str) -> int:
        """How often the sentences of a text were used by earlier plans of the batch."""
        return sum(self.counts.get(k, 0) for k in sample_keys(text))

    def allows(self, text: str) -> bool:
        """Whether the current plan may say a text and still share few sentences with each
        earlier plan."""
        taken = self.current | sample_keys(text)
        limit = self.MAX_SHARED * max(len(taken), self.FULL_PLAN)
        return all(len(taken & plan) <= limit for plan in self.plans)

    def add(self, text: str) -> None:
        for key in sample_keys(text) - self.current:
            self.counts[key] = self.counts.get(key, 0) + 1
            self.current.add(key)


def sample_keys(text: str) -> set[str]:
    """The keys of the sentences of a text that may come from a sample: long enough to tell
    plans apart, no mark of what to fill in."""
    return {
        key
        for line in text.split("\n")
        for s in sentences(unnumbered(line))
        if "【" not in s and len(key := sentence_key(s)) >= MIN_SHARED_SENTENCE
    }


_LAYOUT_NAMES = {"previous": "上年计划", "month": "按月份", "quarter": "按季度"}


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
    words = {w for w in tokenize(asked) if len(w) >= 2} - _GENERIC_TERMS
    scored = [
        (2 * len(words & set(tokenize(kd.name))) + len(words & set(tokenize(kd.activity))), n)
        for n, kd in enumerate(dates)
    ]
    score, n = max(scored, key=lambda x: (x[0], -x[1]), default=(0, -1))
    return dates[n] if score else None


def _details(asked: str) -> str:
    return to_fill(f"{asked}的具体安排，如对象、时间、负责人和标准")


# Words of a priority that say what kind of work it is, not what it is about.
_GENERIC_TERMS = frozenset(
    "建设 管理 规范化 规范 提升 加强 服务 活动 推进 完善 落实 提高 深化 开展 做好 工作 机制 "
    "体系 常态化 专项 重点 全面 进一步 持续 定期 主题".split()
)
# What a plan says once: a unit about one of these is left out when one was already used.
_ONCE = {"领导小组": LEADING_GROUP, "经费": re.compile(r"经费")}


def to_fill(what: str) -> str:
    """A visible mark of what the user has to write: 【待补充：…】."""
    return f"【待补充：{what.rstrip('。；')}】"


def guidance_sentence(profile: Profile, outline: Outline) -> str:
    """The approach of a plan in words true of any community, with the profile's priorities."""
    kind = profile.community_type
    if kind and kind != "混合型":
        setting = f"{kind}社区的" if kind == "村改居" else f"{kind}的"
    else:
        setting = profile.community
    focus = "、".join(_head(p) for p in profile.priorities)
    aim = f"把{focus}作为重点" if focus else "突出重点、补齐短板"
    return (
        "以习近平新时代中国特色社会主义思想为指导，坚持以人民为中心，"
        f"结合{setting}实际，{aim}，扎实做好{profile.year}年{outline.work_name}。"
    )


def _head(priority: str) -> str:
    """A priority's heading: its text up to the first comma or full stop."""
    return re.split(r"[，。；]", priority.strip("。 "))[0]


def _once_topics(unit: Unit) -> set[str]:
    """The say-once topics of a unit, and each rate it gives a value for (参与率 …)."""
    text = unit.heading + "".join(unit.body + unit.subitems)
    topics = {name for name, pattern in _ONCE.items() if pattern.search(text)}
    return topics | {rate_name(m) for m in RATE.finditer(text)}


def _has_situation(outline: Outline) -> bool:
    return any(s.role == "情况" for s in outline.sections)


def _by_instruction(units: list[Unit], instruction: str) -> list[Unit]:
    """Units that share words with the user's instruction first (stable otherwise)."""
    want = set(tokenize(instruction))
    overlap = {
        u.id: len(want & set(tokenize(u.heading + "".join(u.body + u.subitems)))) for u in units
    }
    return sorted(units, key=lambda u: -overlap[u.id])


def _round_robin(units: list[Unit]) -> list[Unit]:
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


def _sentence(text: str) -> str:
    text = text.rstrip("；，、")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def layout(lead: list[str], prose: list[str], items: list[tuple[str, list[str], list[str]]]) -> str:
    """Paragraphs and renumbered items: （一）heading。body, then 1.sub-item lines. A list of
    one is no list: a lone sub-item joins its item's text, a lone item becomes a paragraph."""
    lines = []
    if lead:
        lines.append("".join(lead))
    lines += prose
    for n, (head, body, subs) in enumerate(items, 1):
        if len(subs) == 1:  # its own heading would stand in the text as a phrase: drop it
            body, subs = [*body, _sentence(_split_heading(subs[0])[1] or subs[0])], []
        head_text = f"{head}。" if head else ""
        number = f"（{cn_numeral(n)}）" if len(items) > 1 else ""
        lines.append(f"{number}{head_text}{''.join(body)}")
        lines += [f"{m}.{s}" for m, s in enumerate(subs, 1)]
    return "\n".join(re.sub(r"[；，、]$", "。", line) for line in lines)


_PERSON = re.compile(
    r"(人|员|军人|属|老人|儿童|青少年|党员|志愿者|对象|青年|学生|居民|家长|残疾人|妇女|群众|职工|者|士|生)$"
)
_PLACE = re.compile(r"(站|点|室|所|中心|场所|小区|院落|网格|单位|企业|商户|门店|楼|学校)$")


def fact_phrase(key: str, value: str) -> str:
    """ "退役军人126名" from ("退役军人", "126"); values with their own words stay as given."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", value):
        return f"{key}{value}"
    if re.search(r"(户|家庭)$", key):
        unit = "户"
    elif re.search(r"(率|比例|占比)$", key):
        unit = "%"
    elif re.search(r"(队|队伍)$", key):
        unit = "支"
    elif _PLACE.search(key):
        unit = "个"
    elif _PERSON.search(key):
        unit = "名"
    else:
        unit = "个"
    return f"{key}{value}{unit}"


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
