"""The offline drafter: a section composed from retrieved sample passages by rules, no model.

Passages are cut into units (units.py), the units are adapted to the profile (adapt.py), and
a section takes units round-robin across its passages until it reaches its length, skipping
items about the same work as a chosen one and sentences another section already says. The
user's priorities come first (priorities.py), then fewer items the profile did not ask for;
what fits each section (goals, one item per guarantee, the plan type's own work) is fit.py's;
时间安排 is the calendar's (schedule.py), 基本情况 the profile's (profile_sentences.py). Regenerating passes the units earlier versions used, so the
next version takes the next-best ones, until no fresh material is left. In a batch, a shared
variety (variety.py) keeps the plans from copying each other.
"""

from __future__ import annotations

import re

from rag.drafting.composer.adapt import Adapter
from rag.drafting.composer.fit import foreign_words, goals_only, guarantees, off_topic
from rag.drafting.composer.priorities import Item, about_priorities, priority_items
from rag.drafting.composer.profile_sentences import (
    fact_phrase,
    facts_sentence,
    guidance_sentence,
    notes_sentences,
    priority_head,
    situation_text,
    to_fill,
)
from rag.drafting.composer.schedule import schedule_version
from rag.drafting.composer.sources import Ledger, outline_source, profile_source
from rag.drafting.composer.units import (
    Unit,
    by_instruction,
    passage_units,
    round_robin,
    sentence_keys,
    similar,
    similar_heading,
    split_heading,
    unit_text,
)
from rag.drafting.composer.variety import NoVariety
from rag.drafting.own_sources import is_previous
from rag.drafting.writer import SectionJob, Variety
from rag.errors import NoMoreVariants
from rag.plan.draft import Version
from rag.plan.outlines import Outline, load_outlines
from rag.plan.profile import Profile
from rag.plan.specifics import LEADING_GROUP, RATE, rate_name
from rag.text.similarity import near_duplicate, same_topic, subject_words
from rag.text.zh import cn_numeral, sentence_key

MAX_SUBITEMS = 4
MAX_EXTRA_ITEMS = 5  # items of the tasks beside the priorities: at most 5 less one a priority


def _exhausted(title: str) -> NoMoreVariants:
    return NoMoreVariants(
        f"“{title}”已没有新的范文组合可用：可以直接编辑本节，"
        "或配置模型后重新生成，或在范文库中补充同类范文。"
    )


