"""Checks on a draft; every finding names its section and says what to do."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from rag.plan.community import suggest_community_type
from rag.plan.draft import Draft
from rag.plan.outlines import Outline, key_dates_text
from rag.text.clean import has_pinyin, has_traditional, to_simplified
from rag.text.zh import PLACEHOLDER, numbering_problems, sentence_key, sentences

TO_FILL = re.compile(r"【待补充[：:]?([^】]*)】")
_NUMBER = re.compile(r"(\d{1,2})月(?:(\d{1,2})日)?|\d+(?:\.\d+)?%?")
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）)", re.M)
MIN_REPEAT = 12  # shorter sentences ("加强组织领导。") may repeat without harm


@dataclass(frozen=True)
class Finding:
    section: str  # the section's heading, or "全文"
    kind: str  # 社区类型 占位符 待补充 繁体字 拼音 缺少章节 待核实 重复 篇幅 编号 未完成
    message: str
    items: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def numbers(text: str) -> list[str]:
    """The numbers a text states, dates kept whole: 126, 95, 3月, 3月5日 (not list numbers)."""
    return [m[0].rstrip("%") for m in _NUMBER.finditer(_LIST_NUMBER.sub(" ", text))]


def grounding(text: str) -> set[str]:
    """What a source text grounds: its numbers, and the month of each of its dates."""
    tokens = set(numbers(text))
    return tokens | {t.split("月")[0] + "月" for t in tokens if "月" in t}


def check_draft(draft: Draft, outline: Outline) -> list[Finding]:
    """Every finding on a draft, section by section, then across sections."""
    findings: list[Finding] = []
    profile = draft.profile
    # The type's key dates count as a source everywhere: a schedule is built from them.
    grounded_common = grounding(profile.facts_text()) | grounding(
        key_dates_text(outline, profile.year)
    )
    if not profile.community_type:
        findings.append(community_type_finding(profile.notes))
    titles = [s.title for s in draft.sections]
    for spec in outline.sections:
        if spec.title not in titles:
            findings.append(Finding("全文", "缺少章节", f"缺少“{spec.title}”一节，请补上。"))
    seen: dict[str, str] = {}
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        text = section.text
        version = section.version
        if not text.strip():
            findings.append(Finding(head, "缺少章节", "本节还没有内容，请生成或填写。"))
            continue
        if version and not version.complete:
            findings.append(
                Finding(head, "未完成", version.error or "本节生成中断，内容不完整，请重新生成。")
            )
        if found := sorted(set(PLACEHOLDER.findall(text))):
            findings.append(
                Finding(head, "占位符", "还有占位符未替换，请改为实际的名称或日期。", found)
            )
        if found := [m.strip() or "未说明" for m in TO_FILL.findall(text)]:
            findings.append(Finding(head, "待补充", "有需要补充的信息。", found))
        if has_traditional(text):
            chars = sorted({a for a, b in zip(text, to_simplified(text), strict=False) if a != b})
            findings.append(Finding(head, "繁体字", "含有繁体字，请改为简体。", chars))
        if has_pinyin(text):
            findings.append(Finding(head, "拼音", "含有夹在文字中的拼音，请删除。"))
        grounded = set(grounded_common)
        for passage in version.passages if version else []:
            grounded |= grounding(passage.text)
        if unknown := sorted(
            set(numbers(PLACEHOLDER.sub("", text))) - grounded, key=lambda n: (len(n), n)
        ):
            findings.append(
                Finding(
                    head,
                    "待核实",
                    "这些数字既不在社区信息中，也不在所引范文中，请核实后保留或删除。",
                    unknown,
                )
            )
        repeated = []
        for sentence in sentences(text.replace("\n", "。")):
            key = sentence_key(sentence)
            if len(key) < MIN_REPEAT:
                continue
            if key in seen and seen[key] != head:
                repeated.append(sentence)
            seen.setdefault(key, head)
        if repeated:
            findings.append(
                Finding(head, "重复", "这些句子在前面的章节已经出现，请删改其一。", repeated)
            )
        size = len(re.sub(r"\s", "", text))
        if size < 0.4 * section.length or size > 2.5 * section.length:
            findings.append(
                Finding(
                    head,
                    "篇幅",
                    f"本节约 {size} 字，建议篇幅约 {section.length} 字，请酌情"
                    + ("补充。" if size < section.length else "精简。"),
                )
            )
        if problems := numbering_problems(text):
            findings.append(Finding(head, "编号", "小标题编号不连续。", problems))
    return findings


def community_type_finding(notes: str) -> Finding:
    """The profile names no kind of community: say so, with a guess from the notes."""
    guess = suggest_community_type(notes)
    hint = f"根据补充说明，可能是“{guess}”。" if guess else ""
    return Finding(
        "全文",
        "社区类型",
        f"未选择社区类型。{hint}请在社区信息中选择，以便只引用同类社区的范文，"
        "并核对计划中是否有不属于本社区类型的说法。",
        [guess] if guess else [],
    )
