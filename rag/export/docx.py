"""The .docx export in the GB/T 9704-2012 layout.

python-docx's `font.name` sets only the Latin font, and its default template points Chinese
text at the theme's East Asian font (a Japanese fallback). So every style and every run gets
explicit `w:rFonts` (ascii, hAnsi, eastAsia, cs: digits and Latin letters in the same font
as the Chinese around them), every `*Theme` font attribute is removed, and the document
language is zh-CN.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from rag.config import get_settings
from rag.export.text import section_lines
from rag.plan.draft import Draft
from rag.text.clean import strip_control
from rag.text.zh import parse_heading

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号
LINE_PT = 28  # fixed line spacing: 22 lines on the page
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


@dataclass(frozen=True)
class Fonts:
    """Font names; offices without the _GB2312 fonts use PLAIN_FONTS."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"


GB2312_FONTS = Fonts()
PLAIN_FONTS = Fonts(title="方正小标宋简体", body="仿宋", heading2="楷体")
FONT_SETS = {"gb2312": GB2312_FONTS, "plain": PLAIN_FONTS}


def _child(parent, tag: str, first: bool = False):
    """The parent's child element with this tag, added (first or last) if missing."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        if first:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element


def _set_fonts(rpr, name: str) -> None:
    """Explicit fonts for every script on an rPr element, theme fonts removed."""
    fonts = _child(rpr, "w:rFonts", first=True)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _set_lang(rpr) -> None:
    """zh-CN as the language of a run's or style's text."""
    lang = _child(rpr, "w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _strip_theme_fonts(document) -> None:
    """Remove every *Theme font attribute from styles.xml (the Japanese fallback's route)."""
    root = document.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(qn(attr), None)


def _strip_other_style_parts(document) -> None:
    """Word 2010's stylesWithEffects.xml repeats the theme fonts: remove them there too."""
    for part in document.part.package.iter_parts():
        if str(part.partname).endswith("stylesWithEffects.xml"):
            blob = re.sub(rb'\s+w:(?:ascii|hAnsi|eastAsia|cs)[Tt]heme="[^"]*"', b"", part.blob)
            part._blob = blob.replace(b'w:eastAsia="en-US"', b'w:eastAsia="zh-CN"')


def _prepare(document, fonts: Fonts) -> None:
    styles = document.styles
    _strip_theme_fonts(document)
    _strip_other_style_parts(document)
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, fonts.body)
    _set_lang(rpr)
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), fonts.body)
    _set_lang(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    lang = _child(document.settings.element, "w:themeFontLang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # the page number sits about 7 mm below the text


def _paragraph(document, align=None, indent_chars: int = 2):
    p = document.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = Pt(BODY_PT * indent_chars)
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    if align is not None:
        p.alignment = align
    return p


def _run(paragraph, text: str, font: str, size: float = BODY_PT):
    run = paragraph.add_run(strip_control(text))  # an older draft may still hold some
    run.font.size = Pt(size)
    run.font.name = font
    rpr = run._r.get_or_add_rPr()
    _set_fonts(rpr, font)
    _set_lang(rpr)
    return run


def _page_number_field(paragraph, font: str) -> None:
    """— PAGE — as a field Word updates on every page."""
    _run(paragraph, "— ", font, PAGE_NUMBER_PT)
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = _run(paragraph, "", font, PAGE_NUMBER_PT)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _run(paragraph, " —", font, PAGE_NUMBER_PT)


def _footers(document, section, fonts: Fonts) -> None:
    """Odd pages: number on the right; even pages: on the left, each one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        setattr(p.paragraph_format, f"{side}_indent", Pt(PAGE_NUMBER_PT))
        _page_number_field(p, fonts.page_number)


def _item_split(text: str) -> tuple[str, str]:
    """("（一）加强组织领导。", rest) when a level-2 item opens with a short heading."""
    head, sep, rest = text.partition("。")
    if sep and len(head) <= 30 and not re.search(r"[，；：]", head):
        return head + sep, rest
    if not sep and len(text) <= 32:
        return text, ""
    m = re.match(r"（[一二三四五六七八九十]+）", text)
    return (m[0], text[m.end() :]) if m else ("", text)


def add_body_line(document, line: str, fonts: Fonts) -> None:
    """One line of section text, its heading part in the font of its level."""
    p = _paragraph(document)
    heading = parse_heading(line)
    level = heading[0] if heading else None
    if level == 1:
        _run(p, line, fonts.heading1)
    elif level == 2:
        head, rest = _item_split(line)
        _run(p, head, fonts.heading2)
        if rest:
            _run(p, rest, fonts.body)
    else:
        _run(p, line, fonts.body)


def to_docx(draft: Draft, fonts: Fonts = GB2312_FONTS, mark: str = "") -> bytes:
    """The plan as a .docx in the official layout; mark: the export's trace (see
    rag.plan.edited.export_mark), kept in the core properties, where Word and WPS leave it."""
    document = Document()
    document.core_properties.identifier = mark
    _prepare(document, fonts)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    _page(section)
    _footers(document, section, fonts)
    t = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
    t.paragraph_format.line_spacing = Pt(36)
    _run(t, draft.title, fonts.title, TITLE_PT)
    _paragraph(document, indent_chars=0)  # one blank line under the title
    if draft.preamble:
        _run(_paragraph(document), draft.preamble, fonts.body)
    for head, sec in zip(draft.headings(), draft.sections, strict=True):
        add_body_line(document, head, fonts)
        for line in section_lines(sec):
            add_body_line(document, line, fonts)
    _paragraph(document, indent_chars=0)
    for line in [draft.author, draft.date]:
        if line:
            _run(_paragraph(document, WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0), line, fonts.body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fonts_from_settings(settings=None):
    """The .docx fonts: the configured set (gb2312 or plain) with any single overrides."""
    settings = settings or get_settings()
    fonts = FONT_SETS[settings.docx_fonts]
    overrides = {
        name: value
        for name in ("title", "body", "heading1", "heading2", "page_number")
        if (value := getattr(settings, f"docx_{name}_font"))
    }
    return replace(fonts, **overrides)