class Composer:
    """Writes sections from passages by rules; deterministic for a profile and corpus."""

    name = "离线组合"
    origin = "composer"
    passages_per_section = 6
    extra_per_version = 3  # regenerating looks further down the ranking each time
    in_order = True  # later sections avoid what earlier ones said
    concurrency = 1
    unretrieved_roles = frozenset({"安排", "情况"})  # built from key dates and the profile

    def __init__(self, outlines: dict[str, Outline] | None = None, variety: Variety | None = None):
        self.outlines = outlines
        self.variety = variety or NoVariety()

    def for_batch(self, variety: Variety) -> Composer:
        """A composer for a batch's plans, drafted one after another: each prefers what the
        earlier ones said least and copies few of their sentences."""
        return Composer(self.outlines, variety)

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
            adapter = self.adapter(job.profile, job.outline, job.shared_terms)
            return schedule_version(job, adapter, origin=self.origin, model=self.name)
        if section.role == "情况":
            return self._situation(job)
        adapter = self.adapter(job.profile, job.outline, job.shared_terms)
        units = []
        for p in job.passages:
            units += passage_units(p, adapter, p.id in job.fallback_passages)
        asked = " ".join([*job.profile.priorities, job.profile.notes or "", job.instruction])
        foreign = frozenset(w for w in foreign_words(job.outline) if w not in asked)
        # last year's own plan is the user's text: it stays as it was written
        units = [u for u in units if is_previous(u.passage) or not off_topic(u, foreign)]
        if section.role == "目标":
            units = [g for u in units if (g := u if is_previous(u.passage) else goals_only(u))]
        # the plan's subject: in its headings, or in its goals (which have none)
        named = [u.heading for u in units if u.heading]
        if section.role == "目标":
            named = [unit_text(u) for u in units]
        subject = subject_words(named, job.outline.name)
        ledger = Ledger()
        ledger.add_units(units, adapter)
        avoid = job.avoid_units
        fresh = [u for u in units if u.id not in avoid]
        if job.instruction:
            # the instruction chooses among all the material, what was used before included:
            # the same units in another choice and order are a new version
            ordered = by_instruction(fresh + [u for u in units if u.id in avoid], job.instruction)
        elif avoid and sum(u.size() for u in fresh) < 0.4 * section.length:
            raise _exhausted(section.title)
        else:
            ordered = round_robin(fresh) + round_robin([u for u in units if u.id in avoid])
        # what earlier plans of a batch said comes last; last year's own plan first
        ordered.sort(key=lambda u: self.variety.used(_said(u)))
        ordered.sort(key=lambda u: not is_previous(u.passage))
        lead: list[str] = []
        items: list[Item] = []
        if section.role == "目标" and not _has_situation(job.outline):
            lead = [s for s in [facts_sentence(job.profile)] if s]
            if lead and ordered:
                lead.append("全年力争实现以下目标：")
            _add_lead(ledger, lead)
        if section.role == "任务措施":
            items += priority_items(job, units, self.variety, subject)
            _add_priority_items(ledger, items)
        extra_items = max(1, MAX_EXTRA_ITEMS - len(items))
        prose: list[str] = []
        used: list[str] = []
        seen = set(job.used_sentences)
        size = sum(map(len, lead)) + sum(len(h) + sum(map(len, b)) for h, b, _ in items)
        want_items = section.role != "指导思想"
        only_preferred = any(u.is_item == want_items for u in ordered)
        said_once: set[str] = set()
        guaranteed: set[str] = set()  # the guarantees 保障措施 has named
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
            if unit.heading and any(
                similar_heading(unit.heading, h) or same_topic(unit.heading, h, subject)
                for h, _, _ in items
            ):
                continue  # the same work as an item already there
            if section.role == "任务措施" and not is_previous(unit.passage):
                if about_priorities(unit, job, subject):
                    continue  # a priority's work, which its own item holds
                extra = len(items) - len(job.profile.priorities)
                short = size < 0.5 * section.length  # a little more, rather than too short
                if unit.is_item and extra >= extra_items + (2 if short else 0):
                    continue  # fewer items the profile did not ask for
            kinds = guarantees(unit) if section.role == "保障" and unit.is_item else set()
            if kinds & guaranteed:
                continue  # one item per guarantee: 经费 and 资金 are one
            if said_once & (topics := _once_topics(unit)):
                continue  # one leading group, one funding item, one value per rate
            if any(
                similar(unit_text(unit), other)
                or near_duplicate(unit_text(unit), other)
                or (section.role == "目标" and same_topic(unit_text(unit), other, subject))
                for other in chosen
            ):
                continue  # the same thing said in other words; one goal for one work
            body = [s for s in unit.body if sentence_key(s) not in seen]
            subs = [s for s in unit.subitems if not sentence_keys(s) & seen][:MAX_SUBITEMS]
            if not body and not subs:
                continue
            said = "\n".join([unit.heading, *body, *subs])  # as the plan says it: a line each
            if not self.variety.allows(said):
                continue  # another plan of the batch says too much of it already
            seen.update(k for s in body + subs for k in sentence_keys(s))
            self.variety.add(said)
            said_once |= topics
            guaranteed |= kinds
            chosen.append(unit_text(unit))
            used.append(unit.id)
            if unit.is_item:
                items.append((unit.heading, body, subs))
            else:
                prose.append("".join(body))
            size += unit.size()
        if section.role == "目标":
            items += goal_marks(job, [*chosen, *prose], subject)[: max(0, 5 - len(items))]
            _add_priority_items(ledger, items)
        if section.role == "指导思想" and size < 0.5 * section.length and not avoid:
            # too little fits this community: the approach as the profile gives it, and
            # what the user has to add
            lead = [guidance_sentence(job.profile, job.outline)]
            prose.append(to_fill(section.purpose))
            ledger.put(lead[0], profile_source("priorities"))
        if not used and not items and not lead:
            if avoid:
                raise _exhausted(section.title)
            # nothing in the library fits this community: say what the section needs
            prose = [to_fill(section.purpose)]
        if avoid and set(used) in job.earlier_unit_sets:
            raise _exhausted(section.title)
        text = layout(lead, prose, items)
        self.variety.add(text)
        ledger.add(to_fill(section.purpose), outline_source())
        return Version(
            text,
            self.origin,
            sentences=ledger.sentences(text, fallback=outline_source()),
            given=list(job.passages),
            model=self.name,
            units=used,
            instruction=job.instruction,
        )

    def _situation(self, job: SectionJob) -> Version:
        """基本情况: only what the profile says (a sample's situation is another community's)."""
        text = situation_text(job.profile, job.outline)
        if job.avoid_units:
            raise NoMoreVariants("“基本情况”只依据填写的社区信息，请修改社区信息或直接编辑本节。")
        ledger = Ledger()
        ledger.add(facts_sentence(job.profile), profile_source("facts"))
        for note in notes_sentences(job.profile):
            ledger.add(note, profile_source("notes"))
        sentences = ledger.sentences(text, fallback=profile_source("priorities"))
        for s in sentences:  # all the profile's; what is left to fill in, the outline's
            s.source.pop("unmatched", None)
            if "【待补充" in s.text:
                s.source = outline_source()
        return Version(text, self.origin, sentences=sentences, model=self.name, units=["profile"])


