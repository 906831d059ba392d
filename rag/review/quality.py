"""The quality report of a set of drafts: findings by kind, the share of sentences a reviewer
has to look at (marked by a finding or a 【待补充】), and the time drafting took; and as a
reader sees a plan: how many of the user's priorities got real measures, how many 【待补充】
marks are left, and how many pairs of items say the same thing."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from rag.plan.draft import Draft
from rag.plan.outlines import load_outlines
from rag.review.checks import Finding
from rag.text.similarity import near_duplicate, same_topic, subject_words
from rag.text.zh import TO_FILL, parse_heading, sentences, unnumbered

# Whether two items say the same thing by meaning, given their headings (their texts when they
# have none): e.g. an embedding's cosine over a high threshold.
SameMeaning = Callable[[str, str], bool]


@dataclass
class DraftReport:
    name: str
    findings: Counter = field(default_factory=Counter)  # kind → count
    sentences: int = 0
    marked: int = 0
    seconds: float = 0.0
    priorities: int = 0
    priorities_filled: int = 0  # with at least one sentence beyond the profile's own words
    placeholders: int = 0
    near_duplicates: list[tuple[str, str]] = field(default_factory=list)
    sources: Counter = field(default_factory=Counter)  # sentences by source (范文 by how)

    @property
    def marked_share(self) -> float:
        return self.marked / self.sentences if self.sentences else 0.0


def draft_report(
    name: str,
    draft: Draft,
    findings: list[Finding],
    seconds: float,
    same_meaning: SameMeaning | None = None,
) -> DraftReport:
    """Count a draft's findings by kind and the sentences that quote a finding's words; the
    priorities with content, the 【待补充】 marks and the near-duplicate items."""
    report = DraftReport(name, Counter(f.kind for f in findings), seconds=seconds)
    filled = priority_content(draft)
    report.priorities, report.priorities_filled = len(filled), sum(filled.values())
    report.placeholders = sum(len(TO_FILL.findall(s.text)) for s in draft.sections)
    report.near_duplicates = near_duplicate_items(draft, same_meaning)
    report.sources = source_counts(draft)
    by_section: dict[str, list[re.Pattern]] = {}
    for f in findings:
        by_section.setdefault(f.section, []).extend(_quoted(f))
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        quoted = by_section.get(head, [])
        for line in section.text.split("\n"):
            for sentence in sentences(line):
                report.sentences += 1
                if TO_FILL.search(sentence) or any(q.search(sentence) for q in quoted):
                    report.marked += 1
    return report


def source_counts(draft: Draft) -> Counter:
    """The current versions' sentences by source kind (a sample's by how it was taken); the
    text of a version without sources counts as 未知."""
    counts: Counter = Counter()
    for section in draft.sections:
        version = section.version
        if version and version.text.strip() and not version.sentences:
            counts["未知"] += len(sentences(version.text.replace("\n", "。")))
        for s in version.sentences if version else []:
            if s.text.strip():
                how = s.source.get("how")
                counts[f"{s.kind}·{how}" if how else s.kind or "未知"] += 1
    return counts


def _priority_head(priority: str) -> str:
    return re.split(r"[，。；]", priority.strip("。 "))[0]


def section_items(text: str) -> list[tuple[str, str]]:
    """(heading, text) of each numbered item of a section, its sub-items included; a section
    that is one unnumbered item counts as one when it opens with a heading."""
    items: list[tuple[str, str]] = []
    for line in text.split("\n"):
        level = (parse_heading(line) or (0, "", line))[0]
        body = unnumbered(line)
        if level == 2 or (not items and level == 0 and _heading_of(body)):
            items.append((_heading_of(body), body))
        elif level > 2 and items:
            items[-1] = (items[-1][0], items[-1][1] + body)
    return items


def _heading_of(text: str) -> str:
    head, sep, _ = text.partition("。")
    return head if sep and len(head) <= 20 and not re.search(r"[，；：]", head) else ""


def priority_content(draft: Draft) -> dict[str, bool]:
    """Each priority: whether its item in the tasks section holds at least one sentence that
    is neither the profile's own words (its rest, its facts) nor a 【待补充】."""
    tasks = next((s for s in draft.sections if s.role == "任务措施"), None)
    items = section_items(tasks.text) if tasks else []
    found = {}
    for priority in draft.profile.priorities:
        head = _priority_head(priority)
        rest = priority[len(head) :].strip("，。； ")
        text = next((t for h, t in items if h == head), "")
        body = sentences(text.removeprefix(head + "。"))
        found[priority] = any(
            not TO_FILL.search(s) and not s.startswith("本社区现有") and s.rstrip("。") != rest
            for s in body
        )
    return found


def near_duplicate_items(
    draft: Draft, same_meaning: SameMeaning | None = None
) -> list[tuple[str, str]]:
    """Pairs of items of one section that say the same thing: headings about the same work,
    most words in common, or (with same_meaning) the same meaning; the schedule, whose items
    are the calendar's, left out."""
    pairs = []
    outline = load_outlines().get(draft.profile.topic)
    for section in draft.sections:
        if section.role == "安排":
            continue
        items = section_items(section.text)
        subject = subject_words([h for h, _ in items if h], outline.name if outline else "")
        for (ha, a), (hb, b) in combinations(items, 2):
            if TO_FILL.search(a) and TO_FILL.search(b):
                continue  # two marks of what to write are no repetition
            if (
                (ha and hb and same_topic(ha, hb, subject))
                or near_duplicate(a, b)
                or (same_meaning is not None and same_meaning(ha or a, hb or b))
            ):
                pairs.append((ha or a[:20], hb or b[:20]))
    return pairs


def _quoted(finding: Finding) -> list[re.Pattern]:
    """What a finding quotes, as patterns to find in a sentence (a figure stands alone)."""
    if finding.kind == "范文数字":
        return [re.compile(rf"(?<![\d.]){re.escape(i)}(?![\d.])") for i in finding.items]
    return [re.compile(re.escape(i)) for i in finding.items if len(i) >= 2]


def format_reports(reports: list[DraftReport]) -> str:
    """One line per draft, then the totals: findings by kind, marked sentences, seconds."""
    kinds = sorted({k for r in reports for k in r.findings})
    total = DraftReport("合计")
    for r in reports:
        total.findings.update(r.findings)
        total.sentences += r.sentences
        total.marked += r.marked
        total.seconds += r.seconds
        total.priorities += r.priorities
        total.priorities_filled += r.priorities_filled
        total.placeholders += r.placeholders
        total.near_duplicates += r.near_duplicates
        total.sources.update(r.sources)
    lines = []
    for r in [*reports, total]:
        counts = " ".join(f"{k}{r.findings[k]}" for k in kinds if r.findings[k]) or "无"
        lines.append(
            f"{r.name}\t句子 {r.sentences}，标记 {r.marked}（{r.marked_share:.0%}）\t"
            f"重点有内容 {r.priorities_filled}/{r.priorities}，待补充 {r.placeholders}，"
            f"近似重复 {len(r.near_duplicates)}\t{r.seconds:.2f} 秒\t{counts}"
        )
    pairs = [f"{r.name}：{a} ≈ {b}" for r in reports for a, b in r.near_duplicates]
    by_source = "，".join(f"{k} {v}" for k, v in sorted(total.sources.items())) or "无"
    return "\n".join(
        lines + (["近似重复的条目：", *pairs] if pairs else []) + [f"句子的依据：{by_source}"]
    )
