"""Writing a draft out: Word (.docx, GB/T 9704), Markdown and plain text; safe file names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from rag.errors import PlanError
from rag.plan import Draft

FORMATS = (".docx", ".md", ".txt")
EMPTY_SECTION = "【待补充：本节内容】"
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.I)
MAX_NAME_BYTES = 180  # well under the 255-byte limit of common file systems


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


def fonts_from_settings(settings=None):
    """The .docx fonts: the configured set (gb2312 or plain) with any single overrides."""
    from rag.config import get_settings
    from rag.wordfile import FONT_SETS

    settings = settings or get_settings()
    fonts = FONT_SETS[settings.docx_fonts]
    overrides = {
        name: value
        for name in ("title", "body", "heading1", "heading2", "page_number")
        if (value := getattr(settings, f"docx_{name}_font"))
    }
    return replace(fonts, **overrides)


def render(draft: Draft, suffix: str, *, bom: bool = False, fonts=None) -> bytes:
    """The file's bytes for a suffix (.docx, .md or .txt)."""
    suffix = suffix.lower()
    if suffix == ".docx":
        from rag.wordfile import to_docx

        return to_docx(draft, fonts or fonts_from_settings())
    if suffix == ".md":
        return (("\ufeff" if bom else "") + to_markdown(draft)).encode("utf-8")
    if suffix == ".txt":
        return (("\ufeff" if bom else "") + to_text(draft)).encode("utf-8")
    raise PlanError(f"不支持的导出格式“{suffix or '（无扩展名）'}”：请用 .docx、.md 或 .txt。")


def write(draft: Draft, path: Path, *, bom: bool = False, fonts=None) -> Path:
    """Write the draft in the format its path's suffix names."""
    data = render(draft, path.suffix, bom=bom, fonts=fonts)
    try:
        path.write_bytes(data)
    except OSError as e:
        raise PlanError(f"无法写入文件 {path}：{e.strerror}") from e
    return path


def safe_filename(title: str, suffix: str) -> str:
    """A file name from a title: no separators, control or reserved characters, bounded length."""
    name = unicodedata.normalize("NFC", title)
    name = re.sub(r'[.\s]*[\x00-\x1f\x7f<>:"/\\|?*]+[.\s]*', "_", name)
    name = re.sub(r"_+", "_", re.sub(r"\s+", " ", name)).lstrip(" .").rstrip(" ._")
    if not name or set(name) <= {"_", " ", "."}:
        name = "工作计划"
    if _RESERVED.match(name):
        name = "_" + name
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") + suffix