def _said(unit: Unit) -> str:
    """A unit's text as a plan says it: heading, sentences and sub-items a line each (so that
    a batch's variety finds the sentences it recorded)."""
    return "\n".join([unit.heading, *unit.body, *unit.subitems])


def goal_marks(job: SectionJob, said: list[str], subject: frozenset[str]) -> list[Item]:
    """A goal for each priority no chosen goal speaks of: its figures from the profile, and a
    mark of the indicator the user has to set (the composer knows no community's targets)."""
    marks = []
    for priority in job.profile.priorities:
        head = priority_head(priority)
        if any(same_topic(head, text, subject) for text in said):
            continue
        facts = [
            fact_phrase(k, v)
            for k, v in job.profile.facts.items()
            if k in head or head in k or same_topic(k, head)
        ]
        base = f"涉及{'、'.join(facts)}，" if facts else ""  # 本社区社区戒毒… would stutter
        marks.append(
            (
                "",
                [f"{head}：{base}{to_fill(f'{head}的年度目标指标，如完成时限和可衡量的标准')}"],
                [],
            )
        )
    return marks


# What a plan says once: a unit about one of these is left out when one was already used.
_ONCE = {"领导小组": LEADING_GROUP, "经费": re.compile(r"经费")}


def _once_topics(unit: Unit) -> set[str]:
    """The say-once topics of a unit, and each rate it gives a value for (参与率 …)."""
    text = unit.heading + "".join(unit.body + unit.subitems)
    topics = {name for name, pattern in _ONCE.items() if pattern.search(text)}
    return topics | {rate_name(m) for m in RATE.finditer(text)}


def _add_lead(ledger: Ledger, lead: list[str]) -> None:
    """The profile's counts, and the composer's own words leading to the goals."""
    for n, sentence in enumerate(lead):
        ledger.put(sentence, profile_source("facts") if n == 0 else outline_source())


def _add_priority_items(ledger: Ledger, items: list[Item]) -> None:
    """What a priority item says that no passage does: the profile's priority, its facts
    (本社区现有…) and what is left to fill in for it."""
    for head, body, subs in items:
        ledger.put(head, profile_source("priorities"))
        for sentence in [*body, *subs]:
            if sentence.startswith("本社区现有"):
                ledger.put(sentence, profile_source("facts"))
            elif "【待补充" in sentence:
                ledger.put(sentence, profile_source("priorities"))
            else:  # a sample's sentence, or the rest of the priority's own words
                ledger.add(sentence, profile_source("priorities"))


def _has_situation(outline: Outline) -> bool:
    return any(s.role == "情况" for s in outline.sections)


def _sentence(text: str) -> str:
    text = text.rstrip("；，、")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def layout(lead: list[str], prose: list[str], items: list[Item]) -> str:
    """Paragraphs and renumbered items: （一）heading。body, then 1.sub-item lines. A list of
    one is no list: a lone sub-item joins its item's text, a lone item becomes a paragraph."""
    lines = []
    if lead:
        lines.append("".join(lead))
    lines += prose
    for n, (head, body, subs) in enumerate(items, 1):
        if len(subs) == 1:  # its own heading would stand in the text as a phrase: drop it
            body, subs = [*body, _sentence(split_heading(subs[0])[1] or subs[0])], []
        head_text = f"{head}。" if head else ""
        number = f"（{cn_numeral(n)}）" if len(items) > 1 else ""
        lines.append(f"{number}{head_text}{''.join(body)}")
        lines += [f"{m}.{s}" for m, s in enumerate(subs, 1)]
    return "\n".join(re.sub(r"[；，、]$", "。", line) for line in lines)
