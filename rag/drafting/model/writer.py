"""Model drafting of one section: the prompt (profile, outline, fenced passages, the other
sections), the streamed call, and tidying the reply into plan text."""

from __future__ import annotations

import re

from rag.drafting.model.prompts import fence, quoted, render
from rag.drafting.model.providers import LLMConfig, chat_model
from rag.drafting.model.stream import stream_chat
from rag.drafting.writer import SectionJob, Variety
from rag.plan.community import COMMUNITY_TYPES
from rag.plan.draft import Version, heading
from rag.plan.profile import Profile
from rag.plan.sources import model_sentences
from rag.text.clean import normalize_punctuation, strip_control

DEFAULT_INSTRUCTION = "换一种写法，内容更具体、更贴合本社区实际。"


PREVIOUS_NOTE = (
    "来源为“上年计划”的片段是本社区自己上年的计划，不是其他社区的范文：其中的地名、队伍、"
    "合作单位和品牌名称可以沿用，日期已换算到今年；标有“【上年数据，请更新】”的数字连同标记照原样"
    "保留；上年已完成的事项写成“在上年……的基础上”，不要写成新任务。"
)


def profile_block(profile: Profile, outline_name: str) -> str:
    """The profile as labelled lines (only what the user filled in)."""
    lines = [
        f"社区名称：{profile.community}",
        f"上级单位：{profile.parent}" if profile.parent else "",
        f"年度：{profile.year}年",
        f"计划类型：{outline_name}",
        (
            f"社区类型：{profile.community_type}（{COMMUNITY_TYPES[profile.community_type].hint}）"
            if profile.community_type
            else "社区类型：未填写（不要写只属于某类社区的说法）"
        ),
        f"户数：{profile.households}户" if profile.households else "",
        f"常住人口：{profile.population}人" if profile.population else "",
    ]
    if profile.facts:
        lines.append("关键数据：" + "；".join(f"{k}：{v}" for k, v in profile.facts.items()))
    if profile.priorities:
        lines.append(
            "工作重点：" + "；".join(f"{n}. {p}" for n, p in enumerate(profile.priorities, 1))
        )
    if profile.notes:
        lines.append(f"补充说明：{profile.notes}")
    if profile.known_names:
        lines.append(
            f"上年计划中的名称（本社区自己的，可以沿用）：{'、'.join(profile.known_names)}"
        )
        lines.append(PREVIOUS_NOTE)
    lines.append(f"落款单位：{profile.author}")
    return "\n".join(line for line in lines if line)


def passages_block(job: SectionJob) -> str:
    if not job.passages:
        return "（本节没有检索到参考范文：请依据社区信息撰写，缺少的具体信息用【待补充：…】标出。）"
    return "\n\n".join(
        fence(f"P{n}", p.title, p.section, p.text) for n, p in enumerate(job.passages, 1)
    )


def _extra(job: SectionJob) -> str:
    section, profile = job.section, job.profile
    notes = []
    if section.role == "任务措施" and profile.priorities:
        notes.append("须把社区信息中的每一项工作重点写成具体措施（由谁做、怎么做、做到什么程度）。")
    if section.role in ("目标", "情况") and (profile.facts or profile.households):
        notes.append("须写入社区信息中的底数，数字照抄，不要换算或估计。")
    if section.role == "安排":
        notes.append("时间节点以参考资料中的“全年重要节点”为准，日期用阿拉伯数字，如3月5日。")
    return "".join(f"注意：{n}\n" for n in notes)


def section_messages(job: SectionJob) -> list[tuple[str, str]]:
    """(role, content) messages for drafting or regenerating the job's section."""
    outline, profile = job.outline, job.profile
    values = {
        "title": outline.plan_title(profile.community, profile.year),
        "heading": heading(job.index, job.section.title),
        "profile": profile_block(profile, outline.name),
        "outline": "\n".join(
            f"{heading(i, s.title)}：{s.purpose}" for i, s in enumerate(outline.sections)
        ),
        "purpose": job.section.purpose,
        "length": job.section.length,
        "others": (
            quoted("其他各节概要", "\n".join(f"{h}：{summary}" for h, summary in job.others))
            if job.others
            else "（无）"
        ),
        "passages": passages_block(job),
    }
    if job.current or job.instruction:
        user = render(
            "regenerate",
            **values,
            current=quoted("本节当前文本", job.current) if job.current else "（本节尚无文本）",
            instruction=job.instruction or DEFAULT_INSTRUCTION,
            extra=_extra(job),
        )
    else:
        user = render("section", **values, extra=_extra(job))
    return [("system", render("system")), ("human", user)]


def tidy(text: str, section_title: str) -> str:
    """Model output as plan text: no Markdown, no control characters, no repeated heading,
    one paragraph per line."""
    text = re.sub(r"```[a-z]*", "", strip_control(text))
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*#{1,6}\s*", "", line)
        line = re.sub(r"\*\*|__", "", line)
        line = re.sub(r"^\s*[-*•]\s+", "", line).strip()
        if line:
            lines.append(line)
    if lines and re.sub(r"^[一二三四五六七八九十]+、", "", lines[0]).strip("：:") == section_title:
        lines = lines[1:]
    return normalize_punctuation("\n".join(lines))


class ModelWriter:
    """Writes a section with a chat model; failures become an incomplete version, not errors."""

    origin = "model"
    passages_per_section = 4
    extra_per_version = 0
    in_order = False
    unretrieved_roles = frozenset()

    def __init__(self, config: LLMConfig, chat=None):
        self.config = config
        self.chat = chat if chat is not None else chat_model(config)
        self.name = config.model
        self.concurrency = config.concurrency

    def for_batch(self, variety: Variety) -> None:
        """None: a model drafts each plan of a batch on its own, several at once."""
        return None

    def write(self, job: SectionJob, on_text=None) -> Version:
        messages = section_messages(job)
        title = job.section.title

        def show(text: str) -> None:
            if on_text:
                on_text(tidy(text, title))

        result = stream_chat(self.chat, messages, self.config, show)
        text = tidy(result.text, title)
        return Version(
            text,
            self.origin,
            sentences=model_sentences(text, job.passages),
            given=list(job.passages),
            model=self.config.model,
            instruction=job.instruction,
            complete=result.complete,
            error=result.error,
            usage=result.usage,
        )
