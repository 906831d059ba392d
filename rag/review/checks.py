"""Checks on a draft: what a reviewing secretary would mark. Every finding names its section,
quotes the words, and says what to do. The same checks run on composed and model drafts.

Grounding: a name, a figure or a claim is the community's only when the profile says it (or,
for a date, when the year's calendar does). Sample passages ground nothing: they belong to
other communities.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from rag.plan.community import suggest_community_type
from rag.plan.draft import Draft, SectionState
from rag.plan.outlines import Outline, key_dates_text
from rag.plan.profile import Profile
from rag.plan.specifics import LEADING_GROUP, RATE, assumed_conditions, foreign_specifics
from rag.review.sources import RareTerms, sample_words, unsourced_claims
from rag.text.clean import has_pinyin, has_traditional, to_simplified
from rag.text.zh import (
    OLD_FIGURE,
    PLACEHOLDER,
    TO_FILL,
    is_fragment,
    numbering_problems,
    parse_heading,
    sentence_key,
    sentences,
    unnumbered,
)

_NUMBER = re.compile(r"(\d{1,2})月(?:(\d{1,2})日)?|\d+(?:\.\d+)?%?")
_MEASURE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(?:分钟|小时|个工作日|工作日|日内|天|周|个月|公里|千米|米|万元|元|"
    r"平方米|吨|公斤)"
)
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）)", re.M)
# Figures any plan may state: dates of the year, once per period, ages, 100%, ordinals.
_FREE_FIGURE = re.compile(
    r"\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日(?![内以之])|[每各][^。；\d]{0,30}?1(?:次|轮|期|场|名)|"
    r"\d+周?岁|100%|"
    r"第[一二三四五六七八九十\d]+|\d+时(?:\d+分)?"
)
_FACT = re.compile(r"本社区现有[^。；]*[。；]?")
MIN_REPEAT = 12  # shorter sentences ("加强组织领导。") may repeat without harm
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")


# Findings that mean the text says something not yet true of the community: a download
# (page, CLI, batch) warns while any is left.
TO_CONFIRM = frozenset(
    {
        "范文专名",
        "类型用语",
        "情况说法",
        "社区条件",
        "范文数字",
        "待补充",
        "上年数据",
        "占位符",
        "句子不完整",
        "重点无内容",
        "落款日期",
    }
)
MARKS_WARNING = (
    "还有 {n} 处标记尚未处理（范文中的名称和数字、不属于本社区的说法、"
    "待补充的内容等，见各节下方）：下载的文件会照原样保留它们，请处理后再正式使用。"
)


@dataclass(frozen=True)
class Finding:
    section: str  # the section's heading, or "全文"
    kind: str  # e.g. 范文专名 类型用语 范文数字 句子不完整 重复 占位符 待补充 社区类型 …
    message: str
    items: list[str] = field(default_factory=list)

    @property
    def to_confirm(self) -> bool:
        """The user must confirm or change these words before the plan is used."""
        return self.kind in TO_CONFIRM

    def to_dict(self) -> dict:
        return {**asdict(self), "to_confirm": self.to_confirm}


def to_confirm(findings: list[Finding]) -> list[Finding]:
    """The findings a download warns about while they are left."""
    return [f for f in findings if f.to_confirm]


def marks_warning(findings: list[Finding]) -> str:
    """The warning every way out of the app (page, CLI, batch) gives, or "" when none is left."""
    marks = to_confirm(findings)
    return MARKS_WARNING.format(n=len(marks)) if marks else ""


def numbers(text: str) -> list[str]:
    """The numbers a text states, dates kept whole: 126, 95, 3月, 3月5日 (not list numbers)."""
    return [m[0].rstrip("%") for m in _NUMBER.finditer(_LIST_NUMBER.sub(" ", text))]


def grounding(text: str) -> set[str]:
    """What a source text grounds: its numbers, and the month of each of its dates."""
    tokens = set(numbers(text))
    return tokens | {t.split("月")[0] + "月" for t in tokens if "月" in t}


def sample_figures(text: str, grounded: set[str], source: str = "") -> list[str]:
    """Figures neither the profile nor the calendar gives: another community's counts and
    targets, or a sample's suggestion (不少于20次, 覆盖率达到98%). A time or a measure counts
    as given only with its unit (3分钟内 is not the profile's 3 安置小区)."""
    text = _FREE_FIGURE.sub(" ", PLACEHOLDER.sub("", OLD_FIGURE.sub(" ", text)))
    measured = {m[1] for m in _MEASURE.finditer(_LIST_NUMBER.sub(" ", text)) if m[0] not in source}
    return sorted(set(numbers(text)) - (grounded - measured), key=lambda n: (len(n), n))


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _sentences(text: str) -> list[str]:
    """The sentences of a section's lines, item numbers removed."""
    return [s for line in _lines(text) for s in sentences(unnumbered(line))]


def dangling_sentences(text: str) -> list[str]:
    """Sentences cut short: an adverbial with no verb after it, or one that stops mid-way."""
    return [s for s in _sentences(text) if is_fragment(s)]


def single_item_lists(text: str) -> list[str]:
    """Items that stand alone at their level: a （一） with no （二）, a 1. with no 2."""
    lonely = []
    groups: list[list[str]] = []
    level_of_group: list[int] = []
    for line in _lines(text):
        heading = parse_heading(line)
        if not heading or not heading[0]:
            continue
        level = heading[0]
        while level_of_group and level_of_group[-1] > level:
            level_of_group.pop()
            if len(groups[-1]) == 1:
                lonely.append(groups[-1][0])
            groups.pop()
        if level_of_group and level_of_group[-1] == level:
            groups[-1].append(line)
        else:
            level_of_group.append(level)
            groups.append([line])
    lonely += [g[0] for g in groups if len(g) == 1]
    return [line[:24] for line in lonely]


def repeated_within(text: str) -> list[str]:
    """Sentences said twice in one section."""
    seen, repeated = set(), []
    for sentence in _sentences(text):
        key = sentence_key(sentence)
        if len(key) >= 8:
            if key in seen and sentence not in repeated:
                repeated.append(sentence)
            seen.add(key)
    return repeated


def doubled_words(text: str) -> list[str]:
    """Words written twice in a row by mistake: 辖区辖区, 社区社区."""
    return sorted({m[0] for m in _DOUBLED.finditer(text) if len(set(m[1])) > 1})


def conflicting_rates(text: str) -> list[str]:
    """One rate given two values: 参与率80% and 居民参与率70% (not 养老保险参保率97% and
    医保参保率98%: a longer name that does not end in the other is another rate)."""
    stated = [(m[1], m[2]) for m in RATE.finditer(text)]
    values: dict[str, set[str]] = {}
    for name in dict.fromkeys(name for name, _ in stated):
        same = {v for other, v in stated if other.endswith(name) or name.endswith(other)}
        if len(same) > 1:
            values.setdefault(name[-3:], set()).update(same)
    return [f"{rate}：{'、'.join(sorted(v))}%" for rate, v in values.items()]


SectionCheck = Callable[[SectionState, Profile, set[str]], "Finding | None"]


def _finding(kind: str, message: str) -> Callable[[Callable], SectionCheck]:
    """A section check from a function returning the quoted words (empty: nothing found)."""

    def wrap(items_of: Callable[[SectionState, Profile, set[str]], list[str]]) -> SectionCheck:
        def check(section, profile, grounded):
            items = items_of(section, profile, grounded)
            return Finding("", kind, message, items) if items else None

        return check

    return wrap


@_finding("占位符", "还有占位符未替换，请改为实际的名称或日期。")
def _placeholders(section, profile, grounded):
    return sorted(set(PLACEHOLDER.findall(section.text)))


@_finding("待补充", "有需要补充的信息。")
def _to_fill(section, profile, grounded):
    return [m.strip() or "未说明" for m in TO_FILL.findall(section.text)]


@_finding("上年数据", "这些数字取自上年计划，请按今年实际更新，并删去“【上年数据，请更新】”标记。")
def _old_figures(section, profile, grounded):
    return OLD_FIGURE.findall(section.text)


@_finding("繁体字", "含有繁体字，请改为简体。")
def _traditional(section, profile, grounded):
    text = section.text
    if not has_traditional(text):
        return []
    return sorted({a for a, b in zip(text, to_simplified(text), strict=False) if a != b})


@_finding("拼音", "含有夹在文字中的拼音，请删除。")
def _pinyin(section, profile, grounded):
    return ["拼音"] if has_pinyin(section.text) else []


@_finding(
    "范文专名",
    "这些地名、单位、人名、品牌或说法来自其他社区的范文，社区信息中没有：请改为本社区的实际，或删除。",
)
def _sample_names(section, profile, grounded):
    found = foreign_specifics(section.text, profile)
    return [s.word for s in found if s.kind not in ("类型用语", "情况")]


@_finding(
    "情况说法",
    "这些句子描述了社区的现状，社区信息中没有：请按本社区实际改写，或删除。",
)
def _circumstances(section, profile, grounded):
    return [s.word for s in foreign_specifics(section.text, profile) if s.kind == "情况"]


def _type_words(section, profile, grounded):
    words = [s.word for s in foreign_specifics(section.text, profile) if s.kind == "类型用语"]
    if not words:
        return None
    own = f"本社区是“{profile.community_type}”" if profile.community_type else "社区类型未选择"
    return Finding(
        "",
        "类型用语",
        f"这些是其他类型社区的说法（{own}）：请删除，或改为符合本社区的说法。",
        words,
    )


@_finding(
    "社区条件",
    "计划按本社区有这些条件来写，社区信息中没有提到：请确认本社区确有（可写入补充说明），"
    "或改为筹建、删改相关内容。",
)
def _conditions(section, profile, grounded):
    return assumed_conditions(section.text, profile)


@_finding("范文数字", "范文中的数字，请按本社区实际核实：社区信息中没有这些数字。")
def _figures(section, profile, grounded):
    return sample_figures(section.text, grounded, profile.facts_text())


@_finding("句子不完整", "这些句子缺少主干或在中途断开，请补全或删除。")
def _dangling(section, profile, grounded):
    return dangling_sentences(section.text)


@_finding("单项列表", "这一层只有一项，请补充第二项，或改为一段文字。")
def _single_items(section, profile, grounded):
    return single_item_lists(section.text)


@_finding("重复", "这些句子在本节中重复出现，请删去其一。")
def _repeats(section, profile, grounded):
    return repeated_within(section.text)


@_finding("叠词", "这些词连写了两遍，请删去一个。")
def _doubled(section, profile, grounded):
    return doubled_words(section.text)


@_finding("目标矛盾", "同一指标有不同的数值，请统一。")
def _rates(section, profile, grounded):
    return conflicting_rates(section.text)


def _length(section, profile, grounded):
    size = len(re.sub(r"\s", "", section.text))
    if 0.4 * section.length <= size <= 2.5 * section.length:
        return None
    advice = "补充。" if size < section.length else "精简。"
    return Finding("", "篇幅", f"本节约 {size} 字，建议篇幅约 {section.length} 字，请酌情{advice}")


@_finding("编号", "小标题编号不连续。")
def _numbering(section, profile, grounded):
    return numbering_problems(section.text)


SECTION_CHECKS: tuple[SectionCheck, ...] = (
    _placeholders,
    _to_fill,
    _old_figures,
    _traditional,
    _pinyin,
    _sample_names,
    _type_words,
    _circumstances,
    _conditions,
    _figures,
    _dangling,
    _single_items,
    _repeats,
    _doubled,
    _rates,
    _length,
    _numbering,
)


def check_draft(
    draft: Draft, outline: Outline, rare_terms: RareTerms | None = None
) -> list[Finding]:
    """Every finding on a draft: the whole plan first, then section by section. With the
    library's rare terms (Retriever.rare_terms), a sentence taken from a sample that still
    says that sample's own words is marked too."""
    profile = draft.profile
    findings = _plan_findings(draft, outline)
    # What grounds a figure: the profile, and the year's key dates (a schedule is built on them).
    grounded = grounding(profile.facts_text()) | grounding(key_dates_text(outline, profile.year))
    seen: dict[str, str] = {}
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        if not section.text.strip():
            findings.append(Finding(head, "缺少章节", "本节还没有内容，请生成或填写。"))
            continue
        version = section.version
        if version and not version.complete:
            message = version.error or "本节生成中断，内容不完整，请重新生成。"
            findings.append(Finding(head, "未完成", message))
        for check in SECTION_CHECKS:
            if found := check(section, profile, grounded):
                findings.append(Finding(head, found.kind, found.message, found.items))
        findings += [
            Finding(head, *f) for f in _source_findings(version, profile, grounded, rare_terms)
        ]
        if repeated := _repeated_across(section.text, head, seen):
            findings.append(
                Finding(head, "重复", "这些句子在前面的章节已经出现，请删改其一。", repeated)
            )
    findings += _across_sections(draft)
    return findings


SAMPLE_WORDS = (
    "范文独有词",
    "这些词只见于本句所依据的那篇范文（其他社区的地名、单位、品牌或说法），社区信息中没有："
    "请改为本社区的实际，或删除。",
)
UNSOURCED = (
    "无依据",
    "这些句子由模型写出，所给范文和社区信息中都找不到依据，却写了数字、日期或名称：请核实，或删改。",
)


def _source_findings(version, profile, grounded, rare_terms) -> list[tuple]:
    """What the sentences' sources tell (rag.review.sources)."""
    if version is None:
        return []
    found = []
    if rare_terms is not None and (words := sample_words(version, profile, rare_terms)):
        found.append((*SAMPLE_WORDS, words))
    if claims := unsourced_claims(version, profile, grounded, numbers):
        found.append((*UNSOURCED, claims))
    return found


def _repeated_across(text: str, head: str, seen: dict[str, str]) -> list[str]:
    repeated = []
    for sentence in sentences(text.replace("\n", "。")):
        key = sentence_key(sentence)
        if len(key) < MIN_REPEAT:
            continue
        if key in seen and seen[key] != head:
            repeated.append(sentence)
        seen.setdefault(key, head)
    return repeated


def _plan_findings(draft: Draft, outline: Outline) -> list[Finding]:
    """What concerns the plan as a whole: its sections, the community type, the 落款 date."""
    profile = draft.profile
    findings = []
    if not profile.community_type:
        findings.append(community_type_finding(profile.notes))
    titles = [s.title for s in draft.sections]
    for spec in outline.sections:
        if spec.title not in titles:
            findings.append(Finding("全文", "缺少章节", f"缺少“{spec.title}”一节，请补上。"))
    # A draft made before its plan type's outline changed keeps the sections it has.
    current = {spec.title for spec in outline.sections}
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        if section.title not in current:
            findings.append(
                Finding(
                    head,
                    "提纲已变",
                    f"本计划类型的提纲已没有“{section.title}”一节：本草稿仍保留它，"
                    "请确认是否还需要（导出时照常保留）。",
                )
            )
    if not profile.date.strip():
        findings.append(Finding("全文", "落款日期", "落款没有日期：请在社区信息中填写落款日期。"))
    return findings


def _across_sections(draft: Draft) -> list[Finding]:
    """Priorities with no content of their own, and more than one leading group."""
    findings = []
    tasks = [
        (head, s)
        for head, s in zip(draft.headings(), draft.sections, strict=True)
        if s.role == "任务措施"
    ]
    if tasks and draft.profile.priorities:
        head, section = tasks[0]
        missing = [p for p in draft.profile.priorities if not _has_content(p, section.text)]
        if missing:
            findings.append(
                Finding(
                    head,
                    "重点无内容",
                    "这些工作重点没有写出具体做法（由谁做、怎么做、做到什么程度），请补充。",
                    missing,
                )
            )
    groups = [
        (head, sentence)
        for head, s in zip(draft.headings(), draft.sections, strict=True)
        for sentence in _sentences(s.text)
        if LEADING_GROUP.search(sentence)
    ]
    if len(groups) > 1:
        findings.append(
            Finding(
                groups[1][0],
                "重复",
                "计划中成立了不止一个领导小组（或工作小组），请合并为一个。",
                [sentence for _, sentence in groups],
            )
        )
    return findings


def _has_content(priority: str, text: str) -> bool:
    """Whether a section says something about a priority beyond its heading, or marks what
    is missing with 【待补充】 (then the 待补充 finding speaks for it)."""
    head = re.split(r"[，。；]", priority.strip("。 "))[0]
    for line in _lines(text):
        if head[:6] in line:
            # the profile's count of it (本社区现有…) is no content of its own
            rest = _FACT.sub("", unnumbered(line).replace(head, "", 1)).strip("。；， ")
            return len(rest) >= 10 or bool(TO_FILL.search(rest))
    return False


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
