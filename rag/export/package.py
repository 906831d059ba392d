"""The review package (送审包): what the person who signs a plan reads.

Three files: the plan as a GB/T 9704 .docx, a 依据表 .xlsx (every sentence with its section,
its source and the marks still open on it; a sentence that rests on nothing but a sample is
coloured and says so) and the list of 待确认事项 (every open finding with its section and
words). One .zip for a download, or a folder for the CLI. The findings are the caller's (the
checks of rag.review), so that the package shows exactly what the page shows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rag.errors import PlanError
from rag.export.docx import fonts_from_settings, to_docx
from rag.export.files import safe_filename
from rag.export.sheets import put_row
from rag.plan.draft import Draft, Passage
from rag.plan.sources import split

# What a sentence rests on, for a reader who looks at one column only.
OWN, CALENDAR, SAMPLE_ONLY, MODEL_ONLY, USER, UNKNOWN = (
    "本社区信息",
    "日历和提纲",
    "仅凭范文",
    "模型（无范文出处）",
    "用户填写",
    "未记录",
)
_NATURE = {
    "社区信息": OWN,
    "上年计划": OWN,
    "日历提纲": CALENDAR,
    "范文": SAMPLE_ONLY,
    "用户修改": USER,
}
NATURES = (OWN, CALENDAR, SAMPLE_ONLY, MODEL_ONLY, USER, UNKNOWN)
MEANINGS = {
    OWN: "取自社区信息表或本社区上年计划：本社区自己的情况。",
    CALENDAR: "取自本年度的重要时间节点或计划类型的提纲：通用的说法。",
    SAMPLE_ONLY: "只有范文（其他社区的计划）作依据：请逐句核对是否符合本社区，标为橙色。",
    MODEL_ONLY: "模型写成，所给范文和社区信息中找不到出处：请核实，标为黄色。",
    USER: "用户自己修改或填写的句子。",
    UNKNOWN: "这一版写于记录依据之前，没有记录依据，标为灰色。",
}
# Colours of the 依据表 rows by what they rest on (light, printable).
FILLS = {SAMPLE_ONLY: "FCE4D6", MODEL_ONLY: "FFF2CC", UNKNOWN: "EDEDED"}
BASIS_HEADER = ("序号", "章节", "句子", "依据", "依据说明", "性质", "待确认")
OPEN_HEADER = ("序号", "章节", "类别", "说明", "涉及文字")
_FIELDS = {
    "community": "社区名称",
    "parent": "上级单位",
    "year": "年度",
    "households": "住户数",
    "population": "人口数",
    "facts": "社区情况",
    "priorities": "工作重点",
    "notes": "补充说明",
    "community_type": "社区类型",
    "author": "落款单位",
    "date": "落款日期",
}


@dataclass(frozen=True)
class BasisRow:
    """One sentence of the plan as the 依据表 lists it."""

    section: str
    text: str
    kind: str  # the source's kind (社区信息 … 用户修改), or 未记录
    detail: str
    nature: str  # OWN, CALENDAR, SAMPLE_ONLY, MODEL_ONLY, USER or UNKNOWN
    marks: str  # the open findings on this sentence: "范文专名：警卫连；范文数字：30"


def nature(source: dict) -> str:
    """What a sentence rests on: the community's facts, the calendar, a sample only …"""
    kind = source.get("kind", "")
    if kind == "模型":
        return SAMPLE_ONLY if source.get("chunk_id") else MODEL_ONLY
    return _NATURE.get(kind, UNKNOWN)


def describe(source: dict, passages: dict[str, Passage]) -> str:
    """A source in words: 范文《…》·主要任务（改写：东关社区→本社区）, 社区信息：工作重点 …"""
    kind = source.get("kind", "")
    if kind == "社区信息":
        name = _FIELDS.get(source.get("field", ""), source.get("field", ""))
        key = source.get("key", "")
        return f"社区信息：{name}" + (f"·{key}" if key else "")
    if kind == "日历提纲":
        return "本年度重要时间节点" if source.get("what") == "日历" else "计划类型的提纲"
    if kind == "上年计划":
        return "本社区上年计划"
    if kind == "范文":
        where = _passage_name(source, passages)
        how = source.get("how", "")
        replaced = "、".join(_replacement(a, b) for a, b in source.get("replaced", []))
        return f"{where}（{how}{'：' + replaced if replaced else ''}）" if how else where
    if kind == "模型":
        given = len(source.get("given", []))
        if source.get("chunk_id"):
            share = source.get("overlap")
            close = f"，措辞重合{share:.0%}" if isinstance(share, int | float) else ""
            return f"模型按{_passage_name(source, passages)}写成{close}（共给了{given}段范文）"
        return f"模型写成，措辞不出自所给的{given}段范文" if given else "模型写成，没有范文"
    if kind == "用户修改":
        return "用户修改或填写"
    return "没有记录依据（这一版写于记录依据之前）"


def _replacement(sample: str, ours: str) -> str:
    if not ours:
        return f"删去“{sample}”"
    return f"{sample}→{ours}" if sample else f"加上“{ours}”"


def _passage_name(source: dict, passages: dict[str, Passage]) -> str:
    p = passages.get(source.get("chunk_id", ""))
    if p is None:
        return f"范文 {source.get('doc_id') or source.get('chunk_id', '')}".rstrip()
    return f"范文《{p.title}》·{p.section or '开头'}"


