"""Reading an edited plan back: a .docx from Word or WPS (with our layout or none, headings as
heading styles, outline levels, bold lines or plain 一、 text, tracked changes accepted or
not), a .txt or a .md; with the same guards as uploads (type, size, zip bomb, encoding)."""

from __future__ import annotations

import json
from pathlib import Path

from docx.oxml.ns import qn

from rag.errors import InputFileError
from rag.library.loaders import check_size, decode_bytes, open_docx
from rag.plan.edited import (
    BODY,
    BOLD,
    HEADING,
    MARK_PREFIX,
    RIGHT,
    TITLE,
    EditedPlan,
    Line,
    parse_plan,
)
from rag.text.clean import strip_control
from rag.text.zh import cn_numeral

# What a tracked-changes file shows as removed, and what is not the page's text.
_SKIPPED = {qn(t) for t in ("w:del", "w:moveFrom", "w:txbxContent", "w:pPr", "w:rPr")}
_SKIPPED.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
_HEADING_STYLES = ("heading 1", "标题 1", "标题1")
_TITLE_STYLES = ("title", "标题")


def _on(element) -> bool:
    """A w:b (or similar) toggle that is on: present, without val 0/false."""
    return element is not None and element.get(qn("w:val")) not in ("0", "false", "off")


class _Styles:
    """What a paragraph style makes of its paragraphs: a heading, a title, bold text."""

    def __init__(self, document):
        self.by_id = {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            self.by_id[style.get(qn("w:styleId"))] = style

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def kind(self, style_id: str | None) -> str:
        for style in self._chain(style_id):
            name = style.find(qn("w:name"))
            name = (name.get(qn("w:val")) if name is not None else "").lower()
            if name in _HEADING_STYLES:
                return HEADING
            if name in _TITLE_STYLES:
                return TITLE
            level = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if level is not None and level.get(qn("w:val")) == "0":
                return HEADING
        return BODY

    def bold(self, style_id: str | None) -> bool:
        return any(_on(s.find(f"{qn('w:rPr')}/{qn('w:b')}")) for s in self._chain(style_id))


_CHINESE_FORMATS = (
    "chineseCounting",
    "chineseCountingThousand",
    "taiwaneseCounting",
    "ideographDigital",
)


class _Numbering:
    """Word's automatic numbering (一、 （一） 1. as list levels, not text): the label each
    numbered paragraph shows, counted as Word counts it, so its text reads as typed."""

    def __init__(self, document, styles: _Styles):
        self.styles = styles
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            source = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            for lvl in source.iterchildren(qn("w:lvl")) if source is not None else ():
                fmt, text, start = (lvl.find(qn(t)) for t in ("w:numFmt", "w:lvlText", "w:start"))
                self.levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = (
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "",
                    int(start.get(qn("w:val"), "1")) if start is not None else 1,
                )

    def _numpr(self, ppr, style_id: str | None):
        found = ppr.find(qn("w:numPr")) if ppr is not None else None
        for style in () if found is not None else self.styles._chain(style_id):
            found = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if found is not None:
                break
        return found

    def label(self, ppr, style_id: str | None) -> str:
        numpr = self._numpr(ppr, style_id)
        if numpr is None:
            return ""
        num, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
        num_id = num.get(qn("w:val")) if num is not None else None
        level = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
        if (num_id, level) not in self.levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = self.levels[(num_id, level)]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        for n in range(level + 1):
            value = counters.get(n, self.levels.get((num_id, n), ("", "", 1))[2])
            shown = cn_numeral(value) if fmt.startswith(_CHINESE_FORMATS) else str(value)
            text = text.replace(f"%{n + 1}", shown)
        return "" if fmt in ("bullet", "none") else text


def _visible(element, runs: list, text: list[str]) -> None:
    """The paragraph's text as it reads with every tracked change accepted: insertions kept,
    deletions and moved-away text dropped (collected with the runs that carry text)."""
    for child in element.iterchildren():
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == qn("w:t"):
            text.append(child.text or "")
        elif tag in (qn("w:br"), qn("w:cr")):
            text.append("\n")
        elif tag == qn("w:tab"):
            text.append("\t")
        else:
            if tag == qn("w:r") and "".join(t.text or "" for t in child.iter(qn("w:t"))).strip():
                runs.append(child)
            _visible(child, runs, text)


def _paragraph(p, styles: _Styles, numbering: _Numbering) -> list[Line]:
    runs: list = []
    text: list[str] = []
    _visible(p, runs, text)
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    style_id = style.get(qn("w:val")) if style is not None else None
    if "".join(text).strip():
        text.insert(0, numbering.label(ppr, style_id))
    kind = BODY
    if ppr is not None:
        kind = styles.kind(style_id)
        level = ppr.find(qn("w:outlineLvl"))
        if level is not None and level.get(qn("w:val")) == "0":
            kind = HEADING
        jc = ppr.find(qn("w:jc"))
        if kind == BODY and jc is not None and jc.get(qn("w:val")) in ("right", "end"):
            kind = RIGHT
    if kind == BODY and runs:
        style_bold = styles.bold(style_id)
        if all(_on(r.find(f"{qn('w:rPr')}/{qn('w:b')}")) or style_bold for r in runs):
            kind = BOLD
    return [Line(part, kind) for part in "".join(text).split("\n")]


def _mark_deleted(p) -> bool:
    """The paragraph's mark was deleted with track changes on: it runs on into the next one."""
    return p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is not None


def _body_lines(element, styles: _Styles, numbering: _Numbering) -> list[Line]:
    lines: list[Line] = []
    joined = ""  # the text of paragraphs whose mark was deleted, waiting for the next one
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            found = _paragraph(child, styles, numbering)
            if joined:
                found[0] = Line(joined + found[0].text, found[0].kind)
                joined = ""
            if _mark_deleted(child):
                joined = found.pop().text
            lines += found
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = []
                for cell in row.iterchildren(qn("w:tc")):
                    cells.append(
                        " ".join(line.text for line in _body_lines(cell, styles, numbering))
                    )
                lines.append(Line("\t".join(cells)))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines += _body_lines(content, styles, numbering)
    return lines


def _mark(document) -> dict | None:
    identifier = document.core_properties.identifier or ""
    if not identifier.startswith(MARK_PREFIX):
        return None
    try:
        mark = json.loads(identifier[len(MARK_PREFIX) :])
    except json.JSONDecodeError:
        return None
    return mark if isinstance(mark, dict) else None


def docx_lines(data: bytes, name: str) -> tuple[list[Line], dict | None]:
    document = open_docx(data, name)
    from lxml.etree import LxmlError

    try:
        body = document.element.body
        styles = _Styles(document)
        return _body_lines(body, styles, _Numbering(document, styles)), _mark(document)
    except (LxmlError, ValueError, KeyError) as e:
        raise InputFileError(
            f"{name}的内容无法解析，请用 Word 或 WPS 另存为 .docx 后再导入。"
        ) from e


def text_lines(text: str, markdown: bool) -> list[Line]:
    lines = []
    for raw in text.split("\n"):
        line = raw.strip()
        kind = BODY
        if markdown:
            if line.startswith("**") and line.endswith("**") and len(line) > 4:
                line, kind = line[2:-2].strip(), HEADING
            hashes = len(line) - len(line.lstrip("#"))
            if hashes and line[hashes : hashes + 1] == " ":
                kind = {1: TITLE, 2: HEADING}.get(hashes, BODY)
                line = line[hashes:].strip()
        lines.append(Line(line, kind))
    return lines


def read_edited(data: bytes, filename: str) -> EditedPlan:
    """The plan an edited file holds; InputFileError (a Chinese message) when it cannot be read
    or is not a plan."""
    name = check_size(data, filename)
    suffix = Path(filename).suffix.lower()
    mark = None
    if suffix == ".docx":
        lines, mark = docx_lines(data, name)
    else:
        lines = text_lines(strip_control(decode_bytes(data, name)), suffix == ".md")
    if not any(line.text.strip() for line in lines):
        raise InputFileError(f"{name}中没有文字内容。")
    return parse_plan(lines, Path(filename).name, mark)
