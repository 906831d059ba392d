"""Writing a draft out: Markdown and plain text (UTF-8)."""

from __future__ import annotations

from pathlib import Path

from rag.errors import PlanError
from rag.plan import Draft

TEXT_SUFFIXES = (".md", ".txt")


def to_markdown(draft: Draft) -> str:
    """# title, the preamble, ## numbered sections, then the 落款 lines."""
    parts = [f"# {draft.title}", ""]
    if draft.preamble:
        parts += [draft.preamble, ""]
    for head, section in zip(draft.headings(), draft.sections, strict=True):
        parts += [f"## {head}", ""]
        for line in section.text.strip().split("\n") or ["【待补充：本节内容】"]:
            parts += [line, ""]
    parts += [draft.author, ""]
    if draft.date:
        parts += [draft.date, ""]
    return "\n".join(parts).rstrip() + "\n"


def to_text(draft: Draft) -> str:
    """The plan as plain text, one paragraph per line."""
    return draft.to_text()


def write(draft: Draft, path: Path, bom: bool = False) -> Path:
    """Write .md or .txt by the path's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        data = to_markdown(draft)
    elif suffix == ".txt":
        data = to_text(draft)
    else:
        raise PlanError(f"不支持的导出格式“{suffix or path.name}”：请用 .md 或 .txt。")
    try:
        path.write_text(("\ufeff" if bom else "") + data, encoding="utf-8")
    except OSError as e:
        raise PlanError(f"无法写入文件 {path}：{e.strerror}") from e
    return path
