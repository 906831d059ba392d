"""A draft as plain text and as Markdown."""

from __future__ import annotations

from rag.plan.draft import Draft

EMPTY_SECTION = "【待补充：本节内容】"


def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    return lines or [EMPTY_SECTION]


def to_markdown(draft: Draft) -> str:
    """# title, the preamble, ## numbered sections, then the 落款 lines."""
    parts = [f"# {draft.title}", ""]
    if draft.preamble:
        parts += [draft.preamble, ""]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        parts += [f"## {head}", ""]
        for line in _lines(section.text):
            parts += [line, ""]
    parts += [line for value in (draft.author, draft.date) if value for line in (value, "")]
    return "\n".join(parts).rstrip() + "\n"


def to_text(draft: Draft) -> str:
    """The plan as plain text, one paragraph per line, a blank line between sections."""
    parts = [draft.title, ""]
    if draft.preamble:
        parts += [draft.preamble, ""]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        parts += [head, *_lines(section.text), ""]
    parts += [v for v in (draft.author, draft.date) if v]
    return "\n".join(parts).rstrip() + "\n"
