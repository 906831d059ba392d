"""A plan edited outside the app (Word, WPS, a text editor), read back into its parts: title,
preamble, sections under level-1 headings, 落款. The file readers (rag.library.edited) turn a
file into lines with hints; this module finds the plan's structure in them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rag.errors import InputFileError
from rag.text.clean import strip_control
from rag.text.zh import parse_heading, unnumbered

# What a line of a file is known to be by its form in the file (a Word style, bold, alignment).
# BOLD: a line wholly bold, a heading only in a file with no other kind of heading (WPS copies).
TITLE, HEADING, BOLD, RIGHT, BODY = "title", "heading", "bold", "right", ""
# What our export writes for an empty or cut-off section: never the user's text.
_EXPORT_MARK = re.compile(r"^【(?:待补充：本节内容|本节未完成[^】]*)】$")
_DIGIT = "\\d〇○零一二三四五六七八九十"
DATE_LINE = re.compile(
    rf"^[{_DIGIT}]{{2,4}}\s*年\s*[{_DIGIT}]{{1,3}}\s*月(?:\s*[{_DIGIT}]{{1,3}}\s*日)?$"
)
_ORGANISATION = re.compile(r"(?:委员会|居委会|社区|办事处|街道|党委|支部|党总支|工作站|中心|政府)$")
_SENTENCE_MARK = re.compile(r"[。，；：！？,;!?]")
MAX_HEADING_CHARS = 30
MARK_PREFIX = "plan-draft:"  # before the JSON mark in a .docx's core property dc:identifier


@dataclass(frozen=True)
class Line:
    """A paragraph of the file, with what its form says it is (TITLE, HEADING, RIGHT or BODY)."""

    text: str
    kind: str = BODY


@dataclass
class EditedSection:
    """A level-1 section as the file has it."""

    heading: str  # as written: 二、工作目标 (or without its number)
    lines: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return heading_title(self.heading)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class EditedPlan:
    """What an edited file holds, in the draft's terms; mark: what our export wrote into a
    .docx (draft id, creation time, export time), when the file still carries it."""

    filename: str
    title: str
    preamble: str
    sections: list[EditedSection]
    author: str = ""
    date: str = ""
    mark: dict | None = None


def export_mark(draft_id: str, created: float, record: dict) -> str:
    """What an export writes into a .docx to be traced back: the draft and the export time."""
    mark = {"draft": draft_id, "created": created, "exported": record["time"]}
    return MARK_PREFIX + json.dumps(mark)


def heading_title(heading: str) -> str:
    """A heading without its number and end mark: 二、工作目标。 → 工作目标."""
    return unnumbered(heading.strip()).strip().rstrip("。：:；;")


def is_section_heading(line: Line, bold: bool = False) -> bool:
    """A level-1 heading: numbered 一、 in its text, or a heading by its form (a Word heading
    style or outline level, Markdown ##; with bold, a bold short line too) unless numbered as
    a lower level."""
    heading = parse_heading(line.text)
    if heading and heading[0] == 1:
        return len(line.text) <= MAX_HEADING_CHARS + 4 and not _SENTENCE_MARK.search(line.text)
    if line.kind not in ((HEADING, BOLD) if bold else (HEADING,)) or (heading and heading[0] > 1):
        return False
    return len(line.text) <= MAX_HEADING_CHARS and not _SENTENCE_MARK.search(line.text[:-1])


def _signature(tail: list[Line]) -> tuple[str, str, int]:
    """The 落款 at the end of the last section: (author, date, lines it takes)."""
    author = date = ""
    end = len(tail)
    if end and DATE_LINE.match(tail[end - 1].text.replace(" ", "")):
        date, end = tail[end - 1].text, end - 1
    if end:
        last = tail[end - 1]
        short = len(last.text) <= MAX_HEADING_CHARS and not _SENTENCE_MARK.search(last.text)
        if short and (last.kind == RIGHT or _ORGANISATION.search(last.text)):
            author, end = last.text, end - 1
    return author, date, len(tail) - end


def parse_plan(lines: list[Line], filename: str, mark: dict | None = None) -> EditedPlan:
    """The plan in a file's lines; InputFileError when it has no level-1 headings."""
    lines = [Line(t, line.kind) for line in lines if (t := strip_control(line.text).strip())]
    heads = [i for i, line in enumerate(lines) if is_section_heading(line)]
    if not heads:  # a copy retyped without numbers or styles: its bold lines are the headings
        heads = [i for i, line in enumerate(lines) if is_section_heading(line, bold=True)]
    if not heads:
        raise InputFileError(
            f"“{filename}”中没有找到计划的章节标题（如“一、指导思想”），不像是一份工作计划，未导入。"
        )
    before = lines[: heads[0]]
    title = before[0].text if before else ""
    preamble = "\n".join(line.text for line in before[1:])
    author, date, taken = _signature(lines[heads[-1] + 1 :])
    body_end = len(lines) - taken
    sections = []
    for k, start in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else body_end
        body = [line.text for line in lines[start + 1 : end]]
        sections.append(
            EditedSection(lines[start].text, [t for t in body if not _EXPORT_MARK.match(t)])
        )
    return EditedPlan(filename, title, preamble, sections, author, date, mark)


def normal_text(text: str) -> str:
    """A section's text as compared: lines stripped, empty lines and export marks dropped."""
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _EXPORT_MARK.match(line))
