"""A draft as plain text and as Markdown."""

from __future__ import annotations

from rag.plan.draft import Draft, SectionState

EMPTY_SECTION = "【待补充：本节内容】"
INCOMPLETE_SECTION = "【本节未完成：模型输出中断，以上为已生成的部分，请补全或重新生成】"


def section_lines(section: SectionState) -> list[str]:
    """A section's paragraphs as exported; a cut-off text ends with a visible mark."""
    lines = [line.strip() for line in section.text.strip().split("\n") if line.strip()]
    if section.version and not section.version.complete:
        return [*lines, INCOMPLETE_SECTION]
    return lines or [EMPTY_SECTION]


def to_markdown(draft: Draft) -> str:
    """# title, the preamble, ## numbered sections, then the 落款 lines."""
    parts = [f"# {draft.title}", ""]
    if draft.preamble:
        parts += [draft.preamble, ""]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        parts += [f"## {head}", ""]
        for line in section_lines(section):
            parts += [line, ""]
    parts += [line for value in (draft.author, draft.date) if value for line in (value, "")]
    return "\n".join(parts).rstrip() + "\n"


def to_text(draft: Draft) -> str:
    """The plan as plain text, one paragraph per line, a blank line between sections."""
    parts = [draft.title, ""]
    if draft.preamble:
        parts += [draft.preamble, ""]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        parts += [head, *section_lines(section), ""]
    parts += [v for v in (draft.author, draft.date) if v]
    return "\n".join(parts).rstrip() + "\n"
