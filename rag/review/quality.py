"""The quality report of a set of drafts: findings by kind, the share of sentences a reviewer
has to look at (marked by a finding or a 【待补充】), and the time drafting took."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rag.plan.draft import Draft
from rag.review.checks import Finding
from rag.text.zh import TO_FILL, sentences


@dataclass
class DraftReport:
    name: str
    findings: Counter = field(default_factory=Counter)  # kind → count
    sentences: int = 0
    marked: int = 0
    seconds: float = 0.0

    @property
    def marked_share(self) -> float:
        return self.marked / self.sentences if self.sentences else 0.0


def draft_report(name: str, draft: Draft, findings: list[Finding], seconds: float) -> DraftReport:
    """Count a draft's findings by kind and the sentences that quote a finding's words."""
    report = DraftReport(name, Counter(f.kind for f in findings), seconds=seconds)
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
    lines = []
    for r in [*reports, total]:
        counts = " ".join(f"{k}{r.findings[k]}" for k in kinds if r.findings[k]) or "无"
        lines.append(
            f"{r.name}\t句子 {r.sentences}，标记 {r.marked}（{r.marked_share:.0%}）\t"
            f"{r.seconds:.2f} 秒\t{counts}"
        )
    return "\n".join(lines)
