"""Editing an exported .docx as a person does in Word (python-docx and lxml on its XML): a
sentence changed, a paragraph added, a heading renamed, tracked insertions and deletions
(w:ins / w:del as Word writes them with 修订 on), the title changed; and a WPS-style copy."""

from __future__ import annotations

import copy
from io import BytesIO

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

AUTHOR = "张科长"
WHEN = "2027-01-10T09:00:00Z"


def load(data: bytes):
    return Document(BytesIO(data))


def save(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraph(document, starts: str):
    """The first body paragraph whose text starts with these words."""
    found = [p for p in document.paragraphs if p.text.startswith(starts)]
    assert found, f"no paragraph starts with {starts!r}"
    return found[0]


def replace(document, old: str, new: str) -> None:
    """Change words in the run that holds them (Word keeps an edited run's formatting)."""
    for p in document.paragraphs:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                return
    raise AssertionError(f"{old!r} not found")


def add_after(document, starts: str, text: str) -> None:
    """A new paragraph after the one starting with `starts`, formatted like it."""
    p = paragraph(document, starts)
    new = copy.deepcopy(p._p)
    for run in new.findall(qn("w:r"))[1:]:
        new.remove(run)
    new.find(qn("w:r")).find(qn("w:t")).text = text
    p._p.addnext(new)


def tracked(tag: str, change_id: int):
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(change_id))
    element.set(qn("w:author"), AUTHOR)
    element.set(qn("w:date"), WHEN)
    return element


def _split(document, words: str):
    """The run holding `words` split in three: before, the words' own run, after."""
    for p in document.paragraphs:
        for run in p.runs:
            if words in run.text:
                before, _, after = run.text.partition(words)
                middle, tail = copy.deepcopy(run._r), copy.deepcopy(run._r)
                run.text = before
                run._r.addnext(middle)
                middle.addnext(tail)
                middle.find(qn("w:t")).text = words
                tail.find(qn("w:t")).text = after
                for r in (middle, tail):
                    r.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                return middle
    raise AssertionError(f"{words!r} not found")


def track_delete(document, words: str, change_id: int = 101) -> None:
    """The words deleted with track changes on: w:del around their run, w:t made w:delText."""
    run = _split(document, words)
    deleted = tracked("w:del", change_id)
    run.addprevious(deleted)
    deleted.append(run)
    text = run.find(qn("w:t"))
    text.tag = qn("w:delText")


def track_insert(document, before: str, words: str, change_id: int = 102) -> None:
    """Words inserted with track changes on, just before `before` (w:ins with its own run)."""
    run = _split(document, before)
    inserted = tracked("w:ins", change_id)
    new = copy.deepcopy(run)
    new.find(qn("w:t")).text = words
    inserted.append(new)
    run.addprevious(inserted)


def wps_copy(paragraphs: list[tuple[str, bool, str]]) -> bytes:
    """A document written from scratch, as WPS saves a retyped plan: no styles of ours, every
    paragraph Normal, headings only bold (text, bold, alignment: '' | 'center' | 'right')."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    for text, bold, align in paragraphs:
        p = document.add_paragraph()
        run = p.add_run(text)
        run.bold = bold or None
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[
                align
            ]
    return save(document)


def chinese_numbering(document) -> str:
    """A list like Word's 一、/（一） multilevel numbering added to the document; its numId."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    abstract = parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
    )
    num = parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return "90"


def numbered(paragraph, num_id: str, level: int) -> None:
    """Give a paragraph a level of a list (w:numPr), as Word's numbering button does."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