def _marks(text: str, findings: list) -> str:
    """The open findings whose words stand in a sentence (a figure as a whole number: 2 is
    not in 236 or in the list number 2.)."""
    found = []
    for f in findings:
        words = [w for w in f.items if w and _stands_in(w, text)]
        if words:
            found.append(f"{f.kind}：{'、'.join(words)}")
    return "；".join(found)


def _stands_in(words: str, text: str) -> bool:
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return bool(re.search(rf"(?<![\d.]){re.escape(words)}(?![\d.])", text))
    return words in text or text.strip("。；\n ") in words


def basis_rows(draft: Draft, findings: list) -> list[BasisRow]:
    """Every sentence of the plan, section by section, with its source and open marks."""
    return [
        row for index in range(len(draft.sections)) for row in section_rows(draft, index, findings)
    ]


def section_rows(draft: Draft, index: int, findings: list) -> list[BasisRow]:
    """Every sentence of one section with its source and the open marks on it (the findings
    of the whole plan may be given: the section's own are picked)."""
    head, section = draft.headings()[index], draft.sections[index]
    version = section.version
    own = [f for f in findings if f.section == head]
    passages = {p.id: p for p in (version.given if version else [])}
    sentences = version.sentences if version else []
    pairs = [(s.text, s.source) for s in sentences] or [
        (piece, {}) for piece in split(section.text)
    ]
    return [
        BasisRow(
            head,
            text.strip(),
            source.get("kind", UNKNOWN),
            describe(source, passages),
            nature(source),
            _marks(text, own),
        )
        for text, source in pairs
        if text.strip()
    ]


def nature_counts(rows: list[BasisRow]) -> dict[str, Counter]:
    """How many sentences of each section rest on what."""
    counts: dict[str, Counter] = {}
    for row in rows:
        counts.setdefault(row.section, Counter())[row.nature] += 1
    return counts


def open_items(findings: list) -> list[tuple[str, str, str, str]]:
    """Every open finding: (section, kind, message, words)."""
    return [(f.section, f.kind, f.message, "、".join(f.items)) for f in findings]


def open_items_text(draft: Draft, findings: list) -> str:
    """The list of 待确认事项 as plain text, one numbered item per finding."""
    lines = [f"{draft.title}", "待确认事项", ""]
    items = open_items(findings)
    for n, (section, kind, message, words) in enumerate(items, 1):
        lines.append(f"{n}. 【{section}】{kind}：{message}")
        if words:
            lines.append(f"   涉及文字：{words}")
    if not items:
        lines.append("没有待确认的事项。")
    return "\n".join(lines) + "\n"


def basis_workbook(draft: Draft, findings: list) -> bytes:
    """The 依据表 (every sentence) and the 待确认事项 as two sheets, data only."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "依据表"
    put_row(sheet, BASIS_HEADER)
    rows = basis_rows(draft, findings)
    for n, row in enumerate(rows, 1):
        put_row(sheet, (n, row.section, row.text, row.kind, row.detail, row.nature, row.marks))
        if fill := FILLS.get(row.nature):
            for cell in sheet[sheet.max_row]:
                cell.fill = PatternFill("solid", fgColor=fill)
    _layout(sheet, (6, 16, 60, 10, 40, 14, 40), Font, Alignment)
    items = book.create_sheet("待确认事项")
    put_row(items, OPEN_HEADER)
    for n, item in enumerate(open_items(findings), 1):
        put_row(items, (n, *item))
    _layout(items, (6, 16, 12, 50, 40), Font, Alignment)
    notes = book.create_sheet("说明")
    put_row(notes, ("章节", "句数", *NATURES))
    for head, counts in nature_counts(rows).items():
        put_row(notes, (head, sum(counts.values()), *(counts.get(n, 0) for n in NATURES)))
    put_row(notes, ())
    for name, meaning in MEANINGS.items():
        put_row(notes, (name, meaning))
    _layout(notes, (22, 8, *[12] * len(NATURES)), Font, Alignment)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _layout(sheet, widths, font, alignment) -> None:
    """A bold frozen header with a filter, column widths, wrapped text."""
    for cell in sheet[1]:
        cell.font = font(bold=True)
    for column, width in zip(sheet.columns, widths, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def package_files(draft: Draft, findings: list, fonts=None) -> dict[str, bytes]:
    """The package's files by name: the plan, its 依据表 and its 待确认事项."""
    return {
        safe_filename(draft.title, ".docx"): to_docx(draft, fonts or fonts_from_settings()),
        safe_filename(f"{draft.title}_依据表", ".xlsx"): basis_workbook(draft, findings),
        safe_filename(f"{draft.title}_待确认事项", ".txt"): (
            "\ufeff" + open_items_text(draft, findings)
        ).encode("utf-8"),
    }


def package_zip(draft: Draft, findings: list, fonts=None) -> bytes:
    """The package as one .zip (file names in UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(draft, findings, fonts).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def package_name(draft: Draft) -> str:
    return safe_filename(f"{draft.title}_送审包", ".zip")


def write_package(draft: Draft, findings: list, folder: Path, fonts=None) -> list[Path]:
    """Write the package's files into a folder (made if missing); returns their paths."""
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in package_files(draft, findings, fonts).items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    except OSError as e:
        raise PlanError(f"无法写入送审包文件夹 {folder}：{e.strerror or type(e).__name__}") from e
    return written
