"""The user's priorities as the first items of the tasks section: the profile's facts about
each, and the sample sentences about it; what is missing is marked 【待补充】.

A sentence is about a priority when it names the priority's own words or their synonyms in
the plan type's vocabulary (outline keywords and aliases, and a few of the field's usual
pairs), or when it stands under a sample heading about the same work. Concrete sentences
(who, how often, to what standard) come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.drafting.composer.profile_sentences import fact_phrase, priority_head, to_fill
from rag.drafting.composer.units import REFERS_BACK, Unit, similar, split_heading
from rag.drafting.own_sources import is_previous
from rag.drafting.writer import SectionJob, Variety
from rag.plan.outlines import Outline
from rag.plan.specifics import assumed_conditions
from rag.text.similarity import ACTIVITY_WORDS, GENERIC_WORDS, same_topic, says_again
from rag.text.tokens import tokenize, word_frequency
from rag.text.zh import sentence_key, sentences

Item = tuple[str, list[str], list[str]]  # (heading, body sentences, sub-items)
MAX_SENTENCES = 3

# Words of the field that name one thing: a sentence with either is about it.
SYNONYMS = (
    ("走访", "探访"),
    ("慰问", "看望"),
    ("宣传", "宣讲", "宣教"),
    ("排查", "摸排", "巡查", "检查"),
    ("演练", "演习"),
    ("帮扶", "结对", "帮教"),
    ("培训", "授课", "轮训"),
    ("出租屋", "出租房屋", "出租房"),
    ("老年人", "老人", "长者"),
    ("助餐", "老年食堂", "用餐", "送餐"),
    ("参保", "社会保险", "社保", "续保", "缴费"),
    ("电动自行车", "电动车"),
    ("消防通道", "疏散通道", "消防车道", "生命通道"),
    ("矛盾纠纷", "纠纷", "调解"),
    ("防溺水", "溺水"),
    ("积分", "时间银行", "兑换"),
    ("三会一课", "组织生活"),
)
# What makes a measure concrete: who does it, how often, to what standard.
CONCRETE = re.compile(
    r"每[日天周月季年半]|定期|\d+次|\d+[日天]内|\d+小时|台账|档案|名单|清单|负责|网格员|楼栋长|社工|"
    r"书记|主任|志愿者|民警|物业|专人|逐户|逐一|全覆盖|不少于|100%|当日|限期|建立|登记"
)


@dataclass(frozen=True)
class Wanted:
    """What makes a sentence about a priority: its words, their synonyms, its heading."""

    head: str
    words: frozenset[str]  # the priority's own words and their synonyms
    rare: frozenset[str]  # those of them that name this work, not any work
    partial: frozenset[str] = frozenset()  # parts of a longer word of it (退役军人 of …服务站)

    def score(self, sentence: str, heading: str, subject: frozenset[str]) -> int:
        """How much a sentence is about the priority; 0 when it is not: it names one of the
        priority's rare words (a part of a longer one only with another), or stands under a
        heading about the same work."""
        found = {w for w in self.words if w in sentence}
        under = bool(heading) and same_topic(heading, self.head, subject)
        named = found & self.rare
        named = {w for w in named if not any(w in o and w != o for o in named)}  # 退役 of 退役军人
        if not under and not (named - self.partial) and len(named) < 2:
            return 0
        score = len(found) + 2 * len(found & self.rare) + (3 if under else 0)
        return score + (2 if CONCRETE.search(sentence) else 0)


def wanted(priority: str, outline: Outline) -> Wanted:
    """The words a sentence about a priority names: the priority's own (whole words, and
    parts that are rare and no part of a generic word: 服务站 of 退役军人服务站, not 范化 of
    规范化), the plan type's terms in it, and their synonyms."""
    head = priority_head(priority)
    tokens = [t for t in tokenize(head) if len(t) >= 2]
    generic = [t for t in tokens if t in GENERIC_WORDS]
    whole = {t for t in tokens if not any(t in o and t != o for o in tokens)}
    parts = {
        t
        for t in tokens
        if 20 <= word_frequency(t) <= 1000 and not any(t in g and t != g for g in generic)
    }
    vocabulary = {k for k in [*outline.keywords, *outline.aliases] if len(k) >= 2}
    own = (whole | parts | {k for k in vocabulary if k in head}) - GENERIC_WORDS
    words = set(own)
    for group in SYNONYMS:
        if any(w in head for w in group):
            words.update(group)
    days = set(re.findall(r"\d{1,2}月\d{1,2}日", head))  # 3月5日: a day's own work
    # the plan type's own subject (文明 in a 文明创建 plan) says nothing about which work,
    # unless the priority names nothing else (学雷锋主题活动 in a 学雷锋 plan)
    rare = {w for w in words if w not in ACTIVITY_WORDS}
    rare = ({w for w in rare if w not in outline.name} or rare) | days
    words |= days
    partial = {w for w in words if any(w in t and w != t for t in whole)}
    return Wanted(head, frozenset(words), frozenset(rare), frozenset(partial))


