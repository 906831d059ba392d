"""The user's priorities as the first items of the tasks section: the profile's facts about
each, and the sample sentences really about it; what is missing is marked 【待补充】."""

from __future__ import annotations

from rag.drafting.composer.profile_sentences import (
    GENERIC_TERMS,
    fact_phrase,
    priority_head,
    to_fill,
)
from rag.drafting.composer.units import REFERS_BACK, Unit, similar, split_heading
from rag.drafting.writer import SectionJob, Variety
from rag.text.tokens import tokenize, word_frequency
from rag.text.zh import sentence_key, sentences

Item = tuple[str, list[str], list[str]]  # (heading, body sentences, sub-items)


def priority_items(job: SectionJob, units: list[Unit], variety: Variety) -> list[Item]:
    """An item per priority, in the profile's order; never filled with a stock sentence."""
    items = []
    pool = [
        (s, set(tokenize(s)))
        for u in units
        for part in (*u.body, *u.subitems)
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
        head = priority_head(priority)
        want = set(tokenize(priority))
        core = want - GENERIC_TERMS
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
        scored = sorted(
            (
                (len(want & toks), s)
                for s, toks in pool
                if s not in taken
                and term
                and term in s  # about this priority, not near it
                and sum(w in s for w in names) >= need
            ),
            key=lambda x: (-x[0], variety.used(x[1])),
        )
        body: list[str] = []
        for score, s in [x for x in scored if variety.allows(x[1])][:3]:
            if score >= 2 and len(body) < 2 and not any(similar(s, b) for b in body):
                body.append(s)
        taken.update(body)
        variety.add("\n".join(body))
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
