"""Writing a draft to a file in the format its name asks for, and safe file names."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rag.errors import PlanError
from rag.export.docx import fonts_from_settings, to_docx
from rag.export.text import to_markdown, to_text
from rag.plan.draft import Draft
from rag.plan.edited import export_mark

FORMATS = (".docx", ".md", ".txt")
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.I)
MAX_NAME_BYTES = 180  # well under the 255-byte limit of common file systems


def render(draft: Draft, suffix: str, *, bom: bool = False, fonts=None, mark: str = "") -> bytes:
    """The file's bytes for a suffix (.docx, .md or .txt); mark: a .docx's export trace."""
    suffix = suffix.lower()
    if suffix == ".docx":
        return to_docx(draft, fonts or fonts_from_settings(), mark)
    if suffix == ".md":
        return (("\ufeff" if bom else "") + to_markdown(draft)).encode("utf-8")
    if suffix == ".txt":
        return (("\ufeff" if bom else "") + to_text(draft)).encode("utf-8")
    raise PlanError(f"不支持的导出格式“{suffix or '（无扩展名）'}”：请用 .docx、.md 或 .txt。")


def exported(draft: Draft, suffix: str, *, bom: bool = False, fonts=None) -> bytes:
    """The file's bytes, the export recorded on the draft (time, revision, the versions it
    holds) and, in a .docx, its trace: an edited copy can then be traced back (the caller
    saves the draft)."""
    record = draft.record_export(suffix)
    mark = export_mark(draft.id, draft.created, record)
    return render(draft, suffix, bom=bom, fonts=fonts, mark=mark)


def write(draft: Draft, path: Path, *, bom: bool = False, fonts=None) -> Path:
    """Write the draft in the format its path's suffix names, the export recorded on it."""
    data = exported(draft, path.suffix, bom=bom, fonts=fonts)
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