def priority_items(
    job: SectionJob, units: list[Unit], variety: Variety, subject: frozenset[str] = frozenset()
) -> list[Item]:
    """An item per priority, in the profile's order; never filled with a stock sentence."""
    items = []
    pool = [
        (s, heading, is_previous(u.passage))
        for u in units
        for heading, part in [(u.heading, b) for b in u.body]
        + [(u.heading + split_heading(sub)[0].rstrip("。"), sub) for sub in u.subitems]
        for s in sentences(part)
        # no bare sub-heading, nothing that leans on a sentence it would stand without,
        # nothing another section says
        if ((split := split_heading(s))[1] or not split[0])
        and not REFERS_BACK.match(s)
        and sentence_key(s) not in job.used_sentences
    ]
    taken: set[str] = set()  # sentences used for a priority
    stated: set[str] = set()  # facts stated under a priority
    for priority in job.profile.priorities:
        want = wanted(priority, job.outline)
        head = want.head
        scored = sorted(
            (
                # what another kind of community has (房东, 物业) comes after the rest, and
                # only to make up the two sentences a priority gets
                # last year's own plan first: its sentences are the user's own
                (
                    score + 5 * own - 3 * (assumed := bool(assumed_conditions(s, job.profile))),
                    n,
                    s,
                    assumed,
                )
                for n, (s, heading, own) in enumerate(pool)
                if s not in taken and (score := want.score(s, heading, subject))
            ),
            key=lambda x: (-x[0], variety.used(x[2]), x[1]),
        )
        body: list[str] = []
        for _, _, s, assumed in scored:
            if len(body) == MAX_SENTENCES or (assumed and len(body) >= 2):
                break
            if variety.allows("\n".join([*body, s])) and not any(  # with what it joins
                similar(s, b) or says_again(s, b) for b in body
            ):
                body.append(s)
        taken.update(body)
        variety.add("\n".join(body))
        rest = priority[len(head) :].strip("，。； ")
        lead = [rest + "。"] if rest else []
        facts = [  # the facts about this priority (独居老人 for 独居老人探访)
            k
            for k in job.profile.facts
            if k not in stated  # a fact is stated once, under the first priority it fits
            and (k in head or any(w in k for w in want.rare if len(w) >= 2))
        ]
        stated.update(facts)
        lead += [f"本社区现有{fact_phrase(k, job.profile.facts[k])}。" for k in facts]
        if not body:
            body = [to_fill(f"{head}的具体做法，如由谁负责、多长时间一次、做到什么标准")]
        items.append((head, lead + body, []))
    return items


def about_priorities(unit: Unit, job: SectionJob, subject: frozenset[str]) -> bool:
    """Whether a unit is about one of the priorities (an item the priorities already hold)."""
    if not unit.heading:
        return False
    return any(same_topic(unit.heading, priority_head(p), subject) for p in job.profile.priorities)
